import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ManifestNode } from '../../../src/manifest/nodes.js';
import { BatchedOutput } from '../../../src/reporter/batched-output.js';
import { JsonReporter } from '../../../src/reporter/json.js';
import { TerminalReporter } from '../../../src/reporter/terminal.js';
import { summarize, type NodeResult } from '../../../src/runner/results.js';
import { model } from '../helpers.js';

/** A stream that looks like process.stdout (it has a file descriptor) and records each write. */
function fdStream() {
  const s = {
    fd: 1,
    isTTY: false,
    writes: [] as string[],
    write(text: string) {
      s.writes.push(text);
      return true;
    },
  };
  return s;
}

function result(node: ManifestNode): NodeResult {
  return { uniqueId: node.uniqueId, status: 'success', message: 'created view', executionTime: 0.1, startedAt: '', completedAt: '', thread: 0 };
}

const a = model('a');
const b = model('b');

afterEach(() => {
  vi.useRealTimers();
});

describe('BatchedOutput', () => {
  it('writes at once to a stream without a file descriptor', () => {
    const writes: string[] = [];
    const out = new BatchedOutput({ write: (text: string) => writes.push(text) });
    out.write('one\n');
    out.write('two\n');
    expect(writes).toEqual(['one\n', 'two\n']);
  });

  it('collects text for a file descriptor and writes it in one call on flush or after 50 ms', () => {
    vi.useFakeTimers();
    const s = fdStream();
    const out = new BatchedOutput(s);
    out.write('one\n');
    out.write('two\n');
    expect(s.writes).toEqual([]);
    vi.advanceTimersByTime(49);
    expect(s.writes).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(s.writes).toEqual(['one\ntwo\n']);
    out.write('three\n');
    out.flush();
    out.flush();
    expect(s.writes).toEqual(['one\ntwo\n', 'three\n']);
    vi.advanceTimersByTime(100);
    expect(s.writes).toHaveLength(2);
  });
});

describe('reporters batch node lines without changing the order of the output', () => {
  it('TerminalReporter: node lines wait; the summary writes them first', () => {
    const s = fdStream();
    const reporter = new TerminalReporter(s);
    reporter.runStarted(2);
    reporter.nodeFinished(a, result(a), 1, 2);
    reporter.nodeFinished(b, result(b), 2, 2);
    expect(s.writes).toEqual(['Running 2 nodes\n\n']);
    reporter.runFinished([result(a), result(b)], summarize([result(a), result(b)], 1), new Map());
    expect(s.writes[1]).toMatch(/^1 of 2 OK created view main\.a .*\n2 of 2 OK created view main\.b .*\n$/);
    expect(s.writes[2]).toContain('Finished running 2 nodes');
  });

  it('JsonReporter: node events wait; the run summary writes them first', () => {
    const s = fdStream();
    const reporter = new JsonReporter(s, 'debug');
    reporter.runStarted(1);
    const before = s.writes.length;
    reporter.nodeStarted(a, 0);
    reporter.nodeFinished(a, result(a), 1, 1);
    expect(s.writes).toHaveLength(before);
    reporter.runFinished([result(a)], summarize([result(a)], 1), new Map());
    const events = s.writes.slice(before).join('').trim().split('\n').map((line) => JSON.parse(line).info.name);
    expect(events).toEqual(['LogStartLine', 'NodeStart', 'LogModelResult', 'NodeFinished', 'FinishedRunningStats', 'EndOfRunSummary', 'StatsLine']);
  });
});
