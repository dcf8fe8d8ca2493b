/**
 * Repeated seed header columns: dbt loads them with the repeat renamed (agate's duplicate-column
 * warning); dops warns (https://docs.getdbt.com/docs/build/seeds).
 */
import { describe, expect, it } from 'vitest';
import { repeatedHeaderColumns } from '../../../src/materializations/seed-check.js';

describe('repeatedHeaderColumns', () => {
  it('finds names written twice, case-insensitively, each once', () => {
    expect(repeatedHeaderColumns('id,ID,b,b,b\n1,2,3,4,5\n')).toEqual(['id', 'b']);
  });
  it('reads only the header, with the seed delimiter and quotes', () => {
    expect(repeatedHeaderColumns('"a;b";c;c\n1;2;3\n', ';')).toEqual(['c']);
    expect(repeatedHeaderColumns('a,b\n1,1\n')).toEqual([]);
  });
  it('an unreadable header is left to the loader', () => {
    expect(repeatedHeaderColumns('"a,b\n')).toEqual([]);
    expect(repeatedHeaderColumns('')).toEqual([]);
  });
});
