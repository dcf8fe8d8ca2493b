import { describe, expect, it } from 'vitest';
import { mergeConfig } from '../../../src/config/node-config.js';
import { readHooks, spliceHooks } from '../../../src/runner/hooks.js';

// https://docs.getdbt.com/reference/resource-configs/pre-hook-post-hook
describe('hooks', () => {
  it('reads a string, a list and {sql, transaction} entries', () => {
    expect(readHooks('select 1', 'f')).toEqual([{ sql: 'select 1', transaction: true }]);
    expect(readHooks(['a', { sql: 'b', transaction: false }, null], 'f')).toEqual([{ sql: 'a', transaction: true }, { sql: 'b', transaction: false }]);
    expect(() => readHooks([42], 'f')).toThrow(/A hook must be SQL text/);
  });

  it('accumulates hooks across config layers under dbt names', () => {
    expect(mergeConfig({ 'post-hook': 'a' }, { post_hook: ['b', 'c'] }, { pre_hook: 'p' })).toMatchObject({ 'post-hook': ['a', 'b', 'c'], 'pre-hook': ['p'] });
  });

  it('splices hooks inside a transactional plan and shifts its row-count statement', () => {
    const plan = { statements: ['begin transaction', 'create schema', 'create table', 'commit'], rowCountStatement: 2 };
    expect(spliceHooks(plan, ['pre'], ['post'])).toEqual({ statements: ['begin transaction', 'create schema', 'pre', 'create table', 'post', 'commit'], rowCountStatement: 3 });
    expect(spliceHooks(plan, [], [])).toBe(plan);
  });
});
