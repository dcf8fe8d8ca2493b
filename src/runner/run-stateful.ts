import type { Connection } from '../adapter/adapter.js';
import type { Compiler } from '../compiler/compiler.js';
import type { RelationCatalog } from './catalog.js';
import { relationName, type ModelNode, type SnapshotNode } from '../manifest/nodes.js';
import { runExternal } from './run-external.js';
import { runIncremental } from './run-incremental.js';
import { runSnapshot } from './run-snapshot.js';

/** Per-invocation settings the runner passes to materializations that keep state between runs. */
export interface RunSettings {
  /** `--full-refresh`: rebuild incremental models from scratch (a model's `full_refresh` config wins). */
  fullRefresh?: boolean;
  /** The project's `lake-path` (default `lake`), where external models are written by default. */
  lakePath?: string;
  /** The time snapshots record for this run (default: now). */
  snapshotTime?: Date;
}

/** A node's outcome fields these runners fill in (see execute-node's `Outcome`). */
export interface StatefulOutcome {
  status: 'success';
  message: string;
  rowsAffected?: number;
  relationName: string;
  compiledPath: string;
}

/**
 * Builds an `incremental` or `external` model.
 * @param catalog the run's relation catalog (read, and updated after the build committed)
 * @throws DopsError for config problems; DuckDB's error for SQL failures (nothing changed then)
 */
export async function runStatefulModel(model: ModelNode, connection: Connection, catalog: RelationCatalog, compiler: Compiler, projectDir: string, settings: RunSettings): Promise<StatefulOutcome> {
  if (model.config.materialized === 'external') {
    const { compiled, rows, target } = await runExternal(model, connection, catalog, compiler, projectDir, settings.lakePath ?? 'lake');
    return { status: 'success', message: `wrote ${target.format}`, rowsAffected: rows, relationName: relationName(model.relation), compiledPath: compiled.path };
  }
  const { compiled, rows, incremental } = await runIncremental(model, connection, catalog, compiler, settings.fullRefresh);
  return { status: 'success', message: incremental ? 'updated incremental' : 'created incremental', rowsAffected: rows, relationName: relationName(model.relation), compiledPath: compiled.path };
}

/**
 * Runs a snapshot: creates its table on the first run, then records changed, new and (per
 * `hard_deletes`) deleted rows.
 * @param catalog the run's relation catalog (read, and updated after the snapshot committed)
 * @throws DopsError for config problems; DuckDB's error for SQL failures (nothing changed then)
 */
export async function runSnapshotNode(snapshot: SnapshotNode, connection: Connection, catalog: RelationCatalog, compiler: Compiler, settings: RunSettings): Promise<StatefulOutcome> {
  const { compiled, rows, created } = await runSnapshot(snapshot, connection, catalog, compiler, settings.snapshotTime ?? new Date());
  return { status: 'success', message: created ? 'created snapshot' : 'snapshotted', rowsAffected: rows, relationName: relationName(snapshot.relation), compiledPath: compiled.path };
}
