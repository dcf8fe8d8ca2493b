/**
 * A model, snapshot or test body must compile to exactly one SELECT statement. Materializations wrap
 * the body (`create table ... as (<body>)`), so a body that closes the parenthesis and adds
 * statements would otherwise drop or create other relations. dbt builds the same wrappers
 * (https://docs.getdbt.com/docs/build/materializations); the check uses DuckDB's own parser
 * (https://duckdb.org/docs/stable/data/json/sql_to_and_from_json).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { build, snapshot } from '../../../src/api/commands.js';
import { makeProject, query, relations, removeProjects, resultFor, writeFile } from '../helpers.js';

afterAll(removeProjects);

const INJECTION = 'select 1 as a) ; drop table main.victim; create table main.pwn as (select 1';

describe('a body that is not exactly one SELECT is refused before it runs', () => {
  const cases: Array<{ kind: string; file: string; body: string; expected: RegExp }> = [
    { kind: 'table', file: 'models/evil.sql', body: `{{ config(materialized='table') }}\n${INJECTION}\n`, expected: /^Database error in model evil \(compiled SQL: target\/compiled\/proj\/models\/evil\.sql:1\): Parser Error: syntax error at or near "\)"/ },
    { kind: 'view', file: 'models/evil.sql', body: `${INJECTION}\n`, expected: /^Database error in model evil \(compiled SQL: target\/compiled\/proj\/models\/evil\.sql:1\): Parser Error/ },
    { kind: 'incremental', file: 'models/evil.sql', body: `{{ config(materialized='incremental') }}\n${INJECTION}\n`, expected: /^Database error in model evil .*Parser Error/ },
    { kind: 'external', file: 'models/evil.sql', body: `{{ config(materialized='external') }}\n${INJECTION}\n`, expected: /^Database error in model evil .*Parser Error/ },
    { kind: 'two statements', file: 'models/evil.sql', body: `{{ config(materialized='table') }}\nselect 1 as a;\ndrop table main.victim\n`, expected: /^model evil must compile to exactly one SELECT statement, but it holds 2 statements \(compiled SQL: target\/compiled\/proj\/models\/evil\.sql\)/ },
    { kind: 'not a select', file: 'models/evil.sql', body: `{{ config(materialized='table') }}\ndrop table main.victim\n`, expected: /^model evil must compile to exactly one SELECT statement, but it is not a SELECT statement/ },
    { kind: 'singular test', file: 'tests/evil.sql', body: `select * from {{ ref('victim') }} where false) ; drop table main.victim; create table main.pwn as (select 1\n`, expected: /^Database error in test evil \(compiled SQL: target\/compiled\/proj\/tests\/evil\.sql:1\): Parser Error/ },
  ];

  for (const { kind, file, body, expected } of cases) {
    it(`${kind}: errors naming the node and its compiled file; other relations untouched`, async () => {
      const dir = makeProject({ 'models/victim.sql': "{{ config(materialized='table') }}\nselect 42 as answer\n" });
      expect((await build({ projectDir: dir })).success).toBe(true);
      writeFile(dir, file, body);
      const outcome = await build({ projectDir: dir });
      expect(outcome.success).toBe(false);
      expect(resultFor(outcome, 'evil').status).toBe('error');
      expect(resultFor(outcome, 'evil').message).toMatch(expected);
      const names = Object.keys(await relations(dir));
      expect(names).not.toContain('main.pwn');
      expect(await query(dir, 'select answer from main.victim')).toEqual([{ answer: 42 }]);
    });
  }

  it('a PIVOT statement followed by another statement is refused', async () => {
    const dir = makeProject({ 'models/victim.sql': "{{ config(materialized='table') }}\nselect 42 as answer\n" });
    await build({ projectDir: dir });
    writeFile(dir, 'models/evil.sql', "{{ config(materialized='table') }}\npivot (select 1 as a, 2 as b) on a using sum(b); drop table main.victim\n");
    const outcome = await build({ projectDir: dir });
    expect(resultFor(outcome, 'evil').message).toMatch(/^model evil must compile to exactly one SELECT statement, but it holds \d statements/);
    expect(await query(dir, 'select answer from main.victim')).toEqual([{ answer: 42 }]);
  });

  it('snapshot: the same check applies to a snapshot body', async () => {
    const dir = makeProject({
      'models/victim.sql': "{{ config(materialized='table') }}\nselect 42 as answer\n",
      'snapshots/evil.sql': `{% snapshot evil %}\n{{ config(unique_key='a', strategy='check', check_cols='all') }}\n${INJECTION}\n{% endsnapshot %}\n`,
    });
    await build({ projectDir: dir, select: ['victim'] });
    const outcome = await snapshot({ projectDir: dir });
    expect(resultFor(outcome, 'evil').message).toMatch(/^Database error in snapshot evil .*Parser Error/);
    expect(Object.keys(await relations(dir))).not.toContain('main.pwn');
    expect(await query(dir, 'select answer from main.victim')).toEqual([{ answer: 42 }]);
  });

  it('every shape of one SELECT still builds: WITH, VALUES, FROM-first, set operations, trailing semicolon and comment', async () => {
    const dir = makeProject({
      'models/with_cte.sql': 'with a as (select 1 as x) select * from a\n',
      'models/values_only.sql': "{{ config(materialized='table') }}\nvalues (1), (2)\n",
      'models/from_first.sql': 'from range(3)\n',
      'models/set_op.sql': '(select 1 as x) union all (select 2)\n',
      'models/semicolon.sql': "{{ config(materialized='table') }}\nselect 1 as x;\n",
      'models/commented.sql': 'select 1 as x -- the end\n',
      // https://duckdb.org/docs/stable/sql/statements/pivot: values from the data make DuckDB run more than one statement
      'models/pivoted.sql': "{{ config(materialized='table') }}\npivot (select 1 as a, 2 as b) on a using sum(b)\n",
    });
    const outcome = await build({ projectDir: dir });
    expect(outcome.results.filter((r) => r.status !== 'success').map((r) => r.message)).toEqual([]);
  });
});
