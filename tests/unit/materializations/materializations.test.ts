import { duckdbDialect } from '../../../src/adapter/duckdb/dialect.js';
import { describe, expect, it } from 'vitest';
import { CompilationError } from '../../../src/errors.js';
import { failureCountQuery, planModel, planSeed } from '../../../src/materializations/index.js';
import { dropStatement, transactional } from '../../../src/materializations/plan.js';
import { planTable } from '../../../src/materializations/table.js';
import { planView } from '../../../src/materializations/view.js';
import { seedTable } from '../../../src/materializations/seed.js';
import { model, thrown } from '../helpers.js';

const relation = { schema: 'marts', identifier: 'orders' };
const SQL = 'select 1 as id';

describe('plan helpers', () => {
  it('dropStatement drops whatever kind the relation is', () => {
    expect(dropStatement(relation, 'view', duckdbDialect)).toBe('drop view if exists "marts"."orders"');
    expect(dropStatement(relation, 'table', duckdbDialect)).toBe('drop table if exists "marts"."orders"');
  });

  it('transactional wraps statements and shifts the row-count index past begin and create schema', () => {
    expect(transactional('s', ['a', 'b'], 1)).toEqual({ statements: ['begin transaction', 'create schema if not exists "s"', 'a', 'b', 'commit'], rowCountStatement: 3 });
    expect(transactional('s', ['a']).rowCountStatement).toBeUndefined();
  });
});

describe('planTable', () => {
  it('builds into a temp table and renames it in when nothing exists', () => {
    const plan = planTable(relation, SQL, undefined, duckdbDialect);
    expect(plan.statements).toEqual([
      'begin transaction',
      'create schema if not exists "marts"',
      'create or replace table "marts"."orders__dops_tmp" as (\nselect 1 as id\n)',
      'alter table "marts"."orders__dops_tmp" rename to "orders"',
      'commit',
    ]);
    expect(plan.rowCountStatement).toBe(2);
    expect(plan.statements[plan.rowCountStatement!]).toMatch(/^create or replace table /);
  });

  it.each(['view', 'table'] as const)('drops an existing %s before the rename', (existing) => {
    const plan = planTable(relation, SQL, existing, duckdbDialect);
    expect(plan.statements).toEqual([
      'begin transaction',
      'create schema if not exists "marts"',
      'create or replace table "marts"."orders__dops_tmp" as (\nselect 1 as id\n)',
      `drop ${existing} if exists "marts"."orders"`,
      'alter table "marts"."orders__dops_tmp" rename to "orders"',
      'commit',
    ]);
    expect(plan.rowCountStatement).toBe(2);
  });

  it('quotes identifiers with embedded quotes', () => {
    const plan = planTable({ schema: 'my "schema"', identifier: 'a"b' }, SQL, undefined, duckdbDialect);
    expect(plan.statements[1]).toBe('create schema if not exists "my ""schema"""');
    expect(plan.statements[2]).toBe('create or replace table "my ""schema"""."a""b__dops_tmp" as (\nselect 1 as id\n)');
    expect(plan.statements[3]).toBe('alter table "my ""schema"""."a""b__dops_tmp" rename to "a""b"');
  });
});

describe('planView', () => {
  it.each([undefined, 'view'] as const)('creates or replaces the view when the relation is %s', (existing) => {
    expect(planView(relation, SQL, existing, duckdbDialect)).toEqual({
      statements: ['begin transaction', 'create schema if not exists "marts"', 'create or replace view "marts"."orders" as (\nselect 1 as id\n)', 'commit'],
      rowCountStatement: undefined,
    });
  });

  it('drops an existing table first', () => {
    expect(planView(relation, SQL, 'table', duckdbDialect).statements).toEqual([
      'begin transaction',
      'create schema if not exists "marts"',
      'drop table if exists "marts"."orders"',
      'create or replace view "marts"."orders" as (\nselect 1 as id\n)',
      'commit',
    ]);
  });
});

describe('planModel', () => {
  it('picks the planner from the materialized config', () => {
    expect(planModel(model('orders', { config: { materialized: 'table', schema: 'marts' } }), SQL, undefined, duckdbDialect)).toEqual(planTable(relation, SQL, undefined, duckdbDialect));
    expect(planModel(model('orders', { config: { schema: 'marts' } }), SQL, 'table', duckdbDialect)).toEqual(planView(relation, SQL, 'table', duckdbDialect));
  });

  it('rejects an unknown materialization', () => {
    const error = thrown(() => planModel(model('orders', { config: { materialized: 'materialized_view' } }), SQL, undefined, duckdbDialect));
    expect(error).toBeInstanceOf(CompilationError);
    expect(error.message).toBe("Unknown materialization 'materialized_view' for model 'orders'");
    expect(error.hint).toBe('Use one of: view, table, incremental, external, ephemeral.');
    expect(error.location).toEqual({ file: 'models/orders.sql' });
  });
});

describe('seeds', () => {
  it('reads the CSV with a header, a fixed delimiter and every column typed by position', () => {
    expect(duckdbDialect.seedSelect!('seeds/countries.csv', ['VARCHAR', 'INTEGER'], ',')).toBe(
      "select * from read_csv('seeds/countries.csv', header = true, auto_detect = true, delim = ',', types = ['VARCHAR', 'INTEGER'])",
    );
    expect(duckdbDialect.seedSelect!('seeds/countries.csv', [], ',')).toBe("select * from read_csv('seeds/countries.csv', header = true, auto_detect = true, delim = ',')");
  });

  it('uses a given delimiter, quoted, and quotes the types', () => {
    expect(duckdbDialect.seedSelect!('seeds/a.csv', [], ';')).toBe("select * from read_csv('seeds/a.csv', header = true, auto_detect = true, delim = ';')");
    expect(duckdbDialect.seedSelect!('seeds/a.csv', [], "'")).toBe("select * from read_csv('seeds/a.csv', header = true, auto_detect = true, delim = '''')");
    expect(duckdbDialect.seedSelect!("seeds/o'hare.csv", ['varchar', 'decimal(10, 2)'], ',')).toBe(
      "select * from read_csv('seeds/o''hare.csv', header = true, auto_detect = true, delim = ',', types = ['varchar', 'decimal(10, 2)'])",
    );
  });

  it('loads a seed like a table, column_types winning over inferred types', () => {
    const records = [['code', 'population'], ['nl', '17'], ['be', '11']];
    const plan = planSeed({ schema: 'main', identifier: 'countries' }, 'seeds/countries.csv', seedTable(records, { code: 'varchar(2)' }, duckdbDialect), 'table', ';', duckdbDialect);
    expect(plan).toEqual({
      statements: [
        'begin transaction',
        'create schema if not exists "main"',
        `create or replace table "main"."countries__dops_tmp" as (\nselect * from read_csv('seeds/countries.csv', header = true, auto_detect = true, delim = ';', types = ['varchar(2)', 'INTEGER'])\n)`,
        'drop table if exists "main"."countries"',
        'alter table "main"."countries__dops_tmp" rename to "countries"',
        'commit',
      ],
      rowCountStatement: 2,
    });
  });

  it('defaults the seed delimiter to a comma', () => {
    expect(planSeed({ schema: 'main', identifier: 'c' }, 'seeds/c.csv', seedTable([['a'], ['1']], undefined, duckdbDialect), undefined, undefined, duckdbDialect).statements[2]).toBe(
      `create or replace table "main"."c__dops_tmp" as (\nselect * from read_csv('seeds/c.csv', header = true, auto_detect = true, delim = ',', types = ['INTEGER'])\n)`,
    );
  });
});

describe('failureCountQuery', () => {
  it('counts the rows of the test query', () => {
    expect(failureCountQuery('select id from t where id is null')).toBe('select count(*) as failures from (\nselect id from t where id is null\n) dbt_internal_test');
  });
});
