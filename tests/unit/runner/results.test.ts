import { describe, expect, it } from 'vitest';
import { blocksDescendants, summarize, type NodeResult, type NodeStatus } from '../../../src/runner/results.js';

const result = (status: NodeStatus, i: number): NodeResult => ({
  uniqueId: `model.shop.m${i}`,
  status,
  message: status,
  executionTime: 0.1,
  startedAt: '2024-01-01T00:00:00.000Z',
  completedAt: '2024-01-01T00:00:00.100Z',
  thread: 0,
});

describe('summarize', () => {
  it('counts success and pass as PASS, error and fail as ERROR', () => {
    const statuses: NodeStatus[] = ['success', 'success', 'pass', 'warn', 'error', 'fail', 'fail', 'skipped'];
    expect(summarize(statuses.map(result), 1.5)).toEqual({ pass: 3, warn: 1, error: 3, skip: 1, reused: 0, total: 8, elapsed: 1.5 });
  });

  it('counts reused results in pass and in reused', () => {
    const reused = { ...result('success'), reused: true };
    expect(summarize([reused, result('success')], 0)).toMatchObject({ pass: 2, reused: 1, total: 2 });
  });

  it('counts an empty run as zeros', () => {
    expect(summarize([], 0)).toEqual({ pass: 0, warn: 0, error: 0, skip: 0, reused: 0, total: 0, elapsed: 0 });
  });
});

describe('blocksDescendants', () => {
  it.each([
    ['error', true],
    ['fail', true],
    ['skipped', true],
    ['success', false],
    ['pass', false],
    ['warn', false],
  ] as const)('%s -> %s', (status, blocks) => {
    expect(blocksDescendants(status)).toBe(blocks);
  });
});
