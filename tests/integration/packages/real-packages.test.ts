// Real dbt packages, unmodified: dbt-date 0.21.0's own integration project
// (github.com/godatadriven/dbt-date/tree/main/integration_tests; upstream CI runs it on DuckDB)
// builds with dops on DuckDB. Packages: https://docs.getdbt.com/docs/build/packages
// Generic test arguments holding Jinja: https://docs.getdbt.com/reference/resource-properties/data-tests
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeProjects } from '../helpers.js';

afterAll(removeProjects);

const shared = '/work/shared/dbt-packages';
const cli = join(process.cwd(), 'dist', 'cli', 'main.js');

describe.skipIf(!existsSync(shared))('real dbt packages on DuckDB', () => {
  it('dbt-date integration_tests: every model and test succeeds (73 nodes)', () => {
    const root = makeTempDir();
    cpSync(join(shared, 'dbt-date'), join(root, 'dbt-date'), { recursive: true });
    const dir = join(root, 'dbt-date', 'integration_tests');
    writeFileSync(join(dir, 'profiles.yml'), `integration_tests:\n  target: duckdb\n  outputs:\n    duckdb:\n      type: duckdb\n      path: ${join(root, 'it.duckdb')}\n      threads: 1\n`);
    execFileSync('node', [cli, 'deps', '--package-index', shared], { cwd: dir, encoding: 'utf8' });
    let failed = '';
    try {
      execFileSync('node', [cli, 'build', '--profiles-dir', '.', '--target', 'duckdb', '--quiet'], { cwd: dir, encoding: 'utf8' });
    } catch (error) {
      failed = String((error as { stdout?: string }).stdout ?? error);
    }
    const results = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')).results as { unique_id: string; status: string }[];
    const bad = results.filter((r) => r.status !== 'success' && r.status !== 'pass').map((r) => `${r.unique_id}: ${r.status}`);
    expect(bad, failed).toEqual([]);
    expect(results.length).toBe(73);
  }, 120_000);

  // Issue 12's acceptance: the packages' own integration projects install their packages with
  // `dops deps` (local `../` and hub ids from the package index) and parse and list
  // (https://docs.getdbt.com/reference/commands/deps, /reference/commands/list). Their
  // require-dbt-version ranges hold dbt 1.11 (https://docs.getdbt.com/reference/project-configs/require-dbt-version).
  it.each([
    ['dbt-utils', 'model.dbt_utils_integration_tests.test_generate_series'],
    ['dbt-audit-helper', 'model.audit_helper_integration_tests.compare_queries'],
  ])('%s integration_tests: dops deps installs its packages; the project parses and lists', (name, expected) => {
    const root = makeTempDir();
    cpSync(join(shared, name), join(root, name), { recursive: true });
    const dir = join(root, name, 'integration_tests');
    writeFileSync(join(dir, 'profiles.yml'), `integration_tests:\n  target: duckdb\n  outputs:\n    duckdb:\n      type: duckdb\n      path: ${join(root, 'it.duckdb')}\n`);
    execFileSync('node', [cli, 'deps', '--package-index', shared], { cwd: dir, encoding: 'utf8' });
    const listed = execFileSync('node', [cli, 'ls', '--profiles-dir', '.', '--output', 'unique_id', '-q'], { cwd: dir, encoding: 'utf8' }).trim().split('\n');
    expect(listed.length).toBeGreaterThan(50);
    expect(listed).toContain(expected);
  }, 120_000);
});
