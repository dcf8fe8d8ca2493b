import { withArtifactLock } from '../artifacts/artifact-lock.js';
import { writeCatalog, type Catalog } from '../artifacts/catalog.js';
import { writeJunit } from '../artifacts/junit.js';
import { writeManifest } from '../artifacts/manifest.js';
import { writeRunResults } from '../artifacts/run-results.js';
import { writeSources, type FreshnessResult } from '../artifacts/sources.js';
import { writeJson } from '../artifacts/write-json.js';
import { writeLineage } from '../lineage/artifact.js';
import type { ProjectLineage } from '../lineage/project-lineage.js';
import type { LoadedProject } from '../api/project.js';
import { targetFile } from '../api/project.js';
import { manifestMetadata, userPath } from '../api/selection.js';
import type { NodeResult } from '../runner/results.js';

/** The artifacts one command writes, each named by the file it becomes (dbt's artifacts: https://docs.getdbt.com/reference/artifacts/dbt-artifacts). */
export type ArtifactName = 'manifest' | 'run_results' | 'sources' | 'catalog' | 'lineage' | 'perf_info';

/**
 * What a command that ran hands the writer. Only the parts present are written; `manifest` is
 * the project's manifest.json (with compiled SQL when the command compiled).
 */
export interface ArtifactSet {
  manifest?: { compiled?: ReadonlyMap<string, string> };
  /** run_results.json (and the results history beside it), plus `--junit` when `junit` names a file. */
  runResults?: { results: NodeResult[]; elapsed: number; args: Record<string, unknown>; startedAt: number; junit?: string };
  /** sources.json (`dops source freshness`). */
  sources?: { results: FreshnessResult[]; elapsed: number };
  catalog?: Catalog;
  lineage?: ProjectLineage;
  /** perf_info.json (`dops parse`). */
  perfInfo?: Record<string, unknown>;
}

/**
 * The one artifact writer: writes a command's artifacts together under `target/.artifacts.lock`, so
 * one invocation's files are never interleaved with another's, each file atomically (aside, then
 * renamed) with secret values masked. Called only once a command has run: a command that fails
 * before running (project error, database in use) writes nothing.
 */
export function writeArtifacts(project: LoadedProject, set: ArtifactSet): void {
  withArtifactLock(targetFile(project, '.'), () => {
    if (set.manifest) writeManifest(targetFile(project, 'manifest.json'), project.manifest, manifestMetadata(project), set.manifest.compiled);
    if (set.runResults) {
      const { results, elapsed, args, startedAt, junit } = set.runResults;
      writeRunResults(targetFile(project, 'run_results.json'), results, elapsed, args);
      if (junit) writeJunit(userPath(junit), results, { command: String(args.command), elapsed, timestamp: new Date(startedAt).toISOString(), nodes: project.manifest.nodes });
    }
    if (set.sources) writeSources(targetFile(project, 'sources.json'), set.sources.results, set.sources.elapsed);
    if (set.catalog) writeCatalog(targetFile(project, 'catalog.json'), set.catalog, project.manifest);
    if (set.lineage) writeLineage(targetFile(project, 'lineage.json'), set.lineage);
    if (set.perfInfo) writeJson(targetFile(project, 'perf_info.json'), set.perfInfo);
  });
}
