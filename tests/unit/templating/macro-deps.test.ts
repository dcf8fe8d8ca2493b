import { describe, expect, it } from 'vitest';
import { collectMacros, macroDependencies } from '../../../src/templating/macro-deps.js';

// dbt's `depends_on.macros`: the macros a node calls, directly or through other macros
// (https://docs.getdbt.com/reference/artifacts/manifest-json).
describe('macroDependencies', () => {
  const macros = collectMacros(
    [
      { path: 'macros/a.sql', contents: "{% macro date_trunc(x) %}{{ trunc(x) }}{% endmacro %}\n{% macro trunc(x) %}{{ x }}{% endmacro %}\n{% macro date(x) %}{{ x }}{% endmacro %}" },
      { path: 'macros/b.sql', contents: '{% macro cents(x) %}{{ x }} * 100{% endmacro %}' },
    ],
    'shop',
  );

  it('finds whole-word calls, through other macros, and nothing inside longer words', () => {
    expect(macroDependencies("select {{ date_trunc('day') }}", macros)).toEqual(['macro.shop.date_trunc', 'macro.shop.trunc']);
    expect(macroDependencies('select {{ dbt.date ( d ) }}, {{ cents(1) }}', macros)).toEqual(['macro.shop.cents', 'macro.shop.date']);
    expect(macroDependencies('select my_date(d), date_truncx(d), 1date(d), cents', macros)).toEqual([]);
  });
});
