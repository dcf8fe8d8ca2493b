import type { Dialect } from '../adapter/adapter.js';
import { quoteIdentifier } from '../adapter/quoting.js';
import type { Relation } from '../manifest/nodes.js';
import { transactional, type MaterializationPlan } from './plan.js';

/**
 * The query that counts a test's failing rows (a test fails when its SQL returns rows; dbt docs,
 * "Data tests").
 * @param sql the compiled test query
 */
export function failureCountQuery(sql: string): string {
  return `select count(*) as failures from (\n${sql}\n) dbt_internal_test`;
}

/**
 * The failing rows a test reports: its query, cut to `limit` rows when the test has a `limit`
 * config (dbt's test config `limit`).
 * @param limit a whole number of rows, or undefined for all
 */
export function failingRowsQuery(sql: string, limit: number | undefined): string {
  return limit === undefined ? sql : `select * from (\n${sql}\n) dbt_internal_test limit ${limit}`;
}

/** Schema failing rows are stored in when a test sets `store_failures` without a `schema` (dbt's audit schema). */
export const AUDIT_SCHEMA = 'dbt_test__audit';

/**
 * Plans `store_failures`: the failing rows into a table named after the test in the audit schema,
 * replaced on every run (dbt docs, "store_failures"). One transaction, like a table model.
 * @param rowsSql the failing-rows query ({@link failingRowsQuery})
 */
export function planStoreFailures(relation: Relation, rowsSql: string, dialect: Dialect): MaterializationPlan {
  return transactional(relation.schema, dialect.createTableAs(relation, rowsSql));
}

/** The count of rows in a stored-failures table. */
export function storedCountQuery(relation: Relation): string {
  return `select count(*) as failures from ${quoteIdentifier(relation.schema)}.${quoteIdentifier(relation.identifier)}`;
}
