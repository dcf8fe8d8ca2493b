import { describe, expect, it } from 'vitest';
import { TemplateEngine } from '../../../src/templating/engine.js';

const model = (contents: string) => ({ path: 'models/m.sql', contents });

// https://docs.getdbt.com/docs/build/packages: a package's macros are called as `<package>.<macro>`.
describe('package macros', () => {
  it('registers macros whose names start with an underscore (dbt calls them like any other)', () => {
    const engine = new TemplateEngine([{ path: 'dbt_packages/p/macros/x.sql', contents: '{% macro _helper(x) %}<{{ x }}>{% endmacro %}\n{% macro wrap(x) %}{{ _helper(x) }}{% endmacro %}', package: 'p' }]);
    expect(engine.render(model('{{ p.wrap(1) }} {{ p._helper(2) }}'), {})).toBe('<1> <2>');
  });

  it('two packages defining one macro each keep their own', () => {
    const engine = new TemplateEngine([
      { path: 'dbt_packages/a/macros/m.sql', contents: '{% macro m() %}a{% endmacro %}', package: 'a' },
      { path: 'dbt_packages/b/macros/m.sql', contents: '{% macro m() %}b{% endmacro %}', package: 'b' },
    ]);
    expect(engine.render(model('{{ a.m() }}{{ b.m() }}'), {})).toBe('ab');
  });
});
