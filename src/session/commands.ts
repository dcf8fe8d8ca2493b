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

/**
 * Refuses an artifact a command does not declare.
 * @throws Error (a bug in dops) naming the command and the artifact
 */
export function assertDeclared(command: Command, artifact: ArtifactName): void {
  if (!command.artifacts.includes(artifact)) throw new Error(`dops ${command.name} wrote ${artifact}, which its declaration (src/session/commands.ts) does not list`);
}

/** A command that runs nodes in DAG order on the runner. */
export interface RunCommand extends Command {
  readonly name: 'build' | 'run' | 'test' | 'seed' | 'snapshot';
  readonly executes: true;
}

/**
 * What a node run writes: manifest.json and run_results.json (dbt's build/run/seed/snapshot/test,
 * docs.getdbt.com/reference/artifacts/dbt-artifacts), the compiled and executed SQL of its nodes
 * (target/compiled/, target/run/), and the caches of parsing and compiling.
 */
const RUN_ARTIFACTS = ['manifest', 'run_results', 'partial_parse', 'compiled', 'compile_cache', 'run'] as const;
/** `build` and `run` also leave the stamp an up-to-date rerun replays (src/state/build-stamp.ts). */
const STAMPED_RUN_ARTIFACTS = [...RUN_ARTIFACTS, 'build_stamp'] as const;

/** The node-running commands (dbt's: https://docs.getdbt.com/reference/commands/build). */
export const RUN_COMMANDS = {
  build: { name: 'build', resourceTypes: ['seed', 'model', 'snapshot', 'test', 'unit_test'], executes: true, artifacts: STAMPED_RUN_ARTIFACTS },
  run: { name: 'run', resourceTypes: ['model'], executes: true, artifacts: STAMPED_RUN_ARTIFACTS },
  test: { name: 'test', resourceTypes: ['test', 'unit_test'], executes: true, artifacts: RUN_ARTIFACTS },
  seed: { name: 'seed', resourceTypes: ['seed'], executes: true, artifacts: RUN_ARTIFACTS },
  snapshot: { name: 'snapshot', resourceTypes: ['snapshot'], executes: true, artifacts: RUN_ARTIFACTS },
} as const satisfies Record<string, RunCommand>;

/**
 * The other commands over the session: what they select and write. `ls` lists every kind unless
 * `--resource-type` narrows it; `compile` renders SQL nodes; `docs generate` reads the catalog of
 * what it selects; `source freshness` queries sources. Every command that loads the project may
 * refresh the parse cache (`partial_parse`).
 */
export const OTHER_COMMANDS = {
  compile: { name: 'compile', resourceTypes: ['model', 'snapshot', 'test'], executes: false, artifacts: ['manifest', 'partial_parse', 'compiled', 'compile_cache', 'compile_stamp'] },
  ls: { name: 'ls', resourceTypes: ['model', 'seed', 'snapshot', 'test', 'unit_test', 'source'], executes: false, artifacts: ['manifest', 'partial_parse'] },
  parse: { name: 'parse', resourceTypes: [], executes: false, artifacts: ['manifest', 'perf_info', 'partial_parse'] },
  docs: { name: 'docs generate', resourceTypes: ['model', 'seed', 'snapshot', 'source', 'test'], executes: true, artifacts: ['manifest', 'catalog', 'lineage', 'partial_parse', 'compiled', 'compile_cache', 'docs_site'] },
  /** `docs serve`: serves target/docs; refreshes manifest.json as it loads the project. */
  docsServe: { name: 'docs serve', resourceTypes: [], executes: false, artifacts: ['manifest', 'partial_parse'] },
  /** `lineage model.column`: analyses the project's column lineage (compiling it). */
  lineage: { name: 'lineage', resourceTypes: [], executes: false, artifacts: ['manifest', 'partial_parse', 'compiled', 'compile_cache'] },
  freshness: { name: 'source freshness', resourceTypes: ['source'], executes: true, artifacts: ['sources', 'partial_parse'] },
  /**
   * Runs one macro (no nodes, no on-run-start/end hooks) and records it as one result, as dbt's
   * RunOperationTask does (docs.getdbt.com/reference/commands/run-operation).
   */
  runOperation: { name: 'run-operation', resourceTypes: [], executes: true, artifacts: ['manifest', 'run_results', 'partial_parse'] },
  /** Previews selected models, snapshots and seeds (or the `--inline` query); writes no artifact (only caches). */
  show: { name: 'show', resourceTypes: ['model', 'snapshot', 'seed'], executes: true, artifacts: ['partial_parse', 'compiled', 'compile_cache'] },
  /**
   * `compile --inline`: prints the query's compiled SQL (querying the target only if its template
   * does); writes no artifact, only caches (the compiler may refresh compiled files on the way).
   */
  compileInline: { name: 'compile', resourceTypes: [], executes: false, artifacts: ['partial_parse', 'compiled', 'compile_cache'] },
  /** Creates the `--state` relations of the selected models, seeds and snapshots in this target. */
  clone: { name: 'clone', resourceTypes: ['model', 'seed', 'snapshot'], executes: true, artifacts: ['manifest', 'run_results', 'partial_parse'] },
  /**
   * Runs again what failed in the last run_results.json with that run's command (a node run, or
   * `run-operation`), which writes what that command declares: at most these.
   */
  retry: { name: 'retry', resourceTypes: [], executes: true, artifacts: [...STAMPED_RUN_ARTIFACTS] },
} as const satisfies Record<string, Command>;
