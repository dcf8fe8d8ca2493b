import type { Dag } from '../graph/dag.js';
import { blocksDescendants, type NodeResult } from './results.js';

/** Runs one node on a thread; must not throw for the node's own failure (it returns an error result). */
export type NodeRunner = (uniqueId: string, thread: number) => Promise<NodeResult>;

/** Builds the result of a node skipped because an upstream node failed. */
export type SkipResult = (uniqueId: string, cause: string, thread: number) => NodeResult;

/** Called as each node ends, with its 1-based index in start order. */
export type FinishListener = (result: NodeResult, index: number, total: number) => void;

/**
 * Called when a node becomes ready to run (everything it waits for has ended) and will run rather
 * than be skipped for an upstream failure: the nodes a runner may prepare ahead (e.g. compile).
 */
export type ReadyListener = (uniqueId: string) => void;

/** Inserts `id` into `ready`, which is kept sorted by `position` (binary search; no re-sort). */
function insertByPosition(ready: string[], id: string, position: Map<string, number>): void {
  const at = position.get(id)!;
  let low = 0;
  let high = ready.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (position.get(ready[mid])! < at) low = mid + 1;
    else high = mid;
  }
  ready.splice(low, 0, id);
}

/**
 * For each selected node, the selected nodes it must wait for: its nearest selected ancestors
 * (looking through unselected nodes such as ephemeral models).
 */
function selectedDependencies(dag: Dag, selected: Set<string>): Map<string, Set<string>> {
  const memo = new Map<string, Set<string>>();
  const nearest = (id: string): Set<string> => {
    const known = memo.get(id);
    if (known) return known;
    const found = new Set<string>();
    for (const parent of dag.parents(id)) {
      if (selected.has(parent)) found.add(parent);
      else for (const p of nearest(parent)) found.add(p);
    }
    memo.set(id, found);
    return found;
  };
  return new Map([...selected].map((id) => [id, nearest(id)]));
}

/**
 * Runs the selected nodes in DAG order on `threads` workers. A node starts once every selected
 * node upstream of it has ended; when a node errors (or an error-severity test fails), every node
 * downstream of it in the DAG is skipped instead of run.
 * @param dag the execution DAG (in `build`, tests gate their model's children)
 * @param order selected ids in topological order (ties start in this order)
 * @param onReady told of each node that becomes ready and is not skipped for a failure upstream
 * @returns one result per selected node, in the order they ended
 */
export async function runInDagOrder(dag: Dag, order: string[], threads: number, run: NodeRunner, skip: SkipResult, onFinish?: FinishListener, onReady?: ReadyListener): Promise<NodeResult[]> {
  const selected = new Set(order);
  const waitingOn = selectedDependencies(dag, selected);
  const dependents = new Map<string, string[]>(order.map((id) => [id, []]));
  for (const [id, deps] of waitingOn) for (const dep of deps) dependents.get(dep)!.push(id);
  const position = new Map(order.map((id, i) => [id, i]));
  const ready = order.filter((id) => waitingOn.get(id)!.size === 0);
  if (onReady) for (const id of ready) onReady(id);
  const blockedBy = new Map<string, string>();
  const results: NodeResult[] = [];
  let started = 0;
  const idle: (() => void)[] = [];

  const finish = (id: string, result: NodeResult, index: number) => {
    results.push(result);
    onFinish?.(result, index, order.length);
    if (blocksDescendants(result.status)) {
      const cause = blockedBy.get(id) ?? id;
      for (const d of dag.descendants(id)) if (!blockedBy.has(d)) blockedBy.set(d, cause);
    }
    for (const child of dependents.get(id)!) {
      const deps = waitingOn.get(child)!;
      deps.delete(id);
      if (deps.size === 0) {
        insertByPosition(ready, child, position);
        if (onReady && !blockedBy.has(child)) onReady(child);
      }
    }
    if (idle.length) for (const resume of idle.splice(0)) resume();
  };

  const worker = async (thread: number) => {
    while (started < order.length) {
      const id = ready.shift();
      if (id === undefined) {
        await new Promise<void>((resolve) => idle.push(resolve));
        continue;
      }
      const index = ++started;
      const cause = blockedBy.get(id);
      finish(id, cause ? skip(id, cause, thread) : await run(id, thread), index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, threads) }, (_, thread) => worker(thread)));
  return results;
}
