import { dirname } from 'node:path';
import { withArtifactLock } from '../artifacts/artifact-lock.js';
import { writeManifest } from '../artifacts/manifest.js';
import { writeRunResults } from '../artifacts/run-results.js';
import type { Connection } from '../adapter/adapter.js';
import { openAdapter } from '../adapter/registry.js';
import type { Dag } from '../graph/dag.js';
import { selectNodes } from '../graph/selector.js';
import { ConfigError } from '../errors.js';
import type { Manifest } from '../manifest/manifest.js';
import { RESOURCE_TYPES, type ResourceType } from '../manifest/nodes.js';
import { RelationCatalog } from '../runner/catalog.js';
import { CompileAhead } from '../runner/compile-ahead.js';
import { executeNode } from '../runner/execute-node.js';
import { summarize, type NodeResult, type RunSummary } from '../runner/results.js';
import { runInDagOrder } from '../runner/scheduler.js';
import { runUnitTest, UnitTestDatabase } from '../runner/run-unit-test.js';
import { forgetBuildStamp, type PendingStamp } from '../state/build-stamp.js';
import { openBuildState, prepareRunStamp, sealBuildStamp } from '../state/open.js';
import type { SelectOptions } from './options.js';
import { EarlyDatabase } from './early-database.js';
import { runOnRunHooks } from './project-hooks.js';
import { loadProject, targetFile, type LoadedProject } from './project.js';
import { prepareRun, RunControls, runArgs, writeRunReports } from './run-controls.js';
import { loadState, manifestMetadata, resolveSelection } from './selection.js';
import { checkSelection } from './selection-check.js';

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

function runnable(manifest: Manifest, id: string): boolean {
  const node = manifest.get(id);
  return node.resourceType !== 'source' && !(node.resourceType === 'model' && node.config.materialized === 'ephemeral');
}

/** The nodes a command runs, in the order they start, and the DAG that orders them. */
export interface ExecutionPlan {
  dag: Dag;
  /** Selected runnable ids in topological order. */
  order: string[];
}

/** True when a plan runs only unit tests: they need no warehouse (an in-memory DuckDB runs them). */
export function unitTestsOnly(project: LoadedProject, plan: ExecutionPlan): boolean {
  return plan.order.length > 0 && plan.order.every((id) => project.manifest.get(id).resourceType === 'unit_test');
}

/**
 * Selects the runnable nodes of the given types and orders them (in `build`, tests gate their
 * model's children).
 * @param only when given, keeps just these ids of the selection (watch mode's affected nodes)
 * @throws ConfigError for a malformed selector
 */
export function planExecution(project: LoadedProject, options: SelectOptions, resourceTypes: ResourceType[], command: string, only?: ReadonlySet<string>): ExecutionPlan {
  const { manifest } = project;
  const selection = resolveSelection(project, options);
  if (!only) checkSelection(project, options, selection);
  const excluded = options.excludeResourceTypes ?? [];
  const unknown = excluded.find((type) => !(RESOURCE_TYPES as readonly string[]).includes(type));
  if (unknown) throw new ConfigError(`Unknown --exclude-resource-type '${unknown}'`, { hint: `Use one of: ${RESOURCE_TYPES.join(', ')}.` });
  const types = resourceTypes.filter((type) => !excluded.includes(type));
  const selected = new Set([...selectNodes(manifest, project.dag, selection, types)].filter((id) => runnable(manifest, id) && (!only || only.has(id))));
  const dag = command === 'build' ? withTestGates(project.dag, manifest, selected) : project.dag;
  return { dag, order: dag.topologicalOrder().filter((id) => selected.has(id)) };
}

/**
 * Runs a plan on already-open connections (one runner thread each), then writes
 * `target/run_results.json` and reports the run.
 * @param signal once aborted, nodes not yet started are skipped (the running ones finish)
 * @param catalog the database's relations, when already read (default: read at the start of the run)
 * @param writeWithResults artifacts written together with run_results.json, under the target
 *   dir's artifact lock (e.g. manifest.json), so one invocation's artifacts are never mixed with another's
 */
export async function runExecutionPlan(
  project: LoadedProject,
  plan: ExecutionPlan,
  connections: Connection[],
  options: SelectOptions,
  command: string,
  signal?: AbortSignal,
  catalog?: RelationCatalog,
  writeWithResults?: () => void,
): Promise<RunOutcome> {
  const { manifest } = project;
  const { dag, order } = plan;
  const compiler = project.compiler();
  compiler.setInvocation(order, { FULL_REFRESH: Boolean(options.fullRefresh), WHICH: command });
  const startedAt = Date.now();
  const settings = { fullRefresh: options.fullRefresh, lakePath: project.target.externalRoot ?? project.config.lakePath, snapshotTime: new Date(startedAt) };
  const controls = new RunControls(options, signal);
  // Only unit tests: the connections are an in-memory DuckDB; no schemas, deferral or project hooks.
  const offline = unitTestsOnly(project, plan);
  const unitDatabase = new UnitTestDatabase(project.config.projectDir, project.target);
  if (order.length && !offline) await prepareRun(project, order, connections[0], compiler, loadState(options), Boolean(options.defer), Boolean(options.favorState));
  if (options.empty) compiler.readEmpty();
  catalog ??= order.length ? await RelationCatalog.load(connections[0]) : RelationCatalog.of([]);
  const state = order.length && !offline ? await openBuildState(project, connections[0], options, command) : undefined;
  const ahead = new CompileAhead(compiler, manifest, () => !controls.stopped);
  const lanes = connections.map((connection) => ahead.overlapping(connection));
  const started = offline || (await runOnRunHooks(project, connections[0], compiler, 'on-run-start', options));
  if (!started) controls.stopReason = 'Skipped because an on-run-start hook failed';
  options.reporter?.runStarted?.(order.length, { nodes: manifest.nodes.values(), threads: options.threads ?? project.target.threads, target: project.target.name });
  const results = await runInDagOrder(
    dag,
    order,
    Math.max(1, Math.min(connections.length, order.length)),
    async (id, thread) => {
      const started = new Date();
      if (controls.stopped) {
        return { uniqueId: id, status: 'skipped', message: controls.skipMessage, executionTime: 0, startedAt: started.toISOString(), completedAt: started.toISOString(), thread };
      }
      options.reporter?.nodeStarted?.(manifest.get(id), thread);
      ahead.starting(id);
      const node = manifest.get(id);
      const build = (connection: Connection) => node.resourceType === 'unit_test'
        ? runUnitTest(node, manifest, compiler, unitDatabase, offline ? undefined : { connection, catalog: catalog! })
        : executeNode(node, connection, catalog!, compiler, project.config.projectDir, settings);
      const run = state ? state.execute(node, lanes[thread], catalog!, compiler, build) : build(lanes[thread]);
      const outcome = controls.review(node, await run);
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
  // Compiled files may still be being written in the background; the cache records them.
  compiler.finish();
  await unitDatabase.close();
  const ended = offline || (await runOnRunHooks(project, connections[0], compiler, 'on-run-end', options, results));
  const elapsed = (Date.now() - startedAt) / 1000;
  const summary = summarize(results, elapsed);
  withArtifactLock(dirname(targetFile(project, 'run_results.json')), () => {
    writeWithResults?.();
    writeRunResults(targetFile(project, 'run_results.json'), results, elapsed, runArgs(project, options, command));
    writeRunReports(project, results, elapsed, startedAt, options, command);
  });
  options.reporter?.runFinished?.(results, summary, manifest.nodes);
  const buildStamp = started && ended ? prepareRunStamp(project, options, command, state, results, runArgs(project, options, command)) : undefined;
  return { results, summary, success: summary.error === 0 && started && ended, project, buildStamp };
}

/**
 * Loads the project, selects nodes of the given types and runs them in DAG order against the
 * target's DuckDB; then writes `target/manifest.json` and `target/run_results.json` together. A
 * command that does not run (a project error, the database held by another process) writes neither.
 * @param command name recorded in run_results `args`
 * @param only when given, runs just these ids of the selection (`dops retry`)
 * @throws DopsError for project/usage errors (nothing has run then); node failures are results
 */
export async function executeSelection(options: SelectOptions, resourceTypes: ResourceType[], command: string, only?: ReadonlySet<string>): Promise<RunOutcome> {
  const early = await EarlyDatabase.start(options);
  let project: LoadedProject;
  let plan: ExecutionPlan;
  try {
    project = loadProject(options);
    loadState(options); // before this run's manifest.json replaces a --state pointing at target/
    plan = planExecution(project, options, resourceTypes, command, only);
  } catch (error) {
    await early?.discard();
    throw error;
  }
  const threads = options.threads ?? project.target.threads;
  if (unitTestsOnly(project, plan)) {
    // No warehouse: `dops test -s test_type:unit` neither opens nor creates the target's database.
    await early?.discard();
    const memory = new UnitTestDatabase(project.config.projectDir, project.target);
    try {
      const connections: Connection[] = [];
      while (connections.length < Math.max(1, Math.min(threads, plan.order.length))) connections.push(await memory.connect());
      const manifest = () => writeManifest(targetFile(project, 'manifest.json'), project.manifest, manifestMetadata(project));
      return await runExecutionPlan(project, plan, connections, options, command, undefined, RelationCatalog.of([]), manifest);
    } finally {
      await memory.close();
    }
  }
  // The adapter loads its driver on demand: the native DuckDB module costs ~0.5 s, which `--version`, `ls` and `compile` never need.
  forgetBuildStamp(project.config.projectDir, project.config.targetPath);
  const opened = await early?.take(project.target.path, project.config.projectDir);
  const adapter = opened?.adapter ?? (await openAdapter(project.target, project.config.projectDir));
  let outcome: RunOutcome | undefined;
  try {
    const connections: Connection[] = opened ? [opened.connection] : [];
    while (connections.length < Math.max(1, Math.min(threads, plan.order.length))) connections.push(await adapter.connect());
    const manifest = () => writeManifest(targetFile(project, 'manifest.json'), project.manifest, manifestMetadata(project));
    outcome = await runExecutionPlan(project, plan, connections, options, command, undefined, opened?.catalog, manifest);
    return outcome;
  } finally {
    await adapter.close();
    // Stamped after closing: closing checkpoints the database file.
    sealBuildStamp(outcome?.buildStamp);
  }
}
