import type { Adapter, Connection } from '../adapter/adapter.js';
import { openAdapter } from '../adapter/registry.js';
import { EarlyDatabase } from '../api/early-database.js';
import { RecordingConnection, runFileText, runPath } from '../artifacts/run-files.js';
import type { SelectOptions } from '../api/options.js';
import { runOnRunHooks } from '../api/project-hooks.js';
import { loadProject, type LoadedProject, type LoadHooks } from '../api/project.js';
import { prepareRun, RunControls, runArgs } from '../api/run-controls.js';
import { loadState, resolveSelection } from '../api/selection.js';
import { checkSelection } from '../api/selection-check.js';
import type { Dag } from '../graph/dag.js';
import { selectNodes } from '../graph/selector.js';
import type { Manifest } from '../manifest/manifest.js';
import { isRunnable } from '../materializations/registry.js';
import { RelationCatalog } from '../runner/catalog.js';
import { CompileAhead } from '../runner/compile-ahead.js';
import { executeNode } from '../runner/execute-node.js';
import { forgetBuildStamp, type PendingStamp } from '../state/build-stamp.js';
import { openBuildState, prepareRunStamp, sealBuildStamp } from '../state/open.js';
import { summarize, type NodeResult, type RunSummary } from '../runner/results.js';
import { runInDagOrder } from '../runner/scheduler.js';
import { runUnitTest, UnitTestDatabase } from '../runner/run-unit-test.js';
import { ConfigError } from '../errors.js';
import { secretScrubber } from '../config/secrets.js';
import { RESOURCE_TYPES } from '../manifest/nodes.js';
import { declaredArtifacts, writeArtifacts, type ArtifactSet } from './artifacts.js';
import type { Command, RunCommand } from './commands.js';

/** What a command that runs nodes returns. */
export interface RunOutcome {
  results: NodeResult[];
  summary: RunSummary;
  /** False when a node errored or an error-severity test failed (CLI exit code 1). */
  success: boolean;
  project: LoadedProject;
  /** A build stamp to write once the database is closed (src/state/build-stamp.ts). */
  buildStamp?: PendingStamp;
}

/** The nodes a command runs, in the order they start, and the DAG that orders them. */
export interface ExecutionPlan {
  dag: Dag;
  /** Selected runnable ids in topological order. */
  order: string[];
}

/**
 * True when a plan runs only unit tests: no schemas, hooks or build state; on DuckDB targets no
 * warehouse either (an in-memory DuckDB runs them; other engines run them on the target: see
 * {@link UnitTestDatabase}).
 */
export function unitTestsOnly(project: LoadedProject, plan: ExecutionPlan): boolean {
  return plan.order.length > 0 && plan.order.every((id) => project.manifest.get(id).resourceType === 'unit_test');
}

/**
 * The command's resource types less `--exclude-resource-type`.
 * @throws ConfigError for an unknown excluded type
 */
function withoutExcluded(resourceTypes: readonly string[], options: SelectOptions): string[] {
  const excluded = options.excludeResourceTypes ?? [];
  const unknown = excluded.find((type) => !(RESOURCE_TYPES as readonly string[]).includes(type));
  if (unknown) throw new ConfigError(`Unknown --exclude-resource-type '${unknown}'`, { hint: `Use one of: ${RESOURCE_TYPES.join(', ')}.` });
  return resourceTypes.filter((type) => !excluded.includes(type));
}

/**
 * In `build`, a test gates its model's children: each child waits for the tests of its parents and
 * is skipped when one fails (dbt build's rule). Edges that would close a cycle are left out.
 */
function withTestGates(dag: Dag, manifest: Manifest, selected: Set<string>): Dag {
  const edges: [string, string][] = [];
  const none: ReadonlySet<string> = new Set();
  for (const id of selected) {
    const test = manifest.get(id);
    // A unit test runs before its model; its failure skips the model and the model's descendants.
    if (test.resourceType === 'unit_test' && test.modelId && selected.has(test.modelId)) edges.push([id, test.modelId]);
    if (test.resourceType !== 'test' || !test.attachedNode) continue;
    // A child of the tested node can only be upstream of a test that has another parent too: with
    // the tested node as its one parent, an edge child -> test would close a cycle through it.
    const attached = test.attachedNode;
    const upstream = dag.parents(id).every((parent) => parent === attached) ? none : dag.ancestors(id);
    for (const child of dag.children(attached)) {
      if (child !== id && manifest.get(child).resourceType !== 'test' && !upstream.has(child)) edges.push([id, child]);
    }
  }
  return edges.length ? dag.withEdges(edges) : dag;
}

/**
 * The one path every command takes: load the project -> resolve the selection -> plan -> execute
 * -> write artifacts. A session holds the loaded project and, once {@link Session.connect}ed, the
 * target's adapter and one connection per runner thread; watch mode keeps one open and re-plans
 * on it. Commands are data ({@link Command}): what they select, whether they execute, what they write.
 */
export class Session {
  private adapter: Adapter | undefined;
  private readonly connections: Connection[] = [];
  private catalog: RelationCatalog | undefined;

  private constructor(
    readonly options: SelectOptions,
    readonly project: LoadedProject,
  ) {}

  /**
   * Loads the project (and the `--state` manifest, before this command's manifest.json can replace
   * a state that points at target/).
   * @throws DopsError for project and usage errors (nothing has run then)
   */
  static load(options: SelectOptions, hooks?: LoadHooks): Session {
    const project = loadProject(options, hooks);
    loadState(options);
    return new Session(options, project);
  }

  /** A session over a project already loaded (watch mode reloads the project on each change). */
  static over(project: LoadedProject, options: SelectOptions): Session {
    return new Session(options, project);
  }

  /**
   * The selected node ids of the command's resource types, in DAG order (every node the selection
   * names, runnable or not: what `ls` lists and `compile` renders).
   * @param resourceTypes overrides the command's kinds (`ls --resource-type`)
   * @throws ConfigError for a malformed selector; with `check`, for a selection that matches nothing under --warn-error
   */
  select(command: Command, resourceTypes: readonly string[] = command.resourceTypes, check = true): string[] {
    const { project, options } = this;
    const selection = resolveSelection(project, options);
    if (check) checkSelection(project, options, selection);
    const selected = selectNodes(project.manifest, project.dag, selection, withoutExcluded(resourceTypes, options));
    return project.dag.topologicalOrder().filter((id) => selected.has(id));
  }

  /**
   * Plans a run: the selected nodes the registry says run (not sources, not ephemeral models), in
   * DAG order; in `build`, tests gate their model's children.
   * @param only when given, keeps just these ids of the selection (watch mode's affected nodes, `retry`'s failures)
   * @throws ConfigError for a malformed selector
   */
  plan(command: RunCommand, only?: ReadonlySet<string>): ExecutionPlan {
    const { project, options } = this;
    const { manifest } = project;
    const selection = resolveSelection(project, options);
    if (!only) checkSelection(project, options, selection);
    const selected = new Set([...selectNodes(manifest, project.dag, selection, withoutExcluded(command.resourceTypes, options))].filter((id) => isRunnable(manifest.get(id)) && (!only || only.has(id))));
    const dag = command.name === 'build' ? withTestGates(project.dag, manifest, selected) : project.dag;
    return { dag, order: dag.topologicalOrder().filter((id) => selected.has(id)) };
  }

  /**
   * Opens the target's adapter (unless already open) with up to `threads` connections.
   * @param early a database opened while the project loaded (DuckDB's file), taken when it is the target's
   * @returns the connections, one per runner thread
   * @throws ConfigError when the database cannot be opened or reached (names the target)
   */
  async connect(threads: number, early?: EarlyDatabase): Promise<Connection[]> {
    if (!this.adapter) {
      const opened = await early?.take(this.project.target.path, this.project.config.projectDir);
      this.adapter = opened?.adapter ?? (await openAdapter(this.project.target, this.project.config.projectDir));
      if (opened) {
        this.connections.push(opened.connection);
        this.catalog = opened.catalog;
      }
    }
    while (this.connections.length < Math.max(1, threads)) this.connections.push(await this.adapter.connect());
    return this.connections;
  }

  /**
   * The one connection of a command that queries the target as it goes (`run-operation`, `show`,
   * `clone`, a `compile` whose templates introspect): the adapter the profile's `type` names
   * (duckdb, postgres) opens on first use, so a command that never needs the database never opens
   * it. {@link close} (done by {@link inSession}) closes it.
   * @throws ConfigError when the database cannot be opened or reached (names the target)
   */
  async connection(): Promise<Connection> {
    return (await this.connect(1))[0];
  }

  /** Closes the adapter and its connections. Safe to call more than once. */
  async close(): Promise<void> {
    const adapter = this.adapter;
    this.adapter = undefined;
    this.connections.length = 0;
    await adapter?.close();
  }

  /**
   * Runs a plan on the open connections (one runner thread each), then writes run_results.json
   * (with `--junit`), together with `withResults` (e.g. the manifest), and reports the run.
   * @param signal once aborted, nodes not yet started are skipped (the running ones finish)
   */
  async execute(plan: ExecutionPlan, command: RunCommand, signal?: AbortSignal, withResults: ArtifactSet = {}, connections: Connection[] = this.connections): Promise<RunOutcome> {
    const { project, options } = this;
    const { manifest } = project;
    const { dag, order } = plan;
    const compiler = project.compiler();
    compiler.setInvocation(order, { FULL_REFRESH: Boolean(options.fullRefresh), WHICH: command.name });
    const startedAt = Date.now();
    const settings = { fullRefresh: options.fullRefresh, lakePath: project.target.externalRoot ?? project.config.lakePath, snapshotTime: new Date(startedAt) };
    const controls = new RunControls(options, signal);
    // Only unit tests: no schemas, deferral or project hooks (on DuckDB targets the connections are an in-memory DuckDB).
    const offline = unitTestsOnly(project, plan);
    const unitDatabase = new UnitTestDatabase(project.config.projectDir, project.target);
    // Unit tests on a target that runs them itself (PostgreSQL) use its connections and catalog even when only they run.
    const readsWarehouse = !offline || unitDatabase.onTarget;
    // The database is about to change: a stamp of the previous build no longer describes it.
    if (!offline) forgetBuildStamp(project.config.projectDir, project.config.targetPath);
    if (order.length && !offline) await prepareRun(project, order, connections[0], compiler, loadState(options), Boolean(options.defer), Boolean(options.favorState));
    if (options.empty) compiler.readEmpty();
    const catalog = this.catalog ?? (order.length && readsWarehouse ? await RelationCatalog.load(connections[0]) : RelationCatalog.of([]));
    this.catalog = undefined; // read afresh by the next run of a kept session (watch mode)
    const state = order.length && !offline ? await openBuildState(project, connections[0], options, command.name) : undefined;
    // target/run/: what each executed node ran, written (in the background) with the compiled files.
    const scrub = secretScrubber();
    const ahead = new CompileAhead(compiler, manifest, () => !controls.stopped, state ? (node, sql) => state.prepare(node, sql, compiler) : undefined);
    const lanes = connections.map((connection) => ahead.overlapping(connection));
    // As dbt lays a run out: the header (`Found ...`, `Concurrency: ...`), then the on-run-start hooks, then the nodes.
    options.reporter?.runStarted?.(order.length, { nodes: manifest.nodes.values(), threads: options.threads ?? project.target.threads, target: project.target.name });
    const started = offline || (await runOnRunHooks(project, connections[0], compiler, 'on-run-start', options));
    if (!started) controls.stopReason = 'Skipped because an on-run-start hook failed';
    const results = await runInDagOrder(
      dag,
      order,
      Math.max(1, Math.min(connections.length, order.length)),
      async (id, thread) => {
        const started = new Date();
        if (controls.stopped) {
          return { uniqueId: id, status: 'skipped', message: controls.skipMessage, executionTime: 0, startedAt: started.toISOString(), completedAt: started.toISOString(), thread };
        }
        const node = manifest.get(id);
        options.reporter?.nodeStarted?.(node, thread);
        ahead.starting(id);
        let recorder: RecordingConnection | undefined;
        const build = (connection: Connection) => {
          if (node.resourceType === 'unit_test') return runUnitTest(node, manifest, compiler, unitDatabase, readsWarehouse ? { connection, catalog } : undefined);
          recorder = new RecordingConnection(connection);
          return executeNode(node, recorder, catalog, compiler, project.config.projectDir, settings);
        };
        const run = state ? state.execute(node, lanes[thread], catalog, compiler, build) : build(lanes[thread]);
        const outcome = controls.review(node, await run);
        if (recorder?.statements.length) compiler.writeAlongside(runPath(project.config.targetPath, compiler.compiledPath(node)), runFileText(recorder.statements, scrub));
        if (lanes[thread].lost) controls.stop(`Skipped because the connection to target '${project.target.name}' was lost`);
        const completed = new Date();
        return { uniqueId: id, ...outcome, executionTime: (completed.getTime() - started.getTime()) / 1000, startedAt: started.toISOString(), completedAt: completed.toISOString(), thread };
      },
      (id, cause, thread) => {
        const now = new Date().toISOString();
        return { uniqueId: id, status: 'skipped', message: `Skipped because ${manifest.get(cause).name} failed`, executionTime: 0, startedAt: now, completedAt: now, thread };
      },
      (result, index, total) => options.reporter?.nodeFinished?.(manifest.get(result.uniqueId), result, index, total),
      (id) => ahead.ready(id),
    );
    if (state && !connections[0].lost) {
      await state.flush(connections[0]).catch((error: unknown) => {
        const first = String((error as Error)?.message ?? error).split('\n')[0];
        options.reporter?.warnings?.([`The tests' build records were not saved (${first}): they run again next time`]);
      });
    }
    await unitDatabase.close();
    const ended = offline || (await runOnRunHooks(project, connections[0], compiler, 'on-run-end', options, results));
    const elapsed = (Date.now() - startedAt) / 1000;
    const summary = summarize(results, elapsed);
    // An embedded engine writes the run's changes to its file (else done when it closes, on the JS
    // thread) while the artifacts are written; closing then has nothing left to write. A failed
    // checkpoint changes nothing: closing writes them.
    const checkpoint = readsWarehouse && !offline && !connections[0].lost ? connections[0].dialect.checkpoint : undefined;
    const settling = checkpoint ? connections[0].execute(checkpoint).catch(() => undefined) : undefined;
    // Compiled and run files may still be being written in the background (the last of them while
    // DuckDB checkpoints); the compile cache records them.
    compiler.finish();
    this.write(command, { ...withResults, runResults: { results, elapsed, args: runArgs(project, options, command.name), startedAt, junit: options.junit } });
    options.reporter?.runFinished?.(results, summary, manifest.nodes);
    await settling;
    const buildStamp = started && ended && !offline ? prepareRunStamp(project, options, command.name, state, results, runArgs(project, options, command.name)) : undefined;
    return { results, summary, success: summary.error === 0 && started && ended, project, buildStamp };
  }

  /**
   * Writes a command's artifacts through the one writer (see {@link writeArtifacts}).
   * @throws Error (a bug in dops) for an artifact `command` does not declare (nothing is written then)
   */
  write(command: Command, set: ArtifactSet): void {
    writeArtifacts(this.project, command, set);
  }
}

/** What a command's body (see {@link inSession}) hands back: its value, and the artifacts it leaves. */
export interface SessionRun<T> {
  value: T;
  /** Written once the database is closed, and only those the command declares (absent: none). */
  artifacts?: ArtifactSet;
}

export { declaredArtifacts };

/**
 * Runs a command that is not a node run (`run-operation`, `show`, `compile --inline`, `clone`)
 * through the session: loads the project (with `hooks`, e.g. the `--inline` model), hands the
 * session to `body` (which selects, plans and executes, opening the database through
 * {@link Session.connection} only if it needs it), closes the database whatever happens, then
 * writes the artifacts the body returned through the one writer. A body that throws (a project or
 * usage error, nothing run) writes nothing.
 * @throws DopsError from loading the project or from `body`
 */
export async function inSession<T>(command: Command, options: SelectOptions, body: (session: Session) => Promise<SessionRun<T>>, hooks?: LoadHooks): Promise<T> {
  const session = Session.load(options, hooks);
  let run: SessionRun<T>;
  try {
    run = await body(session);
  } finally {
    await session.close();
  }
  if (run.artifacts) session.write(command, run.artifacts);
  return run.value;
}

/**
 * Runs a node-running command start to end: loads the project, plans the selection, runs it
 * against the target and writes manifest.json and run_results.json together. A command that does
 * not run (a project error, the database held by another process) writes neither.
 * @param only when given, runs just these ids of the selection (`dops retry`)
 * @throws DopsError for project/usage errors (nothing has run then); node failures are results
 */
export async function runCommand(command: RunCommand, options: SelectOptions, only?: ReadonlySet<string>): Promise<RunOutcome> {
  // The adapter loads its driver on demand: the native DuckDB module costs ~0.5 s, which `--version`, `ls` and `compile` never need.
  // Begun by src/cli/main.ts before the command modules loaded, when the command line asked for a run.
  const early = await EarlyDatabase.claim(options);
  let session: Session;
  let plan: ExecutionPlan;
  try {
    session = Session.load(options);
    plan = session.plan(command, only);
  } catch (error) {
    await early?.discard();
    throw error;
  }
  const threads = Math.min(options.threads ?? session.project.target.threads, plan.order.length);
  const memory = new UnitTestDatabase(session.project.config.projectDir, session.project.target);
  if (unitTestsOnly(session.project, plan) && !memory.onTarget) {
    // No warehouse: `dops test -s test_type:unit` neither opens nor creates the target's database.
    await early?.discard();
    try {
      const connections: Connection[] = [];
      while (connections.length < Math.max(1, threads)) connections.push(await memory.connect());
      return await session.execute(plan, command, undefined, { manifest: {} }, connections);
    } finally {
      await memory.close();
    }
  }
  let outcome: RunOutcome | undefined;
  try {
    await session.connect(threads, early);
    outcome = await session.execute(plan, command, undefined, { manifest: {} });
    return outcome;
  } finally {
    await session.close();
    // Stamped after closing: closing checkpoints the database file.
    sealBuildStamp(outcome?.buildStamp);
  }
}

