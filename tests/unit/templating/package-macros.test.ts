import { describe, expect, it } from 'vitest';
import { TemplateEngine } from '../../../src/templating/engine.js';

const model = (contents: string) => ({ path: 'models/m.sql', contents });

// https://docs.getdbt.com/reference/dbt-jinja-functions/dispatch#managing-different-global-overrides-across-packages
// and https://docs.getdbt.com/docs/build/packages: a package's macros are callable bare and as `<package>.<macro>`.
describe('package macros', () => {
  it('calls package macros bare and namespaced; the root project wins a bare name, a macro in the same file wins inside it', () => {
    const engine = new TemplateEngine([
      { path: 'macros/root.sql', contents: '{% macro shout(x) %}root-{{ x }}{% endmacro %}' },
      { path: 'dbt_packages/p/macros/p.sql', contents: '{% macro shout(x) %}pkg-{{ x }}{% endmacro %}{% macro only_pkg() %}{{ shout("in") }}{% endmacro %}', package: 'p' },
    ]);
    expect(engine.render(model('{{ shout(1) }} {{ p.shout(2) }} {{ p.only_pkg() }} {{ only_pkg() }}'), {})).toBe('root-1 pkg-2 pkg-in pkg-in');
  });

  it('registers macros whose names start with an underscore (dbt calls them like any other)', () => {
    const engine = new TemplateEngine([{ path: 'dbt_packages/p/macros/x.sql', contents: '{% macro _helper(x) %}<{{ x }}>{% endmacro %}\n{% macro wrap(x) %}{{ _helper(x) }}{% endmacro %}', package: 'p' }]);
    expect(engine.render(model('{{ wrap(1) }} {{ p._helper(2) }} {{ _helper(3) }}'), {})).toBe('<1> <2> <3>');
  });

  it('two packages defining one macro: the first package wins the bare name, each keeps its own namespaced one', () => {
    const engine = new TemplateEngine([
      { path: 'dbt_packages/a/macros/m.sql', contents: '{% macro m() %}a{% endmacro %}', package: 'a' },
      { path: 'dbt_packages/b/macros/m.sql', contents: '{% macro m() %}b{% endmacro %}', package: 'b' },
    ]);
    expect(engine.render(model('{{ m() }}{{ a.m() }}{{ b.m() }}'), {})).toBe('aab');
  });
});
