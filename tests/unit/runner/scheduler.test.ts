import { describe, expect, it, vi } from 'vitest';
import type { Dag } from '../../../src/graph/dag.js';
import type { NodeResult, NodeStatus } from '../../../src/runner/results.js';
import { runInDagOrder, type NodeRunner, type SkipResult } from '../../../src/runner/scheduler.js';
import { linked, model, test } from '../helpers.js';

/** Unique id of a fixture node: `model.shop.<name>`, or `test.shop.<name>.abc123` for names starting with test_. */
const id = (name: string) => (name.startsWith('test_') ? `test.shop.${name}.abc123` : `model.shop.${name}`);
const nameOf = (uniqueId: string) => uniqueId.split('.')[2];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Awaits `work` under fake timers, advancing virtual time 1 ms at a time: the fake durations then
 * decide the order nodes end in, not how loaded the machine is.
 */
async function onVirtualTime<T>(work: () => Promise<T>): Promise<T> {
  vi.useFakeTimers();
  try {
    let done = false;
    const running = work().finally(() => (done = true));
    while (!done) await vi.advanceTimersByTimeAsync(1);
    return await running;
  } finally {
    vi.useRealTimers();
  }
}

function result(uniqueId: string, status: NodeStatus, thread: number, message: string = status): NodeResult {
  const now = new Date().toISOString();
  return { uniqueId, status, message, executionTime: 0, startedAt: now, completedAt: now, thread };
}

/** Fake runners that record start/end events; `outcomes` sets a node's status (default success). */
function harness(options: { durations?: Record<string, number>; outcomes?: Record<string, NodeStatus> } = {}) {
  const events: string[] = [];
  const threads: Record<string, number> = {};
  const skips: [string, string][] = [];
  let active = 0;
  let maxActive = 0;
  const run: NodeRunner = async (uniqueId, thread) => {
    const name = nameOf(uniqueId);
    events.push(`start ${name}`);
    threads[name] = thread;
    maxActive = Math.max(maxActive, ++active);
    await sleep(options.durations?.[name] ?? 2);
    active--;
    events.push(`end ${name}`);
    return result(uniqueId, options.outcomes?.[name] ?? 'success', thread);
  };
  const skip: SkipResult = (uniqueId, cause, thread) => {
    skips.push([nameOf(uniqueId), nameOf(cause)]);
    return result(uniqueId, 'skipped', thread, `skipped because ${nameOf(cause)} failed`);
  };
  return { run, skip, events, threads, skips, maxActive: () => maxActive };
}

/** Asserts every parent -> child edge among `ran` ended before the child started. */
function expectDagOrder(dag: Dag, events: string[]) {
  for (const edge of dag.graph.edges()) {
    const parent = nameOf(dag.graph.source(edge));
    const child = nameOf(dag.graph.target(edge));
    const end = events.indexOf(`end ${parent}`);
    const start = events.indexOf(`start ${child}`);
    if (end === -1 || start === -1) continue;
    expect(end, `${parent} ends before ${child} starts`).toBeLessThan(start);
  }
}

/**
 *  a ─┬─ c ─┬─ e
 *  b ─┘     └─ f
 *  d
 */
function graph() {
  return linked([model('a'), model('b'), model('c', { refs: ['a', 'b'] }), model('d'), model('e', { refs: ['c'] }), model('f', { refs: ['c'] })]).dag;
}
const ORDER = ['a', 'b', 'd', 'c', 'e', 'f'].map(id);

describe('runInDagOrder', () => {
  it('with one thread, runs nodes one at a time in the given order', async () => {
    const dag = graph();
    const h = harness();
    const results = await runInDagOrder(dag, ORDER, 1, h.run, h.skip);
    expect(h.events).toEqual(['a', 'b', 'd', 'c', 'e', 'f'].flatMap((n) => [`start ${n}`, `end ${n}`]));
    expect(h.maxActive()).toBe(1);
    expect(results.map((r) => nameOf(r.uniqueId))).toEqual(['a', 'b', 'd', 'c', 'e', 'f']);
    expect(new Set(Object.values(h.threads))).toEqual(new Set([0]));
  });

  it('with three threads, runs independent nodes together and still respects dependencies', async () => {
    const dag = graph();
    const h = harness({ durations: { a: 15, b: 5, d: 30, c: 5, e: 5, f: 10 } });
    const results = await onVirtualTime(() => runInDagOrder(dag, ORDER, 3, h.run, h.skip));
    expect(h.events.slice(0, 3)).toEqual(['start a', 'start b', 'start d']);
    expect(h.maxActive()).toBe(3);
    expectDagOrder(dag, h.events);
    // c waits for the slower of its parents, and d (30ms) ends after c's children started
    expect(h.events.indexOf('start c')).toBeGreaterThan(h.events.indexOf('end a'));
    expect(h.events.indexOf('end d')).toBeGreaterThan(h.events.indexOf('start e'));
    expect(results).toHaveLength(6);
    expect(Object.values(h.threads).every((t) => t >= 0 && t < 3)).toBe(true);
    // results come back in the order nodes ended
    expect(results.map((r) => `end ${nameOf(r.uniqueId)}`)).toEqual(h.events.filter((e) => e.startsWith('end')));
  });

  it('never runs more nodes at once than there are threads', async () => {
    const dag = linked(['p', 'q', 'r', 's', 't'].map((n) => model(n))).dag;
    const h = harness();
    await runInDagOrder(dag, ['p', 'q', 'r', 's', 't'].map(id), 2, h.run, h.skip);
    expect(h.maxActive()).toBe(2);
  });

  it('skips exactly the descendants of a failing node, naming it as the cause', async () => {
    const dag = graph();
    const h = harness({ outcomes: { c: 'error' } });
    const results = await runInDagOrder(dag, ORDER, 2, h.run, h.skip);
    const status = Object.fromEntries(results.map((r) => [nameOf(r.uniqueId), r.status]));
    expect(status).toEqual({ a: 'success', b: 'success', d: 'success', c: 'error', e: 'skipped', f: 'skipped' });
    expect(h.skips.sort()).toEqual([
      ['e', 'c'],
      ['f', 'c'],
    ]);
    expect(results.find((r) => nameOf(r.uniqueId) === 'e')!.message).toBe('skipped because c failed');
    expect(h.events).not.toContain('start e');
  });

  it('names the original failure for nodes further down', async () => {
    const dag = graph();
    const h = harness({ outcomes: { a: 'error' } });
    const results = await runInDagOrder(dag, ORDER, 1, h.run, h.skip);
    expect(h.skips).toEqual([
      ['c', 'a'],
      ['e', 'a'],
      ['f', 'a'],
    ]);
    // the sibling b and the unrelated d still run
    expect(h.events).toEqual(['start a', 'end a', 'start b', 'end b', 'start d', 'end d']);
    expect(results).toHaveLength(6);
  });

  it('lets a failing error-severity test stop the nodes it gates, but not a warning', async () => {
    // in `build`, a model's tests gate its children: the caller adds test -> child edges
    const { dag } = linked([
      model('stg'),
      model('mart', { refs: ['stg'] }),
      test('test_unique_stg', { testName: 'unique', attachedTo: 'stg' }),
      test('test_not_null_stg', { testName: 'not_null', attachedTo: 'stg' }),
    ]);
    const ids = ['stg', 'test_unique_stg', 'test_not_null_stg', 'mart'].map(id);
    const gated = dag.withEdges([
      [ids[1], ids[3]],
      [ids[2], ids[3]],
    ]);

    const warn = harness({ outcomes: { test_unique_stg: 'warn', test_not_null_stg: 'warn' } });
    const warned = await runInDagOrder(gated, ids, 1, warn.run, warn.skip);
    expect(warned.map((r) => r.status)).toEqual(['success', 'warn', 'warn', 'success']);

    const fail = harness({ outcomes: { test_not_null_stg: 'fail' } });
    const failed = await runInDagOrder(gated, ids, 1, fail.run, fail.skip);
    expect(failed.map((r) => r.status)).toEqual(['success', 'success', 'fail', 'skipped']);
    expect(fail.skips).toEqual([['mart', 'test_not_null_stg']]);
    expect(failed[3].message).toBe('skipped because test_not_null_stg failed');
  });

  it('makes children wait for the parents of an unselected middle node', async () => {
    // stg -> int (ephemeral, not run) -> orders; slow stg must end before orders starts
    const { dag } = linked([model('stg'), model('other'), model('int', { refs: ['stg', 'other'] }), model('orders', { refs: ['int'] })]);
    const h = harness({ durations: { stg: 20, other: 1, orders: 1 } });
    const results = await onVirtualTime(() => runInDagOrder(dag, ['stg', 'other', 'orders'].map(id), 3, h.run, h.skip));
    expect(results).toHaveLength(3);
    expect(h.events.indexOf('start orders')).toBeGreaterThan(h.events.indexOf('end stg'));
    expect(h.events.indexOf('start orders')).toBeGreaterThan(h.events.indexOf('end other'));
    expect(h.events).not.toContain('start int');
  });

  it('skips a child of a failing node through an unselected middle node', async () => {
    const { dag } = linked([model('stg'), model('int', { refs: ['stg'] }), model('orders', { refs: ['int'] })]);
    const h = harness({ outcomes: { stg: 'error' } });
    const results = await runInDagOrder(dag, ['stg', 'orders'].map(id), 2, h.run, h.skip);
    expect(results.map((r) => [nameOf(r.uniqueId), r.status])).toEqual([
      ['stg', 'error'],
      ['orders', 'skipped'],
    ]);
    expect(h.skips).toEqual([['orders', 'stg']]);
  });

  it('reports each end to onFinish with its 1-based start index and the total', async () => {
    const dag = graph();
    const h = harness();
    const seen: [string, number, number][] = [];
    await runInDagOrder(dag, ORDER, 1, h.run, h.skip, (r, index, total) => seen.push([nameOf(r.uniqueId), index, total]));
    expect(seen).toEqual([
      ['a', 1, 6],
      ['b', 2, 6],
      ['d', 3, 6],
      ['c', 4, 6],
      ['e', 5, 6],
      ['f', 6, 6],
    ]);
  });

  it('tells onReady of each node as it becomes ready, leaving out nodes skipped for a failure', async () => {
    const dag = graph();
    const h = harness({ outcomes: { c: 'error' } });
    const ready: string[] = [];
    await runInDagOrder(dag, ORDER, 1, h.run, h.skip, undefined, (uniqueId) => ready.push(nameOf(uniqueId)));
    expect(ready).toEqual(['a', 'b', 'd', 'c']);
  });

  it('starts newly ready nodes in the given order even when they arrive out of it', async () => {
    // z is first in the order but waits for y; once y ends it starts before the x's still waiting
    const { dag } = linked([model('y'), model('z', { refs: ['y'] }), model('x1'), model('x2')]);
    const h = harness();
    await runInDagOrder(dag, ['y', 'z', 'x1', 'x2'].map(id), 1, h.run, h.skip);
    expect(h.events.filter((e) => e.startsWith('start'))).toEqual(['start y', 'start z', 'start x1', 'start x2']);
  });

  it('returns nothing for an empty selection and treats threads < 1 as 1', async () => {
    const dag = graph();
    const h = harness();
    expect(await runInDagOrder(dag, [], 4, h.run, h.skip)).toEqual([]);
    expect((await runInDagOrder(dag, [id('a'), id('c')], 0, h.run, h.skip)).map((r) => nameOf(r.uniqueId))).toEqual(['a', 'c']);
  });
});
