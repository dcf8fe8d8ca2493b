import { describe, expect, it } from 'vitest';
import type { ManifestNode } from '../../../src/manifest/nodes.js';
import { deferNodeEvents } from '../../../src/reporter/deferred.js';
import type { Reporter } from '../../../src/reporter/reporter.js';
import { summarize, type NodeResult } from '../../../src/runner/results.js';
import { model } from '../helpers.js';

function result(node: ManifestNode): NodeResult {
  return { uniqueId: node.uniqueId, status: 'success', message: 'created view', executionTime: 0.1, startedAt: '', completedAt: '', thread: 0 };
}

/** A reporter that records the events it receives, in order. */
function recording(): Reporter & { events: string[] } {
  const events: string[] = [];
  return {
    events,
    log: (message) => events.push(`log ${message}`),
    warnings: (messages) => events.push(`warn ${messages.join()}`),
    nodeStarted: (node) => events.push(`start ${node.name}`),
    nodeFinished: (node) => events.push(`finish ${node.name}`),
    runFinished: () => events.push('done'),
  };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
const a = model('a');
const b = model('b');

describe('deferNodeEvents', () => {
  it('hands node events over once the JS thread is idle, in order', async () => {
    const inner = recording();
    const reporter = deferNodeEvents(inner);
    reporter.nodeStarted!(a, 0);
    reporter.nodeFinished!(a, result(a), 1, 2);
    expect(inner.events).toEqual([]);
    await tick();
    expect(inner.events).toEqual(['start a', 'finish a']);
  });

  it('any other event first hands over the queued node events, so the order never changes', () => {
    const inner = recording();
    const reporter = deferNodeEvents(inner);
    reporter.nodeStarted!(a, 0);
    reporter.log!('from a hook');
    reporter.nodeFinished!(a, result(a), 1, 2);
    reporter.nodeStarted!(b, 0);
    reporter.warnings!(['careful']);
    reporter.nodeFinished!(b, result(b), 2, 2);
    reporter.runFinished!([], summarize([], 0), new Map());
    expect(inner.events).toEqual(['start a', 'log from a hook', 'finish a', 'start b', 'warn careful', 'finish b', 'done']);
  });

  it('an error the reporter throws for a queued event is raised by the next event', async () => {
    const inner = recording();
    inner.nodeFinished = () => {
      throw new Error('stdout closed');
    };
    const reporter = deferNodeEvents(inner);
    reporter.nodeFinished!(a, result(a), 1, 1);
    await tick();
    expect(() => reporter.runFinished!([], summarize([], 0), new Map())).toThrow('stdout closed');
  });
});
