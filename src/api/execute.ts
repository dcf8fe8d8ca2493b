import { writeManifest } from '../artifacts/manifest.js';
import { writeRunResults } from '../artifacts/run-results.js';
import type { Connection } from '../adapter/adapter.js';
import type { Dag } from '../graph/dag.js';
import { selectNodes } from '../graph/selector.js';
import type { Manifest } from '../manifest/manifest.js';
import type { ResourceType } from '../manifest/nodes.js';
import { executeNode } from '../runner/execute-node.js';
import { summarize, type NodeResult, type RunSummary } from '../runner/results.js';
import { runInDagOrder } from '../runner/scheduler.js';
import type { SelectOptions } from './options.js';
import { loadProject, targetFile, type LoadedProject } from './project.js';
import { prepareRun, RunControls, runArgs, writeRunReports } from './run-controls.js';
import { loadState, manifestMetadata, resolveSelection } from './selection.js';

/** What a command that runs nodes returns. */
export interface RunOutcome {
  results: NodeResult[];
  summary: RunSummary;
  /** False when a node errored or an error-severity test failed (CLI exit code 1). */
  success: boolean;
  project: LoadedProject;
}

/**
 * In `build`, a test gates its model's children: each child waits for the tests of its parents and
 * is skipped when one fails (dbt build's rule). Edges that would close a cycle are left out.
 */
function withTestGates(dag: Dag, manifest: Manifest, selected: Set<string>): Dag {
  const edges: [string, string][] = [];
  for (const id of selected) {
    const test = manifest.get(id);
    if (test.resourceType !== 'test' || !test.attachedNode) continue;
    const upstream = dag.ancestors(id);
    for (const child of dag.children(test.attachedNode)) {
      if (child !== id && manifest.get(child).resourceType !== 'test' && !upstream.has(child)) edges.push([id, child]);
    }
  }
  return edges.length ? dag.withEdges(edges) : dag;
}

function runnable(manifest: Manifest, id: string): boolean {
  const node = manifest.get(id);
  return node.resourceType !== 'source' && !(node.resourceType === 'model' && node.config.materialized === 'ephemeral');
}

/**
 * Loads the project, selects nodes of the given types and runs them in DAG order against the
 * target's DuckDB; writes `target/manifest.json` and `target/run_results.json`.
 * @param command name recorded in run_results `args`
 * @param only when given, runs just these ids of the selection (`dops retry`)
 * @throws DopsError for project/usage errors (nothing has run then); node failures are results
 */
export async function executeSelection(options: SelectOptions, resourceTypes: ResourceType[], command: string, only?: ReadonlySet<string>): Promise<RunOutcome> {
  const project = loadProject(options);
  const { manifest, config } = project;
  loadState(options); // before this run's manifest.json replaces a --state pointing at target/
  writeManifest(targetFile(project, 'manifest.json'), manifest, manifestMetadata(project));
  const selected = new Set([...selectNodes(manifest, project.dag, resolveSelection(project, options), resourceTypes)].filter((id) => runnable(manifest, id) && (!only || only.has(id))));
  const dag = command === 'build' ? withTestGates(project.dag, manifest, selected) : project.dag;
  const order = dag.topologicalOrder().filter((id) => selected.has(id));
  const threads = options.threads ?? project.target.threads;
  const compiler = project.compiler();
  const settings = { fullRefresh: options.fullRefresh, lakePath: config.lakePath, snapshotTime: new Date() };
  // Loaded on demand: the native DuckDB module costs ~0.5 s, which `--version`, `ls` and `compile` never need.
  const { DuckDBAdapter } = await import('../adapter/duckdb.js');
  const adapter = await DuckDBAdapter.open(project.target.path, config.projectDir);
  const startedAt = Date.now();
  const controls = new RunControls(options);
  let results: NodeResult[];
  try {
    const connections: Connection[] = [];
    for (let i = 0; i < Math.max(1, Math.min(threads, order.length)); i++) connections.push(await adapter.connect());
    if (order.length) await prepareRun(project, order, connections[0], compiler, loadState(options), Boolean(options.defer));
    options.reporter?.runStarted?.(order.length);
    results = await runInDagOrder(
      dag,
      order,
      connections.length,
      async (id, thread) => {
        const started = new Date();
        if (controls.stopped) {
          return { uniqueId: id, status: 'skipped', message: controls.skipMessage, executionTime: 0, startedAt: started.toISOString(), completedAt: started.toISOString(), thread };
        }
        options.reporter?.nodeStarted?.(manifest.get(id), thread);
        const outcome = controls.review(manifest.get(id), await executeNode(manifest.get(id), connections[thread], compiler, config.projectDir, settings));
        const completed = new Date();
        return { uniqueId: id, ...outcome, executionTime: (completed.getTime() - started.getTime()) / 1000, startedAt: started.toISOString(), completedAt: completed.toISOString(), thread };
      },
      (id, cause, thread) => {
        const now = new Date().toISOString();
        return { uniqueId: id, status: 'skipped', message: `Skipped because ${manifest.get(cause).name} failed`, executionTime: 0, startedAt: now, completedAt: now, thread };
      },
      (result, index, total) => options.reporter?.nodeFinished?.(manifest.get(result.uniqueId), result, index, total),
    );
  } finally {
    await adapter.close();
  }
  const elapsed = (Date.now() - startedAt) / 1000;
  const summary = summarize(results, elapsed);
  writeRunResults(targetFile(project, 'run_results.json'), results, elapsed, runArgs(project, options, command));
  writeRunReports(project, results, elapsed, startedAt, options, command);
  options.reporter?.runFinished?.(results, summary, manifest.nodes);
  return { results, summary, success: summary.error === 0, project };
}
