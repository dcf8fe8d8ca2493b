import type { Relation } from '../../manifest/nodes.js';
import type { Dialect, RelationKind, SeedData } from '../adapter.js';
import { quoteIdentifier, quoteLiteral, renderRelation } from '../quoting.js';
import { comparableType } from '../types.js';
import { restoreDependentViews, saveDependentViews } from './dependent-views.js';

/** Rows per INSERT when loading a seed (one statement per batch keeps statements small). */
const SEED_BATCH = 500;

/** dbt-postgres' seed column types (dbt-adapters' sql/impl.py: `integer`, `float8`, ...); `bigint` for whole numbers beyond 32 bits. */
const SEED_TYPES = { integer: 'integer', bigint: 'bigint', float: 'double precision', boolean: 'boolean', date: 'date', timestamp: 'timestamp', text: 'text' } as const;

/**
 * PostgreSQL's SQL where engines differ (PostgreSQL 15 docs): no `CREATE OR REPLACE TABLE`, so
 * tables are dropped and created in the same transaction; a view is dropped and created again,
 * since `CREATE OR REPLACE VIEW` cannot change columns. Such a drop is `CASCADE` (it takes the
 * views reading the relation with it), so the views are recorded first and re-created after the
 * swap in the same transaction ({@link keepDependentViews}); a relation dropped for good is dropped
 * with `RESTRICT` instead ({@link dropUnlessRead}); `extract(epoch from ...)`; seeds
 * inserted from rows parsed by dops.
 */
export const postgresDialect: Dialect = {
  type: 'postgres',
  dropRelation: (relation: Relation, kind: RelationKind) => `drop ${kind} if exists ${renderRelation(relation)} cascade`,
  createTableAs: (relation: Relation, sql: string) => [`drop table if exists ${renderRelation(relation)} cascade`, `create table ${renderRelation(relation)} as (\n${sql}\n)`],
  createTempTableAs: (name: string, sql: string) => [`drop table if exists pg_temp.${quoteIdentifier(name)}`, `create temp table ${quoteIdentifier(name)} as (\n${sql}\n)`],
  keepDependentViews: (relation: Relation) => ({ save: saveDependentViews(relation), restore: restoreDependentViews() }),
  dropUnlessRead: (relation: Relation, kind: RelationKind) => `drop ${kind} if exists ${renderRelation(relation)} restrict`,
  replaceView(relation: Relation, sql: string, existing: RelationKind | undefined) {
    const create = `create view ${renderRelation(relation)} as (\n${sql}\n)`;
    if (!existing) return [create];
    return [saveDependentViews(relation), `drop ${existing} if exists ${renderRelation(relation)} cascade`, create, restoreDependentViews()];
  },
  epochSeconds: (expression: string) => `extract(epoch from ${expression})`,
  // dbt's Column.TYPE_LABELS: `string` is spelled `text` on PostgreSQL.
  translateType: (type: string) => (type.trim().toLowerCase() === 'string' ? 'text' : type),
  contractType: comparableType,
  seedType: (kind) => SEED_TYPES[kind],
  seedInserts(relation: Relation, data: SeedData) {
    const statements: string[] = [];
    const columns = data.columns.map((c) => quoteIdentifier(c.name)).join(', ');
    for (let start = 0; start < data.rows.length; start += SEED_BATCH) {
      const values = data.rows.slice(start, start + SEED_BATCH).map((row) => `(${row.map((v) => (v === undefined ? 'null' : quoteLiteral(v))).join(', ')})`);
      statements.push(`insert into ${renderRelation(relation)} (${columns}) values\n${values.join(',\n')}`);
    }
    return statements;
  },
};
