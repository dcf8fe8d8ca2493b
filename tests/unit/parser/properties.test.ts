import { describe, expect, it } from 'vitest';
import { DopsError, ParseError } from '../../../src/errors.js';
import { readProperties } from '../../../src/parser/properties.js';
import { projectFile } from '../helpers.js';

function read(...files: [string, string][]) {
  const errors: DopsError[] = [];
  const properties = readProperties(
    files.map(([path, contents]) => projectFile(path, contents)),
    errors,
  );
  return { properties, errors };
}

function readOne(contents: string) {
  return read(['models/schema.yml', contents]);
}

const lines = (...l: string[]) => l.join('\n');

describe('readProperties: models', () => {
  it('reads description, columns and config', () => {
    const { properties, errors } = readOne(
      lines(
        'version: 2',
        'models:',
        '  - name: orders',
        '    description: One row per order',
        '    config:',
        '      materialized: table',
        '    columns:',
        '      - name: id',
        '        description: Primary key',
        '        data_type: integer',
        '      - name: status',
      ),
    );
    expect(errors).toEqual([]);
    expect(properties.models.get('orders')).toMatchObject({
      name: 'orders',
      description: 'One row per order',
      columns: {
        id: { name: 'id', description: 'Primary key', dataType: 'integer' },
        status: { name: 'status', description: '', dataType: undefined },
      },
      config: { materialized: 'table' },
      tests: [],
      file: 'models/schema.yml',
      line: 3,
    });
  });

  it('reads every test-entry shape with its line', () => {
    const { properties, errors } = readOne(
      lines(
        'models:', // 1
        '  - name: orders', // 2
        '    columns:', // 3
        '      - name: id', // 4
        '        tests:', // 5
        '          - unique', // 6
        '          - not_null:', // 7
        '              config:', // 8
        '                severity: warn', // 9
        '      - name: status', // 10
        '        tests:', // 11
        '          - accepted_values:', // 12
        "              values: ['placed', 'shipped']", // 13
        '              quote: false', // 14
        '          - accepted_values:', // 15
        '              arguments:', // 16
        '                values: [a]', // 17
        '              severity: warn', // 18
        '              where: "id > 0"', // 19
        '              name: status_is_a', // 20
        '              tags: [nightly]', // 21
      ),
    );
    expect(errors).toEqual([]);
    const base = { file: 'models/schema.yml', customName: undefined };
    expect(properties.models.get('orders')!.tests).toEqual([
      { testName: 'unique', kwargs: {}, config: {}, columnName: 'id', file: 'models/schema.yml', line: 6 },
      { ...base, testName: 'not_null', kwargs: {}, config: { severity: 'warn' }, columnName: 'id', line: 7 },
      { ...base, testName: 'accepted_values', kwargs: { values: ['placed', 'shipped'], quote: false }, config: {}, columnName: 'status', line: 12 },
      {
        ...base,
        testName: 'accepted_values',
        kwargs: { values: ['a'] },
        config: { severity: 'warn', where: 'id > 0', tags: ['nightly'] },
        customName: 'status_is_a',
        columnName: 'status',
        line: 15,
      },
    ]);
  });

  it('reads model-level tests with their arguments (no column)', () => {
    const { properties } = readOne(
      lines('models:', '  - name: orders', '    tests:', '      - relationships:', '          column_name: customer_id', "          to: ref('customers')", '          field: id'),
    );
    expect(properties.models.get('orders')!.tests).toEqual([
      {
        testName: 'relationships',
        kwargs: { column_name: 'customer_id', to: "ref('customers')", field: 'id' },
        config: {},
        customName: undefined,
        columnName: undefined,
        file: 'models/schema.yml',
        line: 4,
      },
    ]);
  });

  it('accepts data_tests: like tests:, preferring data_tests: when both are given', () => {
    const { properties } = readOne(
      lines(
        'models:',
        '  - name: orders',
        '    data_tests: [unique_combo]',
        '    tests: [ignored]',
        '    columns:',
        '      - name: id',
        '        data_tests:',
        '          - unique',
      ),
    );
    const tests = properties.models.get('orders')!.tests;
    expect(tests.map((t) => [t.testName, t.columnName, t.line])).toEqual([
      ['unique', 'id', 8],
      ['unique_combo', undefined, 3],
    ]);
  });

  it('reads seeds into their own map', () => {
    const { properties } = read(['seeds/props.yml', lines('seeds:', '  - name: countries', '    config:', '      column_types: {code: varchar}')]);
    expect(properties.models.size).toBe(0);
    expect(properties.seeds.get('countries')).toMatchObject({ config: { column_types: { code: 'varchar' } }, file: 'seeds/props.yml', line: 2 });
  });

  it('skips an empty file', () => {
    const { properties, errors } = readOne('');
    expect(errors).toEqual([]);
    expect(properties).toEqual({ models: new Map(), seeds: new Map(), snapshots: new Map(), sources: [], warnings: [], other: new Map() });
  });
});

describe('readProperties: sources', () => {
  it('defaults schema to the source name and identifier to the table name', () => {
    const { properties, errors } = readOne(
      lines('sources:', '  - name: raw', '    tables:', '      - name: orders', '        description: Raw orders', '      - name: customers', '        identifier: customers_v2'),
    );
    expect(errors).toEqual([]);
    expect(properties.sources).toEqual([
      {
        sourceName: 'raw',
        name: 'orders',
        identifier: 'orders',
        schema: 'raw',
        description: 'Raw orders',
        externalLocation: undefined,
        columns: {},
        config: {},
        tests: [],
        file: 'models/schema.yml',
        line: 4,
      },
      expect.objectContaining({ name: 'customers', identifier: 'customers_v2', schema: 'raw', line: 6 }),
    ]);
  });

  it('uses an explicit schema', () => {
    const { properties } = readOne(lines('sources:', '  - name: raw', '    schema: landing', '    tables:', '      - name: orders'));
    expect(properties.sources[0].schema).toBe('landing');
  });

  it('takes external_location from table config, table meta, source config or source meta, in that order', () => {
    const { properties } = readOne(
      lines(
        'sources:',
        '  - name: lake',
        '    config:',
        "      external_location: 'data/config/{name}.parquet'",
        '    meta:',
        "      external_location: 'data/meta/{name}.csv'",
        '    tables:',
        '      - name: a',
        '        config:',
        '          external_location: data/a_only.parquet',
        '        meta:',
        '          external_location: data/not_used.parquet',
        '      - name: b',
        '        meta:',
        '          external_location: data/b_meta.json',
        '      - name: c',
        '  - name: lake2',
        '    meta:',
        "      external_location: 'files/{name}/*.csv'",
        '    tables:',
        '      - name: d',
      ),
    );
    expect(properties.sources.map((s) => [s.sourceName, s.name, s.externalLocation])).toEqual([
      ['lake', 'a', 'data/a_only.parquet'],
      ['lake', 'b', 'data/b_meta.json'],
      ['lake', 'c', 'data/config/c.parquet'],
      ['lake2', 'd', 'files/d/*.csv'],
    ]);
  });

  it('merges source config under table config', () => {
    const { properties } = readOne(
      lines('sources:', '  - name: raw', '    config:', '      enabled: true', '      tags: [raw]', '    tables:', '      - name: t', '        config:', '          tags: [t]'),
    );
    expect(properties.sources[0].config).toEqual({ enabled: true, tags: ['t'] });
  });

  it('reads source table and column tests', () => {
    const { properties } = readOne(
      lines('sources:', '  - name: raw', '    tables:', '      - name: orders', '        tests: [row_count]', '        columns:', '          - name: id', '            tests: [unique]'),
    );
    expect(properties.sources[0].tests.map((t) => [t.testName, t.columnName, t.line])).toEqual([
      ['unique', 'id', 8],
      ['row_count', undefined, 5],
    ]);
    expect(properties.sources[0].columns).toMatchObject({ id: { name: 'id', description: '', dataType: undefined } });
  });
});

describe('readProperties: errors', () => {
  const only = (errors: DopsError[]) => {
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(ParseError);
    return errors[0];
  };

  it('rejects a model entry without a name', () => {
    const error = only(readOne(lines('models:', '  - name: ok', '  - description: nameless')).errors);
    expect(error.message).toBe('Each entry needs a name');
    expect(error.location).toEqual({ file: 'models/schema.yml', line: 3 });
  });

  it('rejects a source without a name and a column without a name', () => {
    expect(only(readOne(lines('sources:', '  - tables: []')).errors).message).toBe('Each source needs a name');
    const error = only(readOne(lines('models:', '  - name: a', '    columns:', '      - description: x')).errors);
    expect(error.message).toBe('Each column needs a name');
    expect(error.location).toEqual({ file: 'models/schema.yml', line: 4 });
  });

  it('rejects a test entry with two keys', () => {
    const error = only(readOne(lines('models:', '  - name: a', '    columns:', '      - name: id', '        tests:', '          - unique: {}', '            not_null: {}')).errors);
    expect(error.message).toBe('A test must be a name (e.g. `- unique`) or a mapping with one test name as key');
    expect(error.location).toEqual({ file: 'models/schema.yml', line: 6 });
  });

  it('rejects test arguments that are not a mapping', () => {
    const error = only(readOne(lines('models:', '  - name: a', '    tests:', '      - accepted_values: [a, b]')).errors);
    expect(error.message).toBe("The arguments of test 'accepted_values' must be a mapping");
    expect(error.location).toEqual({ file: 'models/schema.yml', line: 4 });
  });

  it("rejects a 'models:' that is not a list", () => {
    const error = only(readOne(lines('version: 2', 'models:', '  orders:', '    description: x')).errors);
    expect(error.message).toBe("'models' must be a list");
    expect(error.location).toEqual({ file: 'models/schema.yml', line: 2 });
  });

  it('rejects a config that is not a mapping', () => {
    const error = only(readOne(lines('models:', '  - name: a', '    config: table')).errors);
    expect(error.message).toBe("'config' of 'a' must be a mapping");
  });

  it('rejects a property file that is not a mapping', () => {
    expect(only(readOne('- a\n').errors).message).toBe('A property file must be a mapping (models:, sources:, seeds:)');
  });

  it('rejects a test list that is not a list', () => {
    const error = only(readOne(lines('models:', '  - name: a', '    columns:', '      - name: id', '        tests: unique')).errors);
    expect(error.message).toBe("'tests' must be a list of tests");
    expect(error.location).toEqual({ file: 'models/schema.yml', line: 5 });
  });

  it('rejects a data_tests mapping on a model or a source table', () => {
    const model = only(readOne(lines('models:', '  - name: a', '    data_tests:', '      unique: {}')).errors);
    expect(model.message).toBe("'data_tests' must be a list of tests");
    expect(model.location).toEqual({ file: 'models/schema.yml', line: 3 });
    const source = only(readOne(lines('sources:', '  - name: raw', '    tables:', '      - name: t', '        tests: not_null')).errors);
    expect(source.message).toBe("'tests' must be a list of tests");
    expect(source.location).toEqual({ file: 'models/schema.yml', line: 5 });
  });

  it('rejects a model described twice, naming both places', () => {
    const { properties, errors } = read(['models/a.yml', lines('models:', '  - name: orders', '    description: first')], ['models/b.yml', lines('', 'models:', '  - name: orders')]);
    const error = only(errors);
    expect(error.message).toBe("Model 'orders' is described twice: in models/a.yml:2 and models/b.yml:3");
    expect(error.location).toEqual({ file: 'models/b.yml', line: 3 });
    expect(properties.models.get('orders')!.description).toBe('first');
  });

  it('collects errors from several files and keeps the good entries', () => {
    const { properties, errors } = read(['models/a.yml', 'models: [{description: x}]'], ['models/b.yml', 'models:\n  - name: ok\n'], ['models/c.yml', 'a: [1\n']);
    expect(errors.map((e) => e.location?.file)).toEqual(['models/a.yml', 'models/c.yml']);
    expect([...properties.models.keys()]).toEqual(['ok']);
  });
});
