// Real dbt packages, unmodified, built with dops on PostgreSQL 15 (a throwaway server, one database
// per project): the integration projects of dbt-utils 1.4.1, dbt-date 0.21.0, dbt-expectations
// 0.10.9, codegen 0.14.1 and audit-helper 0.12.2 (their upstream CI runs dbt-utils, dbt-expectations,
// codegen and audit-helper on PostgreSQL). Each test names the nodes that cannot pass, with why.
// Packages: https://docs.getdbt.com/docs/build/packages; profiles: https://docs.getdbt.com/docs/core/connect-data-platform/postgres-setup
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeProjects } from '../helpers.js';
import { PASSWORD_ENV, pgQuery } from '../../postgres/helpers.js';
import { usePostgres } from '../../postgres/server.js';

const shared = '/work/shared/dbt-packages';
const cli = join(process.cwd(), 'dist', 'cli', 'main.js');

const server = usePostgres({ when: existsSync(shared) });
afterAll(removeProjects);

interface Result { unique_id: string; status: string; message?: string }

/**
 * Copies a package to a temp dir, creates a database for its integration project, writes a
 * profiles.yml `pg` target (schema `main`, 4 threads), runs `deps`, the `before` commands (as the
 * package's CI does before its build) and `build` with `args`; returns run_results.json's results.
 */
async function buildOnPostgres(folder: string, options: { before?: string[][]; args?: string[] } = {}): Promise<{ results: Result[]; output: string }> {
  const root = makeTempDir();
  cpSync(join(shared, folder), join(root, folder), { recursive: true });
  const dir = join(root, folder, 'integration_tests');
  const dbname = `dops_pkg_${folder.replace(/[^a-z0-9]/g, '_')}_${process.pid}`;
  await pgQuery(server, `create database ${dbname}`);
  process.env[PASSWORD_ENV] = server.password;
  writeFileSync(
    join(dir, 'profiles.yml'),
    `integration_tests:\n  target: pg\n  outputs:\n    pg:\n      type: postgres\n      host: ${server.host}\n      port: ${server.port}\n      user: ${server.user}\n      password: "{{ env_var('${PASSWORD_ENV}') }}"\n      dbname: ${dbname}\n      schema: main\n      threads: 4\n`,
  );
  const dops = (args: string[]) => execFileSync('node', [cli, ...args], { cwd: dir, encoding: 'utf8' });
  dops(['deps', '--package-index', shared]);
  for (const command of options.before ?? []) dops([...command, '--profiles-dir', '.', '--target', 'pg', '--quiet']);
  let output = '';
  try {
    output = dops(['build', '--profiles-dir', '.', '--target', 'pg', '--quiet', ...(options.args ?? [])]);
  } catch (error) {
    output = String((error as { stdout?: string }).stdout ?? error);
  }
  const results = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')).results as Result[];
  return { results, output };
}

/** A node's name from its unique id (`model.pkg.name`, `test.pkg.name.hash`, `unit_test.pkg.model.name`). */
const nameOf = (uniqueId: string) => (uniqueId.startsWith('unit_test.') ? uniqueId.split('.')[3] : uniqueId.split('.')[2]);

/**
 * Checks a build: the known failures have their status, every other node succeeds or passes (or is
 * skipped because a known failure failed, or is `tolerated`), the node count, and floors of
 * successes and passes.
 */
function expectBuild({ results, output }: { results: Result[]; output: string }, expected: { total: number; success: number; pass: number; known: Record<string, string>; tolerated?: (r: Result) => boolean }): void {
  const statusOf = new Map(results.map((r) => [nameOf(r.unique_id), r.status]));
  for (const [name, status] of Object.entries(expected.known)) expect(statusOf.get(name), name).toBe(status);
  const skippedForKnown = (r: Result) => r.status === 'skipped' && /^Skipped because (\w+) failed/.exec(r.message ?? '')?.[1]! in expected.known;
  const bad = results
    .filter((r) => r.status !== 'success' && r.status !== 'pass' && !(nameOf(r.unique_id) in expected.known))
    .filter((r) => !skippedForKnown(r) && !expected.tolerated?.(r))
    .map((r) => `${r.unique_id}: ${r.status} ${r.message ?? ''}`);
  expect(bad, output).toEqual([]);
  expect(results.length).toBe(expected.total);
  // Floors that only rise (measured counts).
  expect(results.filter((r) => r.status === 'success').length).toBeGreaterThanOrEqual(expected.success);
  expect(results.filter((r) => r.status === 'pass').length).toBeGreaterThanOrEqual(expected.pass);
}

describe.skipIf(!existsSync(shared))('real dbt packages on PostgreSQL', () => {
  it('dbt-date integration_tests: every model and test succeeds', async () => {
    // 8 models and seeds built, 65 tests passed (measured).
    expectBuild(await buildOnPostgres('dbt-date'), { total: 73, success: 8, pass: 65, known: {} });
  }, 300_000);

  it('dbt-utils integration_tests: every model and test succeeds', async () => {
    // get_relations_by_pattern reads {{ target.database }}.information_schema.tables: target.database
    // is the profile's dbname, as in dbt-postgres. 125 models and seeds built, 112 tests passed (measured).
    expectBuild(await buildOnPostgres('dbt-utils'), { total: 237, success: 125, pass: 112, known: {} });
  }, 300_000);

  it('dbt-expectations integration_tests: every model and test succeeds (one severity-warn test may warn)', async () => {
    // expect_column_values_to_be_within_n_moving_stdevs runs on random data with `severity: warn`:
    // warning is one of its configured outcomes.
    const tolerated = (r: Result) => r.status === 'warn' && r.unique_id.includes('within_n_moving_stdevs');
    // 12 models and seeds built, 157 tests passed (measured; 156 when the random data warns).
    expectBuild(await buildOnPostgres('dbt-expectations'), { total: 170, success: 12, pass: 156, known: {}, tolerated });
  }, 300_000);

  it('codegen integration_tests: every model and test succeeds after its create_source_table operation', async () => {
    // codegen's CI (run_test.sh): `run-operation create_source_table`, `seed`, then run and test.
    // create_source_table prints run_query's tables; as in dbt, that text is not run as SQL. Its
    // seeds' whole-number and empty columns are `integer` (dbt's agate type tester, dbt-adapters'
    // convert_integer_type). 11 models and seeds built, 28 tests passed (measured).
    const build = await buildOnPostgres('dbt-codegen', { before: [['run-operation', 'create_source_table'], ['seed']] });
    expectBuild(build, { total: 39, success: 11, pass: 28, known: {} });
  }, 300_000);

  // audit-helper tags the nodes that cannot run on PostgreSQL `skip` (struct models, the
  // quick_are_queries_identical wrapper, Snowflake/Databricks-only unit tests): built without them.
  const auditHelperKnownFailures: Record<string, string> = {
    // Unit tests of unit_compare_classify_struct: their `format: sql` fixtures call the project's
    // _basic_json_function(), which raises "Unknown adapter 'postgres'" (it knows Snowflake,
    // BigQuery and Databricks only), as it does under dbt; upstream also tags the struct input
    // models `skip` on PostgreSQL. (dops runs unit tests on the PostgreSQL target since pgunit; the
    // two event-time-filter unit tests that failed on the in-memory DuckDB now pass.)
    compare_classify_simple_struct: 'error',
    unit_compare_classify_struct_identical_values_different_order: 'error',
    unit_compare_classify_struct_removed_key: 'error',
    compare_classify_complex_struct: 'error',
    compare_classify_complex_struct_different_values: 'error',
    unit_compare_classify_complex_struct_identical_values_different_order: 'error',
  };

  it('audit-helper integration_tests: every model and test succeeds but the unit tests listed', async () => {
    // Seeds say `quote_columns: false` with upper-case headers (folded to lower case, as unquoted
    // names are); a 63-character seed name still gets a temp table (PostgreSQL's 63-byte identifiers);
    // unit tests override `audit_helper._get_comparison_bounds` (a package-prefixed macro override,
    // https://docs.getdbt.com/reference/resource-properties/unit-test-overrides) and run on the
    // PostgreSQL target.
    // 50 models and seeds built, 41 tests passed (measured).
    const build = await buildOnPostgres('dbt-audit-helper', { args: ['--exclude', 'tag:skip'] });
    expectBuild(build, { total: 98, success: 50, pass: 41, known: auditHelperKnownFailures });
  }, 300_000);
});
