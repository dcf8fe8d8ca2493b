import { describe, expect, it } from 'vitest';
import { CompilationError } from '../../../src/errors.js';
import { builtinMacroSources } from '../../../src/templating/builtin-macros.js';
import { runtimeContext, type GlobalContext, type RelationResolver } from '../../../src/templating/context.js';
import { TemplateEngine, type TemplateSource } from '../../../src/templating/engine.js';
import { TemplateRelation } from '../../../src/templating/relation.js';
import { globalContext, thrown } from '../helpers.js';

const self = { schema: 'main', identifier: 'orders' };
const resolver: RelationResolver = {
  ref: (call) => new TemplateRelation({ schema: 'main', identifier: call.name }),
  source: (call) => new TemplateRelation({ schema: call.sourceName, identifier: call.tableName }),
};

/** Renders a model against dbt's built-in macros plus `macros` (root project) and `packages`. */
function render(contents: string, options: { macros?: TemplateSource[]; type?: string; global?: Partial<GlobalContext> } = {}): string {
  const engine = new TemplateEngine([...builtinMacroSources(), ...(options.macros ?? [])]);
  const base = globalContext();
  const global: GlobalContext = { ...base, target: { ...base.target, type: (options.type ?? 'duckdb') as 'duckdb' }, ...options.global };
  return engine.render({ path: 'models/m.sql', contents }, runtimeContext(engine, global, self, {}, resolver));
}

// docs.getdbt.com/reference/dbt-jinja-functions/cross-database-macros
describe("dbt's cross-database macros", () => {
  it('date_trunc renders date_trunc(datepart, date), as dbt.x and unprefixed', () => {
    expect(render("{{ dbt.date_trunc('month', 'created_at') }}")).toBe("date_trunc('month', created_at)");
    expect(render("{{ date_trunc('day', 'x') }}")).toBe("date_trunc('day', x)");
  });

  it('dateadd: DuckDB multiplies an interval; PostgreSQL adds interval arithmetic', () => {
    expect(render("{{ dbt.dateadd('day', 1, 'd') }}")).toBe('(d + cast(1 as bigint) * interval 1 day)');
    expect(render("{{ dbt.dateadd('quarter', 2, 'd') }}")).toBe('(d + (cast(2 as bigint) * 3) * interval 1 month)');
    expect(render("{{ dbt.dateadd('day', 1, 'd') }}", { type: 'postgres' })).toBe("d + ((interval '1 day') * (1))");
  });

  it('datediff on DuckDB uses date_diff over timestamps', () => {
    expect(render("{{ dbt.datediff('a', 'b', 'day') }}")).toBe("(date_diff('day', a::timestamp, b::timestamp))");
    expect(render("{{ dbt.datediff('a', 'b', 'day') }}", { type: 'postgres' })).toBe('((b)::date - (a)::date)');
  });

  it('type macros name the adapter types through api.Column.translate_type', () => {
    expect(render('{{ dbt.type_string() }}|{{ dbt.type_int() }}|{{ dbt.type_bigint() }}|{{ dbt.type_float() }}|{{ dbt.type_numeric() }}|{{ dbt.type_timestamp() }}|{{ dbt.type_boolean() }}')).toBe(
      'TEXT|integer|bigint|float|numeric(28,6)|timestamp|boolean',
    );
  });

  it('string and aggregate helpers', () => {
    expect(render("{{ dbt.concat(['a', \"'-'\", 'b']) }}")).toBe("a || '-' || b");
    expect(render("{{ dbt.hash('id') }}")).toBe('md5(cast(id as TEXT))');
    expect(render("{{ dbt.safe_cast('x', dbt.type_int()) }}")).toBe('try_cast(x as integer)');
    expect(render("{{ dbt.safe_cast('x', 'int') }}", { type: 'postgres' })).toBe('cast(x as int)');
    expect(render("{{ dbt.split_part('s', \"','\", 2) }}")).toBe("string_split(s, ',')[ 2 ]");
    expect(render("{{ dbt.any_value('x') }}|{{ dbt.any_value('x') }}")).toBe('arbitrary(x)|arbitrary(x)');
    expect(render("{{ dbt.any_value('x') }}", { type: 'postgres' })).toBe('min(x)');
    expect(render("{{ dbt.bool_or('b') }}")).toBe('bool_or(b)');
    expect(render("{{ dbt.listagg('name', \"', '\", 'order by name') }}")).toBe("string_agg(name, ', ' order by name)");
    expect(render("{{ dbt.string_literal('x') }}|{{ dbt.escape_single_quotes(\"it's\") }}")).toBe("'x'|it''s");
    expect(render("{{ dbt.length('s') }}|{{ dbt.position(\"'a'\", 's') }}|{{ dbt.right('s', 2) }}|{{ dbt.replace('s', \"'a'\", \"'b'\") }}")).toBe(
      "length(s)|position('a' in s)|right(s, 2)|replace(s, 'a', 'b')",
    );
    expect(render('{{ dbt.except() }} {{ dbt.intersect() }} {{ dbt.current_timestamp() }}')).toBe('except intersect now()');
    expect(render("{{ dbt.array_construct(['1', '2']) }}|{{ dbt.array_append('a', 3) }}|{{ dbt.array_concat('a', 'b') }}")).toBe('[ 1 , 2 ]|array_append(a, 3)|array_cat(a, b)');
    expect(render("{{ dbt.cast_bool_to_text('flag') }}")).toBe('cast(flag as TEXT)');
  });

  it('last_day is a day before the next period starts', () => {
    expect(render("{{ dbt.last_day('d', 'month') }}")).toBe(
      "cast(((date_trunc('month', d) + cast(1 as bigint) * interval 1 month) + cast(-1 as bigint) * interval 1 day) as date)",
    );
  });
});

// docs.getdbt.com/reference/dbt-jinja-functions/dispatch
describe('adapter.dispatch', () => {
  const macros = (contents: string): TemplateSource[] => [{ path: 'macros/m.sql', contents }];

  it('finds <adapter>__ before default__ in the root project', () => {
    const project = macros("{% macro cents(c) %}{{ adapter.dispatch('cents')(c) }}{% endmacro %}{% macro default__cents(c) %}{{ c }}*100{% endmacro %}{% macro duckdb__cents(c) %}{{ c }}*100::int{% endmacro %}");
    expect(render("{{ cents('x') }}", { macros: project })).toBe('x*100::int');
    expect(render("{{ cents('x') }}", { macros: project, type: 'postgres' })).toBe('x*100');
  });

  it("lets the root project override dbt's implementations and dbt's macros", () => {
    const project = macros("{% macro duckdb__date_trunc(p, d) %}my_trunc({{ d }}){% endmacro %}{% macro length(e) %}char_length({{ e }}){% endmacro %}");
    expect(render("{{ dbt.date_trunc('day', 'x') }}", { macros: project })).toBe('my_trunc(x)');
    expect(render("{{ length('x') }}|{{ dbt.length('x') }}", { macros: project })).toBe('char_length(x)|length(x)');
  });

  it("follows the project's dispatch search order for a package namespace", () => {
    const pkg: TemplateSource = { path: 'dbt_packages/util/macros/u.sql', package: 'util', contents: "{% macro shout(x) %}{{ adapter.dispatch('shout', 'util')(x) }}{% endmacro %}{% macro default__shout(x) %}upper({{ x }}){% endmacro %}" };
    const project = macros('{% macro default__shout(x) %}lower({{ x }}){% endmacro %}');
    // without config: root project first, then the package
    expect(render("{{ util.shout('a') }}", { macros: [pkg, ...project] })).toBe('lower(a)');
    expect(render("{{ util.shout('a') }}", { macros: [pkg, ...project], global: { dispatch: [{ macro_namespace: 'util', search_order: ['util'] }] } })).toBe('upper(a)');
  });

  it("takes each engine's implementations from its adapter folder, and they call dbt's own macros, not a project's namesake", () => {
    // dbt-duckdb and dbt-postgres ship their `<adapter>__` macros in their own package; dops keeps them in src/adapter/<type>/macros/.
    const paths = builtinMacroSources().map((source) => source.path);
    expect(paths).toEqual(expect.arrayContaining(['<dbt>/dates.sql', '<dbt>/duckdb/dates.sql', '<dbt>/postgres/dates.sql', '<dbt>/postgres/cross_database.sql']));
    const postgres = builtinMacroSources().filter((source) => source.path.startsWith('<dbt>/postgres/'));
    expect(postgres.every((source) => [...source.contents.matchAll(/macro (\w+)\(/g)].every((match) => match[1].startsWith('postgres__')))).toBe(true);
    const project = macros("{% macro datediff(a, b, p) %}OVERRIDE{% endmacro %}");
    expect(render("{{ dbt.datediff('a', 'b', 'month') }}", { macros: project, type: 'postgres' })).toBe("((date_part('year', (b)::date) - date_part('year', (a)::date)) * 12 + date_part('month', (b)::date) - date_part('month', (a)::date))");
    expect(render("{{ dbt.datediff('a', 'b', 'week') }}", { macros: project })).toContain("(date_diff('day', a::timestamp, b::timestamp)) // 7");
    // every engine's implementations are loaded whatever the target, as dbt.<type>__x calls expect
    expect(render("{{ dbt.postgres__any_value('x') }}")).toBe('min(x)');
  });

  it('names every macro it tried when none exists', () => {
    const error = thrown(() => render("{{ adapter.dispatch('nothing', 'dbt')() }}"));
    expect(error).toBeInstanceOf(CompilationError);
    expect(error.message).toContain("No macro named 'nothing' found within namespace: 'dbt'");
    expect(error.message).toContain("'duckdb__nothing', 'default__nothing'");
  });
});

describe('package namespaces', () => {
  it("keeps a package's macros under its name, unprefixed only inside the package", () => {
    const pkg: TemplateSource = { path: 'dbt_packages/util/macros/u.sql', package: 'util', contents: '{% macro inner() %}in{% endmacro %}{% macro outer() %}[{{ inner() }}]{% endmacro %}' };
    expect(render('{{ util.outer() }}', { macros: [pkg] })).toBe('[in]');
    expect(render('{{ proj.mine() }}', { macros: [{ path: 'macros/a.sql', contents: '{% macro mine() %}m{% endmacro %}' }], global: { projectName: 'proj' } })).toBe('m');
    expect(thrown(() => render('{{ outer() }}', { macros: [pkg] })).message).toMatch(/outer|undefined|not a function/i);
  });
});
