import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { build, compile } from '../../../src/api/commands.js';
import type { SelectOptions } from '../../../src/api/options.js';
import { COMPILE_CACHE_FILE } from '../../../src/compiler/compile-cache.js';
import { DEFAULT_PROJECT_FILE, makeProject, removeProjects, writeFile } from '../helpers.js';

const ENV = 'DOPS_COMPILE_CACHE_TEST_SUFFIX';

const FILES: Record<string, string> = {
  'models/stg_orders.sql': `{{ config(materialized='table') }}\nselect 1 as id, 10 as amount`,
  'models/orders.sql': `select id, {{ doubled('amount') }} as amount, '{{ env_var('${ENV}', 'none') }}' as tag, {{ var('factor', 1) }} as factor from {{ ref('stg_orders') }}`,
  'models/events.sql': `{{ config(materialized='incremental') }}
select id from {{ ref('stg_orders') }}
{% if is_incremental() %}where id > (select max(id) from {{ this }}){% endif %}`,
  'models/schema.yml': `version: 2
models:
  - name: orders
    columns:
      - name: id
        data_tests: [unique]
`,
  'macros/doubled.sql': `{% macro doubled(column) %}{{ column }} * 2{% endmacro %}`,
};

/** Compiled SQL by node name, from a compile with (default) or without the cache. */
function compiled(dir: string, options: SelectOptions = {}): Record<string, string> {
  return Object.fromEntries(compile({ projectDir: dir, ...options }).map((entry) => [entry.name, entry.sql]));
}

/** The same compile without any cache, in a fresh target dir: what a cached compile must equal. */
function reference(dir: string, options: SelectOptions = {}): Record<string, string> {
  rmSync(join(dir, 'target'), { recursive: true, force: true });
  return compiled(dir, { ...options, partialParse: false });
}

/** Compiles twice (the second answered from target/compile_cache.json) and returns the second. */
function warm(dir: string, options: SelectOptions = {}): Record<string, string> {
  compiled(dir, options);
  return compiled(dir, options);
}

function cacheFile(dir: string): { entries: Record<string, { sql: string }> } {
  return JSON.parse(readFileSync(join(dir, 'target', COMPILE_CACHE_FILE), 'utf8'));
}

afterEach(() => {
  delete process.env[ENV];
});
afterAll(removeProjects);

describe('the compile cache (target/compile_cache.json)', () => {
  it('keeps every compiled node and gives the same SQL as an uncached compile', () => {
    const dir = makeProject(FILES);
    const expected = reference(dir);
    expect(warm(dir)).toEqual(expected);
    expect(Object.keys(cacheFile(dir).entries)).toEqual(expect.arrayContaining(['model.proj.orders', 'model.proj.stg_orders', 'model.proj.events']));
    expect(expected.orders).toContain('amount * 2');
  });

  it('is not written with --no-partial-parse', () => {
    const dir = makeProject(FILES);
    compiled(dir, { partialParse: false });
    expect(() => readFileSync(join(dir, 'target', COMPILE_CACHE_FILE))).toThrow();
  });

  it("recompiles children when a parent's relation changes (alias, schema)", () => {
    const dir = makeProject(FILES);
    warm(dir);
    writeFile(dir, 'models/stg_orders.sql', `{{ config(materialized='table', alias='orders_v2', schema='staging') }}\nselect 1 as id, 10 as amount`);
    const after = compiled(dir);
    expect(after.orders).toContain('"staging"."orders_v2"');
    expect(after).toEqual(reference(dir));
  });

  it('recompiles children when a parent becomes ephemeral (inlined as a CTE), and again when it stops being', () => {
    // dbt inlines an ephemeral model into its children as a CTE (docs.getdbt.com/docs/build/materializations#ephemeral).
    const dir = makeProject(FILES);
    warm(dir);
    writeFile(dir, 'models/stg_orders.sql', `{{ config(materialized='ephemeral') }}\nselect 1 as id, 10 as amount`);
    const inlined = compiled(dir);
    expect(inlined.orders).toContain('__dops__cte__stg_orders');
    expect(inlined).toEqual(reference(dir));
    compiled(dir);
    writeFile(dir, 'models/stg_orders.sql', `{{ config(materialized='table') }}\nselect 1 as id, 10 as amount`);
    const table = compiled(dir);
    expect(table.orders).not.toContain('__cte__');
    expect(table).toEqual(reference(dir));
  });

  it('recompiles callers when a macro changes', () => {
    const dir = makeProject(FILES);
    warm(dir);
    writeFile(dir, 'macros/doubled.sql', `{% macro doubled(column) %}{{ column }} * 3{% endmacro %}`);
    const after = compiled(dir);
    expect(after.orders).toContain('amount * 3');
    expect(after).toEqual(reference(dir));
  });

  it('recompiles when a var or an env var read by the model changes', () => {
    const dir = makeProject(FILES);
    warm(dir);
    expect(compiled(dir, { vars: { factor: 7 } }).orders).toContain('7 as factor');
    process.env[ENV] = 'blue';
    const after = compiled(dir);
    expect(after.orders).toContain("'blue' as tag");
    expect(after).toEqual(reference(dir));
    delete process.env[ENV];
    expect(compiled(dir).orders).toContain("'none' as tag");
  });

  it('recompiles when the target changes', () => {
    const dir = makeProject({
      ...FILES,
      'profiles.yml': `proj:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: dev.duckdb, schema: main}\n    prod: {type: duckdb, path: prod.duckdb, schema: analytics}\n`,
    });
    warm(dir);
    expect(compiled(dir, { target: 'prod' }).orders).toContain('"analytics"."stg_orders"');
  });

  it('keeps both is_incremental() variants apart', async () => {
    const dir = makeProject(FILES);
    expect((await build({ projectDir: dir })).success).toBe(true);
    expect((await build({ projectDir: dir })).success).toBe(true);
    const file = join(dir, 'target', 'compiled', 'proj', 'models', 'events.sql');
    expect(readFileSync(file, 'utf8')).toContain('where id >');
    expect(compiled(dir).events).not.toContain('where id >');
    expect(readFileSync(file, 'utf8')).not.toContain('where id >');
  });

  it('rewrites a compiled file changed on disk, even when its node is cached', () => {
    const dir = makeProject(FILES);
    warm(dir);
    const file = join(dir, 'target', 'compiled', 'proj', 'models', 'orders.sql');
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, 'edited by hand');
    compiled(dir);
    expect(readFileSync(file, 'utf8')).toBe(good);
    rmSync(file);
    compiled(dir);
    expect(readFileSync(file, 'utf8')).toBe(good);
  });

  it('drops the entries of deleted models', () => {
    const dir = makeProject(FILES);
    warm(dir);
    rmSync(join(dir, 'models', 'events.sql'));
    compiled(dir);
    expect(Object.keys(cacheFile(dir).entries)).not.toContain('model.proj.events');
  });

  it('recompiles when the project file changes what the SQL depends on', () => {
    const dir = makeProject(FILES);
    warm(dir);
    writeFile(dir, 'dops_project.yml', `${DEFAULT_PROJECT_FILE}vars:\n  factor: 5\n`);
    expect(compiled(dir).orders).toContain('5 as factor');
  });

  it('has every compiled file written, and stamped in the cache, when a big build returns', async () => {
    // More files than a compiler writes itself before handing writes to its background thread.
    const files: Record<string, string> = { 'models/m000.sql': 'select 1 as id' };
    for (let i = 1; i < 300; i++) files[`models/m${String(i).padStart(3, '0')}.sql`] = `select id + ${i} as id from {{ ref('m${String(i - 1).padStart(3, '0')}') }}`;
    const dir = makeProject(files);
    expect((await build({ projectDir: dir })).success).toBe(true);
    const entries = cacheFile(dir).entries as Record<string, { sql: string; file: unknown }>;
    expect(Object.keys(entries)).toHaveLength(300);
    for (let i = 0; i < 300; i++) {
      const name = `m${String(i).padStart(3, '0')}`;
      expect(readFileSync(join(dir, 'target', 'compiled', 'proj', 'models', `${name}.sql`), 'utf8')).toBe(`${entries[`model.proj.${name}`].sql}\n`);
      expect(entries[`model.proj.${name}`].file).not.toBeNull();
    }
  });
});

