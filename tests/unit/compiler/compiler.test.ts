import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Compiler } from '../../../src/compiler/compiler.js';
import { CompilationError } from '../../../src/errors.js';
import { Manifest } from '../../../src/manifest/manifest.js';
import type { SqlNode } from '../../../src/manifest/nodes.js';
import { parseProject } from '../../../src/parser/parse-project.js';
import type { ProjectFiles } from '../../../src/project/files.js';
import { BUILTIN_TESTS } from '../../../src/templating/builtin-tests.js';
import { TemplateEngine } from '../../../src/templating/engine.js';
import { globalContext, projectConfig, projectFile, projectFiles } from '../helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** Parses and links in-memory files, and returns a compiler writing into a temp project dir. */
function setup(files: Partial<ProjectFiles>) {
  const projectDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dops-'));
  dirs.push(projectDir);
  const engine = new TemplateEngine([BUILTIN_TESTS]);
  const global = globalContext();
  const parsed = parseProject({ project: projectConfig({ projectDir }), files: projectFiles(files), engine, global });
  expect(parsed.errors).toEqual([]);
  const manifest = new Manifest(parsed.nodes);
  expect(manifest.link()).toEqual([]);
  const compiler = new Compiler(manifest, engine, global, projectDir, 'target');
  const node = (name: string) => parsed.nodes.find((n) => n.name === name) as SqlNode;
  return { compiler, node, projectDir };
}

describe('Compiler', () => {
  it('renders refs as relations, strips the trailing semicolon and writes the compiled file', () => {
    const { compiler, node, projectDir } = setup({
      models: [projectFile('models/staging/stg.sql', 'select 1 as id'), projectFile('models/orders.sql', "select * from {{ ref('stg') }};\n")],
    });
    const compiled = compiler.compile(node('orders'));
    expect(compiled).toEqual({ uniqueId: 'model.shop.orders', sql: 'select * from "main"."stg"', path: 'target/compiled/shop/models/orders.sql' });
    expect(fs.readFileSync(path.join(projectDir, 'target/compiled/shop/models/orders.sql'), 'utf8')).toBe('select * from "main"."stg"\n');
  });

  it('inlines ephemeral models as CTEs', () => {
    const { compiler, node } = setup({
      models: [
        projectFile('models/base.sql', "{{ config(materialized='ephemeral') }}select 1 as id"),
        projectFile('models/orders.sql', "with x as (select 2 as id)\nselect * from {{ ref('base') }} union all select * from x"),
      ],
    });
    expect(compiler.compile(node('orders')).sql).toBe('with __dops__cte__base as (\nselect 1 as id\n),\nx as (select 2 as id)\nselect * from __dops__cte__base union all select * from x');
  });

  it('applies a generic test where config as a filtered subquery and writes it under the YAML path', () => {
    const { compiler, node } = setup({
      models: [projectFile('models/orders.sql', 'select 1 as id')],
      properties: [projectFile('models/schema.yml', 'models:\n  - name: orders\n    columns:\n      - name: id\n        tests:\n          - not_null:\n              where: "id > 0"\n')],
    });
    const compiled = compiler.compile(node('not_null_orders_id'));
    expect(compiled.sql).toBe('select id\nfrom (select * from "main"."orders" where id > 0) dbt_subquery\nwhere id is null');
    expect(compiled.path).toBe('target/compiled/shop/models/schema.yml/not_null_orders_id.sql');
  });

  it('renders an external source as a reader call on the absolute path', () => {
    const { compiler, node, projectDir } = setup({
      models: [projectFile('models/stg.sql', "select * from {{ source('lake', 'flights') }}")],
      properties: [projectFile('models/sources.yml', "sources:\n  - name: lake\n    meta:\n      external_location: 'data/{name}.parquet'\n    tables:\n      - name: flights\n")],
    });
    expect(compiler.compile(node('stg')).sql).toBe(`select * from read_parquet('${path.join(projectDir, 'data/flights.parquet')}')`);
  });

  it('rejects a ref that was not seen at parse time', () => {
    const { compiler, node } = setup({
      models: [projectFile('models/a.sql', 'select 1'), projectFile('models/b.sql', "select 1\n{% if execute %}, {{ ref('a') }}{% endif %}")],
    });
    try {
      compiler.compile(node('b'));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CompilationError);
      expect((error as CompilationError).message).toBe("ref('a') was not seen when the project was parsed");
      expect((error as CompilationError).location).toMatchObject({ file: 'models/b.sql', line: 2 });
    }
  });

  it('compiles each node once', () => {
    const { compiler, node } = setup({ models: [projectFile('models/a.sql', 'select 1')] });
    expect(compiler.compile(node('a'))).toBe(compiler.compile(node('a')));
  });
});
