import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, list, test as runTests } from '../../../src/api/commands.js';
import type { RunOutcome } from '../../../src/api/execute.js';
import { ParseError } from '../../../src/errors.js';
import { caught, makeProject, query, ranNames, removeProjects, resultFor } from '../helpers.js';

// v: 10, 20, 30, -1, -2, null
const FILES = {
  'seeds/nums.csv': 'id,v\n1,10\n2,20\n3,30\n4,-1\n5,-2\n6,\n',
  'models/nums_m.sql': "{{ config(materialized='table') }}\nselect * from {{ ref('nums') }}\n",
  // a custom generic test in the macro paths
  'macros/positive.sql': '{% test positive(model, column_name) %}\nselect {{ column_name }} from {{ model }} where {{ column_name }} <= 0\n{% endtest %}\n',
  // and one in the test paths, with arguments
  'tests/generic/in_range.sql': '{%- test in_range(model, column_name, low, high) -%}\nselect {{ column_name }} from {{ model }}\nwhere {{ column_name }} < {{ low }} or {{ column_name }} > {{ high }}\n{%- endtest -%}\n',
  'models/schema.yml': `version: 2
models:
  - name: nums_m
    columns:
      - name: id
        data_tests:
          - unique: {config: {enabled: false}}
          - not_null: {config: {tags: [critical]}}
      - name: v
        data_tests:
          - not_null: {config: {severity: warn}}
          - positive:
              config: {warn_if: ">1", error_if: ">5"}
          - positive:
              name: positive_strict
              config: {error_if: ">1"}
          - positive:
              name: positive_lenient
              warn_if: ">5"
              error_if: ">5"
          - accepted_values:
              values: [10, 20, 30]
              quote: false
              config: {where: "id <= 3"}
          - accepted_values:
              name: accepted_unfiltered
              values: [10, 20, 30]
              quote: false
          - small: {max: 25}
          - small:
              name: small_strict
              max: 25
              config: {severity: error}
          - in_range:
              arguments: {low: 0, high: 25}
              config: {limit: 2, store_failures: true}
`,
  // a definition's config() gives defaults; the YAML entry overrides them
  'macros/small.sql': "{% test small(model, column_name, max) %}\n{{ config(severity='warn', tags=['from_definition']) }}\nselect * from {{ model }} where {{ column_name }} > {{ max }}\n{% endtest %}\n",
  'tests/negatives_warn.sql': "{{ config(severity='warn', store_failures=true, tags=['sing']) }}\nselect * from {{ ref('nums_m') }} where v < 0\n",
  'tests/negatives_threshold.sql': "{{ config(error_if='>100') }}\nselect * from {{ ref('nums_m') }} where v < 0\n",
  'tests/disabled.sql': "{{ config(enabled=false) }}\nselect 1 from {{ ref('nums_m') }}\n",
};

describe('data test configs and custom generic tests', () => {
  let dir: string;
  let outcome: RunOutcome;

  beforeAll(async () => {
    dir = makeProject(FILES);
    outcome = await build({ projectDir: dir });
  });
  afterAll(removeProjects);

  it('severity: warn turns failures into a warning', () => {
    expect(resultFor(outcome, 'not_null_nums_m_v')).toMatchObject({ status: 'warn', failures: 1, message: 'Got 1 result, configured to warn if != 0' });
  });

  it('warn_if / error_if compare the failure count (custom generic test from macros/)', () => {
    expect(resultFor(outcome, 'positive_nums_m_v')).toMatchObject({ status: 'warn', failures: 2, message: 'Got 2 results, configured to warn if > 1' });
    expect(resultFor(outcome, 'positive_strict')).toMatchObject({ status: 'fail', failures: 2, message: 'Got 2 results, configured to fail if > 1' });
    // thresholds given beside the arguments, as dbt allows
    expect(resultFor(outcome, 'positive_lenient')).toMatchObject({ status: 'pass', failures: 2 });
  });

  it("config() in a custom test's definition sets defaults the YAML overrides", () => {
    expect(resultFor(outcome, 'small_nums_m_v__25')).toMatchObject({ status: 'warn', failures: 1 });
    expect(resultFor(outcome, 'small_strict')).toMatchObject({ status: 'fail', failures: 1 });
    expect(list({ projectDir: dir, select: ['tag:from_definition'] }).map((n) => n.name).sort()).toEqual(['small_nums_m_v__25', 'small_strict']);
  });

  it('where filters the tested relation', () => {
    expect(resultFor(outcome, 'accepted_values_nums_m_v__false__10__20__30')).toMatchObject({ status: 'pass', failures: 0 });
    expect(resultFor(outcome, 'accepted_unfiltered')).toMatchObject({ status: 'fail', failures: 2 });
  });

  it('limit caps the failing rows and store_failures keeps them in the audit schema (custom test from tests/generic/)', async () => {
    const result = resultFor(outcome, 'in_range_nums_m_v__25__0');
    expect(result).toMatchObject({ status: 'fail', failures: 2, relationName: 'dbt_test__audit.in_range_nums_m_v__25__0' });
    expect(result.message).toBe('Got 2 results, configured to fail if != 0; failing rows in dbt_test__audit.in_range_nums_m_v__25__0');
    const rows = await query(dir, 'select v from dbt_test__audit.in_range_nums_m_v__25__0 order by v');
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => (r.v as number) < 0 || (r.v as number) > 25)).toBe(true);
  });

  it('singular tests take config() too: severity, store_failures, error_if', async () => {
    expect(resultFor(outcome, 'negatives_warn')).toMatchObject({ status: 'warn', failures: 2, relationName: 'dbt_test__audit.negatives_warn' });
    expect(await query(dir, 'select v from dbt_test__audit.negatives_warn order by v')).toEqual([{ v: -2 }, { v: -1 }]);
    // error_if not met: warn_if (default != 0) decides
    expect(resultFor(outcome, 'negatives_threshold')).toMatchObject({ status: 'warn', failures: 2, message: 'Got 2 results, configured to warn if != 0' });
  });

  it('enabled: false leaves the test out; tags select tests', () => {
    expect(ranNames(outcome)).not.toContain('unique_nums_m_id');
    expect(ranNames(outcome)).not.toContain('disabled');
    expect(list({ projectDir: dir, select: ['tag:critical'] }).map((n) => n.name)).toEqual(['not_null_nums_m_id']);
    expect(list({ projectDir: dir, select: ['tag:sing'] }).map((n) => n.name)).toEqual(['negatives_warn']);
  });

  it('a failing error-severity test fails the run; warnings alone do not', async () => {
    expect(outcome.success).toBe(false);
    const warnOnly = await runTests({ projectDir: dir, select: ['test_name:not_null', 'negatives_warn'] });
    expect(warnOnly.summary).toMatchObject({ warn: 2, error: 0 });
    expect(warnOnly.success).toBe(true);
  });

  it('--warn-error turns warnings into failures', async () => {
    const strict = await runTests({ projectDir: dir, select: ['test_name:not_null'], warnError: true });
    expect(resultFor(strict, 'not_null_nums_m_v')).toMatchObject({ status: 'fail', message: 'Got 1 result, configured to warn if != 0 (--warn-error)' });
    expect(strict.success).toBe(false);
  });

  it('a malformed threshold is an error on that test, naming its file', async () => {
    const bad = makeProject({ ...FILES, 'tests/bad_threshold.sql': "{{ config(warn_if='lots') }}\nselect 1 from {{ ref('nums_m') }}\n" });
    const run = await build({ projectDir: bad, select: ['+nums_m'] });
    expect(resultFor(run, 'bad_threshold').status).toBe('error');
    expect(resultFor(run, 'bad_threshold').message).toBe("tests/bad_threshold.sql: Bad warn_if 'lots': expected a comparison such as \">10\" or \"!=0\"");
  });

  it('an unknown generic test lists the custom ones among the known', async () => {
    const bad = makeProject({ ...FILES, 'models/more.yml': 'version: 2\nseeds:\n  - name: nums\n    columns:\n      - name: v\n        data_tests: [postive]\n' });
    const error = await caught(() => list({ projectDir: bad }));
    expect(error).toBeInstanceOf(ParseError);
    expect(error.message).toBe("Unknown generic test 'postive'");
    expect(error.hint).toBe("Did you mean 'positive'?");
  });
});
