import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeProject, makeTempDir, query, removeProjects } from '../integration/helpers.js';

const REPO = resolve(import.meta.dirname, '../..');
const CLI = join(REPO, 'dist/cli/index.js');
const VERSION = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version as string;

interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `dops` binary. */
function dops(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): CliRun {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? REPO,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const ANSI = /\x1b\[/;
const STACK_LINE = /^\s{4}at /m;

const GOOD = {
  'seeds/raw_orders.csv': 'id,amount\n1,10\n2,20\n',
  'models/stg_orders.sql': "select id as order_id, amount from {{ ref('raw_orders') }}\n",
  'models/orders.sql': "{{ config(materialized='table') }}\nselect * from {{ ref('stg_orders') }}\n",
  'models/schema.yml': 'version: 2\nmodels:\n  - name: orders\n    columns:\n      - name: order_id\n        data_tests: [unique, not_null]\n',
};

afterAll(removeProjects);

describe('dops CLI', () => {
  it('--version prints the package version', () => {
    const run = dops(['--version']);
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe(VERSION);
  });

  it('build: exit 0, a Done line and no ANSI escapes', () => {
    const dir = makeProject(GOOD);
    const run = dops(['build', '--project-dir', dir]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Found 2 models, 2 data tests, 1 seed');
    expect(run.stdout).toContain("Concurrency: 1 thread (target='dev')");
    expect(run.stdout).toMatch(/1 of 5 START seed file main\.raw_orders \.+ \[RUN\]/);
    expect(run.stdout).toMatch(/1 of 5 OK loaded seed main\.raw_orders \.+ \[2 rows in \d+\.\d\ds\]/);
    expect(run.stdout).toContain('Completed successfully');
    expect(run.stdout).toContain('Done. PASS=5 WARN=0 ERROR=0 SKIP=0 TOTAL=5');
    expect(run.stdout).not.toMatch(ANSI);
    expect(existsSync(join(dir, 'target/run_results.json'))).toBe(true);
  });

  it('build runs in the current directory without --project-dir', () => {
    const dir = makeProject(GOOD);
    const run = dops(['build'], { cwd: dir });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Done. PASS=5');
  });

  it('build: exit 1 when a model fails, naming the model and the error', () => {
    const dir = makeProject({ ...GOOD, 'models/broken.sql': "select no_such_column from {{ ref('orders') }}\n", 'models/after_broken.sql': "select * from {{ ref('broken') }}\n" });
    const run = dops(['build', '--project-dir', dir]);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/ERROR creating .*main\.broken/);
    expect(run.stdout).toContain('SKIP main.after_broken');
    expect(run.stdout).toContain('Error in model broken (models/broken.sql)');
    expect(run.stdout).toContain('Database error in model broken (compiled SQL: target/compiled/proj/models/broken.sql:1): Binder Error');
    expect(run.stdout).toContain('Done. PASS=5 WARN=0 ERROR=1 SKIP=1 TOTAL=7');
    expect(run.stdout).not.toMatch(ANSI);
    expect(run.stderr).not.toMatch(STACK_LINE);
  });

  it('test: exit 1 for a failing error-severity test, 0 when it only warns', () => {
    const dir = makeProject({ 'models/m.sql': "{{ config(materialized='table') }}\nselect * from (values (1), (1)) t(id)\n", 'models/schema.yml': 'version: 2\nmodels:\n  - name: m\n    columns:\n      - name: id\n        data_tests: [unique]\n' });
    expect(dops(['run', '--project-dir', dir]).status).toBe(0);
    const failing = dops(['test', '--project-dir', dir]);
    expect(failing.status).toBe(1);
    expect(failing.stdout).toContain('FAIL 1 unique_m_id');
    const warnDir = makeProject({ 'models/m.sql': "select * from (values (1), (1)) t(id)\n", 'models/schema.yml': 'version: 2\nmodels:\n  - name: m\n    columns:\n      - name: id\n        data_tests:\n          - unique:\n              config: {severity: warn}\n' });
    const warning = dops(['build', '--project-dir', warnDir]);
    expect(warning.status).toBe(0);
    expect(warning.stdout).toContain('WARN 1 unique_m_id');
    expect(warning.stdout).toContain('Done. PASS=1 WARN=1 ERROR=0 SKIP=0 TOTAL=2');
  });

  describe('project errors: exit 2, one Error line with file:line, no stack trace', () => {
    const expectProjectError = (run: CliRun, firstLine: RegExp) => {
      expect(run.status).toBe(2);
      const lines = run.stderr.split('\n').filter(Boolean);
      expect(lines[0]).toMatch(firstLine);
      expect(run.stderr).not.toMatch(STACK_LINE);
      expect(run.stderr).not.toMatch(ANSI);
      expect(run.stdout).not.toContain('Done.');
    };

    it('malformed YAML', () => {
      const dir = makeProject({ 'models/a.sql': 'select 1 as id\n', 'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    description: x: y\n' });
      const run = dops(['build', '--project-dir', dir]);
      expectProjectError(run, /^Error: models\/schema\.yml:4(:\d+)?: Malformed YAML: Nested mappings are not allowed in compact mappings$/);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(existsSync(join(dir, 'dops.duckdb'))).toBe(false);
    });

    it('unknown ref, with a did-you-mean hint', () => {
      const dir = makeProject({ 'models/stg_orders.sql': 'select 1 as id\n', 'models/mart.sql': "select *\nfrom {{ ref('stg_order') }}\n" });
      const run = dops(['build', '--project-dir', dir]);
      expectProjectError(run, /^Error: models\/mart\.sql:2(:\d+)?: Model 'mart' depends on 'stg_order', which was not found$/);
      expect(run.stderr).toContain("Did you mean 'stg_orders'?");
    });

    it('cycle', () => {
      const dir = makeProject({
        'models/a.sql': "select * from {{ ref('c') }}\n",
        'models/b.sql': "select * from {{ ref('a') }}\n",
        'models/c.sql': "select * from {{ ref('b') }}\n",
      });
      const run = dops(['build', '--project-dir', dir]);
      expectProjectError(run, /^Error: models\/a\.sql(:\d+)*: Found a cycle: a -> b -> c -> a$/);
    });

    it('cycle names the line of the ref that closes it', () => {
      const dir = makeProject({
        'models/a.sql': "select * from {{ ref('c') }}\n",
        'models/b.sql': "select * from {{ ref('a') }}\n",
        'models/c.sql': "select * from {{ ref('b') }}\n",
      });
      expectProjectError(dops(['build', '--project-dir', dir]), /^Error: models\/a\.sql:1(:\d+)?: Found a cycle: a -> b -> c -> a$/);
    });

    it('several errors are all printed, with a count', () => {
      const dir = makeProject({ 'models/a.sql': "select {{ var('nope') }}\n", 'models/b.sql': 'select\n  {{ 1 + }}\n' });
      const run = dops(['build', '--project-dir', dir]);
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/^Error: models\/a\.sql:1(:\d+)?: Required var 'nope' not found/m);
      expect(run.stderr).toMatch(/^Error: models\/b\.sql:2(:\d+)?: Template syntax error/m);
      expect(run.stderr).toContain('2 errors found; nothing was run.');
      expect(run.stderr).not.toMatch(STACK_LINE);
    });

    it('--debug adds the stack trace', () => {
      const dir = makeProject({ 'models/mart.sql': "select * from {{ ref('nope') }}\n" });
      const run = dops(['build', '--project-dir', dir, '--debug']);
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(STACK_LINE);
    });

    it('a missing project file', () => {
      const dir = makeTempDir();
      const run = dops(['build', '--project-dir', dir]);
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/^Error: No dbt_project\.yml found in /);
      expect(run.stderr).not.toMatch(STACK_LINE);
    });

    it('an unknown target', () => {
      const dir = makeProject(GOOD);
      const run = dops(['build', '--project-dir', dir, '--target', 'nope']);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain("Target 'nope' not found");
    });
  });

  describe('usage errors: exit 2', () => {
    it('an unknown option', () => {
      const run = dops(['build', '--bogus']);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain("unknown option '--bogus'");
      expect(run.stderr).not.toMatch(STACK_LINE);
    });

    it('an unknown command', () => {
      const run = dops(['frobnicate']);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain("unknown command 'frobnicate'");
      expect(run.stderr).not.toMatch(STACK_LINE);
    });

    it('a bad --threads value', () => {
      const run = dops(['build', '--threads', '0']);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain('--threads');
    });

    it('--help exits 0', () => {
      const run = dops(['--help']);
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('Usage: dops');
      for (const command of ['build', 'run', 'test', 'seed', 'compile', 'ls', 'init']) expect(run.stdout).toContain(command);
    });
  });

  describe('ls', () => {
    const files = {
      ...GOOD,
      'models/sources.yml': "version: 2\nsources:\n  - name: lake\n    tables:\n      - name: events\n        config: {external_location: 'lake/e.parquet'}\n",
    };

    it('prints the nodes in DAG order, one per line', () => {
      const dir = makeProject(files);
      const run = dops(['ls', '--project-dir', dir]);
      expect(run.status).toBe(0);
      const lines = run.stdout.trim().split('\n');
      expect([...lines].sort()).toEqual(['proj.not_null_orders_order_id', 'proj.orders', 'proj.raw_orders', 'proj.stg_orders', 'proj.unique_orders_order_id', 'source:proj.lake.events'].sort());
      expect(lines.indexOf('proj.raw_orders')).toBeLessThan(lines.indexOf('proj.stg_orders'));
      expect(lines.indexOf('proj.stg_orders')).toBeLessThan(lines.indexOf('proj.orders'));
      expect(lines.indexOf('proj.orders')).toBeLessThan(lines.indexOf('proj.unique_orders_order_id'));
    });

    it('filters by selection and resource type, and prints unique ids or paths', () => {
      const dir = makeProject(files);
      expect(dops(['ls', '--project-dir', dir, '-s', '+orders', '--resource-type', 'model']).stdout.trim().split('\n')).toEqual(['proj.stg_orders', 'proj.orders']);
      expect(dops(['list', '--project-dir', dir, '--resource-type', 'seed', '--output', 'unique_id']).stdout.trim()).toBe('seed.proj.raw_orders');
      expect(dops(['ls', '--project-dir', dir, '-s', 'orders', '--resource-type', 'model', '--output', 'path']).stdout.trim()).toBe('models/orders.sql');
    });

    // https://docs.getdbt.com/reference/commands/list (--resource-type takes one of the known kinds)
    it('an unknown --resource-type exits 2 with a did-you-mean, printing no nodes', () => {
      const dir = makeProject(files);
      const run = dops(['ls', '--project-dir', dir, '--resource-type', 'modle']);
      expect(run.status).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain("Unknown --resource-type 'modle'");
      expect(run.stderr).toContain("Did you mean 'model'");
    });

    it('does not open the database', () => {
      const dir = makeProject(files);
      dops(['ls', '--project-dir', dir]);
      expect(existsSync(join(dir, 'dops.duckdb'))).toBe(false);
    });
  });

  it('compile lists the compiled files', () => {
    const dir = makeProject(GOOD);
    const run = dops(['compile', '--project-dir', dir, '-s', 'orders']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('target/compiled/proj/models/orders.sql');
    expect(run.stdout).toMatch(/Compiled 3 nodes\.$/m);
    expect(readFileSync(join(dir, 'target/compiled/proj/models/orders.sql'), 'utf8')).toBe('select * from "main"."stg_orders"\n');
    expect(existsSync(join(dir, 'dops.duckdb'))).toBe(false);
  });

  it('init creates a project that builds', () => {
    const parent = makeTempDir();
    const run = dops(['init', 'fresh'], { cwd: parent });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`Created a dops project in ${join(parent, 'fresh')}`);
    expect(existsSync(join(parent, 'fresh/dbt_project.yml'))).toBe(true);
    const build = dops(['build'], { cwd: join(parent, 'fresh') });
    expect(build.status).toBe(0);
    expect(build.stdout).toMatch(/Done\. PASS=\d+ WARN=0 ERROR=0 SKIP=0/);
  });

  it('init into a non-empty directory exits 2', () => {
    const dir = makeProject(GOOD);
    const run = dops(['init', dir]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('is not empty');
  });

  it("--vars '{\"k\": 1}' overrides project vars", async () => {
    const dir = makeProject({
      'dops_project.yml': 'name: proj\nvars:\n  k: 0\n  label: project\n',
      'models/v.sql': "{{ config(materialized='table') }}\nselect {{ var('k') }} as k, '{{ var('label') }}' as label\n",
    });
    const run = dops(['run', '--project-dir', dir, '--vars', '{"k": 1}']);
    expect(run.status).toBe(0);
    expect(await query(dir, 'select * from v')).toEqual([{ k: 1, label: 'project' }]);
    expect(dops(['run', '--project-dir', dir, '--vars', 'label: yaml']).status).toBe(0);
    expect(await query(dir, 'select * from v')).toEqual([{ k: 0, label: 'yaml' }]);
  });

  it('bad --vars exits 2', () => {
    const dir = makeProject(GOOD);
    const run = dops(['build', '--project-dir', dir, '--vars', '[1, 2]']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--vars must be a YAML or JSON mapping');
  });

  it('seed only seeds; -s and --exclude select nodes', async () => {
    const dir = makeProject(GOOD);
    const seeded = dops(['seed', '--project-dir', dir]);
    expect(seeded.status).toBe(0);
    expect(seeded.stdout).toContain('Done. PASS=1 WARN=0 ERROR=0 SKIP=0 TOTAL=1');
    const selected = dops(['build', '--project-dir', dir, '-s', 'stg_orders+', '--exclude', 'orders+']);
    expect(selected.status).toBe(0);
    expect(selected.stdout).toContain('Done. PASS=1 WARN=0 ERROR=0 SKIP=0 TOTAL=1');
    // dops' own build-record table (src/state/build-state.ts) is not one of the project's relations.
    expect(await query(dir, "select table_name from information_schema.tables where table_name <> 'dops_build_state' order by 1")).toEqual([{ table_name: 'raw_orders' }, { table_name: 'stg_orders' }]);
  });
});
