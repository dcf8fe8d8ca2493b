import type { ResourceType } from '../manifest/nodes.js';
import type { ArtifactName } from './artifacts.js';

/**
 * A command declared as data over the session (src/session/session.ts): its name (recorded in
 * run_results `args`), the resource types it selects, whether it executes them against the
 * target, and the artifacts it writes once it has run. Every path that runs a command (the API,
 * `dops retry`, watch mode) reads these, so they cannot drift apart.
 */
export interface Command {
  readonly name: string;
  readonly resourceTypes: readonly ResourceType[];
  /** Nodes are executed against the target (false: the command only loads, selects and compiles). */
  readonly executes: boolean;
  readonly artifacts: readonly ArtifactName[];
}

/** A command that runs nodes in DAG order on the runner. */
export interface RunCommand extends Command {
  readonly name: 'build' | 'run' | 'test' | 'seed' | 'snapshot';
  readonly executes: true;
}

const RUN_ARTIFACTS = ['manifest', 'run_results'] as const;

/** The node-running commands (dbt's: https://docs.getdbt.com/reference/commands/build). */
export const RUN_COMMANDS = {
  build: { name: 'build', resourceTypes: ['seed', 'model', 'snapshot', 'test', 'unit_test'], executes: true, artifacts: RUN_ARTIFACTS },
  run: { name: 'run', resourceTypes: ['model'], executes: true, artifacts: RUN_ARTIFACTS },
  test: { name: 'test', resourceTypes: ['test', 'unit_test'], executes: true, artifacts: RUN_ARTIFACTS },
  seed: { name: 'seed', resourceTypes: ['seed'], executes: true, artifacts: RUN_ARTIFACTS },
  snapshot: { name: 'snapshot', resourceTypes: ['snapshot'], executes: true, artifacts: RUN_ARTIFACTS },
} as const satisfies Record<string, RunCommand>;

/**
 * The other commands over the session: what they select and write. `ls` lists every kind unless
 * `--resource-type` narrows it; `compile` renders SQL nodes; `docs generate` reads the catalog of
 * what it selects; `source freshness` queries sources.
 */
export const OTHER_COMMANDS = {
  compile: { name: 'compile', resourceTypes: ['model', 'snapshot', 'test'], executes: false, artifacts: ['manifest'] },
  ls: { name: 'ls', resourceTypes: ['model', 'seed', 'snapshot', 'test', 'unit_test', 'source'], executes: false, artifacts: ['manifest'] },
  parse: { name: 'parse', resourceTypes: [], executes: false, artifacts: ['manifest', 'perf_info'] },
  docs: { name: 'docs generate', resourceTypes: ['model', 'seed', 'snapshot', 'source', 'test'], executes: true, artifacts: ['manifest', 'catalog', 'lineage'] },
  freshness: { name: 'source freshness', resourceTypes: ['source'], executes: true, artifacts: ['sources'] },
  /**
   * Runs one macro (no nodes, no on-run-start/end hooks) and records it as one result, as dbt's
   * RunOperationTask does (docs.getdbt.com/reference/commands/run-operation).
   */
  runOperation: { name: 'run-operation', resourceTypes: [], executes: true, artifacts: ['manifest', 'run_results'] },
  /** Previews selected models, snapshots and seeds (or the `--inline` query); writes nothing. */
  show: { name: 'show', resourceTypes: ['model', 'snapshot', 'seed'], executes: true, artifacts: [] },
  /** `compile --inline`: prints the query's compiled SQL (querying the target only if its template does); writes nothing. */
  compileInline: { name: 'compile', resourceTypes: [], executes: false, artifacts: [] },
  /** Creates the `--state` relations of the selected models, seeds and snapshots in this target. */
  clone: { name: 'clone', resourceTypes: ['model', 'seed', 'snapshot'], executes: true, artifacts: ['manifest', 'run_results'] },
} as const satisfies Record<string, Command>;
