import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { build, compile, list } from '../../../src/api/commands.js';
import { CompilationError, CycleError, DependencyNotFoundError, DopsErrorGroup, ParseError } from '../../../src/errors.js';
import { caught, makeProject, removeProjects } from '../helpers.js';

afterAll(removeProjects);

/** Builds a project expected to be rejected before anything runs; checks nothing ran. */
async function rejected(files: Record<string, string>): Promise<any> {
  const dir = makeProject(files);
  const error = await caught(() => build({ projectDir: dir }));
  expect(existsSync(join(dir, 'dops.duckdb')), 'the database must not be opened').toBe(false);
  expect(existsSync(join(dir, 'target/run_results.json'))).toBe(false);
  return error;
}

describe('project errors are thrown before anything runs', () => {
  it('malformed YAML names the file and line', async () => {
    const error = await rejected({
      'models/a.sql': 'select 1 as id\n',
      'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    description: x: y\n',
    });
    expect(error).toBeInstanceOf(ParseError);
    expect(error.message).toBe('Malformed YAML: Nested mappings are not allowed in compact mappings');
    expect(error.location).toMatchObject({ file: 'models/schema.yml', line: 4 });
  });

  it('a duplicate YAML key names its line', async () => {
    const error = await rejected({
      'models/a.sql': 'select 1 as id\n',
      'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    description: one\n    description: two\n',
    });
    expect(error).toBeInstanceOf(ParseError);
    expect(error.message).toMatch(/^Malformed YAML: Map keys must be unique/);
    expect(error.location).toMatchObject({ file: 'models/schema.yml', line: 5 });
  });

  it('malformed YAML in the project file names dops_project.yml', async () => {
    const error = await rejected({ 'dops_project.yml': 'name: proj\nmodels:\n  staging: [\n' });
    expect(error).toBeInstanceOf(ParseError);
    expect(error.message).toMatch(/^Malformed YAML: /);
    expect(error.location.file).toBe('dops_project.yml');
    expect(error.location.line).toBeGreaterThanOrEqual(3);
  });

  it('a template syntax error names the file and line', async () => {
    const error = await rejected({
      'models/a.sql': 'select 1 as id\n',
      'models/b.sql': "select\n  id,\n  {{ 1 + }} as x\nfrom {{ ref('a') }}\n",
    });
    expect(error).toBeInstanceOf(ParseError);
    expect(error.message).toBe('Template syntax error: unexpected token: }}');
    expect(error.location).toMatchObject({ file: 'models/b.sql', line: 3 });
  });

  it('a syntax error on the first line is located on line 1', async () => {
    const error = await rejected({ 'models/a.sql': 'select 1\n', 'models/b.sql': "select * from {{ ref('a' }}\n" });
    expect(error).toBeInstanceOf(ParseError);
    expect(error.message).toBe('Template syntax error: expected comma after expression');
    expect(error.location).toMatchObject({ file: 'models/b.sql', line: 1 });
  });

  it('an unterminated expression gives a syntax message and a line, not a JS TypeError', async () => {
    const error = await rejected({ 'models/b.sql': 'select 1,\n  {{ oops(\n' });
    expect(error).toBeInstanceOf(ParseError);
    expect(error.message).toMatch(/^Template syntax error: /);
    expect(error.message).not.toContain('Cannot read properties');
    expect(error.location).toMatchObject({ file: 'models/b.sql', line: 2 });
  });

  it('an unknown ref names the closest matches', async () => {
    const error = await rejected({
      'models/stg_orders.sql': 'select 1 as id\n',
      'models/stg_customers.sql': 'select 1 as id\n',
      'models/mart.sql': "select *\nfrom {{ ref('stg_order') }}\n",
    });
    expect(error).toBeInstanceOf(DependencyNotFoundError);
    expect(error.message).toBe("Model 'mart' depends on 'stg_order', which was not found");
    expect(error.hint).toBe("Did you mean 'stg_orders'?");
    expect(error.location).toMatchObject({ file: 'models/mart.sql', line: 2 });
  });

  it('an unknown ref in a generic test names the YAML file and line', async () => {
    const error = await rejected({
      'models/orders.sql': 'select 1 as id\n',
      'models/schema.yml': "version: 2\nmodels:\n  - name: orders\n    columns:\n      - name: id\n        data_tests:\n          - relationships:\n              to: ref('custmers')\n              field: id\n",
    });
    expect(error).toBeInstanceOf(DependencyNotFoundError);
    expect(error.message).toContain("depends on 'custmers', which was not found");
    expect(error.location).toMatchObject({ file: 'models/schema.yml', line: 7 });
  });

  it('an unknown source names the closest declared source', async () => {
    const error = await rejected({
      'models/sources.yml': 'version: 2\nsources:\n  - name: lake\n    tables:\n      - name: events\n      - name: users\n',
      'models/m.sql': "-- events\nselect * from {{ source('lake', 'evnts') }}\n",
    });
    expect(error).toBeInstanceOf(DependencyNotFoundError);
    expect(error.message).toBe("Model 'm' depends on source 'lake.evnts', which was not found");
    expect(error.hint).toBe("Did you mean 'lake.events'?");
    expect(error.location).toMatchObject({ file: 'models/m.sql', line: 2 });
  });

  it('a cycle is reported as a path', async () => {
    const error = await rejected({
      'models/a.sql': "select * from {{ ref('c') }}\n",
      'models/b.sql': "select * from {{ ref('a') }}\n",
      'models/c.sql': "select * from {{ ref('b') }}\n",
      'models/d.sql': "select * from {{ ref('a') }}\n",
    });
    expect(error).toBeInstanceOf(CycleError);
    expect(error.message).toBe('Found a cycle: a -> b -> c -> a');
    expect(error.path).toEqual(['a', 'b', 'c', 'a']);
    expect(error.location.file).toBe('models/a.sql');
  });

  it('a cycle error points at the line of the ref that closes it', async () => {
    const error = await rejected({
      'models/a.sql': "-- a\nselect * from {{ ref('c') }}\n",
      'models/b.sql': "select * from {{ ref('a') }}\n",
      'models/c.sql': "select * from {{ ref('b') }}\n",
    });
    expect(error).toBeInstanceOf(CycleError);
    expect(error.location).toMatchObject({ file: 'models/a.sql', line: 2 });
  });

  it('a model referencing itself is a cycle', async () => {
    const error = await rejected({ 'models/a.sql': "select * from {{ ref('a') }}\n" });
    expect(error).toBeInstanceOf(CycleError);
    expect(error.message).toBe('Found a cycle: a -> a');
  });

  it('two models with one name in different folders name both files', async () => {
    const error = await rejected({ 'models/x/dup.sql': 'select 1\n', 'models/y/dup.sql': 'select 2\n' });
    expect(error).toBeInstanceOf(ParseError);
    expect(error.message).toBe("Two nodes are named 'dup': models/x/dup.sql and models/y/dup.sql");
    expect(error.location.file).toBe('models/y/dup.sql');
  });

  it('a model and a seed with one name clash', async () => {
    const error = await rejected({ 'models/people.sql': 'select 1\n', 'seeds/people.csv': 'id\n1\n' });
    expect(error).toBeInstanceOf(ParseError);
    expect(error.message).toContain("Two nodes are named 'people'");
    expect(error.message).toContain('models/people.sql');
    expect(error.message).toContain('seeds/people.csv');
  });

  it('an unknown var names the file and line', async () => {
    const error = await rejected({ 'models/a.sql': "select 1 as a,\n  {{ var('missing') }} as b\n" });
    expect(error).toBeInstanceOf(CompilationError);
    expect(error.message).toBe("Required var 'missing' not found in the project file or --vars");
    expect(error.location).toMatchObject({ file: 'models/a.sql', line: 2 });
    expect(error.hint).toContain('--vars');
  });

  it('an unknown generic test names the YAML line and close names', async () => {
    const error = await rejected({
      'models/a.sql': 'select 1 as id\n',
      'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        data_tests:\n          - uniqe\n',
    });
    expect(error).toBeInstanceOf(ParseError);
    expect(error.message).toBe("Unknown generic test 'uniqe'");
    expect(error.hint).toBe("Did you mean 'unique'?");
    expect(error.location).toMatchObject({ file: 'models/schema.yml', line: 7 });
  });

  it('several broken files at once are reported together', async () => {
    const error = await rejected({
      'models/ok.sql': 'select 1 as id\n',
      'models/schema.yml': 'version: 2\nmodels:\n  - name: ok\n    description: x: y\n',
      'models/bad_template.sql': "select\n  {{ 1 + }}\n",
      'models/bad_var.sql': "select {{ var('nope') }}\n",
      'tests/bad_test.sql': "select *\nfrom {{ ref('ok' }}\n",
    });
    expect(error).toBeInstanceOf(DopsErrorGroup);
    expect(error.message).toBe('4 errors in the project');
    const found = error.errors.map((e: any) => [e.constructor.name, e.location.file, e.location.line]);
    expect(found).toEqual(
      expect.arrayContaining([
        ['ParseError', 'models/schema.yml', 4],
        ['ParseError', 'models/bad_template.sql', 2],
        ['CompilationError', 'models/bad_var.sql', 1],
        ['ParseError', 'tests/bad_test.sql', 2],
      ]),
    );
    expect(found).toHaveLength(4);
  });

  it('several unknown refs are reported together', async () => {
    const error = await rejected({
      'models/a.sql': "select * from {{ ref('nope') }}\n",
      'models/b.sql': "select 1 from\n{{ ref('nope2') }}\n",
    });
    expect(error).toBeInstanceOf(DopsErrorGroup);
    expect(error.errors.map((e: any) => [e.constructor.name, e.message, e.location.file, e.location.line])).toEqual([
      ['DependencyNotFoundError', "Model 'a' depends on 'nope', which was not found", 'models/a.sql', 1],
      ['DependencyNotFoundError', "Model 'b' depends on 'nope2', which was not found", 'models/b.sql', 2],
    ]);
  });

  it('compile and list reject the same projects', async () => {
    const dir = makeProject({ 'models/a.sql': "select * from {{ ref('missing') }}\n" });
    expect(await caught(() => compile({ projectDir: dir }))).toBeInstanceOf(DependencyNotFoundError);
    expect(await caught(() => list({ projectDir: dir }))).toBeInstanceOf(DependencyNotFoundError);
  });

  it('a missing project file is a ConfigError with a hint', async () => {
    const dir = makeProject({});
    const error = await caught(() => build({ projectDir: join(dir, 'nowhere') }));
    expect(error.constructor.name).toBe('ConfigError');
    expect(error.message).toMatch(/^No dbt_project\.yml found in /);
    expect(error.hint).toContain('dops init');
  });
});
