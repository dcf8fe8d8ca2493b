import { describe, expect, it } from 'vitest';
import { isPlainObject, parseYaml, parseYamlWithLines } from '../../../src/config/yaml-file.js';
import { ParseError } from '../../../src/errors.js';
import { thrown } from '../helpers.js';

describe('parseYaml', () => {
  it('returns plain JS values', () => {
    expect(parseYaml('name: shop\nvars:\n  start: 2001-01-01\n  n: 3\nlist: [a, b]\n', 'f.yml')).toEqual({
      name: 'shop',
      vars: { start: '2001-01-01', n: 3 },
      list: ['a', 'b'],
    });
  });

  it('returns null for an empty file', () => {
    expect(parseYaml('', 'f.yml')).toBeNull();
  });

  it('rejects a duplicate key with a ParseError naming the file', () => {
    const error = thrown(() => parseYaml('name: a\nversion: 1\nname: b\n', 'dops_project.yml'));
    expect(error).toBeInstanceOf(ParseError);
    expect(error.message).toBe('Malformed YAML: Map keys must be unique');
    expect(error.location.file).toBe('dops_project.yml');
  });

  it('rejects bad indentation with a ParseError', () => {
    const error = thrown(() => parseYaml('models:\n  - name: a\n   description: x\n', 'models/schema.yml'));
    expect(error).toBeInstanceOf(ParseError);
    expect(error.message).toBe('Malformed YAML: Sequence item without - indicator');
    expect(error.location.file).toBe('models/schema.yml');
  });

  it('gives the 1-based line and column of a duplicate key', () => {
    const error = thrown(() => parseYaml('name: a\nversion: 1\nname: b\n', 'dops_project.yml'));
    expect(error.location).toEqual({ file: 'dops_project.yml', line: 3, column: 1 });
  });

  it('gives the 1-based line and column of bad indentation', () => {
    const error = thrown(() => parseYaml('models:\n  - name: a\n   description: x\n', 'models/schema.yml'));
    expect(error.location).toEqual({ file: 'models/schema.yml', line: 3, column: 1 });
  });

  it('gives the line of a tab used as indentation', () => {
    const error = thrown(() => parseYaml('a:\n\tb: 1\n', 'f.yml'));
    expect(error.location).toEqual({ file: 'f.yml', line: 2, column: 1 });
  });
});

describe('parseYamlWithLines', () => {
  const text = [
    'version: 2', // 1
    '', // 2
    'models:', // 3
    '  - name: orders', // 4
    '    columns:', // 5
    '      - name: id', // 6
    '        tests:', // 7
    '          - unique', // 8
    '  - name: customers', // 9
  ].join('\n');

  it('keeps the parsed value', () => {
    const yaml = parseYamlWithLines(text, 'models/schema.yml');
    expect(yaml.value).toEqual({
      version: 2,
      models: [{ name: 'orders', columns: [{ name: 'id', tests: ['unique'] }] }, { name: 'customers' }],
    });
  });

  it('finds the 1-based line of entries at a key path', () => {
    const yaml = parseYamlWithLines(text, 'models/schema.yml');
    expect(yaml.lineOf(['version'])).toBe(1);
    expect(yaml.lineOf(['models'])).toBe(3);
    expect(yaml.lineOf(['models', 0])).toBe(4);
    expect(yaml.lineOf(['models', 1])).toBe(9);
    expect(yaml.lineOf(['models', 0, 'columns', 0])).toBe(6);
    expect(yaml.lineOf(['models', 0, 'columns', 0, 'tests', 0])).toBe(8);
  });

  it('returns undefined for a missing path or a non-mapping document', () => {
    expect(parseYamlWithLines(text, 'f.yml').lineOf(['models', 5])).toBeUndefined();
    expect(parseYamlWithLines(text, 'f.yml').lineOf(['seeds'])).toBeUndefined();
    expect(parseYamlWithLines('- a\n- b\n', 'f.yml').lineOf([0])).toBeUndefined();
  });

  it('throws ParseError on malformed YAML', () => {
    expect(() => parseYamlWithLines('a: [1, 2\nb: 3\n', 'f.yml')).toThrow(ParseError);
  });
});

describe('isPlainObject', () => {
  it('accepts mappings only', () => {
    expect(isPlainObject({})).toBe(true);
    expect(isPlainObject([])).toBe(false);
    expect(isPlainObject(null)).toBe(false);
    expect(isPlainObject('a')).toBe(false);
  });
});
