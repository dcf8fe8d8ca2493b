import { artifactMetadata, writeJson } from '../artifacts/write-json.js';
import type { ProjectLineage } from './project-lineage.js';

/**
 * Writes `target/lineage.json`: per model, `status` (`analysed` or `model-level` with `reason`)
 * and per output column its `transform` and `sources` (`node`, `column`, `transform`).
 */
export function writeLineage(path: string, lineage: ProjectLineage): void {
  const models: Record<string, unknown> = {};
  for (const [id, model] of lineage) {
    models[id] =
      model.status === 'analysed'
        ? { status: model.status, columns: Object.fromEntries(model.columns.map((c) => [c.name, { transform: c.transform, sources: c.sources }])) }
        : { status: model.status, reason: model.reason, columns: {} };
  }
  writeJson(path, { metadata: artifactMetadata('lineage'), models });
}
