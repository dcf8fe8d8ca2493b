import { afterAll, describe, expect, it } from 'vitest';
import { build, run } from '../../../src/api/commands.js';
import { CapturingReporter } from '../../../src/reporter/reporter.js';
import { makeProject, query, readRunResults, relations, removeProjects, resultFor, statuses } from '../helpers.js';

afterAll(removeProjects);

describe('a model with a SQL error', () => {
  it('errors, skips its descendants and still runs independent branches', async () => {
    const dir = makeProject({
      'models/a.sql': 'select 1 as id\n',
      'models/b.sql': "select id, no_such_column from {{ ref('a') }}\n",
      'models/c.sql': "select * from {{ ref('b') }}\n",
      'models/d.sql': "{{ config(materialized='table') }}\nselect * from {{ ref('c') }}\n",
      'models/e.sql': "{{ config(materialized='table') }}\nselect id + 1 as id from {{ ref('a') }}\n",
      'models/f.sql': 'select 2 as x\n',
      'models/schema.yml': 'version: 2\nmodels:\n  - name: c\n    columns:\n      - name: id\n        data_tests: [not_null]\n',
    });
    const reporter = new CapturingReporter();
    const outcome = await build({ projectDir: dir, reporter });

    expect(statuses(outcome)).toEqual({ a: 'success', b: 'error', c: 'skipped', d: 'skipped', e: 'success', f: 'success', not_null_c_id: 'skipped' });
    expect(resultFor(outcome, 'c').message).toBe('Skipped because b failed');
    // the cause is the failed node, not the nearest skipped one
    expect(resultFor(outcome, 'd').message).toBe('Skipped because b failed');
    expect(outcome.success).toBe(false);
    expect(outcome.summary).toMatchObject({ pass: 3, error: 1, skip: 3, total: 7 });
    expect(reporter.summary).toMatchObject({ error: 1, skip: 3 });

    const rel = await relations(dir);
    expect(Object.keys(rel).sort()).toEqual(['main.a', 'main.e', 'main.f']);
    expect(await query(dir, 'select id from e')).toEqual([{ id: 2 }]);

    const entries = Object.fromEntries(readRunResults(dir).results.map((r) => [r.unique_id, r.status]));
    expect(entries).toMatchObject({ 'model.proj.b': 'error', 'model.proj.c': 'skipped', 'model.proj.d': 'skipped', 'model.proj.e': 'success' });
  });

  it('skips descendants with several threads too', async () => {
    const dir = makeProject({
      'models/a.sql': 'select 1 as id\n',
      'models/b.sql': "select no_such_column from {{ ref('a') }}\n",
      'models/c.sql': "select * from {{ ref('b') }}\n",
      'models/e1.sql': "select * from {{ ref('a') }}\n",
      'models/e2.sql': "select * from {{ ref('e1') }}\n",
      'models/e3.sql': "select * from {{ ref('e2') }}\n",
    });
    const outcome = await build({ projectDir: dir, threads: 4 });
    expect(statuses(outcome)).toEqual({ a: 'success', b: 'error', c: 'skipped', e1: 'success', e2: 'success', e3: 'success' });
  });
});

describe('a failing error-severity test', () => {
  const files = {
    'models/parent.sql': "{{ config(materialized='table') }}\nselect * from (values (1), (1), (2)) t(id)\n",
    'models/child.sql': "select id from {{ ref('parent') }}\n",
    'models/grandchild.sql': "select id from {{ ref('child') }}\n",
    'models/sibling.sql': 'select 1 as id\n',
    'models/schema.yml': `version: 2
models:
  - name: parent
    columns:
      - name: id
        data_tests:
          - unique
          - not_null
  - name: sibling
    columns:
      - name: id
        data_tests:
          - accepted_values:
              values: [2]
              quote: false
`,
  };

  it("skips the model's children in build", async () => {
    const dir = makeProject(files);
    const outcome = await build({ projectDir: dir });
    expect(statuses(outcome)).toEqual({
      parent: 'success',
      unique_parent_id: 'fail',
      not_null_parent_id: 'pass',
      child: 'skipped',
      grandchild: 'skipped',
      sibling: 'success',
      accepted_values_sibling_id__false__2: 'fail',
    });
    expect(resultFor(outcome, 'child').message).toBe('Skipped because unique_parent_id failed');
    expect(outcome.success).toBe(false);
    expect(Object.keys(await relations(dir)).sort()).toEqual(['main.parent', 'main.sibling']);
  });

  it('does not skip anything in run (tests do not run)', async () => {
    const dir = makeProject(files);
    const outcome = await run({ projectDir: dir });
    expect(statuses(outcome)).toEqual({ parent: 'success', child: 'success', grandchild: 'success', sibling: 'success' });
    expect(outcome.success).toBe(true);
    expect(await query(dir, 'select count(*) as n from grandchild')).toEqual([{ n: 3 }]);
  });

  it('with severity warn does not skip children in build', async () => {
    const dir = makeProject({
      ...files,
      'models/schema.yml': 'version: 2\nmodels:\n  - name: parent\n    columns:\n      - name: id\n        data_tests:\n          - unique:\n              config: {severity: warn}\n',
    });
    const outcome = await build({ projectDir: dir });
    expect(statuses(outcome)).toMatchObject({ unique_parent_id: 'warn', child: 'success', grandchild: 'success' });
    expect(outcome.success).toBe(true);
  });
});
