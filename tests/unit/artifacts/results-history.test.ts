import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mergeResultsHistory, readResultsHistory } from '../../../src/artifacts/results-history.js';
import { makeTempDir, removeProjects } from '../../integration/helpers.js';

describe('the results history', () => {
  afterAll(removeProjects);

  it('keeps each node’s latest result: a run replaces the nodes it ran and keeps the others', () => {
    const path = join(makeTempDir(), 'target', 'dops_results_history.json');
    expect(readResultsHistory(path)).toEqual({ results: {} });
    mergeResultsHistory(path, [
      { unique_id: 'test.p.a', status: 'pass', failures: 0, message: 'PASS', completed_at: '2026-01-01T00:00:00Z' },
      { unique_id: 'test.p.b', status: 'fail', failures: 3, message: '3 rows failed', completed_at: '2026-01-01T00:00:01Z' },
    ], 'build');
    mergeResultsHistory(path, [{ unique_id: 'test.p.b', status: 'pass', failures: 0, message: 'PASS', completed_at: '2026-01-02T00:00:00Z' }], 'test');
    const { results } = readResultsHistory(path);
    expect(results['test.p.a']).toEqual({ status: 'pass', failures: 0, message: 'PASS', completed_at: '2026-01-01T00:00:00Z', command: 'build' });
    expect(results['test.p.b']).toEqual({ status: 'pass', failures: 0, message: 'PASS', completed_at: '2026-01-02T00:00:00Z', command: 'test' });
  });
});
