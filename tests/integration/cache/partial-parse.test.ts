import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { compile } from '../../../src/api/commands.js';
import type { CommonOptions } from '../../../src/api/options.js';
import { loadProject } from '../../../src/api/project.js';
import { PARTIAL_PARSE_FILE, PartialParseEngine } from '../../../src/parser/partial-parse.js';
import { DEFAULT_PROJECT_FILE, makeProject, removeProjects, writeFile } from '../helpers.js';

const ENV = 'DOPS_PARTIAL_PARSE_TEST_MATERIALIZED';

const FILES: Record<string, string> = {
  'models/stg_orders.sql': `select 1 as id, 10 as amount`,
  'models/stg_customers.sql': `{{ config(materialized='table') }}\nselect 1 as id, 'a' as name`,
  'models/orders.sql': `{{ config(materialized=env_var('${ENV}', 'view'), tags=['daily']) }}
select o.id, o.amount * {{ var('factor', 1) }} as amount
from {{ upstream() }} o
{% if var('with_customers', false) %}join {{ ref('stg_customers') }} c on c.id = o.id{% endif %}`,
  'models/summary.sql': `select count(*) as n from {{ ref('orders') }}`,
  'models/schema.yml': `version: 2
models:
  - name: orders
    description: Orders.
    columns:
      - name: id
        data_tests: [unique, not_null]
`,
  'macros/upstream.sql': `{% macro upstream() %}{{ ref('stg_orders') }}{% endmacro %}`,
  'tests/no_negative.sql': `select * from {{ ref('orders') }} where amount < 0`,
};

/** What a compile leaves in target/: the manifest without its per-run metadata, and every compiled file. */
function outputs(dir: string, options: CommonOptions = {}): { manifest: unknown; compiled: Record<string, string> } {
  compile({ projectDir: dir, ...options });
  const { metadata: _metadata, ...manifest } = JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8'));
  const compiled: Record<string, string> = {};
  const root = join(dir, 'target', 'compiled');
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) compiled[relative(root, join(entry.parentPath, entry.name))] = readFileSync(join(entry.parentPath, entry.name), 'utf8');
  }
  return { manifest, compiled };
}

/** The same compile without the cache, in a fresh target dir (the reference a cached run must equal). */
function uncached(dir: string, options: CommonOptions = {}): ReturnType<typeof outputs> {
  rmSync(join(dir, 'target'), { recursive: true, force: true });
  return outputs(dir, { ...options, partialParse: false });
}

/** Parse renders answered from the cache and done afresh when loading the project now. */
function stats(dir: string, options: CommonOptions = {}): { hits: number; misses: number } {
  const project = loadProject({ projectDir: dir, ...options });
  expect(project.engine).toBeInstanceOf(PartialParseEngine);
  return { ...(project.engine as PartialParseEngine).stats };
}

/** A project whose cache is warm: compiled once with the cache. */
function warmProject(): string {
  const dir = makeProject(FILES);
  outputs(dir);
  return dir;
}

afterEach(() => {
  delete process.env[ENV];
});
afterAll(removeProjects);

describe('partial parsing', () => {
  it('answers every parse render of an unchanged project from target/partial_parse.json', () => {
    const dir = warmProject();
    expect(readFileSync(join(dir, 'target', PARTIAL_PARSE_FILE), 'utf8')).toContain('stg_orders');
    // 4 models and 1 singular test; the 2 built-in generic tests with literal arguments are not
    // rendered at all (parse-project.ts records their ref() directly)
    expect(stats(dir)).toEqual({ hits: 5, misses: 0 });
  });

  it('gives the same manifest and compiled SQL cold, warm and without the cache', () => {
    const dir = makeProject(FILES);
    const reference = uncached(dir);
    const cold = outputs(dir);
    const warm = outputs(dir);
    expect(cold).toEqual(reference);
    expect(warm).toEqual(reference);
    expect(reference.compiled['proj/models/orders.sql']).toContain('"main"."stg_orders"');
  });

  it('re-parses a changed model only', () => {
    const dir = warmProject();
    writeFile(dir, 'models/summary.sql', `select count(*) as n from {{ ref('orders') }} join {{ ref('stg_customers') }} on true`);
    expect(stats(dir)).toEqual({ hits: 4, misses: 1 });
    const warm = outputs(dir);
    expect(warm).toEqual(uncached(dir));
    expect((warm.manifest as any).nodes['model.proj.summary'].depends_on.nodes).toContain('model.proj.stg_customers');
  });

  it('follows YAML changes (new tests, descriptions)', () => {
    const dir = warmProject();
    writeFile(dir, 'models/schema.yml', `version: 2
models:
  - name: orders
    description: Orders, renamed.
    columns:
      - name: id
        data_tests: [unique, not_null]
      - name: amount
        data_tests: [not_null]
`);
    const warm = outputs(dir);
    expect(warm).toEqual(uncached(dir));
    expect((warm.manifest as any).nodes['model.proj.orders'].description).toBe('Orders, renamed.');
    expect(Object.keys((warm.manifest as any).nodes).filter((id) => id.startsWith('test.proj.not_null_orders_amount'))).toHaveLength(1);
  });

  it('is invalidated by a macro change', () => {
    const dir = warmProject();
    writeFile(dir, 'macros/upstream.sql', `{% macro upstream() %}{{ ref('stg_customers') }}{% endmacro %}`);
    expect(stats(dir).hits).toBe(0);
    const warm = outputs(dir);
    expect(warm).toEqual(uncached(dir));
    expect((warm.manifest as any).nodes['model.proj.orders'].depends_on.nodes).toEqual(['model.proj.stg_customers']);
  });

  it('is invalidated by a project file change', () => {
    const dir = warmProject();
    writeFile(dir, 'dops_project.yml', `${DEFAULT_PROJECT_FILE}models:\n  proj:\n    +materialized: table\n`);
    expect(stats(dir).hits).toBe(0);
    const warm = outputs(dir);
    expect(warm).toEqual(uncached(dir));
    expect((warm.manifest as any).nodes['model.proj.summary'].config.materialized).toBe('table');
  });

  it('re-parses the models that read a var whose value changed', () => {
    const dir = warmProject();
    const vars = { with_customers: true };
    expect(stats(dir, { vars })).toEqual({ hits: 4, misses: 1 });
    const warm = outputs(dir, { vars });
    expect(warm).toEqual(uncached(dir, { vars }));
    expect((warm.manifest as any).nodes['model.proj.orders'].depends_on.nodes).toContain('model.proj.stg_customers');
    // the var read only at compile time changes the SQL, not the parse
    const factor = outputs(dir, { vars: { factor: 3 } });
    expect(factor.compiled['proj/models/orders.sql']).toContain('o.amount * 3');
    expect(factor).toEqual(uncached(dir, { vars: { factor: 3 } }));
  });

  it('re-parses the models that read an env var whose value changed', () => {
    const dir = warmProject();
    process.env[ENV] = 'table';
    expect(stats(dir)).toEqual({ hits: 4, misses: 1 });
    const warm = outputs(dir);
    expect(warm).toEqual(uncached(dir));
    expect((warm.manifest as any).nodes['model.proj.orders'].config.materialized).toBe('table');
  });

  it('starts over when the cache file is damaged', () => {
    const dir = warmProject();
    writeFile(dir, `target/${PARTIAL_PARSE_FILE}`, '{"key": ');
    expect(stats(dir)).toEqual({ hits: 0, misses: 5 });
    expect(outputs(dir)).toEqual(uncached(dir));
  });
});
