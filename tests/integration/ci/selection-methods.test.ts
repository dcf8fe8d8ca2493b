import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, list } from '../../../src/api/commands.js';
import { ConfigError, ParseError } from '../../../src/errors.js';
import { caught, makeProject, ranNames, removeProjects, writeFile } from '../helpers.js';

/*
 * raw (seed) -> stg_a ─┐
 * lake.events -> stg_b ┴> mid (table, tag core) -> mart -> leaf
 * tests: unique_stg_a_id, relationships mid.id -> stg_b (parents mid + stg_b), not_null_mart_id,
 *        assert_mart (singular, on mart), source_not_null_lake_events_id
 */
const FILES = {
  'seeds/raw.csv': 'id,v\n1,10\n2,20\n',
  'models/staging/stg_a.sql': "select id, v from {{ ref('raw') }}\n",
  'models/staging/stg_b.sql': "select id from {{ source('lake', 'events') }}\n",
  'models/core/mid.sql': "{{ config(materialized='table', tags=['core']) }}\nselect a.id, a.v from {{ ref('stg_a') }} a join {{ ref('stg_b') }} b using (id)\n",
  'models/marts/mart.sql': "select * from {{ ref('mid') }}\n",
  'models/marts/leaf.sql': "{{ config(tags=['leafy']) }}\nselect * from {{ ref('mart') }}\n",
  'models/schema.yml': `version: 2
sources:
  - name: lake
    schema: lake
    tables:
      - name: events
        columns:
          - name: id
            data_tests: [not_null]
models:
  - name: stg_a
    columns:
      - name: id
        data_tests: [unique]
  - name: mid
    columns:
      - name: id
        data_tests:
          - relationships: {to: "ref('stg_b')", field: id}
  - name: mart
    columns:
      - name: id
        data_tests: [not_null]
`,
  'tests/assert_mart.sql': "select * from {{ ref('mart') }} where v < 0\n",
  'selectors.yml': `selectors:
  - name: core_and_down
    description: core models and what depends on them
    definition:
      method: tag
      value: core
      children: true
  - name: staging_not_b
    definition:
      union:
        - 'path:models/staging'
        - exclude: ['stg_b']
  - name: marts_tagged
    definition:
      intersection:
        - 'path:models/marts'
        - {method: tag, value: leafy}
  - name: reused
    default: true
    definition: {method: selector, value: marts_tagged}
`,
};

const REL = 'relationships_mid_id__id__ref_stg_b_';

describe('selector methods and graph operators (dbt syntax)', () => {
  let dir: string;
  const names = (options: Parameters<typeof list>[0]) => list({ projectDir: dir, ...options }).map((n) => n.name).sort();
  const models = (...select: string[]) => names({ select, resourceTypes: ['model'] });

  beforeAll(() => {
    dir = makeProject(FILES);
  });
  afterAll(removeProjects);

  it('names, + ancestors and descendants, with depth', () => {
    expect(models('mid')).toEqual(['mid']);
    expect(models('+mid')).toEqual(['mid', 'stg_a', 'stg_b']);
    expect(models('mid+')).toEqual(['leaf', 'mart', 'mid']);
    expect(models('mid+1')).toEqual(['mart', 'mid']);
    expect(models('1+mart')).toEqual(['mart', 'mid']);
    expect(models('2+mart')).toEqual(['mart', 'mid', 'stg_a', 'stg_b']);
  });

  it('@ selects descendants and all of their ancestors', () => {
    expect(names({ select: ['@stg_a'], resourceTypes: ['model', 'seed', 'source'] })).toEqual(['events', 'leaf', 'mart', 'mid', 'raw', 'stg_a', 'stg_b']);
  });

  it('space is a union, comma an intersection', () => {
    expect(models('stg_a leaf')).toEqual(['leaf', 'stg_a']);
    expect(models('mid+,tag:leafy')).toEqual(['leaf']);
    expect(models('+mart,path:models/staging')).toEqual(['stg_a', 'stg_b']);
  });

  it('tag:, path:, fqn:, resource_type:, config.KEY:', () => {
    expect(models('tag:core')).toEqual(['mid']);
    expect(models('path:models/marts')).toEqual(['leaf', 'mart']);
    expect(models('path:models/staging/stg_b.sql')).toEqual(['stg_b']);
    expect(models('fqn:proj.core.mid')).toEqual(['mid']);
    expect(models('fqn:marts')).toEqual(['leaf', 'mart']);
    expect(names({ select: ['resource_type:seed'] })).toEqual(['raw']);
    expect(models('config.materialized:table')).toEqual(['mid']);
    expect(models('config.tags:leafy')).toEqual(['leaf']);
  });

  it('source: selects the source and, with +, what reads it', () => {
    expect(names({ select: ['source:lake.events'], resourceTypes: ['source'] })).toEqual(['events']);
    expect(models('source:lake+')).toEqual(['leaf', 'mart', 'mid', 'stg_b']);
  });

  it('test_type: and test_name:', () => {
    expect(names({ select: ['test_type:singular'], resourceTypes: ['test'] })).toEqual(['assert_mart']);
    expect(names({ select: ['test_type:generic'], resourceTypes: ['test'] })).toEqual([REL, 'not_null_mart_id', 'source_not_null_lake_events_id', 'unique_stg_a_id'].sort());
    expect(names({ select: ['test_name:not_null'], resourceTypes: ['test'] })).toEqual(['not_null_mart_id', 'source_not_null_lake_events_id']);
  });

  it('--exclude leaves nodes (and their tests) out', () => {
    expect(names({ select: ['stg_a+'], exclude: ['mart+'], resourceTypes: ['model', 'test'] })).toEqual(['mid', REL, 'stg_a', 'unique_stg_a_id'].sort());
  });

  it('indirect selection: eager, cautious, buildable, empty', () => {
    const tests = (mode: 'eager' | 'cautious' | 'buildable' | 'empty', ...select: string[]) => names({ select, indirectSelection: mode, resourceTypes: ['test'] });
    // the relationships test has two parents: mid and stg_b
    expect(tests('eager', 'mid')).toEqual([REL]);
    expect(tests('cautious', 'mid')).toEqual([]);
    expect(tests('cautious', 'mid', 'stg_b')).toEqual([REL]);
    // buildable: stg_b is an ancestor of the selected mid
    expect(tests('buildable', 'mid')).toEqual([REL]);
    expect(tests('buildable', 'stg_b')).toEqual([]);
    expect(tests('empty', 'mid', 'stg_b')).toEqual([]);
  });

  it('named selectors from selectors.yml: method form, union with exclude, intersection, selector reuse', () => {
    expect(names({ selector: 'core_and_down', resourceTypes: ['model'] })).toEqual(['leaf', 'mart', 'mid']);
    expect(names({ selector: 'staging_not_b', resourceTypes: ['model'] })).toEqual(['stg_a']);
    expect(names({ selector: 'marts_tagged', resourceTypes: ['model'] })).toEqual(['leaf']);
  });

  it('the default: true selector applies when nothing is selected', () => {
    expect(names({ resourceTypes: ['model'] })).toEqual(['leaf']);
    expect(models('stg_a')).toEqual(['stg_a']);
  });

  it('an unknown selector name, or --select with --selector, is a usage error', async () => {
    const unknown = await caught(() => list({ projectDir: dir, selector: 'nope' }));
    expect(unknown).toBeInstanceOf(ConfigError);
    expect(unknown.message).toBe("Selector 'nope' is not defined in selectors.yml");
    expect(unknown.hint).toContain('core_and_down');
    const both = await caught(() => list({ projectDir: dir, selector: 'reused', select: ['mid'] }));
    expect(both.message).toBe('Use either --select or --selector, not both');
  });

  it('a malformed selectors.yml names the file and line', async () => {
    const bad = makeProject({ ...FILES, 'selectors.yml': 'selectors:\n  - name: x\n    definition:\n      method: tag\n' });
    const error = await caught(() => list({ projectDir: bad }));
    expect(error).toBeInstanceOf(ParseError);
    expect(error.message).toBe('A selector term needs `method` and `value`');
    expect(error.location).toEqual({ file: 'selectors.yml', line: 3 });
  });

  it('build runs a named selector with the tests of the selected models', async () => {
    const project = makeProject(FILES);
    writeFile(project, 'selectors.yml', "selectors:\n  - name: a_only\n    definition: 'stg_a'\n");
    const outcome = await build({ projectDir: project, selector: 'a_only' });
    expect(ranNames(outcome)).toEqual(['stg_a', 'unique_stg_a_id']);
  });
});
