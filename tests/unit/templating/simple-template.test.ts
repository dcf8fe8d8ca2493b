import { describe, expect, it } from 'vitest';
import { TemplateEngine, type TemplateContext } from '../../../src/templating/engine.js';
import { parseSimpleTemplate } from '../../../src/templating/simple-template.js';
import { TemplateRelation } from '../../../src/templating/relation.js';

const MACROS = {
  path: 'macros/m.sql',
  contents: `{% macro scaled(column, factor=2) %}({{ column }} * {{ factor }}){% endmacro %}
{% macro show(x) %}[{{ x }}]{% endmacro %}
{% macro upstream() %}{{ ref('base') }}{% endmacro %}`,
};

function context(calls: unknown[][]): TemplateContext {
  return {
    ref: (...args: unknown[]) => {
      calls.push(['ref', ...args]);
      return new TemplateRelation({ schema: 'main', identifier: String(args[args.length - 1]) });
    },
    config: (...args: unknown[]) => {
      calls.push(['config', ...args]);
      return '';
    },
    this: new TemplateRelation({ schema: 'main', identifier: 'me' }),
    nothing: null,
    execute: false,
  };
}

/** Renders with the engine (simple path when it applies) and with nunjucks (a comment forces it). */
function bothWays(template: string): { simple: string; nunjucks: string; simpleCalls: unknown[][]; nunjucksCalls: unknown[][]; compiledByNunjucks: boolean } {
  const engine = new TemplateEngine([MACROS]);
  const simpleCalls: unknown[][] = [];
  const nunjucksCalls: unknown[][] = [];
  const simple = engine.render({ path: 'models/a.sql', contents: template }, context(simpleCalls));
  const nunjucks = engine.render({ path: 'models/b.sql', contents: `${template}{# force nunjucks #}` }, context(nunjucksCalls));
  // nunjucks compiles (and caches) every template it renders; the simple path never does.
  const compiledByNunjucks = (engine as unknown as { cache: Map<string, unknown> }).cache.has('models/a.sql');
  return { simple, nunjucks, simpleCalls, nunjucksCalls, compiledByNunjucks };
}

describe('parseSimpleTemplate', () => {
  it('reads text, calls with literal, keyword and nested call arguments, and names', () => {
    const template = parseSimpleTemplate(`select * from {{ ref('a') }} where x = {{ scaled(col="b", factor=3.5) }} -- {{ this }}`);
    expect(template?.texts).toEqual(['select * from ', ' where x = ', ' -- ', '']);
    expect([...template!.called]).toEqual(['ref', 'scaled']);
    expect([...template!.names]).toEqual(['ref', 'scaled', 'this']);
    expect(parseSimpleTemplate(`{{ f(g(1), true, none, k=h('x')) }}`)?.exprs).toHaveLength(1);
  });

  it('leaves anything else to nunjucks', () => {
    for (const text of [
      `{% if x %}a{% endif %}`,
      `{# note #} select 1`,
      `{{- ref('a') }}`,
      `{{ ref('a') -}}`,
      `{{ ref('a') | upper }}`,
      `{{ ref('a').identifier }}`,
      `{{ 'a' ~ 'b' }}`,
      `{{ ref('it\\'s') }}`,
      `{{ f(k=1, 2) }}`,
      `{{ not x }}`,
      `{{ ref('a')`,
      `{{ }}`,
      `{{ -1 }}`,
      `{{ f(1.0) }}`,
      `{{ f([1, 2) }}`,
      `{{ f({a: 1}) }}`,
    ]) expect(parseSimpleTemplate(text), text).toBeUndefined();
  });
});

describe('rendering simple templates without nunjucks', () => {
  it.each([
    [`select * from {{ ref('orders') }} join {{ ref("pkg", "customers") }} using (id)`],
    [`{{ config(materialized='table', tags=none, enabled=true) }}select {{ scaled('amount') }}, {{ scaled('x', 4) }}, {{ scaled(column='y', factor=0.5) }}`],
    [`select {{ show(ref('a')) }} from {{ upstream() }} -- {{ this }} {{ nothing }}`],
    [`line one\n  {{ ref('a') }}\r\n\t}} not a tag {{ 42 }} {{ True }} {{ none }}`],
    [`no tags at all`],
    // List and dict arguments (and trailing commas) stay on the fast path, e.g. `tags=['layer_5']`.
    [`{{ config(materialized='table', tags=['layer_5', 'x',], meta={'owner': 'me', 'n': [1, {'k': none}]},) }}{{ show([1, 'a']) }} {{ show({}) }}`],
  ])('renders %j exactly as nunjucks does, with the same calls', (template) => {
    const { simple, nunjucks, simpleCalls, nunjucksCalls, compiledByNunjucks } = bothWays(template);
    expect(compiledByNunjucks).toBe(false);
    expect(simple).toBe(nunjucks);
    expect(simpleCalls).toEqual(nunjucksCalls);
  });

  it('lets nunjucks render a template naming something the context lacks (its globals, its errors)', () => {
    expect(bothWays(`{{ ref('a') }} {{ missing }}`).compiledByNunjucks).toBe(true);
    expect(bothWays(`{{ range(2) }}`).compiledByNunjucks).toBe(true);
  });

  it('reports errors raised by a call exactly as nunjucks does', () => {
    const engine = new TemplateEngine([MACROS]);
    const failing = { ...context([]), ref: engine.guard(() => { throw new Error('boom'); }) };
    const render = (contents: string) => {
      try {
        engine.render({ path: 'models/a.sql', contents }, failing);
      } catch (error) {
        return error;
      }
      throw new Error('expected an error');
    };
    const simple = render(`select 1\nfrom {{ ref('a') }}`) as Error & { location?: unknown };
    const nunjucks = render(`select 1\nfrom {{ ref('a') }}{# x #}`) as Error & { location?: unknown };
    expect(simple.message).toBe(nunjucks.message);
    expect(simple.location).toEqual(nunjucks.location);
  });
});
