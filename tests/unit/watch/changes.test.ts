import { describe, expect, it } from 'vitest';
import { describeChanges, mergeChanges } from '../../../src/watch/changes.js';
import { countResults, summaryLine, type RebuildReport } from '../../../src/watch/reporter.js';
import type { NodeResult } from '../../../src/runner/results.js';

describe('mergeChanges', () => {
  it('keeps one event per path', () => {
    expect(mergeChanges([{ kind: 'change', path: 'a.sql' }, { kind: 'change', path: 'a.sql' }, { kind: 'change', path: 'b.sql' }])).toEqual([
      { kind: 'change', path: 'a.sql' },
      { kind: 'change', path: 'b.sql' },
    ]);
  });

  it('treats delete-then-create (an atomic save) as a change and create-then-delete as nothing', () => {
    expect(mergeChanges([{ kind: 'unlink', path: 'a.sql' }, { kind: 'add', path: 'a.sql' }])).toEqual([{ kind: 'change', path: 'a.sql' }]);
    expect(mergeChanges([{ kind: 'add', path: 'tmp.sql' }, { kind: 'change', path: 'tmp.sql' }, { kind: 'unlink', path: 'tmp.sql' }])).toEqual([]);
    expect(mergeChanges([{ kind: 'add', path: 'new.sql' }, { kind: 'change', path: 'new.sql' }])).toEqual([{ kind: 'add', path: 'new.sql' }]);
  });
});

describe('describeChanges', () => {
  it('names up to two paths with what happened to them', () => {
    expect(describeChanges([{ kind: 'change', path: 'models/a.sql' }])).toBe('models/a.sql changed');
    expect(describeChanges([{ kind: 'unlink', path: 'models/a.sql' }, { kind: 'add', path: 'models/b.sql' }])).toBe('models/a.sql deleted, models/b.sql added');
    expect(describeChanges([1, 2, 3, 4].map((i) => ({ kind: 'change' as const, path: `m${i}.sql` })))).toBe('m1.sql changed, m2.sql changed and 2 more files');
  });
});

function result(uniqueId: string, status: NodeResult['status']): NodeResult {
  return { uniqueId, status, message: '', executionTime: 0.01, startedAt: '', completedAt: '', thread: 0 };
}

function report(results: NodeResult[], overrides: Partial<RebuildReport> = {}): RebuildReport {
  return {
    initial: false,
    changes: [{ kind: 'change', path: 'models/staging/stg_a.sql' }],
    dropped: [],
    results,
    resourceTypes: new Map(results.map((r) => [r.uniqueId, r.uniqueId.startsWith('test.') ? 'test' : 'model'])),
    firstEventAt: 0,
    startedAt: 0,
    timings: { loadMs: 1, planMs: 1, runMs: 1, nodeMs: 1, manifestMs: 1, totalMs: 142.4 },
    ...overrides,
  };
}

describe('summaryLine', () => {
  it('says what changed, what was rebuilt, the tests and the time', () => {
    const results = [result('model.p.a', 'success'), result('model.p.b', 'success'), result('model.p.c', 'success'), ...[1, 2, 3, 4].map((i) => result(`test.p.t${i}`, 'pass'))];
    expect(summaryLine(report(results))).toBe('[watch] models/staging/stg_a.sql changed: rebuilt 3 nodes, tests 4 passed 0 failed in 142 ms');
  });

  it('counts errors, skips, failed, warned and errored tests', () => {
    const results = [
      result('model.p.a', 'error'),
      result('model.p.b', 'skipped'),
      result('model.p.c', 'success'),
      result('test.p.t1', 'fail'),
      result('test.p.t2', 'error'),
      result('test.p.t3', 'warn'),
      result('test.p.t4', 'skipped'),
      result('test.p.t5', 'pass'),
    ];
    expect(countResults(report(results))).toEqual({ nodes: 3, built: 1, errors: 1, skipped: 1, testsPassed: 1, testsFailed: 2, testsWarned: 1, testsSkipped: 1 });
    expect(summaryLine(report(results))).toBe(
      '[watch] models/staging/stg_a.sql changed: rebuilt 1 of 3 nodes (1 error, 1 skipped), tests 1 passed 2 failed (1 warned, 1 skipped) in 142 ms',
    );
  });

  it('reports the initial build, a project error, nothing to do and dropped relations', () => {
    expect(summaryLine(report([result('model.p.a', 'success')], { initial: true }))).toBe('[watch] initial build: rebuilt 1 node, tests 0 passed 0 failed in 142 ms');
    const error = Object.assign(new Error('bad'), { name: 'ParseError' });
    expect(summaryLine(report([], { error: error as never }))).toBe('[watch] models/staging/stg_a.sql changed: project error, nothing rebuilt in 142 ms (fix it and save again)');
    expect(summaryLine(report([]))).toBe('[watch] models/staging/stg_a.sql changed: nothing to rebuild in 142 ms');
    const dropped = [{ node: {} as never, relation: { schema: 'main', identifier: 'stg_a' }, reason: 'deleted' as const }];
    expect(summaryLine(report([], { changes: [{ kind: 'unlink', path: 'models/staging/stg_a.sql' }], dropped }))).toBe(
      '[watch] models/staging/stg_a.sql deleted: dropped main.stg_a; nothing to rebuild in 142 ms',
    );
  });
});
