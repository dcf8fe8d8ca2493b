import { afterAll, describe, expect, it } from 'vitest';
import { build } from '../../../src/api/commands.js';
import { CapturingReporter } from '../../../src/reporter/reporter.js';
import { caught, query, readJson, relations, removeProjects, statuses } from '../helpers.js';
import { DB, dbtProjectFile, makeDbtProject } from './helpers.js';

afterAll(removeProjects);

// https://docs.getdbt.com/docs/mesh/govern/model-versions and
// https://docs.getdbt.com/reference/resource-properties/versions
const VERSIONED = {
  'models/dim_customers_v1.sql': "select 1 as id, 'a' as name, 'x' as old_col union all select 2, 'b', 'y'",
  'models/dim_customers_v2.sql': "select 1 as id, 'a' as name union all select 2, 'b' union all select 3, 'c'",
  'models/customers_v3_file.sql': "select 1 as id, 'a' as name, 'z' as old_col",
  'models/pinned.sql': "select count(*) as n from {{ ref('dim_customers', v=1) }}",
  'models/pinned_kw.sql': "select count(*) as n from {{ ref('dim_customers', version=3) }}",
  'models/latest.sql': "select count(*) as n from {{ ref('dim_customers') }}",
  'models/schema.yml': `version: 2
models:
  - name: dim_customers
    latest_version: 2
    columns:
      - name: id
        data_tests: [unique, not_null]
      - name: old_col
        data_tests: [not_null]
    versions:
      - v: 1
      - v: 2
        columns:
          - include: all
            exclude: [old_col]
      - v: 3
        defined_in: customers_v3_file
        config:
          alias: dim_customers_preview
`,
};

describe('model versions', () => {
  it('builds <name>_v<N> relations, resolves pinned refs and sends unpinned refs to latest_version', async () => {
    const dir = makeDbtProject(VERSIONED);
    const outcome = await build({ projectDir: dir });
    expect(outcome.success).toBe(true);
    expect(await relations(dir, DB)).toMatchObject({ 'main.dim_customers_v1': 'VIEW', 'main.dim_customers_v2': 'VIEW', 'main.dim_customers_preview': 'VIEW' });
    expect(await query(dir, 'select n from main.pinned', DB)).toEqual([{ n: 2 }]);
    expect(await query(dir, 'select n from main.pinned_kw', DB)).toEqual([{ n: 1 }]);
    expect(await query(dir, 'select n from main.latest', DB)).toEqual([{ n: 3 }]);
    // each version gets the column tests of the columns it includes: v2 excludes old_col
    const tests = Object.keys(statuses(outcome)).filter((name) => /^(unique|not_null)_dim_customers/.test(name)).sort();
    expect(tests).toEqual([
      'not_null_dim_customers_v1_id', 'not_null_dim_customers_v1_old_col', 'not_null_dim_customers_v2_id', 'not_null_dim_customers_v3_id', 'not_null_dim_customers_v3_old_col',
      'unique_dim_customers_v1_id', 'unique_dim_customers_v2_id', 'unique_dim_customers_v3_id',
    ]);
    const manifest = readJson(dir, 'target/manifest.json');
    expect(manifest.nodes['model.shop.dim_customers.v1']).toMatchObject({ name: 'dim_customers', version: '1', latest_version: '2', alias: 'dim_customers_v1' });
    expect(manifest.nodes['model.shop.latest'].depends_on.nodes).toEqual(['model.shop.dim_customers.v2']);
  });

  it('a ref to a version that does not exist is an error naming the versions', async () => {
    const dir = makeDbtProject({ ...VERSIONED, 'models/pinned.sql': "select * from {{ ref('dim_customers', v=9) }}" });
    const error = await caught(() => build({ projectDir: dir }));
    expect(error.message).toBe("Model 'pinned' depends on version 9 of 'dim_customers', which was not found");
    expect(error.hint).toBe("Versions of 'dim_customers': 1, 2, 3.");
  });
});

describe('properties YAML as dbt reads it', () => {
  // https://docs.getdbt.com/reference/project-configs/test-paths: property files under test-paths are read too
  it('reads property files under test-paths, data_tests with arguments (dbt 1.10) and old-style arguments', async () => {
    const dir = makeDbtProject({
      'dbt_project.yml': dbtProjectFile('test-paths: [tests]\n'),
      'seeds/people.csv': 'id,status\n1,active\n2,gone\n3,active\n',
      'tests/seeds.yml': `version: 2
seeds:
  - name: people
    description: one row per person
    meta: {owner: data-team}
    columns:
      - name: id
        data_tests:
          - unique
          - accepted_values:
              arguments:
                values: [1, 2, 3]
      - name: status
        tests:
          - accepted_values:
              values: ['active']
              config:
                severity: warn
`,
    });
    const outcome = await build({ projectDir: dir });
    expect(statuses(outcome)).toMatchObject({
      people: 'success',
      unique_people_id: 'pass',
      accepted_values_people_id__1__2__3: 'pass',
      // one 'gone' row: the test warns (severity warn) and the build still passes
      accepted_values_people_status__active: 'warn',
    });
    expect(outcome.success).toBe(true);
    expect(readJson(dir, 'target/manifest.json').nodes['seed.shop.people'].meta).toEqual({ owner: 'data-team' });
  });

  it("warns about a misspelt key with dbt's name for it, and a config path that matches nothing", async () => {
    const dir = makeDbtProject({
      'dbt_project.yml': dbtProjectFile('models:\n  shop:\n    marts:\n      +materialized: table\n'),
      'models/a.sql': 'select 1 as id',
      'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    colums:\n      - name: id\n',
    });
    const reporter = new CapturingReporter();
    expect((await build({ projectDir: dir, reporter })).success).toBe(true);
    expect(reporter.warningsSeen).toEqual([
      "models/schema.yml:4: unknown key 'colums' in model 'a' (did you mean 'columns'?); it is ignored",
      'dbt_project.yml: Configuration paths exist in your dbt_project.yml file which do not apply to any resources: models.shop.marts',
    ]);
    // --warn-error makes these warnings stop the run (https://docs.getdbt.com/reference/global-configs/warnings)
    const error = await caught(() => build({ projectDir: dir, warnError: true }));
    expect(error.message).toMatch(/^2 errors in the project$/);
  });

  it.each([
    ['columns: 42', 'models/schema.yml', 'version: 2\nmodels:\n  - name: a\n    columns: 42\n', "'columns' must be a list of columns, got 42", 4],
    ['severity: fatal', 'models/schema.yml', 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        data_tests:\n          - not_null:\n              config:\n                severity: fatal\n', "Test 'not_null': 'severity' must be 'warn' or 'error', got 'fatal'", 7],
    ['+materialized: [table]', 'dbt_project.yml', dbtProjectFile('models:\n  shop:\n    +materialized: [table]\n'), 'models.shop.+materialized: \'materialized\' must be a string, got ["table"]', 7],
  ])('rejects %s with the file and line', async (_label, path, contents, message, line) => {
    const dir = makeDbtProject({ 'models/a.sql': 'select 1 as id', [path]: contents });
    const error = await caught(() => build({ projectDir: dir }));
    expect(error.message).toBe(message);
    expect(error.location).toMatchObject({ file: path, line });
  });
});
