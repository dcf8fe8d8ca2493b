/**
 * `dops retry` after `dops run-operation`: dbt's retry re-runs the previous command from
 * run_results.json (https://docs.getdbt.com/reference/commands/retry): the same macro with the
 * same arguments when it failed; "If the previously executed command completed successfully,
 * dbt retry will finish as no operation." On DuckDB.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { retry } from '../../../src/api/retry.js';
import { OperationError, runOperation } from '../../../src/api/run-operation.js';
import { caught, makeProject, query, readRunResults, removeProjects } from '../helpers.js';

afterAll(removeProjects);

const FILES = {
  'models/m.sql': 'select 1 as x\n',
  'macros/ops.sql': [
    '{% macro add_row(n) %}insert into op_log values ({{ n }}){% endmacro %}',
    '{% macro make_log() %}create table op_log (n int){% endmacro %}',
    '',
  ].join('\n'),
};

describe('dops retry after run-operation', () => {
  it('runs the failed macro again, with the same arguments, failing again while nothing changed', async () => {
    const dir = makeProject(FILES);
    const failed = await caught(() => runOperation({ projectDir: dir, macro: 'add_row', args: '{n: 7}' }));
    expect(failed).toBeInstanceOf(OperationError);
    expect(readRunResults(dir).results.map((r) => r.status)).toEqual(['error']);
    // Still failing: retry runs it, fails the same way, and records the failure for the next retry.
    const again = await retry({ projectDir: dir });
    expect(again.success).toBe(false);
    expect(again.operation?.failure).toBeInstanceOf(OperationError);
    expect(readRunResults(dir).args).toMatchObject({ command: 'run-operation', macro: 'add_row', args: '{n: 7}' });
    expect(readRunResults(dir).results.map((r) => r.status)).toEqual(['error']);
  }, 60_000);

  it('after a failure that was then fixed, retry passes and the macro ran once more', async () => {
    const dir = makeProject(FILES);
    await caught(() => runOperation({ projectDir: dir, macro: 'add_row', args: '{n: 9}' }));
    await query(dir, 'create table op_log (n int)');
    const fixed = await retry({ projectDir: dir });
    expect(fixed.success).toBe(true);
    expect(fixed.operation).toMatchObject({ macro: 'add_row', result: { ran: true } });
    expect(fixed.results.map((r) => [r.uniqueId, r.status])).toEqual([['macro.proj.add_row', 'success']]);
    expect(await query(dir, 'select n from op_log')).toEqual([{ n: 9 }]);
    expect(readRunResults(dir).results.map((r) => r.status)).toEqual(['success']);
  }, 60_000);

  it('after a run-operation that passed, retry does nothing and succeeds', async () => {
    const dir = makeProject(FILES);
    await runOperation({ projectDir: dir, macro: 'make_log' });
    const before = readFileSync(join(dir, 'target', 'run_results.json'), 'utf8');
    const outcome = await retry({ projectDir: dir });
    expect(outcome).toMatchObject({ success: true, results: [], operation: { macro: 'make_log' } });
    expect(outcome.operation?.result).toBeUndefined();
    // make_log did not run again (it would fail: the table exists), and run_results.json is untouched.
    expect(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')).toBe(before);
  }, 60_000);
});
