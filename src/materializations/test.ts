import type { Dialect } from '../adapter/adapter.js';
import { quoteIdentifier } from '../adapter/quoting.js';
import type { Relation } from '../manifest/nodes.js';
import { transactional, type MaterializationPlan } from './plan.js';

/**
 * The query that counts a test's failures (a test fails when its SQL returns rows; dbt docs,
 * "Data tests"): `fail_calc` over its rows, `count(*)` unless the test configures another
 * aggregate (https://docs.getdbt.com/reference/resource-configs/fail_calc).
 * @param sql the compiled test query
 * @param failCalc the test's `fail_calc` config (SQL aggregate over the test's rows)
 */
export function failureCountQuery(sql: string, failCalc = 'count(*)'): string {
  return `select ${failCalc} as failures from (\n${sql}\n) dbt_internal_test`;
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

/** The failures (`fail_calc`, default `count(*)`) in a stored-failures table. */
export function storedCountQuery(relation: Relation, failCalc = 'count(*)'): string {
  return `select ${failCalc} as failures from ${quoteIdentifier(relation.schema)}.${quoteIdentifier(relation.identifier)}`;
}
