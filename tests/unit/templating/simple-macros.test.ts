import { describe, expect, it } from 'vitest';
import { TemplateEngine, type TemplateContext } from '../../../src/templating/engine.js';
import { simpleMacros } from '../../../src/templating/simple-macros.js';
import { TemplateRelation } from '../../../src/templating/relation.js';
import { BUILTIN_TESTS } from '../../../src/templating/builtin-tests.js';

// Macro semantics mirrored: Jinja's macros (https://jinja.palletsprojects.com/en/3.1.x/templates/#macros)
// bind arguments by position then by name, else their defaults; whitespace control
// (https://jinja.palletsprojects.com/en/3.1.x/templates/#whitespace-control) applies to the macro tags.
const MACROS = `{% macro scaled(column, factor=2) %}({{ column }} * {{ factor }}){% endmacro %}
{% macro trimmed(a, b='x') -%}
  [{{ a }}|{{ b }}]
{%- endmacro %}
{% macro flags(on=True, off=False, nothing=None, n=1.5) %}{{ on }} {{ off }} {{ nothing }} {{ n }}{% endmacro %}
{% macro shadow(model) %}<{{ model }}>{% endmacro %}
{% macro rel(model, column_name) %}select {{ column_name }} from {{ model }}{% endmacro %}
`;

/** The same macros made non-simple without changing their output (a comment before each tag). */
const REFERENCE = MACROS.replaceAll('{{ ', '{# ref #}{{ ');

function context(): TemplateContext {
  return { model: 'the_model_var', this: new TemplateRelation({ schema: 'main', identifier: 'me' }) };
}

/** Renders `template` with the simple macros and with their nunjucks-only twins. */
function bothWays(template: string): { fast: string; reference: string } {
  const fast = new TemplateEngine([{ path: 'macros/m.sql', contents: MACROS }]).render({ path: 'models/a.sql', contents: template }, context());
  const reference = new TemplateEngine([{ path: 'macros/m.sql', contents: REFERENCE }]).render({ path: 'models/a.sql', contents: template }, context());
  return { fast, reference };
}

function errorOf(macros: string, template: string): string {
  try {
    new TemplateEngine([{ path: 'macros/m.sql', contents: macros }]).render({ path: 'models/a.sql', contents: template }, context());
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
}

describe('simple macros (called without nunjucks)', () => {
  it('finds the macros whose bodies are text and parameters only', () => {
    expect([...simpleMacros(MACROS).keys()]).toEqual(['scaled', 'trimmed', 'flags', 'shadow', 'rel']);
    expect([...simpleMacros(REFERENCE).keys()]).toEqual([]);
    expect([...simpleMacros(BUILTIN_TESTS.contents).keys()]).toEqual(['test_unique', 'test_not_null', 'test_relationships']);
    // Top-level statements could define names the macros see: such a file has none.
    expect([...simpleMacros(`{% set k = 1 %}${MACROS}`).keys()]).toEqual([]);
    // Calls, filters and names other than the parameters leave a macro to nunjucks.
    expect([...simpleMacros(`{% macro a(x) %}{{ ref(x) }}{% endmacro %}{% macro b(x) %}{{ x | upper }}{% endmacro %}{% macro c(x) %}{{ y }}{% endmacro %}`).keys()]).toEqual([]);
  });

  it.each([
    ["{{ scaled('amount') }}", '(amount * 2)'],
    ["{{ scaled('amount', 3) }}", '(amount * 3)'],
    ["{{ scaled(column='amount', factor=4) }}", '(amount * 4)'],
    ["{{ scaled('amount', factor='k') }}", '(amount * k)'],
    ["a{{ trimmed('p') }}b", 'a[p|x]b'],
    ["{{ trimmed(b='q', a='p') }}", '[p|q]'],
    ['{{ flags() }}', 'True False None 1.5'],
    ['{{ flags(None, 0, False) }}', 'None 0 False 1.5'],
    ["{{ rel(this, 'id') }}", 'select id from "main"."me"'],
  ])('%s renders as nunjucks renders it', (template, expected) => {
    const { fast, reference } = bothWays(template);
    expect(fast).toBe(reference);
    expect(fast).toBe(expected);
  });

  it('renders a parameter given no value as Undefined (empty), as Jinja does, not as the same name in the context', () => {
    const { fast, reference } = bothWays('{{ shadow() }}');
    expect(fast).toBe(reference);
    expect(fast).toBe('<>');
  });

  it("keeps Jinja's errors for extra and repeated arguments", () => {
    const fastError = errorOf(MACROS, "{{ scaled('a', 2, 3) }}");
    expect(fastError).toContain("Macro 'scaled' takes not more than 2 arguments");
    expect(errorOf(MACROS, "{{ scaled('a', nope=1) }}")).toContain("takes no keyword argument 'nope'");
    expect(errorOf(MACROS, "{{ scaled('a', column='b') }}")).toBe(errorOf(REFERENCE, "{{ scaled('a', column='b') }}"));
  });
});
