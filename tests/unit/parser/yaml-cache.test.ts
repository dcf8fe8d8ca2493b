import { describe, expect, it } from 'vitest';
import { parseYamlWithLines } from '../../../src/config/yaml-file.js';
import { YamlCache } from '../../../src/parser/yaml-cache.js';

const TEXT = `version: 2
models:
  - name: orders
    columns:
      - name: id
        data_tests: [unique]
  - name: customers
`;

/** A second invocation's cache: what the first one would have saved (through JSON, as on disk). */
function reloaded(first: YamlCache): YamlCache {
  return new YamlCache(JSON.parse(JSON.stringify(first.used)));
}

describe('YamlCache', () => {
  it('answers an unchanged file from the cache with the same value and lines', () => {
    const first = new YamlCache({});
    const fresh = first.parse(TEXT, 'models/schema.yml');
    expect(fresh.lineOf(['models', 1])).toBe(7);
    expect(first.changed).toBe(true);
    const second = reloaded(first);
    const cached = second.parse(TEXT, 'models/schema.yml');
    expect(cached.value).toEqual(parseYamlWithLines(TEXT, 'x').value);
    expect(cached.lineOf(['models', 1])).toBe(7);
    expect(second.changed).toBe(false);
    // a line never asked before is still right (the file is parsed for it)
    expect(cached.lineOf(['models', 0, 'columns', 0])).toBe(5);
    expect(cached.lineOf(['models', 9])).toBeUndefined();
    expect(second.changed).toBe(true);
  });

  it('parses a changed file again', () => {
    const first = new YamlCache({});
    first.parse(TEXT, 'models/schema.yml');
    const edited = TEXT.replace('customers', 'clients');
    expect((reloaded(first).parse(edited, 'models/schema.yml').value as any).models[1].name).toBe('clients');
  });

  it('hands out copies, so a caller changing a value does not change what is saved', () => {
    const cache = new YamlCache({});
    (cache.parse(TEXT, 'a.yml').value as any).models.push('changed');
    expect((cache.used['a.yml'].value as any).models).toHaveLength(2);
  });

  it('does not cache what JSON cannot keep', () => {
    const cache = new YamlCache({});
    expect((cache.parse('x: .inf\n', 'a.yml').value as any).x).toBe(Infinity);
    expect(cache.used).toEqual({});
  });
});
