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
});
