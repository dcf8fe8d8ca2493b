import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, compile, list, run, seed, test as runTests } from '../../../src/api/commands.js';
import type { RunOutcome } from '../../../src/api/execute.js';
import { ConfigError } from '../../../src/errors.js';
import { caught, makeProject, query, ranNames, relations, removeProjects } from '../helpers.js';

/*
 * raw (seed) -> stg_a -> mid -> mart
 *               stg_b ---------/   \
 *                  \-- relationships test on mid (parents: mid, stg_b)
 * other (independent, tagged nightly)
 */
const FILES = {
  'seeds/raw.csv': 'id,v\n1,10\n2,20\n',
  'models/staging/stg_a.sql': "select id, v from {{ ref('raw') }}\n",
  'models/staging/stg_b.sql': 'select 1 as id union all select 2\n',
  'models/core/mid.sql': "{{ config(materialized='table') }}\nselect id, v * 2 as v2 from {{ ref('stg_a') }}\n",
  'models/core/mart.sql': "{{ config(materialized='table') }}\nselect m.id, m.v2 from {{ ref('mid') }} m join {{ ref('stg_b') }} b using (id)\n",
  'models/other.sql': "{{ config(tags=['nightly']) }}\nselect 1 as x\n",
  'models/schema.yml': `version: 2
models:
  - name: stg_a
    columns:
      - name: id
        data_tests: [unique]
  - name: mid
    columns:
      - name: id
        data_tests:
          - relationships:
              to: ref('stg_b')
              field: id
  - name: mart
    columns:
      - name: id
        data_tests: [not_null]
  - name: other
    columns:
      - name: x
        data_tests: [not_null]
sources:
  - name: ext
    tables:
      - name: thing
        config:
          external_location: 'lake/thing.parquet'
`,
  'tests/assert_mart_positive.sql': "select * from {{ ref('mart') }} where v2 <= 0\n",
};

const REL = 'relationships_mid_id__id__ref_stg_b_';

describe('selection', () => {
  let dir: string;
  let full: RunOutcome;

  beforeAll(async () => {
    dir = makeProject(FILES);
    full = await build({ projectDir: dir });
  });
  afterAll(removeProjects);

  it('a full build runs everything', () => {
    expect(full.success).toBe(true);
    expect(ranNames(full)).toEqual(['assert_mart_positive', 'mart', 'mid', 'not_null_mart_id', 'not_null_other_x', 'other', 'raw', REL, 'stg_a', 'stg_b', 'unique_stg_a_id'].sort());
  });

  it("select ['stg_a+'] builds stg_a, its descendants and their tests", async () => {
    const outcome = await build({ projectDir: dir, select: ['stg_a+'] });
    expect(ranNames(outcome)).toEqual(['assert_mart_positive', 'mart', 'mid', 'not_null_mart_id', REL, 'stg_a', 'unique_stg_a_id'].sort());
    expect(outcome.success).toBe(true);
  });

  it("select ['+mart'] builds mart and all its ancestors, seeds included", async () => {
    const outcome = await build({ projectDir: dir, select: ['+mart'] });
    expect(ranNames(outcome)).toEqual(['assert_mart_positive', 'mart', 'mid', 'not_null_mart_id', 'raw', REL, 'stg_a', 'stg_b', 'unique_stg_a_id'].sort());
  });

  it('depth limits: stg_a+1 and 1+mart', async () => {
    expect(list({ projectDir: dir, select: ['stg_a+1'], resourceTypes: ['model'] }).map((n) => n.name)).toEqual(['stg_a', 'mid']);
    expect(
      list({ projectDir: dir, select: ['1+mart'], resourceTypes: ['model'] })
        .map((n) => n.name)
        .sort(),
    ).toEqual(['mart', 'mid', 'stg_b']);
  });

  it('exclude removes nodes from the selection', async () => {
    const outcome = await build({ projectDir: dir, select: ['stg_a+'], exclude: ['mid+'] });
    expect(ranNames(outcome)).toEqual(['stg_a', 'unique_stg_a_id']);
  });

  it('excluding a model also excludes its tests', async () => {
    const built = await build({ projectDir: dir, select: ['stg_a+'], exclude: ['mart'] });
    expect(ranNames(built)).toEqual(['mid', REL, 'stg_a', 'unique_stg_a_id'].sort());
    const tested = await runTests({ projectDir: dir, exclude: ['mart'] });
    expect(ranNames(tested)).toEqual(['not_null_other_x', REL, 'unique_stg_a_id'].sort());
  });

  it('tests follow the selected models (eager: any parent selected)', async () => {
    expect(ranNames(await build({ projectDir: dir, select: ['other'] }))).toEqual(['not_null_other_x', 'other']);
    // the relationships test on mid also depends on stg_b, so selecting stg_b selects it
    expect(ranNames(await build({ projectDir: dir, select: ['stg_b'] }))).toEqual([REL, 'stg_b']);
  });

  it('selects by tag, path, folder and resource type', async () => {
    expect(ranNames(await run({ projectDir: dir, select: ['tag:nightly'] }))).toEqual(['other']);
    expect(ranNames(await run({ projectDir: dir, select: ['path:models/staging'] }))).toEqual(['stg_a', 'stg_b']);
    expect(ranNames(await run({ projectDir: dir, select: ['proj.core'] }))).toEqual(['mart', 'mid']);
    expect(ranNames(await build({ projectDir: dir, select: ['resource_type:seed'] }))).toEqual(['raw']);
  });

  // dbt matches the fqn with and without the project name ("dbt run --select marts.finance").
  it('selects a folder by its fqn without the project name', async () => {
    expect(ranNames(await run({ projectDir: dir, select: ['core'] }))).toEqual(['mart', 'mid']);
    expect(ranNames(await run({ projectDir: dir, select: ['core.mid'] }))).toEqual(['mid']);
  });

  it('an unknown selector method is a ConfigError', async () => {
    const error = await caught(() => build({ projectDir: dir, select: ['colour:red'] }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe("Unknown selector method 'colour'");
  });

  it('a selector matching nothing runs nothing', async () => {
    const outcome = await build({ projectDir: dir, select: ['no_such_model'] });
    expect(outcome.results).toEqual([]);
    expect(outcome.success).toBe(true);
  });

  it('run only runs models', async () => {
    const outcome = await run({ projectDir: dir });
    expect(ranNames(outcome)).toEqual(['mart', 'mid', 'other', 'stg_a', 'stg_b']);
  });

  it('seed only loads seeds', async () => {
    expect(ranNames(await seed({ projectDir: dir }))).toEqual(['raw']);
  });

  it('test only runs tests, against the relations already built', async () => {
    const before = await query(dir, 'select * from mart order by id');
    const outcome = await runTests({ projectDir: dir });
    expect(ranNames(outcome)).toEqual(['assert_mart_positive', 'not_null_mart_id', 'not_null_other_x', REL, 'unique_stg_a_id'].sort());
    expect(outcome.results.every((r) => r.status === 'pass')).toBe(true);
    expect(await query(dir, 'select * from mart order by id')).toEqual(before);
  });

  it("test with select ['mart'] runs mart's tests only", async () => {
    expect(ranNames(await runTests({ projectDir: dir, select: ['mart'] }))).toEqual(['assert_mart_positive', 'not_null_mart_id']);
  });

  it('list returns every node kind in DAG order', () => {
    const nodes = list({ projectDir: dir });
    const names = nodes.map((n) => n.name);
    expect(names.sort()).toEqual([...ranNames(full), 'thing'].sort());
    const order = list({ projectDir: dir }).map((n) => n.name);
    const before = (a: string, b: string) => expect(order.indexOf(a), `${a} before ${b}`).toBeLessThan(order.indexOf(b));
    before('raw', 'stg_a');
    before('stg_a', 'mid');
    before('mid', 'mart');
    before('stg_b', 'mart');
    before('stg_a', 'unique_stg_a_id');
    before('mart', 'not_null_mart_id');
    before('mid', REL);
    before('stg_b', REL);
  });

  it('list filters by resource type and selection', () => {
    expect(list({ projectDir: dir, select: ['+mart'], resourceTypes: ['model'] }).map((n) => n.name)).toEqual(
      expect.arrayContaining(['stg_a', 'stg_b', 'mid', 'mart']),
    );
    const chain = list({ projectDir: dir, select: ['+mid'], resourceTypes: ['model', 'seed'] }).map((n) => n.name);
    expect(chain).toEqual(['raw', 'stg_a', 'mid']);
    expect(list({ projectDir: dir, resourceTypes: ['source'] }).map((n) => n.uniqueId)).toEqual(['source.proj.ext.thing']);
    expect(list({ projectDir: dir, resourceTypes: ['seed'] }).map((n) => n.uniqueId)).toEqual(['seed.proj.raw']);
  });
});

describe('compile', () => {
  afterAll(removeProjects);

  it('writes compiled SQL and returns it without touching the database', () => {
    const dir = makeProject(FILES);
    const entries = compile({ projectDir: dir });
    expect(existsSync(join(dir, 'dops.duckdb'))).toBe(false);
    const byName = Object.fromEntries(entries.map((e) => [e.name, e]));
    // models and tests only, in DAG order
    expect(Object.keys(byName).sort()).toEqual(['assert_mart_positive', 'mart', 'mid', 'not_null_mart_id', 'not_null_other_x', 'other', REL, 'stg_a', 'stg_b', 'unique_stg_a_id'].sort());
    const names = entries.map((e) => e.name);
    expect(names.indexOf('stg_a')).toBeLessThan(names.indexOf('mid'));
    expect(names.indexOf('mid')).toBeLessThan(names.indexOf('mart'));

    expect(byName.stg_a).toMatchObject({ uniqueId: 'model.proj.stg_a', path: 'target/compiled/proj/models/staging/stg_a.sql', sql: 'select id, v from "main"."raw"' });
    expect(byName.mart.sql).toBe('select m.id, m.v2 from "main"."mid" m join "main"."stg_b" b using (id)');
    expect(byName.not_null_mart_id.path).toBe('target/compiled/proj/models/schema.yml/not_null_mart_id.sql');
    expect(byName.not_null_mart_id.sql).toContain('from "main"."mart"');
    for (const entry of entries) expect(readFileSync(join(dir, entry.path), 'utf8')).toBe(`${entry.sql}\n`);
    expect(existsSync(join(dir, 'target/manifest.json'))).toBe(true);
    expect(existsSync(join(dir, 'target/run_results.json'))).toBe(false);
  });

  it('compile honours select and leaves existing relations alone', async () => {
    const dir = makeProject(FILES);
    await build({ projectDir: dir });
    const stamp = statSync(join(dir, 'dops.duckdb')).mtimeMs;
    const before = await relations(dir);
    const entries = compile({ projectDir: dir, select: ['mid'] });
    expect(entries.map((e) => e.name).sort()).toEqual(['mid', REL]);
    expect(await relations(dir)).toEqual(before);
    expect(statSync(join(dir, 'dops.duckdb')).mtimeMs).toBe(stamp);
  });
});
