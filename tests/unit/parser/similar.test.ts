import { describe, expect, it } from 'vitest';
import { closestNames, levenshtein } from '../../../src/parser/similar.js';

describe('levenshtein', () => {
  it('counts edits', () => {
    expect(levenshtein('stg_order', 'stg_orders')).toBe(1);
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('same', 'same')).toBe(0);
  });
});

describe('closestNames', () => {
  const models = ['stg_orders', 'stg_customers', 'orders', 'stg_order_items', 'customers'];

  it('returns close names, closest first', () => {
    expect(closestNames('stg_order', models)).toEqual(['stg_orders']);
    expect(closestNames('stg_ordrs', models)).toEqual(['stg_orders']);
  });

  it('breaks distance ties alphabetically', () => {
    expect(closestNames('ab', ['ac', 'aa', 'ad', 'xyz'])).toEqual(['aa', 'ac', 'ad']);
  });

  it('allows at least 2 edits, or a third of the name length', () => {
    // 'abc' allows 2 edits
    expect(closestNames('abc', ['a', 'ab', 'xyz'])).toEqual(['ab', 'a']);
    // a 12-character name allows 4 edits but not 5
    expect(closestNames('abcdefghijkl', ['abcdefghWXYZ', 'abcdefgVWXYZ'])).toEqual(['abcdefghWXYZ']);
  });

  it('returns at most `max` names (default 3) and dedupes candidates', () => {
    const candidates = ['aa', 'ab', 'ac', 'ad', 'ab'];
    expect(closestNames('a', candidates)).toEqual(['aa', 'ab', 'ac']);
    expect(closestNames('a', candidates, 1)).toEqual(['aa']);
  });

  it('returns nothing when no candidate is close', () => {
    expect(closestNames('payments', models)).toEqual([]);
    expect(closestNames('x', [])).toEqual([]);
  });
});
