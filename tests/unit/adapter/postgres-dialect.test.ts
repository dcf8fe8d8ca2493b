/**
 * PostgreSQL's dialect: the SQL that differs from DuckDB's, and seed type inference.
 * https://www.postgresql.org/docs/15/sql-createtableas.html, https://www.postgresql.org/docs/15/sql-createview.html
 */
import { describe, expect, it } from 'vitest';
import { restoreDependentViews, saveDependentViews } from '../../../src/adapter/postgres/dependent-views.js';
import { postgresDialect } from '../../../src/adapter/postgres/dialect.js';
import { inferSeedKind } from '../../../src/materializations/seed.js';
import { planTable } from '../../../src/materializations/table.js';

const relation = { schema: 'marts', identifier: 'orders' };

describe('postgresDialect', () => {
  it('builds a table aside, drops the old one with its views, renames and re-creates the views, in one transaction', () => {
    expect(planTable(relation, 'select 1 as id', 'table', postgresDialect)).toEqual({
      statements: [
        'begin transaction',
        'create schema if not exists "marts"',
        'drop table if exists "marts"."orders__dops_tmp" cascade',
        'create table "marts"."orders__dops_tmp" as (\nselect 1 as id\n)',
        saveDependentViews(relation),
        'drop table if exists "marts"."orders" cascade',
        'alter table "marts"."orders__dops_tmp" rename to "orders"',
        restoreDependentViews(),
        'commit',
      ],
      rowCountStatement: 3,
    });
  });

  it('recreates a view (CREATE OR REPLACE VIEW cannot change its columns) and uses extract(epoch)', () => {
    const create = 'create view "marts"."orders" as (\nselect 1 as id\n)';
    expect(postgresDialect.replaceView(relation, 'select 1 as id', 'view')).toEqual([saveDependentViews(relation), 'drop view if exists "marts"."orders" cascade', create, restoreDependentViews()]);
    expect(postgresDialect.replaceView(relation, 'select 1 as id', undefined)).toEqual([create]);
    expect(postgresDialect.createTempTableAs('stg', 'select 1')).toEqual(['drop table if exists pg_temp."stg"', 'create temp table "stg" as (\nselect 1\n)']);
    expect(postgresDialect.epochSeconds('max(loaded_at)')).toBe('extract(epoch from max(loaded_at))');
  });

  it('drops a relation that is not replaced with RESTRICT (a view reading it keeps it), https://www.postgresql.org/docs/15/sql-droptable.html', () => {
    expect(postgresDialect.dropUnlessRead!(relation, 'table')).toBe('drop table if exists "marts"."orders" restrict');
    expect(postgresDialect.dropRelation(relation, 'view')).toBe('drop view if exists "marts"."orders" cascade');
  });

  it('inserts seed rows as quoted literals, NULL for empty fields', () => {
    const data = { columns: [{ name: 'id', type: 'bigint' }, { name: 'name', type: 'text' }], rows: [['1', "o'hare"], ['2', undefined]] };
    expect(postgresDialect.seedInserts!(relation, data)).toEqual([`insert into "marts"."orders" ("id", "name") values\n('1', 'o''hare'),\n('2', null)`]);
  });
});

describe('inferSeedKind', () => {
  it('picks the narrowest kind every value fits, ignoring empty fields', () => {
    expect(inferSeedKind(['1', '-2', undefined])).toBe('integer');
    // dbt-postgres seeds whole numbers as `integer` (dbt-adapters' convert_integer_type); dops widens past 32 bits.
    expect(inferSeedKind(['1', '2147483647', '-2147483647'])).toBe('integer');
    expect(inferSeedKind(['1', '2147483648'])).toBe('bigint');
    expect(inferSeedKind(['2147483648', '2.5'])).toBe('float');
    expect(inferSeedKind(['1', '2.5'])).toBe('float');
    expect(inferSeedKind(['true', 'False'])).toBe('boolean');
    expect(inferSeedKind(['2024-01-01'])).toBe('date');
    expect(inferSeedKind(['2024-01-01 10:00:00', '2024-01-02 11:30:00'])).toBe('timestamp');
    expect(inferSeedKind(['2024-01-01', 'x'])).toBe('text');
    // dbt's type tester tries Integer first, which accepts a column of nulls (codegen's integration
    // project expects `integer` for its empty `analytics` column).
    expect(inferSeedKind([undefined])).toBe('integer');
  });
});
