// Real dbt packages, unmodified: dbt-codegen 0.14.1's integration project
// (github.com/dbt-labs/dbt-codegen/tree/main/integration_tests) and dbt-audit-helper 0.12.2's
// (github.com/dbt-labs/dbt-audit-helper/tree/main/integration_tests) build with dops on DuckDB.
// Their upstream CI runs them on PostgreSQL and warehouses; every node that does not succeed here
// is listed below with its reason: a DuckDB dialect limit (dbt-duckdb renders the same SQL and gets
// the same error) or a limit of the package itself (no implementation for adapters but a few).
// Packages: https://docs.getdbt.com/docs/build/packages; run-operation (runs the macro's queries,
// not its rendered text): https://docs.getdbt.com/reference/commands/run-operation; unit tests:
// https://docs.getdbt.com/docs/build/unit-tests.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeProjects } from '../helpers.js';

afterAll(removeProjects);

const shared = '/work/shared/dbt-packages';
const cli = join(process.cwd(), 'dist', 'cli', 'main.js');

interface Result { unique_id: string; status: string; message?: string }

/**
 * Copies a package to a temp dir and, in its integration project on DuckDB, runs `deps`, the
 * run-operations its CI runs first (`operations`), then `build`.
 */
function buildIntegrationProject(folder: string, operations: string[] = []): { results: Result[]; output: string; operationOutput: string; dir: string } {
  const root = makeTempDir();
  cpSync(join(shared, folder), join(root, folder), { recursive: true });
  const dir = join(root, folder, 'integration_tests');
  writeFileSync(join(dir, 'profiles.yml'), `integration_tests:\n  target: duckdb\n  outputs:\n    duckdb:\n      type: duckdb\n      path: ${join(root, 'it.duckdb')}\n      threads: 1\n`);
  execFileSync('node', [cli, 'deps', '--package-index', shared], { cwd: dir, encoding: 'utf8' });
  let operationOutput = '';
  for (const operation of operations) {
    operationOutput += execFileSync('node', [cli, 'run-operation', operation, '--profiles-dir', '.', '--target', 'duckdb'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  }
  let output = '';
  try {
    output = execFileSync('node', [cli, 'build', '--profiles-dir', '.', '--target', 'duckdb', '--quiet'], { cwd: dir, encoding: 'utf8' });
  } catch (error) {
    output = String((error as { stdout?: string }).stdout ?? error);
  }
  const results = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')).results as Result[];
  return { results, output, operationOutput, dir };
}

/** A node's name from its unique id: `test_x` for `test.pkg.test_x`, `model.test_name` for a unit test. */
const nameOf = (uniqueId: string) => uniqueId.split('.').slice(2).join('.');

/** Checks every known failure has its status and nothing else fails; returns the counts. */
function checkResults(results: Result[], known: Record<string, [status: string, reason: string]>, output: string): Record<string, number> {
  const statusOf = new Map(results.map((r) => [nameOf(r.unique_id), r.status]));
  for (const [name, [status]] of Object.entries(known)) expect(statusOf.get(name), name).toBe(status);
  const bad = results
    .filter((r) => r.status !== 'success' && r.status !== 'pass' && !(nameOf(r.unique_id) in known))
    .map((r) => `${r.unique_id}: ${r.status} ${r.message ?? ''}`);
  expect(bad, output).toEqual([]);
  const counts: Record<string, number> = {};
  for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}

// dbt_utils.get_relations_by_pattern (codegen.get_tables_in_schema) reads
// `<database>.information_schema.tables`: DuckDB has one information_schema, in the system
// catalog, not one per attached database ("schema information_schema does not exist").
const INFORMATION_SCHEMA = 'DuckDB dialect: no <database>.information_schema (it lives in the system catalog only)';

const codegenKnownFailures: Record<string, [string, string]> = {
  test_generate_source: ['error', INFORMATION_SCHEMA],
  test_generate_source_all_args: ['error', INFORMATION_SCHEMA],
  test_generate_source_exclude: ['error', INFORMATION_SCHEMA],
  test_generate_source_include_database_property: ['error', INFORMATION_SCHEMA],
  test_generate_source_include_schema_property: ['error', INFORMATION_SCHEMA],
  test_generate_source_table_descriptions: ['error', INFORMATION_SCHEMA],
  test_generate_source_table_name: ['error', INFORMATION_SCHEMA],
  test_generate_source_table_pattern: ['error', INFORMATION_SCHEMA],
  // The expected YAML says `data_type: text` for the seed's string column: DuckDB reports a text
  // column as `varchar` (text is an alias), as dbt-duckdb does. (Its integer column reads
  // `integer`, as expected: dops types seed columns as dbt-duckdb does.)
  test_generate_model_yaml: ['fail', 'DuckDB dialect: text columns are reported as varchar'],
};

// audit_helper's default__ `_count_num_rows_in_status` is `count(distinct a, b) over (...)`;
// DuckDB's count takes one argument (its postgres__ / databricks__ versions use dense_rank, and
// there is no duckdb__ one).
const COUNT_DISTINCT = 'DuckDB dialect: count(distinct a, b) (two arguments) does not exist';
// The project's _basic_json_function / _complex_json_function raise for any adapter but
// snowflake, bigquery, databricks (and redshift): the struct tests are tagged skip on postgres.
const NO_JSON = "package limit: the project's JSON helpers raise \"Unknown adapter 'duckdb'\"";
// default__quick_are_queries_identical raises: only bigquery and snowflake implement it.
const NO_QUICK = 'package limit: quick_are_queries_identical is implemented for bigquery and snowflake only';

const auditHelperKnownFailures: Record<string, [string, string]> = {
  compare_and_classify_query_results: ['error', COUNT_DISTINCT],
  'unit_compare_classify.compare_classify_identical_tables': ['error', COUNT_DISTINCT],
  'unit_compare_classify.compare_classify_identical_tables_event_time_filter': ['error', COUNT_DISTINCT],
  'unit_compare_classify.compare_classify_all_statuses': ['error', COUNT_DISTINCT],
  'unit_compare_classify.compare_classify_identical_tables_multiple_pk_cols': ['error', COUNT_DISTINCT],
  'unit_compare_classify.compare_classify_identical_tables_single_null_pk': ['error', COUNT_DISTINCT],
  'unit_compare_classify.compare_classify_identical_tables_multiple_null_pk': ['error', COUNT_DISTINCT],
  'unit_compare_classify.compare_classify_identical_tables_multi_null_pk_dupe_rows': ['error', COUNT_DISTINCT],
  'unit_compare_classify.compare_classify_all_statuses_different_column_set': ['error', COUNT_DISTINCT],
  'unit_compare_classify.compare_classify_identical_tables_without_pk_in_cols_list': ['error', COUNT_DISTINCT],
  unit_compare_classify: ['skipped', 'its unit tests failed (count(distinct a, b))'],
  unit_test_struct_model_a: ['error', NO_JSON],
  unit_test_struct_model_b: ['error', NO_JSON],
  'unit_compare_classify_struct.compare_classify_simple_struct': ['error', NO_JSON],
  'unit_compare_classify_struct.unit_compare_classify_struct_identical_values_different_order': ['error', NO_JSON],
  'unit_compare_classify_struct.unit_compare_classify_struct_identical_values_different_order_dbx': ['error', NO_JSON],
  'unit_compare_classify_struct.unit_compare_classify_struct_removed_key': ['error', NO_JSON],
  'unit_compare_classify_struct.compare_classify_complex_struct': ['error', NO_JSON],
  'unit_compare_classify_struct.compare_classify_complex_struct_different_values': ['error', NO_JSON],
  'unit_compare_classify_struct.unit_compare_classify_complex_struct_identical_values_different_order': ['error', NO_JSON],
  unit_compare_classify_struct: ['skipped', 'its parents and unit tests failed (no JSON helper for duckdb)'],
  'unit_quick_are_queries_identical.quick_are_queries_identical_identical_tables': ['error', NO_QUICK],
  'unit_quick_are_queries_identical.quick_are_queries_identical_identical_tables_event_time_filter': ['error', NO_QUICK],
  'unit_quick_are_queries_identical.quick_are_queries_identical_differences': ['error', NO_QUICK],
  'unit_quick_are_queries_identical.quick_are_queries_identical_identical_tables_with_null_pks': ['error', NO_QUICK],
  unit_quick_are_queries_identical: ['skipped', 'its unit tests failed (quick_are_queries_identical)'],
};

describe.skipIf(!existsSync(shared))('real dbt packages on DuckDB: dbt-codegen and dbt-audit-helper', () => {
  it('dbt-codegen integration_tests: run-operation create_source_table, then every node succeeds but the known failures', () => {
    // The package's CI (run_test.sh): deps, run-operation create_source_table, seed, run, test.
    const { results, output, operationOutput, dir } = buildIntegrationProject('dbt-codegen', ['create_source_table']);
    // codegen's and dbt_utils' project files configure no models: no "config paths which do not
    // apply" warning for them (dbt-core only counts paths that set a config).
    const listed = execFileSync('node', [cli, 'ls', '--profiles-dir', '.', '--target', 'duckdb'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(listed).not.toContain('do not apply to any resources');
    // The macro's run_query calls ran; its rendered text (the query results' strings) did not.
    expect(operationOutput).toMatch(/Ran macro create_source_table \(5 queries\)/);
    const counts = checkResults(results, codegenKnownFailures, output);
    expect(results.length).toBe(39);
    // 11 models and seeds built, 19 tests passed (measured); floors that only rise.
    expect(counts.success ?? 0).toBeGreaterThanOrEqual(11);
    expect(counts.pass ?? 0).toBeGreaterThanOrEqual(19);
  }, 300_000);

  it('dbt-audit-helper integration_tests: every node succeeds but the known failures', () => {
    const { results, output } = buildIntegrationProject('dbt-audit-helper');
    const counts = checkResults(results, auditHelperKnownFailures, output);
    expect(results.length).toBe(108);
    // 48 models and seeds built, 34 data and unit tests passed (measured); floors that only rise.
    expect(counts.success ?? 0).toBeGreaterThanOrEqual(48);
    expect(counts.pass ?? 0).toBeGreaterThanOrEqual(34);
    // Unit tests that override a package macro by its namespaced name pass.
    const passed = new Set(results.filter((r) => r.status === 'pass').map((r) => nameOf(r.unique_id)));
    expect(passed).toContain('unit_compare_which_query_columns_differ.compare_cols_identical_tables_event_time_filter');
  }, 300_000);
});
