import type { Connection } from '../adapter/adapter.js';
import { renderRelation } from '../adapter/quoting.js';
import type { FreshnessResult } from '../artifacts/sources.js';
import type { SourceNode } from '../manifest/nodes.js';
import { freshnessQuery, freshnessStatus } from '../runner/freshness.js';
import { TemplateRelation } from '../templating/relation.js';
import type { SelectOptions } from './options.js';
import type { LoadedProject } from './project.js';
import { OTHER_COMMANDS } from '../session/commands.js';
import { Session } from '../session/session.js';

export type { FreshnessResult } from '../artifacts/sources.js';

/** What `dops source freshness` returns. */
export interface FreshnessOutcome {
  results: FreshnessResult[];
  /** False when a source is past `error_after` or its check failed (CLI exit code 1); warnings pass. */
  success: boolean;
  project: LoadedProject;
}

function relationSql(source: SourceNode): string {
  return source.externalLocation ? String(TemplateRelation.external(source.relation, source.externalLocation, source.readerOptions)) : renderRelation(source.relation);
}

async function checkSource(source: SourceNode, connection: Connection): Promise<FreshnessResult> {
  const started = Date.now();
  const base = { uniqueId: source.uniqueId, name: `${source.sourceName}.${source.name}`, criteria: source.freshness!, snapshottedAt: new Date(started).toISOString() };
  const elapsed = () => (Date.now() - started) / 1000;
  if (!source.loadedAtField) {
    return { ...base, status: 'runtime error', executionTime: elapsed(), message: `Source ${base.name} has freshness criteria but no loaded_at_field (${source.originalFilePath}:${source.line ?? 1})` };
  }
  try {
    const rows = await connection.query(freshnessQuery(relationSql(source), source.loadedAtField, source.freshness!.filter, connection.dialect));
    const epoch = rows[0]?.max_loaded_at;
    const maxLoadedAt = epoch === null || epoch === undefined ? undefined : new Date(Number(epoch) * 1000);
    const ageSeconds = maxLoadedAt ? (started - maxLoadedAt.getTime()) / 1000 : undefined;
    return { ...base, status: freshnessStatus(ageSeconds, source.freshness!), maxLoadedAt: maxLoadedAt?.toISOString(), ageSeconds, executionTime: elapsed() };
  } catch (error) {
    return { ...base, status: 'runtime error', executionTime: elapsed(), message: String((error as Error).message).split('\n')[0] };
  }
}

/**
 * `dops source freshness`: for each selected source table with `freshness:` criteria, reads
 * `max(loaded_at_field)` and compares its age with `warn_after` / `error_after` (dbt's rule);
 * writes `target/sources.json`. Sources without criteria are left out.
 * @throws DopsError for project or selector errors (nothing checked then)
 */
export async function sourceFreshness(options: SelectOptions = {}): Promise<FreshnessOutcome> {
  const session = Session.load(options);
  const { project } = session;
  const sources = session
    .select(OTHER_COMMANDS.freshness, OTHER_COMMANDS.freshness.resourceTypes, false)
    .map((id) => project.manifest.get(id))
    .filter((node): node is SourceNode => node.resourceType === 'source' && node.freshness !== undefined);
  const started = Date.now();
  const results: FreshnessResult[] = [];
  try {
    const [connection] = await session.connect(1);
    for (const source of sources.sort((a, b) => a.uniqueId.localeCompare(b.uniqueId))) results.push(await checkSource(source, connection));
  } finally {
    await session.close();
  }
  session.write(OTHER_COMMANDS.freshness, { sources: { results, elapsed: (Date.now() - started) / 1000 } });
  return { results, success: results.every((r) => r.status === 'pass' || r.status === 'warn'), project };
}
