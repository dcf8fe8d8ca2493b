import type { Connection } from '../adapter/adapter.js';
import type { Compiler } from '../compiler/compiler.js';
import { CompilationError } from '../errors.js';
import { relationName, type Relation, type TestNode } from '../manifest/nodes.js';
import { AUDIT_SCHEMA, failingRowsQuery, failureCountQuery, planStoreFailures, storedCountQuery } from '../materializations/test.js';
import { testVerdict } from '../materializations/test-thresholds.js';
import type { RelationCatalog } from './catalog.js';
import { databaseError, runPlan, type Outcome, assertSingleSelect } from './execute-node.js';

/** True when a test's config asks for its failing rows to be kept (`store_failures: true`). */
export function storesFailures(test: TestNode): boolean {
  return test.config.store_failures === true || test.config.store_failures === 'true';
}

/** Where a test's failing rows are stored: `<schema config or dbt_test__audit>.<alias or test name>`. */
export function failuresRelation(test: TestNode): Relation {
  return { schema: test.config.schema ?? AUDIT_SCHEMA, identifier: test.config.alias ?? test.name };
}

function limitOf(test: TestNode): number | undefined {
  const { limit } = test.config;
  if (limit === undefined || limit === null) return undefined;
  const n = Number(limit);
  if (!Number.isInteger(n) || n < 0) throw new CompilationError(`Bad limit '${String(limit)}' on test ${test.name}: expected a whole number`, { location: { file: test.originalFilePath, line: test.line } });
  return n;
}

/** The test's `fail_calc` (an SQL aggregate over its rows), `count(*)` by default. */
function failCalcOf(test: TestNode): string {
  const failCalc = (test.config as Record<string, unknown>).fail_calc;
  if (failCalc === undefined || failCalc === null || failCalc === '') return 'count(*)';
  if (typeof failCalc !== 'string') throw new CompilationError(`Bad fail_calc on test ${test.name}: expected SQL text such as 'sum(n)'`, { location: { file: test.originalFilePath, line: test.line } });
  return failCalc;
}

async function countFailures(test: TestNode, connection: Connection, catalog: RelationCatalog, rowsSql: string): Promise<{ failures: number; stored?: Relation }> {
  if (!storesFailures(test)) {
    const rows = await connection.query(failureCountQuery(rowsSql, failCalcOf(test)));
    return { failures: Number(rows[0]?.failures ?? 0) };
  }
  const stored = failuresRelation(test);
  await runPlan(connection, planStoreFailures(stored, rowsSql, connection.dialect));
  catalog.record(stored, 'table');
  const rows = await connection.query(storedCountQuery(stored, failCalcOf(test)));
  return { failures: Number(rows[0]?.failures ?? 0), stored };
}

/**
 * Runs a data test with its configs (dbt's test configs): `limit` caps the failing rows counted,
 * `store_failures` saves them to a table in the audit schema (named in the message), `fail_calc`
 * computes the failure count from them (default `count(*)`),
 * `severity`, `warn_if` and `error_if` turn the count into pass, warn or fail. (`where` is applied
 * when the test compiles.)
 * @param catalog the run's relation catalog (records a `store_failures` table)
 * @throws DatabaseError naming the test and its compiled file when DuckDB rejects the query
 */
export async function runTest(test: TestNode, connection: Connection, catalog: RelationCatalog, compiler: Compiler): Promise<Outcome> {
  const compiled = await compiler.compileLive(test, connection);
  await assertSingleSelect(test, compiled, connection);
  const rowsSql = failingRowsQuery(compiled.sql, limitOf(test));
  let counted: { failures: number; stored?: Relation };
  try {
    counted = await countFailures(test, connection, catalog, rowsSql);
  } catch (error) {
    throw databaseError(test, compiled.path, error, 1, connection);
  }
  const { failures, stored } = counted;
  const verdict = testVerdict(failures, test.config, test.originalFilePath);
  const where = stored ? `; failing rows in ${relationName(stored)}` : '';
  const message = verdict.status === 'pass'
    ? `PASS${where}`
    : `Got ${failures} result${failures === 1 ? '' : 's'}, configured to ${verdict.status} if ${verdict.condition!.text}${where}`;
  return { status: verdict.status, message, failures, compiledPath: compiled.path, relationName: stored ? relationName(stored) : undefined };
}
