/**
 * Model contracts and constraints, the same cases on each engine (DuckDB and PostgreSQL).
 * dbt reference: https://docs.getdbt.com/reference/resource-configs/contract and
 * https://docs.getdbt.com/reference/resource-properties/constraints (dbt-duckdb and dbt-postgres
 * both declare every constraint type enforced on tables).
 */
import { expect, it } from 'vitest';
import { build } from '../../../src/api/commands.js';
import { caught, makeProject, readJson, resultFor, writeFile } from '../helpers.js';

/** How a test reaches one engine: the build target and a query on its database. */
export interface Engine {
  name: 'duckdb' | 'postgres';
  /** Writes what the project needs to reach the engine (profiles.yml); returns the build target. */
  prepare(dir: string): Promise<string | undefined>;
  query(dir: string, sql: string): Promise<Record<string, unknown>[]>;
}

const PROJECT = 'name: proj\nmodel-paths: [models]\nseed-paths: [seeds]\ntarget-path: target\n';

const SCHEMA = `version: 2
models:
  - name: dim
    config:
      contract: {enforced: true}
    columns:
      - name: id
        data_type: integer
        constraints:
          - type: not_null
          - type: primary_key
      - name: name
        data_type: text
        constraints:
          - type: unique
      - name: amount
        data_type: decimal(10,2)
        constraints:
          - type: check
            expression: "amount >= 0"
`;

const GOOD = "{{ config(materialized='table') }}\nselect cast(1.5 as decimal(10,2)) as amount, 'a' as name, cast(1 as integer) as id\nunion all select 2.25, 'b', 2\n";

async function project(engine: Engine, files: Record<string, string>) {
  const dir = makeProject({ 'dops_project.yml': PROJECT, ...files });
  const target = await engine.prepare(dir);
  return { dir, run: (reuse = true) => build({ projectDir: dir, target, reuse }) };
}

/** Column names and types of a relation, in order (information_schema, both engines). */
async function columnsOf(engine: Engine, dir: string, table: string): Promise<string[]> {
  const rows = await engine.query(dir, `select column_name, data_type from information_schema.columns where table_name = '${table}' order by ordinal_position`);
  return rows.map((row) => `${row.column_name} ${String(row.data_type).toLowerCase()}`);
}

/** Registers the shared cases for one engine. */
export function contractCases(engine: Engine): void {
  const pg = engine.name === 'postgres';

  it('a passing contract creates the declared columns, types and order', async () => {
    const { dir, run } = await project(engine, { 'models/dim.sql': GOOD, 'models/_schema.yml': SCHEMA });
    const outcome = await run();
    expect(resultFor(outcome, 'dim').status, resultFor(outcome, 'dim').message).toBe('success');
    expect(resultFor(outcome, 'dim').rowsAffected).toBe(2);
    // declared order (id, name, amount), not the query's (amount, name, id)
    expect(await columnsOf(engine, dir, 'dim')).toEqual(pg ? ['id integer', 'name text', 'amount numeric'] : ['id integer', 'name varchar', 'amount decimal(10,2)']);
    const manifest = readJson(dir, 'target/manifest.json');
    const node = manifest.nodes['model.proj.dim'];
    expect(node.contract.enforced).toBe(true);
    expect(node.contract.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(node.config.contract).toEqual({ enforced: true, alias_types: true });
    expect(node.columns.id.constraints.map((c: { type: string }) => c.type)).toEqual(['not_null', 'primary_key']);
    expect(node.columns.amount.constraints[0]).toMatchObject({ type: 'check', expression: 'amount >= 0', to: null, to_columns: [] });
  });

  it('type names compare as the engine resolves them (int4 = integer, string = text)', async () => {
    const schema = SCHEMA.replace('data_type: integer', 'data_type: int4').replace('data_type: text', `data_type: ${pg ? 'string' : 'varchar'}`);
    const { dir, run } = await project(engine, { 'models/dim.sql': GOOD, 'models/_schema.yml': schema });
    const outcome = await run();
    expect(resultFor(outcome, 'dim').status, resultFor(outcome, 'dim').message).toBe('success');
    expect((await columnsOf(engine, dir, 'dim'))[1]).toBe(pg ? 'name text' : 'name varchar');
  });

  it('missing, extra and mistyped columns fail the model with dbt\'s table; the old table stays', async () => {
    const { dir, run } = await project(engine, { 'models/dim.sql': GOOD, 'models/_schema.yml': SCHEMA });
    expect((await run()).success).toBe(true);
    // amount dropped (missing), extra added, id a bigint
    writeFile(dir, 'models/dim.sql', "{{ config(materialized='table') }}\nselect 'a' as name, cast(1 as bigint) as id, 1 as extra\n");
    const outcome = await run();
    const result = resultFor(outcome, 'dim');
    expect(outcome.success).toBe(false);
    expect(result.status).toBe('error');
    expect(result.message).toContain('This model has an enforced contract that failed.');
    const table = result.message!.split('\n').filter((line) => line.startsWith('|'));
    expect(table[0]).toMatch(/^\| column_name +\| definition_type +\| contract_type +\| mismatch_reason +\|$/);
    const rows = table.slice(2).map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()));
    expect(rows).toEqual([
      ['amount', '', pg ? 'numeric(10,2)' : 'DECIMAL(10,2)', 'missing in definition'],
      ['extra', pg ? 'integer' : 'INTEGER', '', 'missing in contract'],
      ['id', pg ? 'bigint' : 'BIGINT', pg ? 'integer' : 'INTEGER', 'data type mismatch'],
    ]);
    expect((await engine.query(dir, 'select count(*) as n from dim'))[0].n).toEqual(pg ? '2' : 2);
  });

  it.each([
    ['not_null', "select cast(null as integer) as id, 'c' as name, cast(1 as decimal(10,2)) as amount"],
    ['primary_key', "select cast(1 as integer) as id, 'c' as name, cast(1 as decimal(10,2)) as amount union all select 1, 'd', 1"],
    ['unique', "select cast(1 as integer) as id, 'c' as name, cast(1 as decimal(10,2)) as amount union all select 2, 'c', 1"],
    ['check', "select cast(1 as integer) as id, 'c' as name, cast(-1 as decimal(10,2)) as amount"],
  ])('a row violating %s fails the build with the engine\'s message; the old table is intact', async (_kind, sql) => {
    const { dir, run } = await project(engine, { 'models/dim.sql': GOOD, 'models/_schema.yml': SCHEMA });
    expect((await run()).success).toBe(true);
    writeFile(dir, 'models/dim.sql', `{{ config(materialized='table') }}\n${sql}\n`);
    const outcome = await run();
    const result = resultFor(outcome, 'dim');
    expect(result.status).toBe('error');
    expect(result.message).toMatch(pg ? /violates (not-null|unique|check) constraint|duplicate key/ : /Constraint Error/);
    const rows = await engine.query(dir, 'select id, name from dim order by id');
    expect(rows.map((r) => `${r.id}:${r.name}`)).toEqual(['1:a', '2:b']);
  });

  it('model-level primary key (named) and a foreign key to ref() are enforced; a second build works', async () => {
    const schema = `version: 2
models:
  - name: dim
    config: {contract: {enforced: true}}
    constraints:
      - type: primary_key
        name: dim_pk
        columns: [id]
    columns:
      - {name: id, data_type: integer}
      - {name: name, data_type: text}
  - name: fct
    config: {contract: {enforced: true}}
    columns:
      - name: dim_id
        data_type: integer
        constraints:
          - type: foreign_key
            to: ref('dim')
            to_columns: [id]
`;
    const { dir, run } = await project(engine, {
      'models/_schema.yml': schema,
      'models/dim.sql': "{{ config(materialized='table') }}\nselect cast(1 as integer) as id, 'a' as name\n",
      'models/fct.sql': "{{ config(materialized='table') }}\nselect cast(1 as integer) as dim_id\n",
    });
    let outcome = await run();
    expect(outcome.results.map((r) => `${r.uniqueId} ${r.status} ${r.message}`)).toEqual(['model.proj.dim success created table', 'model.proj.fct success created table']);
    const manifest = readJson(dir, 'target/manifest.json');
    expect(manifest.nodes['model.proj.fct'].depends_on.nodes).toEqual(['model.proj.dim']);
    expect(manifest.nodes['model.proj.dim'].constraints).toEqual([{ type: 'primary_key', name: 'dim_pk', expression: null, warn_unenforced: true, warn_unsupported: true, to: null, to_columns: [], columns: ['id'] }]);
    writeFile(dir, 'models/fct.sql', "{{ config(materialized='table') }}\nselect cast(99 as integer) as dim_id\n");
    // --no-reuse: the unchanged dim is rebuilt too, the case the engines differ on.
    outcome = await run(false);
    const fct = resultFor(outcome, 'fct');
    if (pg) {
      // PostgreSQL rebuilds dim (drop ... cascade drops fct's key, as dbt-postgres does), then rejects 99.
      expect(resultFor(outcome, 'dim').status).toBe('success');
      expect(fct.status).toBe('error');
      expect(fct.message).toMatch(/violates foreign key constraint/);
    } else {
      // DuckDB cannot drop a table another table's foreign key references: dim fails, fct is skipped.
      expect(resultFor(outcome, 'dim').message).toMatch(/main key table/);
      expect(fct.status).toBe('skipped');
    }
    expect((await engine.query(dir, 'select dim_id from fct')).map((r) => r.dim_id)).toEqual([1]);
  });

  it('a contracted view checks columns and warns that its constraints are not applied', async () => {
    const { dir, run } = await project(engine, { 'models/dim.sql': GOOD.replace("'table'", "'view'"), 'models/_schema.yml': SCHEMA });
    const outcome = await run();
    expect(resultFor(outcome, 'dim').status, resultFor(outcome, 'dim').message).toBe('success');
    const warnings = outcome.project.warnings.filter((w) => w.includes('constraint'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/models\/_schema\.yml:\d+: model 'dim': constraint types are not supported for view materializations and will be ignored \(not_null, primary_key, unique, check\)/);
    writeFile(dir, 'models/dim.sql', "{{ config(materialized='view') }}\nselect 1 as id\n");
    const failed = await run();
    expect(resultFor(failed, 'dim').message).toContain('missing in definition');
  });

  it('incremental with a contract: the first build has the declared schema, later runs are checked', async () => {
    const schema = SCHEMA.replace('contract: {enforced: true}', "contract: {enforced: true}\n      on_schema_change: append_new_columns");
    const sql = "{{ config(materialized='incremental', unique_key='id', incremental_strategy='delete+insert') }}\nselect cast(3.5 as decimal(10,2)) as amount, 'n{{ var('id', 1) }}' as name, cast({{ var('id', 1) }} as integer) as id\n";
    const { dir } = await project(engine, { 'models/dim.sql': sql, 'models/_schema.yml': schema });
    const target = engine.name === 'postgres' ? 'pg' : undefined;
    let outcome = await build({ projectDir: dir, target });
    expect(resultFor(outcome, 'dim').message).toBe('created incremental');
    expect((await columnsOf(engine, dir, 'dim')).map((c) => c.split(' ')[0])).toEqual(['id', 'name', 'amount']);
    outcome = await build({ projectDir: dir, target, vars: { id: 2 } });
    expect(resultFor(outcome, 'dim').status, resultFor(outcome, 'dim').message).toBe('success');
    // the unique constraint holds on incremental runs too: name 'n1' again with id 3 is rejected
    writeFile(dir, 'models/dim.sql', sql.replace("'n{{ var('id', 1) }}'", "'n1'"));
    outcome = await build({ projectDir: dir, target, vars: { id: 3 } });
    expect(resultFor(outcome, 'dim').status).toBe('error');
    writeFile(dir, 'models/dim.sql', sql.replace('as amount', 'as amount, 1 as extra'));
    outcome = await build({ projectDir: dir, target, vars: { id: 4 } });
    expect(resultFor(outcome, 'dim').message).toContain('missing in contract');
    expect((await engine.query(dir, 'select id from dim order by id')).map((r) => Number(r.id))).toEqual([1, 2]);
  });

  it.each([
    ['an unknown constraint type', SCHEMA.replace('type: unique', 'type: uniq'), /Invalid constraint type 'uniq'/, 15],
    ['a foreign_key without to', SCHEMA.replace('type: unique', 'type: foreign_key'), /foreign_key constraint needs 'to'/, 15],
    ['a contracted column without data_type', SCHEMA.replace('        data_type: text\n', ''), /Contracted models require data_type to be defined for each column.*\['name'\]/, 12],
  ])('bad input: %s is an error with file and line', async (_what, schema, message, line) => {
    const { run } = await project(engine, { 'models/dim.sql': GOOD, 'models/_schema.yml': schema });
    const error = await caught(run);
    const errors = error.errors ?? [error];
    expect(errors[0].message).toMatch(message);
    expect(errors[0].location).toMatchObject({ file: 'models/_schema.yml', line });
  });

  it('+contract from the project file applies to model versions; each version is checked', async () => {
    const { dir, run } = await project(engine, {
      'dops_project.yml': `${PROJECT}models:\n  proj:\n    +materialized: table\n    +contract: {enforced: true}\n`,
      'models/_schema.yml': `version: 2
models:
  - name: orders
    latest_version: 2
    columns:
      - {name: id, data_type: integer}
    versions:
      - v: 1
      - v: 2
        columns:
          - include: all
          - {name: note, data_type: text}
`,
      'models/orders_v1.sql': 'select cast(1 as integer) as id\n',
      'models/orders_v2.sql': "select cast(1 as integer) as id, 'x' as note\n",
    });
    let outcome = await run();
    // sorted: with 2 threads the results come in completion order
    expect(outcome.results.map((r) => `${r.uniqueId} ${r.status}`).sort()).toEqual(['model.proj.orders.v1 success', 'model.proj.orders.v2 success']);
    expect(await columnsOf(engine, dir, 'orders_v2')).toEqual(['id integer', pg ? 'note text' : 'note varchar']);
    writeFile(dir, 'models/orders_v1.sql', "select cast(1 as integer) as id, 'x' as note\n");
    outcome = await run();
    const v1 = outcome.results.find((r) => r.uniqueId === 'model.proj.orders.v1')!;
    expect(v1.status).toBe('error');
    expect(v1.message).toMatch(/note .*missing in contract/);
  });

  it('an ephemeral model with a contract is an error', async () => {
    const { run } = await project(engine, { 'models/dim.sql': GOOD.replace("'table'", "'ephemeral'"), 'models/_schema.yml': SCHEMA });
    const error = await caught(run);
    expect(error.message).toMatch(/enforced contract, which ephemeral models do not support/);
  });
}
