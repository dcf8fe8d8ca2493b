import { describe, expect, it } from 'vitest';
import { cteName, injectCtes, stripTrailingSemicolons } from '../../../src/compiler/ctes.js';

const ctes: [string, string][] = [
  ['__dops__cte__a', 'select 1 as id'],
  ['__dops__cte__b', 'select * from __dops__cte__a'],
];

describe('cteName', () => {
  it('prefixes the model name', () => {
    expect(cteName('int_orders')).toBe('__dops__cte__int_orders');
  });
});

describe('injectCtes', () => {
  it('returns the SQL unchanged without CTEs', () => {
    expect(injectCtes('  select 1', [])).toBe('  select 1');
  });

  it('adds a WITH to a query without one', () => {
    expect(injectCtes('select * from __dops__cte__b', ctes)).toBe(
      'with __dops__cte__a as (\nselect 1 as id\n),\n__dops__cte__b as (\nselect * from __dops__cte__a\n)\nselect * from __dops__cte__b',
    );
  });

  it('drops leading whitespace before a new WITH', () => {
    expect(injectCtes('\n\n  select 2', [ctes[0]])).toBe('with __dops__cte__a as (\nselect 1 as id\n)\nselect 2');
  });

  it('merges into an existing WITH, in front of its own CTEs', () => {
    expect(injectCtes('with x as (select 1)\nselect * from x', [ctes[0]])).toBe('with __dops__cte__a as (\nselect 1 as id\n),\nx as (select 1)\nselect * from x');
  });

  it('matches WITH case-insensitively and keeps its spelling', () => {
    expect(injectCtes('WITH x AS (select 1) select * from x', [ctes[0]])).toBe('WITH __dops__cte__a as (\nselect 1 as id\n),\nx AS (select 1) select * from x');
  });

  it('finds a WITH after leading line and block comments', () => {
    const sql = '-- orders model\n/* owner: data team\n   with care */\nwith x as (select 1)\nselect * from x';
    expect(injectCtes(sql, [ctes[0]])).toBe('-- orders model\n/* owner: data team\n   with care */\nwith __dops__cte__a as (\nselect 1 as id\n),\nx as (select 1)\nselect * from x');
  });

  it('keeps WITH RECURSIVE together', () => {
    const sql = 'with recursive t(n) as (select 1 union all select n + 1 from t where n < 3)\nselect * from t';
    expect(injectCtes(sql, [ctes[0]])).toBe(
      'with recursive __dops__cte__a as (\nselect 1 as id\n),\nt(n) as (select 1 union all select n + 1 from t where n < 3)\nselect * from t',
    );
  });

  it('does not mistake a word starting with "with" for WITH', () => {
    expect(injectCtes('select 1 as without', [ctes[0]])).toBe('with __dops__cte__a as (\nselect 1 as id\n)\nselect 1 as without');
    expect(injectCtes('withdrawals_view', [ctes[0]]).startsWith('with __dops__cte__a as (')).toBe(true);
  });

  it('adds a new WITH when the query has a WITH only later on', () => {
    expect(injectCtes('select * from (with x as (select 1) select * from x)', [ctes[0]])).toBe(
      'with __dops__cte__a as (\nselect 1 as id\n)\nselect * from (with x as (select 1) select * from x)',
    );
  });
});

describe('stripTrailingSemicolons', () => {
  it('removes trailing semicolons and whitespace', () => {
    expect(stripTrailingSemicolons('select 1;')).toBe('select 1');
    expect(stripTrailingSemicolons('select 1 ;\n ; \n')).toBe('select 1');
  });

  it('keeps semicolons that are not at the end', () => {
    expect(stripTrailingSemicolons("select ';' as s")).toBe("select ';' as s");
    expect(stripTrailingSemicolons('select 1')).toBe('select 1');
  });
});
