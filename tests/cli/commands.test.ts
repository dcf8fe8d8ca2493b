/**
 * The dbt command surface as the real binary (dist/cli/main.js) answers it: show, debug, parse,
 * run-operation, clone, compile --inline, the output flags, --empty, --favor-state, the extra
 * selector methods, empty selections, and the live progress line on a pseudo-terminal.
 * Reference: docs.getdbt.com/reference/commands (one page per command, cited per test).
 */
import { execSync, spawnSync } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, makeTempDir, query, readJson, removeProjects, writeFile } from '../integration/helpers.js';

const REPO = resolve(import.meta.dirname, '../..');
const BIN = join(REPO, 'dist/cli/main.js');

interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `dops` binary (plain output: NO_COLOR). */
function dops(args: string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): CliRun {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', ...options.env };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: options.cwd ?? REPO, env: env as NodeJS.ProcessEnv, encoding: 'utf8', timeout: 120_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const ANSI = /\x1b\[/;

const PROJECT = {
  'seeds/raw_orders.csv': 'id,amount\n1,10\n2,20\n3,30\n',
  'models/stg_orders.sql': "select id as order_id, amount from {{ ref('raw_orders') }}\n",
  'models/orders.sql': "{{ config(materialized='table', group='finance', access='public') }}\nselect * from {{ ref('stg_orders') }}\n",
  'models/schema.yml': 'version: 2\nmodels:\n  - name: orders\n    columns:\n      - name: order_id\n        data_tests: [unique, not_null]\ngroups:\n  - name: finance\n    owner: {name: Fin}\n',
};

beforeAll(() => {
  execSync('npm run build', { cwd: REPO, stdio: 'pipe' });
}, 300_000);
afterAll(removeProjects);

describe('dops show', () => {
  // docs.getdbt.com/reference/commands/show
  it('previews a model as a table, an --inline query with ref(), --limit and --output json', () => {
    const dir = makeProject(PROJECT);
    expect(dops(['build', '--project-dir', dir, '-q']).status).toBe(0);
    const table = dops(['show', '-s', 'orders', '--project-dir', dir]);
    expect(table.status).toBe(0);
    expect(table.stdout).toContain("Previewing node 'orders':");
    expect(table.stdout).toMatch(/\| order_id \| amount \|\n\| -+ \| -+ \|\n\| +1 \| +10 \|/);
    const limited = dops(['show', '--inline', "select * from {{ ref('orders') }} order by order_id desc", '--limit', '2', '--project-dir', dir]);
    expect(limited.stdout).toContain('Previewing inline node:');
    expect(limited.stdout.trim().split('\n')).toHaveLength(5); // title, header, rule, 2 rows
    const json = dops(['show', '-s', 'orders', '--output', 'json', '--limit', '1', '--project-dir', dir]);
    expect(JSON.parse(json.stdout)).toEqual({ node: 'orders', show: [{ order_id: 1, amount: 10 }] });
  });

  it('a query on a relation that does not exist exits 2 with the database error', () => {
    const dir = makeProject(PROJECT);
    const run = dops(['show', '-s', 'orders', '--project-dir', dir]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/Database error in model orders: Catalog Error/);
  });
});

describe('dops compile --inline and -s', () => {
  // docs.getdbt.com/reference/commands/compile
  it('prints the compiled SQL of an inline query, and of a selected model', () => {
    const dir = makeProject(PROJECT);
    const inline = dops(['compile', '--inline', "select count(*) from {{ ref('orders') }}", '--project-dir', dir]);
    expect(inline.status).toBe(0);
    expect(inline.stdout).toBe('Compiled inline node is:\nselect count(*) from "main"."orders"\n');
    expect(dops(['compile', '-q', '--inline', "select 1 from {{ ref('orders') }}", '--project-dir', dir]).stdout).toBe('select 1 from "main"."orders"\n');
    const selected = dops(['compile', '-s', 'stg_orders', '--project-dir', dir]);
    expect(selected.stdout).toContain(`Compiled node 'stg_orders' is:\nselect id as order_id, amount from "main"."raw_orders"\n`);
    // dbt's CompiledNode event with --output json: {"compiled"} inline, {"node", "compiled"} per selected node
    const inlineJson = dops(['compile', '--inline', "select 1 from {{ ref('orders') }}", '--output', 'json', '--project-dir', dir]);
    expect(JSON.parse(inlineJson.stdout)).toEqual({ compiled: 'select 1 from "main"."orders"' });
    const selectedJson = dops(['compile', '-s', 'stg_orders', '--output', 'json', '--project-dir', dir]);
    expect(JSON.parse(selectedJson.stdout)).toEqual({ node: 'stg_orders', compiled: 'select id as order_id, amount from "main"."raw_orders"' });
    expect(dops(['compile', '--inline', 'select 1', '--output', 'yaml', '--project-dir', dir]).status).toBe(2);
    const bad = dops(['compile', '--inline', "select * from {{ ref('nope') }}", '--project-dir', dir]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("depends on 'nope', which was not found");
  });
});

describe('dops debug', () => {
  // docs.getdbt.com/reference/commands/debug
  it('reports each check OK, and exits 1 with the fix when one fails', () => {
    const dir = makeProject(PROJECT);
    const ok = dops(['debug', '--project-dir', dir]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/dops version: \[OK\] \d+\.\d+\.\d+/);
    expect(ok.stdout).toMatch(/duckdb version: \[OK\] v\d/);
    expect(ok.stdout).toContain('project file: [OK] dops_project.yml found and valid');
    expect(ok.stdout).toMatch(/target: \[OK\] 'dev'/);
    expect(ok.stdout).toContain('connection: [OK]');
    expect(ok.stdout).toContain('All checks passed!');
    const missing = dops(['debug', '--project-dir', dir, '--profiles-dir', join(dir, 'nowhere')]);
    expect(missing.status).toBe(1);
    expect(missing.stdout).toContain('profiles.yml file: [ERROR] not found');
    expect(missing.stdout).toContain('fix: Create profiles.yml there, or drop --profiles-dir.');
    const noProject = dops(['debug', '--project-dir', makeTempDir()]);
    expect(noProject.status).toBe(1);
    expect(noProject.stdout).toMatch(/project file: \[ERROR\] No dbt_project.yml found/);
    expect(noProject.stdout).toContain('fix: Run dops inside a project');
  });

  // dbt's debug prints `dbt version: X` and loads the project with verify_version=VERSION_CHECK, so a
  // require-dbt-version that excludes it fails debug (dbt-core 1.11 core/dbt/task/debug.py
  // `run` / `_load_project`, core/dbt/config/project.py `validate_version`);
  // docs.getdbt.com/reference/project-configs/require-dbt-version
  it('reports the dbt version and checks require-dbt-version (pass, fail, --no-version-check)', () => {
    const project = (ranges: string) => makeProject({ ...PROJECT, 'dops_project.yml': `name: proj\ndatabase-path: dops.duckdb\nrequire-dbt-version: ${ranges}\n` });
    const ok = dops(['debug', '--project-dir', project(`[">=1.0.0", "<3.0.0"]`)]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/dbt version: \[OK\] 1\.\d+\.\d+/);
    expect(ok.stdout).toMatch(/require-dbt-version: \[OK\] \[">=1.0.0","<3.0.0"\] allows dbt 1\.\d+\.\d+/);
    const dir = project(`">=99.0.0"`);
    const failed = dops(['debug', '--project-dir', dir]);
    expect(failed.status).toBe(1);
    expect(failed.stdout).toContain("require-dbt-version: [ERROR] dops_project.yml:3: This version of dbt is not supported with the 'proj' package");
    expect(failed.stdout).toContain('--no-version-check');
    expect(failed.stdout).toContain('1 check failed.');
    for (const run of [dops(['debug', '--project-dir', dir, '--no-version-check']), dops(['debug', '--project-dir', dir], { env: { DBT_VERSION_CHECK: 'false' } })]) {
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('require-dbt-version: [OK] [">=99.0.0"] not checked (version check off)');
    }
    const unset = dops(['debug', '--project-dir', makeProject(PROJECT)]);
    expect(unset.stdout).toContain('require-dbt-version: [OK] not set (any dbt version)');
  });
});

describe('dops parse', () => {
  // docs.getdbt.com/reference/commands/parse
  it('writes manifest.json and perf_info.json', () => {
    const dir = makeProject(PROJECT);
    const run = dops(['parse', '--project-dir', dir]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Found 2 models, 2 data tests, 1 seed');
    expect(Object.keys(readJson(dir, 'target/manifest.json').nodes)).toContain('model.proj.orders');
    const perf = readJson(dir, 'target/perf_info.json');
    expect(perf.path_count).toBe(4);
    expect(perf.node_count).toBe(5);
    expect(perf.load_all_elapsed).toBeGreaterThanOrEqual(0);
    expect(dops(['parse', '--project-dir', dir, '--vars', '{']).status).toBe(2);
  });
});

describe('dops run-operation', () => {
  // docs.getdbt.com/reference/commands/run-operation
  it('runs the SQL a macro renders with --args, all or nothing', async () => {
    const dir = makeProject({
      ...PROJECT,
      'macros/ops.sql': [
        '{% macro make_copy(name, n=1) %}',
        "create table {{ name }} as select * from {{ ref('raw_orders') }} where id <= {{ n }};",
        "insert into {{ name }} select * from {{ ref('raw_orders') }} where id > 100;",
        '{% endmacro %}',
        '{% macro half_broken() %}',
        'create table half as select 1 as x;',
        'select no_such_column from half;',
        '{% endmacro %}',
      ].join('\n'),
    });
    expect(dops(['seed', '--project-dir', dir, '-q']).status).toBe(0);
    const run = dops(['run-operation', 'make_copy', '--args', '{name: two, n: 2}', '--project-dir', dir]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/Ran macro make_copy in \d+\.\d\ds/);
    expect(await query(dir, 'select count(*) as n from two')).toEqual([{ n: 2 }]);
    const broken = dops(['run-operation', 'half_broken', '--project-dir', dir]);
    expect(broken.status).toBe(1);
    expect(broken.stderr).toContain('Database error in macro half_broken');
    expect(await query(dir, "select count(*) as n from information_schema.tables where table_name = 'half'")).toEqual([{ n: 0 }]);
    const unknown = dops(['run-operation', 'make_cpy', '--project-dir', dir]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("Did you mean 'make_copy'?");
  });
});

describe('dops clone', () => {
  // docs.getdbt.com/reference/commands/clone
  it('clones the state relations as views on the same database, as tables from another, keeping existing ones without --full-refresh', async () => {
    const profiles = [
      'proj:',
      '  target: prod',
      '  outputs:',
      '    prod: {type: duckdb, path: dops.duckdb, schema: main}',
      '    ci: {type: duckdb, path: dops.duckdb, schema: ci}',
      '    other: {type: duckdb, path: other.duckdb, schema: main}',
    ].join('\n');
    const dir = makeProject({ ...PROJECT, 'profiles.yml': profiles, 'dops_project.yml': 'name: proj\nprofile: proj\n' });
    expect(dops(['build', '--project-dir', dir, '-q']).status).toBe(0);
    cpSync(join(dir, 'target'), join(dir, 'prod-state'), { recursive: true });
    const ci = dops(['clone', '--state', 'prod-state', '-t', 'ci'], { cwd: dir });
    expect(ci.status).toBe(0);
    expect(ci.stdout).toMatch(/OK cloned view ci\.orders/);
    expect(await query(dir, "select table_type from information_schema.tables where table_schema = 'ci' and table_name = 'orders'")).toEqual([{ table_type: 'VIEW' }]);
    expect(await query(dir, 'select count(*) as n from ci.orders')).toEqual([{ n: 3 }]);
    const other = dops(['clone', '--state', 'prod-state', '-t', 'other', '-s', 'orders'], { cwd: dir });
    expect(other.stdout).toMatch(/OK cloned table main\.orders/);
    expect(await query(dir, 'select count(*) as n from main.orders', 'other.duckdb')).toEqual([{ n: 3 }]);
    expect(dops(['clone', '--state', 'prod-state', '-t', 'other', '-s', 'orders'], { cwd: dir }).stdout).toMatch(/OK no-op \(table exists\) main\.orders/);
    expect(dops(['clone', '--state', 'prod-state', '-t', 'other', '-s', 'orders', '--full-refresh'], { cwd: dir }).stdout).toMatch(/OK cloned table main\.orders/);
    expect(dops(['clone', '-t', 'ci'], { cwd: dir }).status).toBe(2);
  });
});

describe('run flags', () => {
  // docs.getdbt.com/reference/commands/build (--empty)
  it('--empty builds every relation with zero rows, limiting refs with a where false subquery', async () => {
    const dir = makeProject(PROJECT);
    expect(dops(['seed', '--project-dir', dir, '-q']).status).toBe(0);
    const run = dops(['run', '--empty', '--project-dir', dir]);
    expect(run.status).toBe(0);
    expect(await query(dir, 'select count(*) as n from orders')).toEqual([{ n: 0 }]);
    expect(readFileSync(join(dir, 'target/compiled/proj/models/stg_orders.sql'), 'utf8')).toContain('(select * from "main"."raw_orders" where false limit 0) _dbt_limit_subq_raw_orders');
    expect(dops(['run', '--project-dir', dir, '-q']).status).toBe(0);
    expect(await query(dir, 'select count(*) as n from orders')).toEqual([{ n: 3 }]);
  });

  // docs.getdbt.com/reference/node-selection/defer (--favor-state)
  it('--defer reads the state relation only where this target lacks one; --favor-state always', async () => {
    const profiles = 'proj:\n  target: prod\n  outputs:\n    prod: {type: duckdb, path: prod.duckdb, schema: main}\n    ci: {type: duckdb, path: ci.duckdb, schema: main}\n';
    const dir = makeProject({ ...PROJECT, 'profiles.yml': profiles, 'dops_project.yml': 'name: proj\nprofile: proj\n', 'models/total.sql': "{{ config(materialized='table') }}\nselect sum(amount) as total from {{ ref('orders') }}\n" });
    expect(dops(['build', '--project-dir', dir, '-q']).status).toBe(0);
    cpSync(join(dir, 'target'), join(dir, 'prod-state'), { recursive: true });
    writeFile(dir, 'seeds/raw_orders.csv', 'id,amount\n1,1\n');
    expect(dops(['build', '-t', 'ci', '-s', 'raw_orders', 'stg_orders', 'orders', '--project-dir', dir, '-q']).status).toBe(0);
    expect(dops(['run', '-t', 'ci', '-s', 'total', '--defer', '--state', 'prod-state', '-q'], { cwd: dir }).status).toBe(0);
    expect(await query(dir, 'select total from total', 'ci.duckdb')).toEqual([{ total: 1 }]);
    expect(dops(['run', '-t', 'ci', '-s', 'total', '--defer', '--favor-state', '--state', 'prod-state', '-q'], { cwd: dir }).status).toBe(0);
    expect(await query(dir, 'select total from total', 'ci.duckdb')).toEqual([{ total: 60 }]);
  });

  // docs.getdbt.com/reference/global-configs/logs
  it('-q prints only errors; --log-level warn keeps warnings; --log-path writes dops.log', () => {
    const dir = makeProject(PROJECT);
    const quiet = dops(['build', '-q', '--project-dir', dir]);
    expect(quiet.status).toBe(0);
    expect(quiet.stdout).toBe('');
    writeFile(dir, 'models/broken.sql', 'select nope\n');
    const failing = dops(['build', '-q', '--project-dir', dir]);
    expect(failing.status).toBe(1);
    expect(failing.stdout).not.toContain('START');
    expect(failing.stdout).toContain('Error in model broken (models/broken.sql)');
    const warn = dops(['run', '--log-level', 'warn', '-s', 'orders', 'nothing_here', '--project-dir', dir]);
    expect(warn.stdout).toBe("Warning: The selection criterion 'nothing_here' does not match any enabled nodes\n");
    expect(readFileSync(join(dir, 'logs/dops.log'), 'utf8')).toMatch(/\[info \] \[main {6}\]: Running dops build/);
    const logs = makeTempDir();
    dops(['run', '-s', 'orders', '--log-path', logs, '--project-dir', dir]);
    expect(readFileSync(join(logs, 'dops.log'), 'utf8')).toMatch(/\[info \] \[Thread-1 {2}\]: 1 of 1 success model\.proj\.orders/);
    expect(dops(['run', '--log-level', 'loud', '--project-dir', dir]).status).toBe(2);
  });

  // docs.getdbt.com/reference/global-configs/print-output: --quiet does not silence print(); --no-print does
  it('-q still shows {{ print() }}; --no-print hides it', () => {
    const dir = makeProject({ 'models/hello.sql': "{{ print('hello from a model') }}select 1 as x\n" });
    const quiet = dops(['run', '-q', '--project-dir', dir]);
    expect(quiet.status).toBe(0);
    expect(quiet.stdout).toContain('hello from a model\n');
    expect(quiet.stdout).not.toContain('START');
    const silent = dops(['run', '-q', '--no-print', '--no-partial-parse', '--project-dir', dir]);
    expect(silent.stdout).toBe('');
    const shown = dops(['run', '-q', '--print', '--project-dir', dir], { env: { DOPS_PRINT: '0' } });
    expect(shown.stdout).toBe('hello from a model\n');
  });

  // dbt prints at execution: once per node and run, not again while parsing, and also when the
  // compiled SQL could have come from a cache.
  it('{{ print() }} fires once per node per run, on a fresh parse and on a cached one', () => {
    const dir = makeProject({ 'models/a.sql': "{{ print('printed by ' ~ this.identifier) }}select 1 as x\n", 'models/b.sql': "select * from {{ ref('a') }}\n" });
    for (const args of [['--no-partial-parse'], [], []]) {
      const run = dops(['build', ...args, '--project-dir', dir]);
      expect(run.status).toBe(0);
      expect(run.stdout.match(/printed by a/g)).toHaveLength(1);
    }
    expect(dops(['compile', '--project-dir', dir]).stdout.match(/printed by a/g)).toHaveLength(1);
  });

  // docs.getdbt.com/reference/global-configs/print-output (use_colors)
  it('--use-colors colors piped output; --no-use-colors keeps it plain', () => {
    const dir = makeProject(PROJECT);
    const colored = dops(['build', '--use-colors', '--project-dir', dir], { env: { NO_COLOR: undefined } });
    expect(colored.stdout).toMatch(ANSI);
    const plain = dops(['build', '--no-use-colors', '--project-dir', dir], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    expect(plain.status).toBe(0);
    expect(plain.stdout).not.toMatch(ANSI);
  });
});

describe('empty selections', () => {
  // docs.getdbt.com/reference/node-selection/syntax
  it('warns naming the criterion, says Nothing to do, and fails with --warn-error', () => {
    const dir = makeProject(PROJECT);
    const run = dops(['build', '-s', 'nonexistent', '--project-dir', dir]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("Warning: The selection criterion 'nonexistent' does not match any enabled nodes");
    expect(run.stdout).toContain('Nothing to do.');
    expect(run.stdout).not.toContain('Completed successfully');
    const strict = dops(['build', '-s', 'nonexistent', '--warn-error', '--project-dir', dir]);
    expect(strict.status).toBe(2);
    expect(strict.stderr).toContain("The selection criterion 'nonexistent' does not match any enabled nodes");
    expect(readFileSync(join(dir, 'logs/dops.log'), 'utf8')).toMatch(/\[error\] \[main {6}\]: The selection criterion 'nonexistent'/);
  });
});

describe('empty selections in ls and compile', () => {
  // docs.getdbt.com/reference/node-selection/syntax; docs.getdbt.com/reference/commands/list
  it('dops ls and compile warn about a criterion that matches nothing; --warn-error exits 2', () => {
    const dir = makeProject(PROJECT);
    const ls = dops(['ls', '-s', 'orders', 'no_such_model', '--project-dir', dir]);
    expect(ls.status).toBe(0);
    expect(ls.stdout).toContain("Warning: The selection criterion 'no_such_model' does not match any enabled nodes");
    expect(ls.stdout).toContain('proj.orders\n');
    const strict = dops(['ls', '-s', 'no_such_model', '--warn-error', '--project-dir', dir]);
    expect(strict.status).toBe(2);
    expect(strict.stderr).toContain("The selection criterion 'no_such_model' does not match any enabled nodes");
    expect(strict.stderr).not.toMatch(/\n\s+at /);
    const compile = dops(['compile', '-s', 'tag:nightly', '--warn-error', '--project-dir', dir]);
    expect(compile.status).toBe(2);
    expect(compile.stderr).toContain("The selection criterion 'tag:nightly' does not match any enabled nodes");
  });
});

describe('selector methods', () => {
  // docs.getdbt.com/reference/node-selection/methods
  it('result:<status> reads the --state run_results.json', () => {
    const dir = makeProject({ ...PROJECT, 'models/broken.sql': "select nope from {{ ref('orders') }}\n", 'models/after.sql': "select * from {{ ref('broken') }}\n" });
    expect(dops(['build', '--project-dir', dir, '-q']).status).toBe(1);
    cpSync(join(dir, 'target'), join(dir, 'last'), { recursive: true });
    const errors = dops(['ls', '-s', 'result:error', '--state', 'last', '--output', 'unique_id'], { cwd: dir });
    expect(errors.stdout.trim().split('\n')).toEqual(['model.proj.broken']);
    const skipped = dops(['ls', '-s', 'result:skipped', '--state', 'last', '--output', 'unique_id'], { cwd: dir });
    expect(skipped.stdout.trim().split('\n')).toEqual(['model.proj.after']);
    expect(dops(['ls', '-s', 'result:error'], { cwd: dir }).stderr).toContain('The result: selector method needs --state');
  });

  it('source_status:fresher compares sources.json in --state and target/', () => {
    const loads = (when: string) => `id,loaded_at\n1,${when}\n`;
    const dir = makeProject({
      'dops_project.yml': 'name: proj\nseeds:\n  +schema: raw\n',
      'seeds/loads.csv': loads('2024-01-01 00:00:00'),
      'models/_sources.yml': 'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: loads\n        loaded_at_field: loaded_at\n        freshness: {warn_after: {count: 1, period: day}}\n',
      'models/recent.sql': "select * from {{ source('raw', 'loads') }}\n",
    });
    expect(dops(['seed', '--project-dir', dir, '-q']).status).toBe(0);
    expect(dops(['source', 'freshness', '--project-dir', dir]).status).toBe(0);
    cpSync(join(dir, 'target'), join(dir, 'before'), { recursive: true });
    writeFile(dir, 'seeds/loads.csv', loads('2024-02-01 00:00:00'));
    expect(dops(['seed', '--project-dir', dir, '-q']).status).toBe(0);
    expect(dops(['source', 'freshness', '--project-dir', dir]).status).toBe(0);
    const fresher = dops(['ls', '-s', 'source_status:fresher+', '--state', 'before', '--output', 'unique_id'], { cwd: dir });
    expect(fresher.stdout.trim().split('\n').sort()).toEqual(['model.proj.recent', 'source.proj.raw.loads']);
  });

  it('group:, access:, version:none select on model config (unit_test: is covered in tests/integration/unit-tests)', () => {
    const dir = makeProject(PROJECT);
    expect(dops(['ls', '-s', 'group:finance', '--resource-type', 'model', '--output', 'unique_id', '--project-dir', dir]).stdout.trim()).toBe('model.proj.orders');
    expect(dops(['ls', '-s', 'access:public', '--resource-type', 'model', '--output', 'unique_id', '--project-dir', dir]).stdout.trim()).toBe('model.proj.orders');
    expect(dops(['ls', '-s', 'access:protected', '--resource-type', 'model', '--output', 'unique_id', '--project-dir', dir]).stdout.trim()).toBe('model.proj.stg_orders');
    expect(dops(['ls', '-s', 'version:none', '--resource-type', 'model', '--output', 'unique_id', '--project-dir', dir]).stdout.trim().split('\n').sort()).toEqual(['model.proj.orders', 'model.proj.stg_orders']);
  });

  // docs.getdbt.com/reference/node-selection/methods#version
  it('version:latest, prerelease, old and none follow latest_version', () => {
    const dir = makeProject({
      ...PROJECT,
      'models/dim_v1.sql': 'select 1 as id\n',
      'models/dim_v2.sql': 'select 2 as id\n',
      'models/dim_v3.sql': 'select 3 as id\n',
      'models/versions.yml': 'version: 2\nmodels:\n  - name: dim\n    latest_version: 2\n    versions:\n      - v: 1\n      - v: 2\n      - v: 3\n',
    });
    const ls = (method: string) => dops(['ls', '-s', method, '--resource-type', 'model', '--output', 'unique_id', '--project-dir', dir]).stdout.trim().split('\n').sort();
    expect(ls('version:latest')).toEqual(['model.proj.dim.v2']);
    expect(ls('version:prerelease')).toEqual(['model.proj.dim.v3']);
    expect(ls('version:old')).toEqual(['model.proj.dim.v1']);
    expect(ls('version:none')).toEqual(['model.proj.orders', 'model.proj.stg_orders']);
  });

  // docs.getdbt.com/reference/node-selection/methods#exposure
  it('+exposure:x selects what the exposure depends on and their ancestors; 1+ only its direct parents', () => {
    const dir = makeProject({
      ...PROJECT,
      'models/unrelated.sql': 'select 1 as x\n',
      'models/exposures.yml': "version: 2\nexposures:\n  - name: weekly_report\n    type: dashboard\n    owner: {name: Ann}\n    depends_on: [ref('orders')]\n",
    });
    const ls = (selector: string) => dops(['ls', '-s', selector, '--output', 'unique_id', '--resource-type', 'model', 'seed', '--project-dir', dir]);
    expect(ls('+exposure:weekly_report').stdout.trim().split('\n').sort()).toEqual(['model.proj.orders', 'model.proj.stg_orders', 'seed.proj.raw_orders']);
    expect(ls('1+exposure:weekly_*').stdout.trim()).toBe('model.proj.orders');
    const own = ls('exposure:weekly_report');
    expect(own.status).toBe(0);
    expect(own.stdout).not.toContain('does not match'); // the exposure itself matched; it runs nothing
    const build = dops(['build', '-s', '+exposure:weekly_report', '--project-dir', dir]);
    expect(build.status).toBe(0);
    expect(build.stdout).toContain('OK created table main.orders');
    expect(build.stdout).not.toContain('unrelated');
    const typo = ls('+exposure:weekly_reprot');
    expect(typo.stdout).toContain("The selection criterion '+exposure:weekly_reprot' does not match any enabled nodes");
  });
});

describe('output', () => {
  it('dops init ends with how to run dops', () => {
    const run = dops(['init', 'fresh'], { cwd: makeTempDir() });
    expect(run.stdout).toContain('Next: cd fresh && dops build');
    expect(run.stdout).toContain('npm link');
  });
  // The live progress line on a pseudo-terminal and the piped `still running` lines: tests/cli/surface.test.ts.
});
