import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { build, list } from '../../../src/api/commands.js';
import { CapturingReporter } from '../../../src/reporter/reporter.js';
import { caught, duckdbExec, makeTempDir, query, relations, removeProjects, statuses, writeFile } from '../helpers.js';
import { DB, dbtProjectFile, makeDbtProject, profilesFile } from './helpers.js';

afterAll(removeProjects);

const saved = { HOME: process.env.HOME, DBT_PROFILES_DIR: process.env.DBT_PROFILES_DIR };
let home: string;
beforeEach(() => {
  // A fresh, empty home: ~/.dbt/profiles.yml of the machine never leaks in.
  home = makeTempDir();
  process.env.HOME = home;
  delete process.env.DBT_PROFILES_DIR;
});
afterEach(() => {
  process.env.HOME = saved.HOME;
  if (saved.DBT_PROFILES_DIR === undefined) delete process.env.DBT_PROFILES_DIR;
  else process.env.DBT_PROFILES_DIR = saved.DBT_PROFILES_DIR;
});

const MODEL = { 'models/m.sql': "select 1 as id, '{{ target.name }}' as target_name, '{{ target.schema }}' as target_schema" };

// https://docs.getdbt.com/docs/core/connect-data-platform/connection-profiles
describe('profiles where dbt finds them', () => {
  it('reads ~/.dbt/profiles.yml when the project has none', async () => {
    const dir = makeDbtProject({ ...MODEL, 'profiles.yml': '' });
    writeFile(home, '.dbt/profiles.yml', profilesFile('from_home').replace(`path: ${DB}`, `path: ${join(dir, DB)}`));
    expect((await build({ projectDir: dir })).success).toBe(true);
    expect(await query(dir, 'select target_name, target_schema from from_home.m', DB)).toEqual([{ target_name: 'dev', target_schema: 'from_home' }]);
  });

  it('prefers $DBT_PROFILES_DIR over the project dir and ~/.dbt, and --profiles-dir over all', async () => {
    const dir = makeDbtProject({ ...MODEL, 'profiles.yml': profilesFile('from_project') });
    writeFile(home, '.dbt/profiles.yml', profilesFile('from_home'));
    const envDir = makeTempDir();
    writeFile(envDir, 'profiles.yml', profilesFile('from_env'));
    process.env.DBT_PROFILES_DIR = envDir;
    expect((await build({ projectDir: dir })).success).toBe(true);
    const flagDir = makeTempDir();
    writeFile(flagDir, 'profiles.yml', profilesFile('from_flag'));
    expect((await build({ projectDir: dir, profilesDir: flagDir })).success).toBe(true);
    expect(await relations(dir, DB)).toEqual({ 'from_env.m': 'VIEW', 'from_flag.m': 'VIEW' });
  });

  it('picks --target over the profile target, and :memory: works', async () => {
    const dir = makeDbtProject({ ...MODEL, 'profiles.yml': `${profilesFile()}    mem:\n      type: duckdb\n      path: ":memory:"\n      schema: scratch\n` });
    const outcome = await build({ projectDir: dir, target: 'mem' });
    expect(statuses(outcome)).toEqual({ m: 'success' });
    expect(existsSync(join(dir, DB))).toBe(false);
  });

  it('an unknown profile or target is an error naming it (no silent default database)', async () => {
    const dir = makeDbtProject({ ...MODEL, 'dbt_project.yml': dbtProjectFile().replace('profile: shop', 'profile: shoop') });
    const error = await caught(() => build({ projectDir: dir }));
    expect(error.message).toBe(`Profile 'shoop' not found in ${join(dir, 'profiles.yml')}`);
    expect(error.hint).toBe("Did you mean 'shop'? Profiles there: shop.");
    expect(existsSync(join(dir, 'dops.duckdb'))).toBe(false);
    const missing = makeDbtProject({ ...MODEL, 'profiles.yml': '' });
    expect((await caught(() => build({ projectDir: missing }))).message).toBe("Profile 'shop' not found: no profiles.yml");
    expect((await caught(() => build({ projectDir: makeDbtProject(MODEL), target: 'prod' }))).message).toBe("Target 'prod' not found in profile 'shop'");
  });

  // https://github.com/duckdb/dbt-duckdb#configuring-your-profile (attach, settings, extensions)
  it('attaches other DuckDB files (read-only too), applies settings, and names extensions it cannot load', async () => {
    const other = makeTempDir();
    await duckdbExec(`attach '${join(other, 'lookup.duckdb')}' as lookup; create table lookup.codes as select 1 as id, 'one' as label; detach lookup`);
    const dir = makeDbtProject({
      'models/m.sql': "{{ config(materialized='table') }}\nselect c.label, current_setting('threads') as threads from lookup.codes c",
      'profiles.yml': profilesFile('main', `      threads: 1\n      settings:\n        threads: 1\n      extensions: [json, spatial]\n      attach:\n        - path: ${join(other, 'lookup.duckdb')}\n          read_only: true\n`),
    });
    const reporter = new CapturingReporter();
    expect((await build({ projectDir: dir, reporter })).success).toBe(true);
    expect(await query(dir, 'select label, threads from main.m', DB)).toEqual([{ label: 'one', threads: 1 }]);
    expect(reporter.warningsSeen).toEqual([`${join(dir, 'profiles.yml')}:11: DuckDB extension 'spatial' is not built into dops' DuckDB and is not installed; models using it will fail`]);
  });
});

// https://docs.getdbt.com/reference/dbt_project.yml
describe('the project file', () => {
  it('both dbt_project.yml and dops_project.yml is an error', async () => {
    const dir = makeDbtProject({ ...MODEL, 'dops_project.yml': 'name: shop\n' });
    const error = await caught(() => build({ projectDir: dir }));
    expect(error.message).toBe(`Both dbt_project.yml and dops_project.yml are in ${dir}`);
  });

  // https://docs.getdbt.com/docs/build/project-variables and
  // https://docs.getdbt.com/reference/dbt_project.yml (Jinja in configs: var, env_var, target)
  it("renders Jinja in config values with var() and target, and scopes vars under the project's name", async () => {
    const dir = makeDbtProject({
      'dbt_project.yml': dbtProjectFile(`vars:
  load_extra: false
  label: global
  shop:
    label: scoped
models:
  shop:
    extra:
      +enabled: "{{ var('load_extra', false) }}"
    +materialized: "{{ 'table' if target.name == 'dev' else 'view' }}"
`),
      'models/m.sql': "select '{{ var('label') }}' as label",
      'models/extra/x.sql': 'select 1 as x',
    });
    expect(list({ projectDir: dir }).map((node) => node.name)).toEqual(['m']);
    const reporter = new CapturingReporter();
    expect((await build({ projectDir: dir, reporter })).success).toBe(true);
    expect(reporter.warningsSeen).toEqual([]); // models.shop.extra disables x: the path is used
    expect(await relations(dir, DB)).toEqual({ 'main.m': 'BASE TABLE' });
    expect(await query(dir, 'select label from main.m', DB)).toEqual([{ label: 'scoped' }]);
    expect(list({ projectDir: dir, vars: { load_extra: true } }).map((node) => node.name).sort()).toEqual(['m', 'x']);
  });

  it('warns once about keys it does not know or does not apply, naming file and line', async () => {
    const dir = makeDbtProject({ ...MODEL, 'dbt_project.yml': dbtProjectFile('model-path: [models]\non-run-start: ["select 1"]\n') });
    const reporter = new CapturingReporter();
    expect((await build({ projectDir: dir, reporter })).success).toBe(true);
    expect(reporter.warningsSeen).toEqual([
      "dbt_project.yml:5: unknown key 'model-path' in dbt_project.yml (did you mean 'model-paths'?); it is ignored",
      "dbt_project.yml:6: 'on-run-start' is read but not applied: project hooks are not run yet",
    ]);
  });
});

// A real dbt project from ../shared/dbt-packages: it must get past project loading (its macros need
// the Jinja work and its packages need `dops deps`).
describe('a real dbt project', () => {
  const source = '/work/shared/dbt-packages/dbt-date/integration_tests';
  it.skipIf(!existsSync(source))('dbt-date/integration_tests loads its dbt_project.yml and profile', async () => {
    const dir = makeTempDir();
    cpSync(source, dir, { recursive: true });
    const { loadProjectConfig } = await import('../../../src/config/project-config.js');
    const { resolveTarget } = await import('../../../src/config/profiles.js');
    const config = loadProjectConfig(dir);
    expect(config.name).toBe('dbt_date_integration_tests');
    expect(config.requireDbtVersion).toEqual(['>=1.10.5', '<3.0.0']);
    expect(config.dispatch).toEqual([{ macroNamespace: 'dbt_date', searchOrder: ['dbt_date_integration_tests', 'dbt_date'] }]);
    // its own profiles.yml: only the chosen output (duckdb) is rendered, as dbt does
    expect(resolveTarget(config)).toMatchObject({ name: 'duckdb', type: 'duckdb' });
  });
});
