/**
 * Unit tests of models that call a package's macros, as dbt-audit-helper's integration project
 * writes them:
 * - `overrides: {macros: {pkg.name: value}}` replaces the package's macro where it is called as
 *   `pkg.name(...)` and, inside the package's own macros, unprefixed; `dbt.x` overrides apply to
 *   `x` too (https://docs.getdbt.com/reference/resource-properties/unit-test-overrides; dbt-core's
 *   generate_runtime_unit_test_context splits overrides into package-namespaced and global ones);
 * - a `format: sql` input (inline or a fixture file) is Jinja, rendered like the input node's code
 *   (https://docs.getdbt.com/reference/resource-properties/unit-test-input).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { build } from '../../../src/api/commands.js';
import { installPackages } from '../../../src/project/packages.js';
import { makeProject, makeTempDir, readRunResults, removeProjects, writeFile } from '../helpers.js';

afterAll(removeProjects);

describe('unit tests and package macros', () => {
  it('overrides a package macro by its namespaced name and renders Jinja in sql inputs', async () => {
    const pkg = makeTempDir();
    writeFile(pkg, 'dbt_project.yml', "name: my_pkg\nversion: '1.0'\n");
    // The package's macros call its helper (in another file) both prefixed and unprefixed.
    writeFile(pkg, 'macros/bounds.sql', '{% macro bounds() %}{{ return({"lo": 1, "hi": 9}) }}{% endmacro %}');
    writeFile(pkg, 'macros/filters.sql', [
      '{% macro lo_filter(col) %}{% set b = my_pkg.bounds() %}{{ col }} >= {{ b["lo"] }}{% endmacro %}',
      '{% macro hi_filter(col) %}{% set b = bounds() %}{{ col }} <= {{ b["hi"] }}{% endmacro %}',
      '{% macro double_it(x) %}({{ x }} * 2){% endmacro %}',
    ].join('\n'));
    const dir = makeProject({
      'packages.yml': `packages:\n  - local: ${pkg}\n`,
      'seeds/raw.csv': 'id\n1\n5\n12\n',
      'models/filtered.sql': "select id, {{ my_pkg.double_it('id') }} as twice from {{ ref('raw') }} where {{ my_pkg.lo_filter('id') }} and {{ my_pkg.hi_filter('id') }}",
      'macros/n.sql': '{% macro fixture_n() %}5{% endmacro %}',
      'tests/fixtures/raw_rows.sql': 'select {{ fixture_n() }} as id union all select {{ 3 + 4 }} as id',
      'models/unit.yml': `version: 2
unit_tests:
  - name: default_bounds
    model: filtered
    given:
      - input: ref('raw')
        rows: [{id: 0}, {id: 5}, {id: 10}]
    expect:
      rows: [{id: 5, twice: 10}]
  - name: namespaced_override
    model: filtered
    overrides:
      macros:
        my_pkg.bounds: {lo: 6, hi: 20}
    given:
      - input: ref('raw')
        rows: [{id: 0}, {id: 5}, {id: 10}]
    expect:
      rows: [{id: 10, twice: 20}]
  - name: sql_fixture_is_jinja
    model: filtered
    given:
      - input: ref('raw')
        format: sql
        fixture: raw_rows
    expect:
      rows: [{id: 5, twice: 10}, {id: 7, twice: 14}]
  - name: inline_sql_is_jinja
    model: filtered
    given:
      - input: ref('raw')
        format: sql
        rows: "select {{ 2 * 4 }} as id"
    expect:
      rows: [{id: 8, twice: 16}]
`,
    });
    installPackages(dir);
    await build({ projectDir: dir });
    const statuses = Object.fromEntries(readRunResults(dir).results.map((r: { unique_id: string; status: string; message?: string }) => [r.unique_id, `${r.status} ${r.status === 'pass' || r.status === 'success' ? '' : r.message ?? ''}`.trim()]));
    expect(statuses).toMatchObject({
      'unit_test.proj.filtered.default_bounds': 'pass',
      'unit_test.proj.filtered.namespaced_override': 'pass',
      'unit_test.proj.filtered.sql_fixture_is_jinja': 'pass',
      'unit_test.proj.filtered.inline_sql_is_jinja': 'pass',
      'model.proj.filtered': 'success',
    });
  }, 120_000);
});
