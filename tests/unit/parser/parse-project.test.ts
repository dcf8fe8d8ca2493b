import { describe, expect, it } from 'vitest';
import type { ProjectConfig } from '../../../src/config/project-config.js';
import { CompilationError, ParseError } from '../../../src/errors.js';
import type { ManifestNode, ModelNode, SeedNode, SourceNode, TestNode } from '../../../src/manifest/nodes.js';
import { parseProject } from '../../../src/parser/parse-project.js';
import type { ProjectFiles } from '../../../src/project/files.js';
import { BUILTIN_TESTS } from '../../../src/templating/builtin-tests.js';
import { TemplateEngine, type TemplateSource } from '../../../src/templating/engine.js';
import { globalContext, projectConfig, projectFile, projectFiles } from '../helpers.js';

function parse(files: Partial<ProjectFiles>, options: { project?: Partial<ProjectConfig>; macros?: TemplateSource[]; vars?: Record<string, unknown> } = {}) {
  const engine = new TemplateEngine([BUILTIN_TESTS, ...(options.macros ?? [])]);
  return parseProject({ project: projectConfig(options.project), files: projectFiles(files), engine, global: globalContext(options.vars) });
}

const byName = <T extends ManifestNode>(nodes: ManifestNode[], name: string) => nodes.find((n) => n.name === name) as T;
const yml = (...lines: string[]) => lines.join('\n');

describe('parseProject: models', () => {
  it('builds a model node from a file', () => {
    const sql = "select * from {{ ref('stg_orders') }} join {{ source('raw', 'payments') }} using (id)";
    const { nodes, errors, warnings } = parse({
      models: [projectFile('models/marts/orders.sql', sql), projectFile('models/staging/stg_orders.sql', 'select 1 as id')],
    });
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
    const orders = byName<ModelNode>(nodes, 'orders');
    expect(orders).toMatchObject({
      uniqueId: 'model.shop.orders',
      resourceType: 'model',
      name: 'orders',
      packageName: 'shop',
      originalFilePath: 'models/marts/orders.sql',
      fqn: ['shop', 'marts', 'orders'],
      description: '',
      rawSql: sql,
      refs: [{ name: 'stg_orders' }],
      sources: [{ sourceName: 'raw', tableName: 'payments' }],
      dependsOn: { nodes: [] },
      columns: {},
      relation: { schema: 'main', identifier: 'orders' },
    });
    expect(orders.config).toMatchObject({ materialized: 'view', tags: [], enabled: true, schema: undefined, alias: undefined });
    expect(orders.checksum).toBe(projectFile('x', sql).checksum);
  });

  it('takes the relation schema from folder +schema and the identifier from alias', () => {
    const { nodes } = parse(
      {
        models: [projectFile('models/marts/orders.sql', "{{ config(alias='fct_orders') }}select 1"), projectFile('models/staging/stg.sql', 'select 1')],
      },
      { project: { folderConfig: { models: { shop: { marts: { '+schema': 'analytics' } } }, seeds: {}, tests: {} } } },
    );
    expect(byName<ModelNode>(nodes, 'orders').relation).toEqual({ schema: 'analytics', identifier: 'fct_orders' });
    expect(byName<ModelNode>(nodes, 'stg').relation).toEqual({ schema: 'main', identifier: 'stg' });
  });

  it('applies config with precedence folder < YAML config < config() in the file, tags accumulating', () => {
    const folderConfig = { models: { shop: { '+materialized': 'table', '+schema': 'folder', '+alias': 'folder_alias', '+tags': ['folder'] } }, seeds: {}, tests: {} };
    const { nodes, errors } = parse(
      {
        models: [projectFile('models/orders.sql', "{{ config(materialized='view', tags=['file']) }}select 1")],
        properties: [projectFile('models/schema.yml', yml('models:', '  - name: orders', '    description: Orders', '    config:', '      materialized: ephemeral', '      schema: yaml', '      tags: [yaml]'))],
      },
      { project: { folderConfig } },
    );
    expect(errors).toEqual([]);
    const orders = byName<ModelNode>(nodes, 'orders');
    expect(orders.config).toMatchObject({ materialized: 'view', schema: 'yaml', alias: 'folder_alias', tags: ['folder', 'yaml', 'file'] });
    expect(orders.description).toBe('Orders');
    expect(orders.relation).toEqual({ schema: 'yaml', identifier: 'folder_alias' });
  });

  it('leaves out disabled models and their tests, however they are disabled', () => {
    const { nodes, errors } = parse(
      {
        models: [
          projectFile('models/a.sql', "{{ config(enabled=false) }}select 1"),
          projectFile('models/b.sql', 'select 1'),
          projectFile('models/legacy/c.sql', 'select 1'),
          projectFile('models/d.sql', 'select 1'),
        ],
        properties: [
          projectFile('models/schema.yml', yml('models:', '  - name: a', '    tests: [unique_combo]', '  - name: b', '    config: {enabled: false}', '    columns:', '      - name: id', '        tests: [unique]', '  - name: d', '    columns:', '      - name: id', '        tests: [not_null]')),
        ],
      },
      { project: { folderConfig: { models: { legacy: { '+enabled': false } }, seeds: {}, tests: {} } } },
    );
    expect(errors).toEqual([]);
    expect(nodes.map((n) => n.uniqueId)).toEqual(['model.shop.d', expect.stringMatching(/^test\.shop\.not_null_d_id\.[0-9a-f]{10}$/)]);
  });

  it('does not warn about YAML for a disabled model', () => {
    const { warnings } = parse({
      models: [projectFile('models/b.sql', 'select 1')],
      properties: [projectFile('models/schema.yml', yml('models:', '  - name: b', '    config: {enabled: false}'))],
    });
    expect(warnings).toEqual([]);
  });

  it('rejects two models with the same name in different folders, naming both files', () => {
    const { errors } = parse({ models: [projectFile('models/a/orders.sql', 'select 1'), projectFile('models/b/orders.sql', 'select 2')] });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(ParseError);
    expect(errors[0].message).toBe("Two nodes are named 'orders': models/a/orders.sql and models/b/orders.sql");
    expect(errors[0].location).toEqual({ file: 'models/b/orders.sql' });
    expect(errors[0].hint).toBe('Rename one of the files (node names must be unique across models and seeds).');
  });

  it('rejects a model and a seed sharing a name', () => {
    const { errors } = parse({ models: [projectFile('models/countries.sql', 'select 1')], seeds: [projectFile('seeds/countries.csv', 'a\n1\n')] });
    expect(errors.map((e) => e.message)).toEqual(["Two nodes are named 'countries': models/countries.sql and seeds/countries.csv"]);
  });

  it('warns about YAML for a model that does not exist', () => {
    const { warnings, errors } = parse({
      models: [projectFile('models/orders.sql', 'select 1')],
      properties: [projectFile('models/schema.yml', yml('models:', '  - name: orders', '  - name: ordres'))],
    });
    expect(errors).toEqual([]);
    expect(warnings).toEqual(["models/schema.yml:3: properties for model 'ordres', which does not exist"]);
  });

  it('collects template errors per file and keeps parsing the others', () => {
    const { nodes, errors } = parse({
      models: [projectFile('models/a.sql', 'select 1\n{% if %}'), projectFile('models/b.sql', "select {{ var('missing') }}"), projectFile('models/c.sql', 'select 1')],
    });
    expect(nodes.map((n) => n.name)).toEqual(['c']);
    expect(errors.map((e) => [e.constructor, e.location?.file, e.location?.line])).toEqual([
      [ParseError, 'models/a.sql', 2],
      [CompilationError, 'models/b.sql', 1],
    ]);
  });

  it('can use vars and macros while parsing', () => {
    const { nodes, errors } = parse(
      { models: [projectFile('models/orders.sql', "{{ config(materialized=var('kind')) }}select {{ cents('amount') }}")] },
      { vars: { kind: 'table' }, macros: [{ path: 'macros/cents.sql', contents: '{% macro cents(c) %}{{ c }} / 100{% endmacro %}' }] },
    );
    expect(errors).toEqual([]);
    expect(byName<ModelNode>(nodes, 'orders').config.materialized).toBe('table');
  });
});

describe('parseProject: generic tests', () => {
  const models = [projectFile('models/orders.sql', 'select 1'), projectFile('models/customers.sql', 'select 1')];

  it('attaches generic tests to their model and records refs from their arguments', () => {
    const { nodes, errors } = parse({
      models,
      properties: [
        projectFile(
          'models/schema.yml',
          yml(
            'models:',
            '  - name: orders',
            '    columns:',
            '      - name: id',
            '        tests:',
            '          - unique',
            '      - name: customer_id',
            '        tests:',
            '          - relationships:',
            "              to: ref('customers')",
            '              field: id',
            '              config:',
            '                severity: warn',
            '                where: "id > 0"',
          ),
        ),
      ],
    });
    expect(errors).toEqual([]);
    const unique = byName<TestNode>(nodes, 'unique_orders_id');
    expect(unique).toMatchObject({
      resourceType: 'test',
      testType: 'generic',
      originalFilePath: 'models/schema.yml',
      line: 6,
      fqn: ['shop', 'unique_orders_id'],
      attachedNode: 'model.shop.orders',
      columnName: 'id',
      refs: [{ name: 'orders' }],
      sources: [],
      testMetadata: { name: 'unique', kwargs: { column_name: 'id' } },
      rawSql: '{{ test_unique(model=__dops_model(ref("orders")), column_name="id") }}',
    });
    expect(unique.uniqueId).toMatch(/^test\.shop\.unique_orders_id\.[0-9a-f]{10}$/);
    expect(unique.config).toMatchObject({ materialized: 'test', severity: undefined });

    const rel = byName<TestNode>(nodes, 'relationships_orders_customer_id__id__ref_customers_');
    expect(rel.refs).toEqual([{ name: 'orders' }, { name: 'customers' }]);
    expect(rel.rawSql).toBe(`{{ test_relationships(model=__dops_model(ref("orders")), column_name="customer_id", to=ref('customers'), field="id") }}`);
    expect(rel.config).toMatchObject({ severity: 'warn', where: 'id > 0' });
    expect(rel.testMetadata).toEqual({ name: 'relationships', kwargs: { to: "ref('customers')", field: 'id', column_name: 'customer_id' } });
  });

  it('uses a custom test name and applies tests: folder config', () => {
    const { nodes } = parse(
      {
        models,
        properties: [projectFile('models/schema.yml', yml('models:', '  - name: orders', '    columns:', '      - name: id', '        tests:', '          - unique:', '              name: orders_pk'))],
      },
      { project: { folderConfig: { models: {}, seeds: {}, tests: { '+severity': 'warn', '+tags': ['dq'] } } } },
    );
    const test = byName<TestNode>(nodes, 'orders_pk');
    expect(test.uniqueId).toMatch(/^test\.shop\.orders_pk\./);
    expect(test.config).toMatchObject({ severity: 'warn', tags: ['dq'] });
  });

  it('builds source tests on the source table', () => {
    const { nodes, errors } = parse({
      properties: [projectFile('models/sources.yml', yml('sources:', '  - name: raw', '    tables:', '      - name: payments', '        columns:', '          - name: id', '            tests: [not_null]'))],
    });
    expect(errors).toEqual([]);
    const source = byName<SourceNode>(nodes, 'payments');
    expect(source).toMatchObject({ uniqueId: 'source.shop.raw.payments', sourceName: 'raw', fqn: ['shop', 'raw', 'payments'], relation: { schema: 'raw', identifier: 'payments' }, line: 4 });
    const test = byName<TestNode>(nodes, 'source_not_null_raw_payments_id');
    expect(test).toMatchObject({ attachedNode: 'source.shop.raw.payments', refs: [], sources: [{ sourceName: 'raw', tableName: 'payments' }] });
    expect(test.rawSql).toBe('{{ test_not_null(model=__dops_model(source("raw", "payments")), column_name="id") }}');
  });

  it('rejects an unknown generic test with a "Did you mean" hint at its YAML line', () => {
    const { errors, nodes } = parse({
      models,
      properties: [projectFile('models/schema.yml', yml('models:', '  - name: orders', '    columns:', '      - name: id', '        tests:', '          - uniqe', '          - not_null'))],
    });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(ParseError);
    expect(errors[0].message).toBe("Unknown generic test 'uniqe'");
    expect(errors[0].hint).toBe("Did you mean 'unique'?");
    expect(errors[0].location).toEqual({ file: 'models/schema.yml', line: 6 });
    expect(nodes.map((n) => n.name)).toContain('not_null_orders_id');
  });

  it('lists the known tests, user ones included, when nothing is close', () => {
    const { errors } = parse(
      { models, properties: [projectFile('models/schema.yml', yml('models:', '  - name: orders', '    tests: [freshness_check]'))] },
      { macros: [{ path: 'macros/positive.sql', contents: '{% macro test_positive(model, column_name) %}select 1{% endmacro %}' }] },
    );
    expect(errors[0].hint).toBe('Built-in generic tests: unique, not_null, accepted_values, relationships, positive.');
  });

  it('accepts a user generic test macro', () => {
    const { errors, nodes } = parse(
      { models, properties: [projectFile('models/schema.yml', yml('models:', '  - name: orders', '    columns:', '      - name: amount', '        tests: [positive]'))] },
      { macros: [{ path: 'macros/positive.sql', contents: '{% macro test_positive(model, column_name) %}select * from {{ model }} where {{ column_name }} < 0{% endmacro %}' }] },
    );
    expect(errors).toEqual([]);
    expect(byName<TestNode>(nodes, 'positive_orders_amount').testMetadata!.name).toBe('positive');
  });

  // The built-in tests' parse render evaluates only the call's arguments (parse-project.ts); what it
  // records and refuses must match running the macro, as Jinja does for any macro call
  // (https://jinja.palletsprojects.com/en/3.1.x/templates/#macros: unknown keyword arguments are an error).
  it('refuses a keyword argument a built-in test does not declare, at its YAML line', () => {
    const { errors, nodes } = parse({
      models,
      properties: [projectFile('models/schema.yml', yml('models:', '  - name: orders', '    columns:', '      - name: id', '        tests:', '          - not_null', '          - unique:', '              colour: red'))],
    });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(CompilationError);
    expect(errors[0].message).toBe("Macro 'test_unique' takes no keyword argument 'colour': test_unique(model, column_name)");
    expect(errors[0].location).toEqual({ file: 'models/schema.yml', line: 7 });
    expect(nodes.map((n) => n.name)).toContain('not_null_orders_id');
  });

  it('records the refs, sources and vars of a built-in test\'s arguments, Jinja ones included', () => {
    const { errors, nodes } = parse(
      {
        models,
        properties: [
          projectFile(
            'models/schema.yml',
            yml(
              'models:',
              '  - name: orders',
              '    columns:',
              '      - name: customer_id',
              '        tests:',
              '          - relationships:',
              '              to: "{{ ref(var(\'parent\')) }}"',
              '              field: id',
              '          - accepted_values:',
              "              values: [\"{{ var('parent') }}\", b]",
            ),
          ),
        ],
      },
      { vars: { parent: 'customers' } },
    );
    expect(errors).toEqual([]);
    const tests = nodes.filter((n): n is TestNode => n.resourceType === 'test');
    expect(tests.map((t) => [t.testMetadata!.name, t.refs])).toEqual([
      ['relationships', [{ name: 'orders' }, { name: 'customers' }]],
      ['accepted_values', [{ name: 'orders' }]],
    ]);
  });

  it('runs a package\'s own test macro for its nodes\' tests, with what its body records', () => {
    // A package's nodes call its own macros unprefixed (https://docs.getdbt.com/docs/build/packages).
    const engine = new TemplateEngine([
      BUILTIN_TESTS,
      { path: 'dbt_packages/pkg/macros/unique.sql', package: 'pkg', contents: "{% macro test_unique(model, column_name) %}{{ config(severity='warn') }}select * from {{ ref('customers') }}{% endmacro %}" },
    ]);
    const files = projectFiles({ models, properties: [projectFile('models/schema.yml', yml('models:', '  - name: orders', '    columns:', '      - name: id', '        tests: [unique]'))] });
    const inPackage = parseProject({ project: projectConfig({ name: 'pkg' }), files, engine, global: { ...globalContext(), currentPackage: 'pkg' } });
    expect(inPackage.errors).toEqual([]);
    expect(byName<TestNode>(inPackage.nodes, 'unique_orders_id')).toMatchObject({ refs: [{ name: 'orders' }, { name: 'customers' }], config: { severity: 'warn' } });
    const inRoot = parseProject({ project: projectConfig(), files, engine, global: globalContext() });
    expect(byName<TestNode>(inRoot.nodes, 'unique_orders_id')).toMatchObject({ refs: [{ name: 'orders' }], config: { severity: undefined } });
  });

  it('leaves out tests disabled in their config', () => {
    const { nodes } = parse({
      models,
      properties: [projectFile('models/schema.yml', yml('models:', '  - name: orders', '    columns:', '      - name: id', '        tests:', '          - unique:', '              config: {enabled: false}'))],
    });
    expect(nodes.filter((n) => n.resourceType === 'test')).toEqual([]);
  });
});

describe('parseProject: seeds and singular tests', () => {
  it('builds seeds with folder and YAML config', () => {
    const { nodes, errors } = parse(
      {
        seeds: [projectFile('seeds/geo/countries.csv', 'code,name\nnl,Netherlands\n')],
        properties: [projectFile('seeds/props.yml', yml('seeds:', '  - name: countries', '    config:', '      column_types: {code: varchar}'))],
      },
      { project: { folderConfig: { models: {}, seeds: { shop: { geo: { '+schema': 'ref_data' } } }, tests: {} } } },
    );
    expect(errors).toEqual([]);
    const seed = byName<SeedNode>(nodes, 'countries');
    expect(seed).toMatchObject({ uniqueId: 'seed.shop.countries', fqn: ['shop', 'geo', 'countries'], relation: { schema: 'ref_data', identifier: 'countries' } });
    expect(seed.config).toMatchObject({ materialized: 'seed', column_types: { code: 'varchar' } });
  });

  it('builds singular tests with their refs and config()', () => {
    const { nodes, errors } = parse({
      models: [projectFile('models/orders.sql', 'select 1')],
      tests: [projectFile('tests/assert_positive.sql', "{{ config(severity='warn') }}select * from {{ ref('orders') }} where amount < 0")],
    });
    expect(errors).toEqual([]);
    const test = byName<TestNode>(nodes, 'assert_positive');
    expect(test).toMatchObject({ uniqueId: 'test.shop.assert_positive', testType: 'singular', refs: [{ name: 'orders' }], fqn: ['shop', 'assert_positive'] });
    expect(test.config).toMatchObject({ materialized: 'test', severity: 'warn' });
    expect(test.attachedNode).toBeUndefined();
  });
});
