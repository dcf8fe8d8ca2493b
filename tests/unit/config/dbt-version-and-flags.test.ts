/**
 * Pure helpers behind require-dbt-version and project flags.
 * https://docs.getdbt.com/reference/project-configs/require-dbt-version (ranges: a list, or
 * comma-joined specifiers; a bare version is exact);
 * https://docs.getdbt.com/reference/global-configs/about-global-configs (CLI > DBT_<FLAG> env > flags:).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { checkDbtVersion, versionSatisfies } from '../../../src/config/dbt-version.js';
import { envFlag, flagProblem, resolveFlag, templateFlags } from '../../../src/config/flags.js';

describe('versionSatisfies', () => {
  it('reads lists and comma-joined specifiers with >=, >, <=, <, = and bare versions', () => {
    expect(versionSatisfies(['>=1.3.0', '<2.0.0'], '1.11.0')).toBe(true);
    expect(versionSatisfies(['>=1.3.0,<2.0.0'], '2.0.0')).toBe(false);
    expect(versionSatisfies(['>1.11.0'], '1.11.0')).toBe(false);
    expect(versionSatisfies(['<=1.11.0'], '1.11.0')).toBe(true);
    expect(versionSatisfies(['1.11.0'], '1.11.0')).toBe(true);
    expect(versionSatisfies(['=1.10.0'], '1.11.0')).toBe(false);
    expect(versionSatisfies(['>=1.10.5'], '1.11.0')).toBe(true); // minor 11 > 10, compared as numbers
    expect(versionSatisfies(['>=1.8'], '1.11.0')).toBe(true);
  });

  it('names a specifier that is not a version range', () => {
    expect(() => versionSatisfies(['>= one'], '1.11.0')).toThrow("'>= one' in require-dbt-version is not a version range");
  });

  it('checkDbtVersion: one error per project out of range, none for projects without a requirement', () => {
    const errors = checkDbtVersion([
      { name: 'ok', ranges: ['>=1.0.0'], file: 'dbt_project.yml', line: 2 },
      { name: 'none', ranges: [], file: 'x.yml' },
      { name: 'old', ranges: ['<1.0.0'], file: 'dbt_packages/old/dbt_project.yml', line: 4 },
    ], '1.11.0');
    expect(errors.map((e) => [e.message, e.location])).toEqual([
      [`This version of dbt is not supported with the 'old' package: dops mirrors dbt 1.11.0; 'old' requires ["<1.0.0"]`, { file: 'dbt_packages/old/dbt_project.yml', line: 4 }],
    ]);
  });
});

describe('flags', () => {
  afterEach(() => {
    delete process.env.DBT_FAIL_FAST;
    delete process.env.DBT_LOG_LEVEL;
  });

  it('checks the types of the flags dops applies and keeps others as written', () => {
    expect(flagProblem('fail_fast', true)).toBeUndefined();
    expect(flagProblem('fail_fast', 'yes')).toBe(`flags: 'fail_fast' must be true or false, got "yes"`);
    expect(flagProblem('log_level', 'loud')).toBe('flags: \'log_level\' must be one of debug, info, warn, error, none, got "loud"');
    expect(flagProblem('require_explicit_package_overrides_for_builtin_materializations', 'anything')).toBeUndefined();
  });

  it('resolves CLI, then DBT_<FLAG>, then the project; ignores unreadable env values', () => {
    expect(resolveFlag('fail_fast', undefined, { fail_fast: true })).toBe(true);
    process.env.DBT_FAIL_FAST = '0';
    expect(resolveFlag('fail_fast', undefined, { fail_fast: true })).toBe(false);
    expect(resolveFlag('fail_fast', true, { fail_fast: false })).toBe(true);
    process.env.DBT_FAIL_FAST = 'maybe';
    expect(envFlag('fail_fast')).toBeUndefined();
    process.env.DBT_LOG_LEVEL = 'warn';
    expect(resolveFlag('log_level', undefined, {})).toBe('warn');
    expect(resolveFlag('fail_fast', undefined, { fail_fast: 'sometimes' })).toBeUndefined();
  });

  it('templateFlags: project flags upper-cased, the invocation on top', () => {
    expect(templateFlags({ fail_fast: false, source_freshness_run_project_hooks: true }, { FAIL_FAST: true, WHICH: undefined })).toEqual({ FAIL_FAST: true, SOURCE_FRESHNESS_RUN_PROJECT_HOOKS: true });
  });
});
