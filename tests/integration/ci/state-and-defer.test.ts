import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { build, list } from '../../../src/api/commands.js';
import { ConfigError } from '../../../src/errors.js';
import { caught, makeProject, makeTempDir, query, ranNames, readJson, relations, removeProjects, writeFile } from '../helpers.js';

/*
 * raw (seed) -> base -> uses_macro (calls cents(), which calls round_to()) -> report
 *                   \-> plain -> other_report
 * Editing `plain` and the macro round_to must select exactly:
 * state:modified  = plain, uses_macro (through cents -> round_to)
 * state:modified+ = those, report, other_report and their tests
 */
const FILES = {
  'seeds/raw.csv': 'id,amount\n1,10.5\n2,20.25\n',
  'macros/money.sql': "{% macro round_to(x, n) %}round({{ x }}, {{ n }}){% endmacro %}\n{% macro cents(x) %}{{ round_to(x ~ ' * 100', 0) }}{% endmacro %}\n{% macro unused() %}1{% endmacro %}\n",
  'models/base.sql': "{{ config(materialized='table') }}\nselect id, amount from {{ ref('raw') }}\n",
  'models/uses_macro.sql': "{{ config(materialized='table') }}\nselect id, {{ cents('amount') }} as amount_cents from {{ ref('base') }}\n",
  'models/report.sql': "{{ config(materialized='table') }}\nselect count(*) as n from {{ ref('uses_macro') }}\n",
  'models/plain.sql': "{{ config(materialized='table') }}\nselect id from {{ ref('base') }}\n",
  'models/other_report.sql': "{{ config(materialized='table') }}\nselect count(*) as n from {{ ref('plain') }}\n",
  'models/schema.yml': 'version: 2\nmodels:\n  - name: plain\n    columns:\n      - name: id\n        data_tests: [not_null]\n  - name: base\n    columns:\n      - name: id\n        data_tests: [unique]\n',
};

/** Builds the project as "production" and keeps its target/ as the state folder. */
async function production(): Promise<{ dir: string; state: string }> {
  const dir = makeProject(FILES);
  const outcome = await build({ projectDir: dir });
  expect(outcome.success).toBe(true);
  const state = makeTempDir();
  cpSync(join(dir, 'target'), state, { recursive: true });
  return { dir, state };
}

describe('state comparison (--state)', () => {
  afterAll(removeProjects);

  it('manifest.json records checksums, macros each node uses (transitively) and the target database', async () => {
    const { state } = await production();
    const manifest = JSON.parse(readFileSync(join(state, 'manifest.json'), 'utf8'));
    expect(manifest.nodes['model.proj.uses_macro'].depends_on.macros).toEqual(['macro.proj.cents', 'macro.proj.round_to']);
    expect(manifest.nodes['model.proj.plain'].depends_on.macros).toEqual([]);
    expect(manifest.nodes['model.proj.plain'].checksum.name).toBe('sha256');
    expect(manifest.macros['macro.proj.round_to'].macro_sql).toContain('round(');
    expect(manifest.metadata.target).toMatchObject({ name: 'dev', schema: 'main', database_path: 'dops.duckdb' });
  });

  it('an unchanged copy has nothing modified or new', async () => {
    const { dir, state } = await production();
    expect(list({ projectDir: dir, state, select: ['state:modified'] })).toEqual([]);
    expect(list({ projectDir: dir, state, select: ['state:new'] })).toEqual([]);
  });

  it('editing one model and a macro: state:modified and state:modified+ select exactly the expected sets', async () => {
    const { dir, state } = await production();
    writeFile(dir, 'models/plain.sql', "{{ config(materialized='table') }}\nselect id, 1 as flag from {{ ref('base') }}\n");
    writeFile(dir, 'macros/money.sql', "{% macro round_to(x, n) %}round({{ x }}, {{ n }} + 0){% endmacro %}\n{% macro cents(x) %}{{ round_to(x ~ ' * 100', 0) }}{% endmacro %}\n{% macro unused() %}1{% endmacro %}\n");
    const names = (select: string[], resourceTypes?: string[]) => list({ projectDir: dir, state, select, resourceTypes }).map((n) => n.name).sort();
    expect(names(['state:modified'], ['model'])).toEqual(['plain', 'uses_macro']);
    expect(names(['state:modified+'], ['model'])).toEqual(['other_report', 'plain', 'report', 'uses_macro']);
    // dbt's sub-selectors say which part changed
    expect(names(['state:modified.body'], ['model'])).toEqual(['plain']);
    expect(names(['state:modified.macros'], ['model'])).toEqual(['uses_macro']);
    expect(names(['state:modified.configs'], ['model'])).toEqual([]);
    const outcome = await build({ projectDir: dir, state, select: ['state:modified+'] });
    expect(ranNames(outcome)).toEqual(['not_null_plain_id', 'other_report', 'plain', 'report', 'uses_macro']);
    expect(outcome.success).toBe(true);
  });

  it('config, column and test changes count as modified; added nodes are new (and modified)', async () => {
    const { dir, state } = await production();
    writeFile(dir, 'models/report.sql', "{{ config(materialized='view') }}\nselect count(*) as n from {{ ref('uses_macro') }}\n");
    writeFile(dir, 'models/fresh.sql', 'select 1 as x\n');
    writeFile(dir, 'models/schema.yml', 'version: 2\nmodels:\n  - name: plain\n    columns:\n      - name: id\n        description: changed\n        data_tests: [not_null]\n  - name: base\n    columns:\n      - name: id\n        data_tests: [{unique: {config: {severity: warn}}}]\n');
    const names = (select: string) => list({ projectDir: dir, state, select: [select] }).map((n) => n.name).sort();
    expect(names('state:new')).toEqual(['fresh']);
    expect(names('state:modified.configs')).toEqual(['fresh', 'report', 'unique_base_id']);
    expect(list({ projectDir: dir, state, select: ['state:modified.columns'], resourceTypes: ['model'] }).map((n) => n.name).sort()).toEqual(['fresh', 'plain']);
    // plain's own test joins through (eager) indirect selection, as in dbt ls
    expect(names('state:modified')).toEqual(['fresh', 'not_null_plain_id', 'plain', 'report', 'unique_base_id']);
    expect(list({ projectDir: dir, state, select: ['state:modified'], indirectSelection: 'empty' }).map((n) => n.name).sort()).toEqual(['fresh', 'plain', 'report', 'unique_base_id']);
  });

  it('unused macro edits select nothing', async () => {
    const { dir, state } = await production();
    writeFile(dir, 'macros/money.sql', `${FILES['macros/money.sql'].replace('{% macro unused() %}1', '{% macro unused() %}2')}`);
    expect(list({ projectDir: dir, state, select: ['state:modified'] })).toEqual([]);
  });

  it('state: without --state, or a folder without manifest.json, is a usage error', async () => {
    const dir = makeProject(FILES);
    const missing = await caught(() => list({ projectDir: dir, select: ['state:modified'] }));
    expect(missing).toBeInstanceOf(ConfigError);
    expect(missing.message).toBe('The state: method needs --state DIR (a folder with an earlier manifest.json)');
    const empty = await caught(() => list({ projectDir: dir, state: makeTempDir(), select: ['state:modified'] }));
    expect(empty.message).toMatch(/^No manifest.json in the state folder /);
  });
});

describe('--defer', () => {
  afterAll(removeProjects);

  const PROFILES = `proj:
  target: prod
  outputs:
    prod: {type: duckdb, path: prod.duckdb, schema: main}
    ci: {type: duckdb, path: ci.duckdb, schema: main}
`;

  it('builds only the modified models in CI, reading unselected parents from the production database', async () => {
    const dir = makeProject({ ...FILES, 'profiles.yml': PROFILES });
    expect((await build({ projectDir: dir, target: 'prod' })).success).toBe(true);
    const state = makeTempDir();
    cpSync(join(dir, 'target'), state, { recursive: true });
    writeFile(dir, 'models/other_report.sql', "{{ config(materialized='table') }}\nselect count(*) * 10 as n from {{ ref('plain') }}\n");
    const outcome = await build({ projectDir: dir, target: 'ci', state, defer: true, select: ['state:modified+'] });
    expect(ranNames(outcome)).toEqual(['other_report']);
    expect(outcome.success).toBe(true);
    // Only the modified model exists in the CI database, computed from production's `plain`.
    expect(Object.keys(await relations(dir, 'ci.duckdb'))).toEqual(['main.other_report']);
    expect(await query(dir, 'select n from other_report', 'ci.duckdb')).toEqual([{ n: 20 }]);
    expect(readFileSync(join(dir, 'target/compiled/proj/models/other_report.sql'), 'utf8')).toContain('"dops_state"."main"."plain"');
    // Production is untouched.
    expect(await query(dir, 'select n from other_report', 'prod.duckdb')).toEqual([{ n: 2 }]);
  });

  it('without --defer the same selection reads the CI target and fails there', async () => {
    const dir = makeProject({ ...FILES, 'profiles.yml': PROFILES });
    await build({ projectDir: dir, target: 'prod' });
    const state = makeTempDir();
    cpSync(join(dir, 'target'), state, { recursive: true });
    writeFile(dir, 'models/other_report.sql', "{{ config(materialized='table') }}\nselect count(*) * 10 as n from {{ ref('plain') }}\n");
    const outcome = await build({ projectDir: dir, target: 'ci', state, select: ['state:modified+'] });
    expect(outcome.success).toBe(false);
    expect(outcome.results[0].message).toMatch(/plain/);
  });

  it('--defer needs --state', async () => {
    const dir = makeProject(FILES);
    const error = await caught(() => build({ projectDir: dir, defer: true }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe('--defer needs --state DIR (the folder of the production manifest.json)');
  });

  it('records the state manifest it read, so the artifacts say what ran', async () => {
    const dir = makeProject(FILES);
    await build({ projectDir: dir });
    const state = makeTempDir();
    cpSync(join(dir, 'target'), state, { recursive: true });
    await build({ projectDir: dir, state, select: ['state:modified'] });
    expect(readJson(dir, 'target/run_results.json').args).toMatchObject({ state, select: ['state:modified'], defer: false });
  });
});
