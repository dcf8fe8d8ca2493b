import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../../src/api/commands.js';
import type { RunOutcome } from '../../../src/api/execute.js';
import { makeProject, readRunResults, removeProjects, resultFor } from '../helpers.js';

describe('SQL errors reported by DuckDB', () => {
  let dir: string;
  let outcome: RunOutcome;

  beforeAll(async () => {
    dir = makeProject({
      'models/base.sql': 'select 1 as a\n',
      'models/bad_view.sql': "select\n  a,\n  missing_col\nfrom {{ ref('base') }}\n",
      'models/bad_table.sql': "{{ config(materialized='table') }}\nselect\n  a,\n  other_missing\nfrom {{ ref('base') }}\n",
      'models/bad_syntax.sql': 'selec 1 as a\n',
      'tests/bad_test.sql': "select\n  nope\nfrom {{ ref('base') }}\n",
    });
    outcome = await build({ projectDir: dir });
  });
  afterAll(removeProjects);

  it('names the model, the compiled file and line, and the Binder Error', () => {
    expect(resultFor(outcome, 'bad_view')).toMatchObject({
      status: 'error',
      message: 'Database error in model bad_view (compiled SQL: target/compiled/proj/models/bad_view.sql:3): Binder Error: Referenced column "missing_col" not found in FROM clause!',
    });
  });

  it('maps the line to the compiled file for tables too (config line rendered away)', () => {
    const { message } = resultFor(outcome, 'bad_table');
    expect(message).toMatch(/^Database error in model bad_table \(compiled SQL: target\/compiled\/proj\/models\/bad_table\.sql:3\): Binder Error: /);
    expect(message).toContain('other_missing');
    const compiled = readFileSync(join(dir, 'target/compiled/proj/models/bad_table.sql'), 'utf8').split('\n');
    expect(compiled[2]).toContain('other_missing');
  });

  it('reports parser errors', () => {
    expect(resultFor(outcome, 'bad_syntax').message).toMatch(/^Database error in model bad_syntax \(compiled SQL: target\/compiled\/proj\/models\/bad_syntax\.sql(:1)?\): Parser Error: syntax error at or near "selec"/);
  });

  it('reports errors in tests with the test name and compiled path', () => {
    expect(resultFor(outcome, 'bad_test')).toMatchObject({
      status: 'error',
      message: 'Database error in test bad_test (compiled SQL: target/compiled/proj/tests/bad_test.sql:2): Binder Error: Referenced column "nope" not found in FROM clause!',
    });
    expect(existsSync(join(dir, 'target/compiled/proj/tests/bad_test.sql'))).toBe(true);
  });

  it('keeps only the first line of the DuckDB message and writes it to run_results.json', () => {
    for (const name of ['bad_view', 'bad_table', 'bad_syntax', 'bad_test']) expect(resultFor(outcome, name).message).not.toContain('\n');
    const entry = readRunResults(dir).results.find((r) => r.unique_id === 'model.proj.bad_view')!;
    expect(entry.status).toBe('error');
    expect(entry.message).toContain('Binder Error');
    expect(outcome.summary.error).toBe(4);
  });
});
