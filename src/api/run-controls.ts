import { resolve } from 'node:path';
import type { Connection } from '../adapter/adapter.js';
import { quoteIdentifier, renderRelation } from '../adapter/quoting.js';
import type { Compiler } from '../compiler/compiler.js';
import { stateDatabaseFile, stateRelation, type StateManifest } from '../graph/state.js';
import type { Manifest } from '../manifest/manifest.js';
import type { ManifestNode } from '../manifest/nodes.js';
import { blocksDescendants, type NodeResult } from '../runner/results.js';
import { failuresRelation, storesFailures } from '../runner/run-test.js';
import type { Outcome } from '../runner/execute-node.js';
import type { SelectOptions } from './options.js';
import type { LoadedProject } from './project.js';
import { isInlined } from '../materializations/registry.js';

/** Alias the state target's database is attached under for `--defer` (read-only). */
export const STATE_ALIAS = 'dops_state';

/**
 * The run-wide switches applied around each node: `--warn-error` turns a warning into a failure,
 * `--fail-fast` stops the run after the first failure (nodes not yet started are skipped).
 */
export class RunControls {
  /** Why the rest of the run is skipped, once it is. */
  stopReason?: string;

  constructor(private readonly options: SelectOptions, private readonly signal?: AbortSignal) {}

  /** True once nodes not yet started must be skipped (the run was stopped, or --fail-fast saw a failure). */
  get stopped(): boolean {
    return Boolean(this.signal?.aborted) || this.stopReason !== undefined;
  }

  /** The skip message for nodes not started because of {@link stopped}. */
  get skipMessage(): string {
    return this.stopReason ?? 'Skipped because the run was stopped';
  }

  /** Skips every node not yet started, with `reason` as their message (e.g. the database connection was lost). */
  stop(reason: string): void {
    this.stopReason ??= reason;
  }

  /** Applies `--warn-error` to a node's outcome and records a failure for `--fail-fast`. */
  review(node: ManifestNode, outcome: Outcome): Outcome {
    const reviewed = this.options.warnError && outcome.status === 'warn' ? { ...outcome, status: 'fail' as const, message: `${outcome.message} (--warn-error)` } : outcome;
    if (this.options.failFast && this.stopReason === undefined && blocksDescendants(reviewed.status)) {
      this.stopReason = `Skipped because of --fail-fast (${node.name} failed)`;
    }
    return reviewed;
  }
}

/** Schemas the selected nodes write to: their relations' and the audit schema of tests storing failures. */
function schemasOf(manifest: Manifest, order: string[]): string[] {
  const schemas = new Set<string>();
  for (const id of order) {
    const node = manifest.get(id);
    if (node.resourceType === 'test') {
      if (storesFailures(node)) schemas.add(failuresRelation(node).schema);
    } else if ('relation' in node && node.resourceType !== 'source') schemas.add(node.relation.schema);
  }
  return [...schemas].sort();
}

/**
 * Gets the database ready before any node runs:
 * - creates every schema the run writes to, one at a time: DuckDB reports a catalog write-write
 *   conflict when two connections' transactions create the same schema concurrently;
 * - with `--defer`, attaches the state target's database read-only (when it is another file) and
 *   points refs to unselected nodes at the state's relations: those this target lacks, or all of
 *   them with `favorState` (dbt's `--favor-state`, docs.getdbt.com/reference/node-selection/defer).
 */
export async function prepareRun(project: LoadedProject, order: string[], connection: Connection, compiler: Compiler, state: StateManifest | undefined, defer: boolean, favorState = false): Promise<void> {
  for (const schema of schemasOf(project.manifest, order)) await connection.execute(`create schema if not exists ${quoteIdentifier(schema)}`);
  if (!defer || !state) return;
  // Engines without database files (PostgreSQL) read the state's relations from the same server.
  let attach: string | undefined;
  if (connection.dialect.attachReadOnly) {
    const file = stateDatabaseFile(state, project.config.projectDir);
    const current = project.target.path === ':memory:' ? undefined : resolve(project.config.projectDir, project.target.path);
    if (current !== resolve(file)) attach = connection.dialect.attachReadOnly(file, STATE_ALIAS);
  }
  if (attach) await connection.execute(attach);
  const selected = new Set(order);
  const present = favorState ? new Set<string>() : new Set((await connection.listRelations()).map((r) => `${r.schema}.${r.identifier}`.toLowerCase()));
  const deferred = new Map<string, string>();
  for (const node of project.manifest.nodes.values()) {
    if (selected.has(node.uniqueId) || (node.resourceType !== 'model' && node.resourceType !== 'seed' && node.resourceType !== 'snapshot')) continue;
    if (isInlined(node)) continue;
    if (present.has(`${node.relation.schema}.${node.relation.identifier}`.toLowerCase())) continue;
    const relation = stateRelation(state, node.uniqueId);
    if (relation) deferred.set(node.uniqueId, attach ? `${quoteIdentifier(STATE_ALIAS)}.${renderRelation(relation)}` : renderRelation(relation));
  }
  compiler.deferTo(deferred);
}

/**
 * What run_results.json records under `args`: enough for `dops retry` to repeat the invocation.
 */
export function runArgs(project: LoadedProject, options: SelectOptions, command: string): Record<string, unknown> {
  return {
    command,
    select: options.select ?? [],
    exclude: options.exclude ?? [],
    selector: options.selector ?? null,
    indirect_selection: options.indirectSelection ?? 'eager',
    state: options.state ?? null,
    defer: Boolean(options.defer),
    target: project.target.name,
    vars: typeof options.vars === 'string' ? options.vars : options.vars ?? {},
    threads: options.threads ?? project.target.threads,
    full_refresh: Boolean(options.fullRefresh),
    warn_error: Boolean(options.warnError),
    fail_fast: Boolean(options.failFast),
  };
}
