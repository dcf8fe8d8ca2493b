import { describe, expect, it } from 'vitest';
import { collectMacros, macroDependencies } from '../../../src/templating/macro-deps.js';
import { hasTestBlocks, testBlocksToMacros } from '../../../src/templating/test-blocks.js';

describe('custom generic test blocks', () => {
  it('become macros named test_<name>, on the same lines', () => {
    const source = '{% test positive(model, column_name) %}\nselect 1\n{% endtest %}\n{%- test other(model) -%}x{%- endtest -%}';
    expect(hasTestBlocks(source)).toBe(true);
    expect(hasTestBlocks('{% macro test_x() %}{% endmacro %}')).toBe(false);
    const rewritten = testBlocksToMacros(source);
    expect(rewritten).toBe('{% macro test_positive(model, column_name) %}\nselect 1\n{% endmacro %}\n{%- macro test_other(model) -%}x{%- endmacro -%}');
    expect(rewritten.split('\n')).toHaveLength(source.split('\n').length);
  });
});

describe('macro dependencies', () => {
  const macros = collectMacros(
    [
      { path: '<builtin>', contents: '{% macro test_unique(model, column_name) %}u{% endmacro %}' },
      { path: 'macros/m.sql', contents: "{% macro a() %}{{ b(1) }}{% endmacro %}\n{% macro b(x) %}{{ c() }}{% endmacro %}\n{% macro c() %}1{% endmacro %}\n{% macro lonely() %}{% endmacro %}" },
      { path: 'tests/generic/g.sql', contents: '{% test g(model) %}{{ c() }}{% endtest %}' },
    ],
    'shop',
  );

  it('lists one entry per block with its own checksum', () => {
    expect(macros.map((m) => m.uniqueId)).toEqual(['macro.dops.test_unique', 'macro.shop.a', 'macro.shop.b', 'macro.shop.c', 'macro.shop.lonely', 'macro.shop.test_g']);
    expect(new Set(macros.map((m) => m.checksum)).size).toBe(macros.length);
  });

  it('follows calls through other macros, and test blocks', () => {
    expect(macroDependencies('select {{ a() }}', macros)).toEqual(['macro.shop.a', 'macro.shop.b', 'macro.shop.c']);
    expect(macroDependencies('{{ test_g(model=x) }}', macros)).toEqual(['macro.shop.c', 'macro.shop.test_g']);
    expect(macroDependencies('select a from t -- lonely', macros)).toEqual([]);
  });
});
