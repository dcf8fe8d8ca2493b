import { mkdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { build, compile } from '../../../src/api/commands.js';
import { COMPILE_STAMP_FILE, upToDateCompile } from '../../../src/api/compile-stamp.js';
import type { SelectOptions } from '../../../src/api/options.js';
import { stampPath } from '../../../src/project/fingerprint.js';
import { ageProjectFiles as age, makeProject, removeProjects, writeFile } from '../helpers.js';

const ENV = 'DOPS_COMPILE_STAMP_TEST_SCHEMA';

const FILES: Record<string, string> = {
  'models/staging/stg_orders.sql': `select 1 as id, 10 as amount`,
  'models/orders.sql': `select id, amount * {{ var('factor', 1) }} as amount, '{{ env_var('${ENV}', 'none') }}' as tag from {{ ref('stg_orders') }}`,
  'models/schema.yml': `version: 2
models:
  - name: orders
    columns:
      - name: id
        data_tests: [unique]
`,
  'macros/noop.sql': `{% macro noop() %}{% endmacro %}`,
};

/** A project compiled once, with aged files, so the stamp answers. */
function compiledProject(options: SelectOptions = {}, files: Record<string, string> = {}): { dir: string; paths: string[] } {
  const dir = makeProject({ ...FILES, ...files });
  age(dir, 60);
  const paths = compile({ projectDir: dir, ...options }).map((entry) => entry.path);
  return { dir, paths };
}

afterEach(() => {
  delete process.env[ENV];
});
afterAll(removeProjects);

describe('the compile stamp (dops compile with nothing changed)', () => {
  it('answers with the number of nodes the last compile compiled', () => {
    const { dir, paths } = compiledProject();
    expect(paths).toHaveLength(3);
    expect(upToDateCompile({ projectDir: dir })).toBe(3);
  });

  it('is not used after a model is edited, until the next compile', () => {
    const { dir, paths } = compiledProject();
    writeFile(dir, 'models/orders.sql', `select 2 as id from {{ ref('stg_orders') }}`);
    age(dir, 30);
    expect(upToDateCompile({ projectDir: dir })).toBeUndefined();
    expect(compile({ projectDir: dir }).map((entry) => entry.path)).toEqual(paths);
    expect(upToDateCompile({ projectDir: dir })).toBe(paths.length);
  });

  it('notices an edit that keeps the mtime but changes the size', () => {
    const { dir } = compiledProject();
    const file = join(dir, 'models', 'orders.sql');
    const { mtime } = statSync(file);
    writeFileSync(file, `select 1 as id`);
    utimesSync(file, mtime, mtime);
    expect(upToDateCompile({ projectDir: dir })).toBeUndefined();
  });

  it('notices new files in existing, new and previously empty folders', () => {
    for (const path of ['models/extra.sql', 'models/staging/extra.sql', 'models/new_folder/extra.sql', 'models/empty/extra.sql']) {
      const { dir } = compiledProject();
      mkdirSync(join(dir, 'models', 'empty'));
      age(dir, 45);
      expect(compile({ projectDir: dir })).toHaveLength(3);
      writeFile(dir, path, 'select 1 as x');
      age(dir, 30);
      expect(upToDateCompile({ projectDir: dir }), path).toBeUndefined();
    }
  });

  it('notices a deleted model, macro or YAML file', () => {
    for (const path of ['models/staging/stg_orders.sql', 'macros/noop.sql', 'models/schema.yml']) {
      const { dir } = compiledProject();
      rmSync(join(dir, path));
      age(dir, 30);
      expect(upToDateCompile({ projectDir: dir }), path).toBeUndefined();
    }
  });

  it('notices a changed project file, a new profiles.yml and a new selectors.yml', () => {
    for (const path of ['dops_project.yml', 'profiles.yml', 'selectors.yml']) {
      const { dir } = compiledProject();
      writeFile(dir, path, path === 'dops_project.yml' ? 'name: proj\nvars: {factor: 2}\n' : 'x: 1\n');
      age(dir, 30);
      expect(upToDateCompile({ projectDir: dir }), path).toBeUndefined();
    }
  });

  it('notices a changed env var that a template read, a new DBT_ flag and other options', () => {
    const { dir } = compiledProject();
    process.env[ENV] = 'set';
    expect(upToDateCompile({ projectDir: dir })).toBeUndefined();
    delete process.env[ENV];
    expect(upToDateCompile({ projectDir: dir })).toBeDefined();
    process.env.DBT_PARTIAL_PARSE = 'false';
    try {
      expect(upToDateCompile({ projectDir: dir })).toBeUndefined();
    } finally {
      delete process.env.DBT_PARTIAL_PARSE;
    }
    expect(upToDateCompile({ projectDir: dir })).toBeDefined();
    expect(upToDateCompile({ projectDir: dir, target: 'other' })).toBeUndefined();
    expect(upToDateCompile({ projectDir: dir, vars: { factor: 3 } })).toBeUndefined();
    expect(upToDateCompile({ projectDir: dir, select: ['orders'] })).toBeUndefined();
    expect(upToDateCompile({ projectDir: dir, partialParse: false })).toBeUndefined();
  });

  it('leaves no stamp for a selection (an interactive compile prints the selected SQL)', () => {
    const { dir, paths } = compiledProject({ select: ['orders'] });
    expect(paths).toContain('target/compiled/proj/models/orders.sql');
    expect(paths).not.toContain('target/compiled/proj/models/staging/stg_orders.sql');
    expect(upToDateCompile({ projectDir: dir, select: ['orders'] })).toBeUndefined();
    expect(upToDateCompile({ projectDir: dir })).toBeUndefined();
    expect(() => statSync(join(dir, 'target', COMPILE_STAMP_FILE))).toThrow();
  });

  it('leaves no stamp when the compile printed a warning or template output (an answer from the stamp would not)', () => {
    const cases: Record<string, string>[] = [
      { 'models/extra.yml': 'version: 2\nmodels:\n  - name: not_a_model\n' },
      { 'models/logged.sql': "{{ log('hello', info=True) }}select 1 as x" },
      { 'models/printed.sql': "{{ print('hello') }}select 1 as x" },
    ];
    for (const files of cases) {
      const messages: string[] = [];
      const { dir } = compiledProject({ reporter: { warnings: (m) => messages.push(...m), log: (m) => messages.push(m) } }, files);
      if (!('models/printed.sql' in files)) expect(messages.length, Object.keys(files)[0]).toBeGreaterThan(0);
      expect(() => statSync(join(dir, 'target', COMPILE_STAMP_FILE)), Object.keys(files)[0]).toThrow();
      expect(upToDateCompile({ projectDir: dir })).toBeUndefined();
    }
  });

  it('notices a removed partial-parse or compile cache', () => {
    for (const file of ['partial_parse.json', 'compile_cache.json']) {
      const { dir } = compiledProject();
      rmSync(join(dir, 'target', file));
      expect(upToDateCompile({ projectDir: dir }), file).toBeUndefined();
    }
  });

  it('notices deleted compiled files and a rewritten manifest.json (another command ran)', () => {
    const { dir } = compiledProject();
    rmSync(join(dir, 'target', 'compiled', 'proj', 'models', 'orders.sql'));
    expect(upToDateCompile({ projectDir: dir })).toBeUndefined();

    const second = compiledProject();
    rmSync(join(second.dir, 'target', 'compiled'), { recursive: true });
    expect(upToDateCompile({ projectDir: second.dir })).toBeUndefined();
  });

  it('is not used after a build (which rewrites manifest.json and compiled files)', async () => {
    const { dir } = compiledProject();
    const outcome = await build({ projectDir: dir });
    expect(outcome.success).toBe(true);
    expect(upToDateCompile({ projectDir: dir })).toBeUndefined();
  });

  it('is removed by a compile that fails', () => {
    const { dir } = compiledProject();
    writeFile(dir, 'models/orders.sql', `select * from {{ ref('missing') }}`);
    expect(() => compile({ projectDir: dir })).toThrow(/missing/);
    expect(() => statSync(join(dir, 'target', COMPILE_STAMP_FILE))).toThrow();
    writeFile(dir, 'models/orders.sql', `select 1 as id`);
    age(dir, 30);
    expect(upToDateCompile({ projectDir: dir })).toBeUndefined();
  });

  it('never trusts a file modified a moment before it is stamped (the racy case)', () => {
    const { dir } = compiledProject();
    const file = join(dir, 'models', 'orders.sql');
    writeFileSync(file, `select 3 as id`);
    expect(stampPath(file, Date.now())).toEqual([-1, -1]);
    const old = new Date(Date.now() - 10_000);
    utimesSync(file, old, old);
    expect(stampPath(file, Date.now())).toEqual([statSync(file).mtimeMs, statSync(file).size]);
  });

  it('ignores a stamp of another shape', () => {
    const { dir } = compiledProject();
    const file = join('target', COMPILE_STAMP_FILE);
    const stamp = readFileSync(join(dir, file));
    expect(upToDateCompile({ projectDir: dir })).toBe(3);
    writeFile(dir, file, JSON.stringify({ dops_version: 'x', compiled: {} }));
    expect(upToDateCompile({ projectDir: dir })).toBeUndefined();
    writeFileSync(join(dir, file), stamp.subarray(0, stamp.length - 8));
    expect(upToDateCompile({ projectDir: dir })).toBeUndefined();
  });
});
