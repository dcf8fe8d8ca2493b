import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { build, compile } from '../../../src/api/commands.js';
import { ConfigError } from '../../../src/errors.js';
import { caught, makeProject, query, relations, removeProjects, writeFile } from '../helpers.js';

afterAll(removeProjects);

const PROJECT_WITH_VARS = `name: proj
vars:
  min_amount: 10
  label: from project
`;

describe('vars', () => {
  const files = {
    'dops_project.yml': PROJECT_WITH_VARS,
    'models/v.sql': "{{ config(materialized='table') }}\nselect {{ var('min_amount') }} as min_amount, '{{ var('label') }}' as label, {{ var('absent', 7) }} as fallback\n",
  };

  it('reads vars from the project file, with var() defaults', async () => {
    const dir = makeProject(files);
    expect((await build({ projectDir: dir })).success).toBe(true);
    expect(await query(dir, 'select * from v')).toEqual([{ min_amount: 10, label: 'from project', fallback: 7 }]);
  });

  it('the vars option overrides project vars (object)', async () => {
    const dir = makeProject(files);
    await build({ projectDir: dir, vars: { min_amount: 20, absent: 99 } });
    expect(await query(dir, 'select * from v')).toEqual([{ min_amount: 20, label: 'from project', fallback: 99 }]);
  });

  it('the vars option overrides project vars (JSON and YAML text, as --vars)', async () => {
    const dir = makeProject(files);
    await build({ projectDir: dir, vars: '{"min_amount": 30}' });
    expect(await query(dir, 'select min_amount from v')).toEqual([{ min_amount: 30 }]);
    await build({ projectDir: dir, vars: 'label: from yaml' });
    expect(await query(dir, 'select min_amount, label from v')).toEqual([{ min_amount: 10, label: 'from yaml' }]);
  });

  it('rejects --vars text that is not a mapping', async () => {
    const dir = makeProject(files);
    const error = await caught(() => build({ projectDir: dir, vars: '[1, 2]' }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('--vars must be a YAML or JSON mapping');
  });

  it('vars reach macros and tests', async () => {
    const dir = makeProject({
      'dops_project.yml': 'name: proj\nvars:\n  limit_value: 3\n',
      'macros/limit.sql': "{% macro over_limit(column) %}{{ column }} > {{ var('limit_value') }}{% endmacro %}\n",
      'models/n.sql': "{{ config(materialized='table') }}\nselect * from range(5) t(n)\n",
      'tests/none_over_limit.sql': "select * from {{ ref('n') }} where {{ over_limit('n') }}\n",
    });
    const outcome = await build({ projectDir: dir });
    expect(outcome.results.find((r) => r.uniqueId === 'test.proj.none_over_limit')).toMatchObject({ status: 'fail', failures: 1 });
    const again = await build({ projectDir: dir, vars: { limit_value: 10 } });
    expect(again.success).toBe(true);
  });
});

describe('env_var', () => {
  afterEach(() => {
    delete process.env.DOPS_IT_GREETING;
  });

  const files = { 'models/e.sql': "{{ config(materialized='table') }}\nselect '{{ env_var('DOPS_IT_GREETING', 'default greeting') }}' as greeting\n" };

  it('uses the default when the variable is unset', async () => {
    delete process.env.DOPS_IT_GREETING;
    const dir = makeProject(files);
    await build({ projectDir: dir });
    expect(await query(dir, 'select greeting from e')).toEqual([{ greeting: 'default greeting' }]);
  });

  it('uses the environment value when set', async () => {
    process.env.DOPS_IT_GREETING = 'hello from env';
    const dir = makeProject(files);
    await build({ projectDir: dir });
    expect(await query(dir, 'select greeting from e')).toEqual([{ greeting: 'hello from env' }]);
  });

  it('errors without a default when unset, naming the variable and file', async () => {
    const dir = makeProject({ 'models/e.sql': "select '{{ env_var('DOPS_IT_SURELY_UNSET') }}' as x\n" });
    const error = await caught(() => build({ projectDir: dir }));
    expect(error.message).toContain("'DOPS_IT_SURELY_UNSET'");
    expect(error.location).toMatchObject({ file: 'models/e.sql', line: 1 });
  });
});

describe('profiles.yml targets', () => {
  const PROFILES = `proj:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: dev.duckdb
      schema: main
    prod:
      type: duckdb
      path: "{{ env_var('DOPS_IT_PROD_DIR', 'prod') }}/prod.duckdb"
      schema: analytics
      threads: 2
`;
  const files = {
    'profiles.yml': PROFILES,
    'models/m.sql': "{{ config(materialized='table') }}\nselect '{{ target.name }}' as target_name, '{{ target.schema }}' as target_schema, '{{ this }}' as self\n",
    'models/staged.sql': "{{ config(schema='staging') }}\nselect * from {{ ref('m') }}\n",
  };

  it('uses the profile default target', async () => {
    const dir = makeProject(files);
    const outcome = await build({ projectDir: dir });
    expect(outcome.success).toBe(true);
    expect(existsSync(join(dir, 'dops.duckdb'))).toBe(false);
    expect(await query(dir, 'select * from main.m', 'dev.duckdb')).toEqual([{ target_name: 'dev', target_schema: 'main', self: '"main"."m"' }]);
  });

  it("target: 'prod' uses its own database file and schema", async () => {
    const dir = makeProject(files);
    const outcome = await build({ projectDir: dir, target: 'prod' });
    expect(outcome.success).toBe(true);
    expect(existsSync(join(dir, 'dev.duckdb'))).toBe(false);
    expect(await relations(dir, 'prod/prod.duckdb')).toEqual({ 'analytics.m': 'BASE TABLE', 'staging.staged': 'VIEW' });
    expect(await query(dir, 'select * from analytics.m', 'prod/prod.duckdb')).toEqual([{ target_name: 'prod', target_schema: 'analytics', self: '"analytics"."m"' }]);
    expect(await query(dir, 'select target_name from staging.staged', 'prod/prod.duckdb')).toEqual([{ target_name: 'prod' }]);
  });

  it('renders env_var in profile values', async () => {
    process.env.DOPS_IT_PROD_DIR = 'elsewhere';
    try {
      const dir = makeProject(files);
      await build({ projectDir: dir, target: 'prod' });
      expect(existsSync(join(dir, 'elsewhere/prod.duckdb'))).toBe(true);
    } finally {
      delete process.env.DOPS_IT_PROD_DIR;
    }
  });

  it('reads profiles.yml from profilesDir', async () => {
    const dir = makeProject({ 'models/m.sql': files['models/m.sql'], 'config/profiles.yml': PROFILES });
    await build({ projectDir: dir, profilesDir: join(dir, 'config'), target: 'prod' });
    expect(await query(dir, 'select target_name from analytics.m', 'prod/prod.duckdb')).toEqual([{ target_name: 'prod' }]);
  });

  it('an unknown target is a ConfigError listing the available ones, before anything runs', async () => {
    const dir = makeProject(files);
    const error = await caught(() => build({ projectDir: dir, target: 'staging' }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe("Target 'staging' not found in profile 'proj'");
    expect(error.hint).toBe('Available targets: dev, prod');
    expect(error.location.file).toContain('profiles.yml');
    expect(existsSync(join(dir, 'dev.duckdb'))).toBe(false);
  });

  it('without profiles.yml, an unknown target is a ConfigError', async () => {
    const dir = makeProject({ 'models/m.sql': 'select 1 as x\n' });
    const error = await caught(() => build({ projectDir: dir, target: 'prod' }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain("Target 'prod' not found");
  });

  it('compile renders target values', async () => {
    const dir = makeProject(files);
    const [entry] = compile({ projectDir: dir, target: 'prod', select: ['m'] });
    expect(entry.sql).toContain("'prod' as target_name, 'analytics' as target_schema, '\"analytics\".\"m\"' as self");
  });

  it('a profile with a type no adapter handles is rejected, and a postgres one missing its keys names them', async () => {
    const dir = makeProject({ 'models/m.sql': 'select 1\n' });
    writeFile(dir, 'profiles.yml', 'proj:\n  target: dev\n  outputs:\n    dev:\n      type: oracle\n');
    const error = await caught(() => build({ projectDir: dir }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain("has type 'oracle', which dops does not support");
    writeFile(dir, 'profiles.yml', 'proj:\n  target: dev\n  outputs:\n    dev:\n      type: postgres\n');
    expect((await caught(() => build({ projectDir: dir }))).message).toBe("Target 'dev' (postgres): 'host' is required");
  });
});
