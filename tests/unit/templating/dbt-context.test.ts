import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { INVOCATION_ID } from '../../../src/artifacts/write-json.js';
import { CompilationError } from '../../../src/errors.js';
import { parseContext, runtimeContext, type GlobalContext, type ParseCapture, type RelationResolver, type RenderExtras } from '../../../src/templating/context.js';
import { diffOfTwoDicts, pythonJson, RUN_STARTED_AT, TemplateColumn } from '../../../src/templating/dbt-context.js';
import { TemplateEngine } from '../../../src/templating/engine.js';
import { DatabaseReplay, NeedsDatabase } from '../../../src/templating/introspection.js';
import { TemplateRelation } from '../../../src/templating/relation.js';
import { globalContext, thrown } from '../helpers.js';

const self = { schema: 'main', identifier: 'orders' };
const resolver: RelationResolver = {
  ref: (call) => new TemplateRelation({ schema: 'main', identifier: call.name }),
  source: (call) => new TemplateRelation({ schema: call.sourceName, identifier: call.tableName }),
};

function render(contents: string, extras: RenderExtras = {}, global: GlobalContext = globalContext()): string {
  const engine = new TemplateEngine([]);
  return engine.render({ path: 'models/m.sql', contents }, runtimeContext(engine, global, self, {}, resolver, false, extras));
}

function parse(contents: string): string {
  const engine = new TemplateEngine([]);
  const capture: ParseCapture = { refs: [], sources: [], config: {} };
  return engine.render({ path: 'models/m.sql', contents }, parseContext(engine, globalContext(), self, capture));
}

// docs.getdbt.com/reference/dbt-jinja-functions/modules
describe('modules.datetime and pytz', () => {
  it('builds dates and datetimes with strftime and isoformat', () => {
    expect(render("{{ modules.datetime.date(2024, 2, 29).strftime('%Y-%m-%d %A %j') }}")).toBe('2024-02-29 Thursday 060');
    expect(render('{{ modules.datetime.datetime(2021, 3, 4, 5, 6, 7).isoformat() }}')).toBe('2021-03-04T05:06:07');
    expect(render('{{ modules.datetime.datetime(2021, 3, 4, 5, 6, 7) }}')).toBe('2021-03-04 05:06:07');
    expect(render("{{ modules.datetime.datetime.strptime('2020-01-15 10:30', '%Y-%m-%d %H:%M').strftime('%d/%m/%y %I%p') }}")).toBe('15/01/20 10AM');
    expect(render("{{ modules.datetime.date.fromisoformat('2024-01-31').isoformat() }}")).toBe('2024-01-31');
  });

  // docs.python.org/3/library/datetime.html#timedelta-objects (supported operations): dbt-expectations
  // writes `end_date - modules.datetime.timedelta(days=10)`.
  it('applies + and - to dates, datetimes and timedeltas, and orders them', () => {
    expect(render('{{ modules.datetime.date(2024, 3, 1) - modules.datetime.timedelta(days=1) }}')).toBe('2024-02-29');
    expect(render('{{ modules.datetime.timedelta(days=2) + modules.datetime.datetime(2024, 1, 1, 6) }}')).toBe('2024-01-03 06:00:00');
    expect(render('{{ (modules.datetime.date(2024, 3, 1) - modules.datetime.date(2024, 1, 1)).days }}')).toBe('60');
    expect(render('{{ modules.datetime.date(2024, 1, 1) < modules.datetime.date(2024, 1, 2) }}|{{ modules.datetime.timedelta(hours=1) > modules.datetime.timedelta(minutes=90) }}')).toBe('True|False');
    expect(() => render("{{ modules.datetime.date(2024, 1, 1) - 'x' }}")).toThrow(/unsupported operand type\(s\) for -/);
  });

  it('adds timedeltas through __add__ / __sub__ and converts time zones', () => {
    expect(render('{{ modules.datetime.date(2024, 1, 31).__add__(modules.datetime.timedelta(days=1)) }}')).toBe('2024-02-01');
    expect(render('{{ modules.datetime.datetime(2024, 1, 1).__sub__(modules.datetime.timedelta(hours=1)) }}')).toBe('2023-12-31 23:00:00');
    expect(render('{{ modules.datetime.timedelta(days=1, hours=2).total_seconds() }}')).toBe('93600.0');
    const utc = "modules.datetime.datetime(2024, 7, 1, 12, 0, 0, 0, modules.pytz.utc)";
    expect(render(`{{ ${utc}.astimezone(modules.pytz.timezone('America/New_York')).isoformat() }}`)).toBe('2024-07-01T08:00:00-04:00');
    expect(render(`{{ ${utc}.astimezone(modules.pytz.timezone('Europe/Paris')).strftime('%H:%M %z') }}`)).toBe('14:00 +0200');
  });
});

// docs.getdbt.com/reference/dbt-jinja-functions/run_started_at
describe('run_started_at and invocation_id', () => {
  it('is a UTC datetime with strftime, isoformat and astimezone', () => {
    const year = String(RUN_STARTED_AT.getUTCFullYear());
    expect(render("{{ run_started_at.strftime('%Y') }}")).toBe(year);
    expect(render('{{ run_started_at.isoformat() }}')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/);
    expect(render("{{ run_started_at.astimezone(modules.pytz.timezone('Asia/Tokyo')).utcoffset().total_seconds() }}")).toBe('32400.0');
  });

  // docs.getdbt.com/reference/dbt-jinja-functions/invocation_id
  it('gives the invocation id written to the artifacts', () => {
    expect(render('{{ invocation_id }}')).toBe(INVOCATION_ID);
    expect(INVOCATION_ID).toMatch(/^[0-9a-f-]{36}$/);
  });
});

// docs.getdbt.com/reference/dbt-jinja-functions/modules#re, python docs re
describe('modules.re and modules.itertools', () => {
  it('matches, searches, substitutes and finds all', () => {
    expect(render("{{ modules.re.match('(\\\\w+)_(\\\\d+)', 'orders_2024').group(2) }}")).toBe('2024');
    expect(render("{{ modules.re.match('\\\\d+', 'x1') is none }}")).toBe('True');
    expect(render("{{ modules.re.search('\\\\d+', 'x12y').group() }}")).toBe('12');
    expect(render("{{ modules.re.sub('(?P<word>[a-z]+)', '<\\\\g<word>>', 'ab 12 cd') }}")).toBe('<ab> 12 <cd>');
    expect(render("{{ modules.re.findall('[0-9]', 'a1b2') | join(',') }}")).toBe('1,2');
    expect(render("{{ modules.re.compile('^A', modules.re.IGNORECASE).search('abc').group() }}")).toBe('a');
  });

  it('chains, multiplies and combines lists', () => {
    expect(render("{{ modules.itertools.chain([1, 2], [3]) | join(',') }}")).toBe('1,2,3');
    expect(render("{% for a, b in modules.itertools.product(['x', 'y'], [1, 2]) %}{{ a }}{{ b }} {% endfor %}")).toBe('x1 x2 y1 y2 ');
    expect(render("{% for c in modules.itertools.combinations(['a', 'b', 'c'], 2) %}{{ c | join('') }} {% endfor %}")).toBe('ab ac bc ');
  });
});

// docs.getdbt.com/reference/dbt-jinja-functions/tojson, fromjson, toyaml, fromyaml, local_md5, zip, set, diff_of_two_dicts
describe('helper functions', () => {
  it('tojson writes Python json.dumps spacing; fromjson reads it back', () => {
    expect(render("{{ tojson({'a': 1, 'b': [1, 2], 'c': none}) }}")).toBe('{"a": 1, "b": [1, 2], "c": null}');
    expect(render("{{ fromjson('{\"x\": [1, 2]}').x[1] }}")).toBe('2');
    expect(render("{{ fromjson('not json', 'fallback') }}")).toBe('fallback');
    expect(pythonJson({ b: 1, a: true }, undefined, true)).toBe('{"a": true, "b": 1}');
  });

  it('toyaml writes block YAML; fromyaml reads it', () => {
    expect(render("{{ toyaml({'a': 1, 'b': ['x']}) }}")).toBe('a: 1\nb:\n  - x\n');
    expect(render("{{ fromyaml('a: [1, 2]').a[1] }}")).toBe('2');
  });

  it('local_md5 hashes text', () => {
    expect(render("{{ local_md5('hello') }}")).toBe(createHash('md5').update('hello').digest('hex'));
  });

  it('zip pairs lists; set removes duplicates', () => {
    expect(render("{% for a, b in zip([1, 2, 3], ['a', 'b']) %}{{ a }}{{ b }} {% endfor %}")).toBe('1a 2b ');
    expect(render("{{ set([1, 2, 2, 3]) | join(',') }}")).toBe('1,2,3');
    expect(render('{{ set(none, default=[]) | length }}')).toBe('0');
  });

  it('diff_of_two_dicts keeps the values dict_b lacks', () => {
    expect(diffOfTwoDicts({ key_1: ['value_1', 'value_2'], key_2: ['value_3'] }, { key_1: ['value_1'], key_2: ['value_4'] })).toEqual({ key_1: ['value_2'], key_2: ['value_3'] });
  });
});

// docs.getdbt.com/reference/dbt-jinja-functions/exceptions, log, print
describe('exceptions, log and print', () => {
  it('raise_compiler_error stops with the message and the template line', () => {
    const error = thrown(() => render("select 1\n{{ exceptions.raise_compiler_error('Bad value: ' ~ 7) }}"));
    expect(error).toBeInstanceOf(CompilationError);
    expect(error.message).toBe('Bad value: 7');
    expect(error.location).toMatchObject({ file: 'models/m.sql', line: 2 });
  });

  it('warn and log(info=True) go to the output; log without info and print do not', () => {
    const said: string[] = [];
    const output = { info: (text: string) => said.push(`info:${text}`), warn: (text: string) => said.push(`warn:${text}`) };
    expect(render("{{ exceptions.warn('careful') }}{{ log('quiet') }}{{ log('loud', info=True) }}{{ print('hi') }}x", { output })).toBe('x');
    // print() writes to stdout itself (reporter/print.ts: kept under -q, silenced by --no-print), not through output.
    expect(said).toEqual(['warn:careful', 'info:loud']);
  });

  it('raise_not_implemented names what is missing', () => {
    expect(thrown(() => render("{{ exceptions.raise_not_implemented('no way') }}")).message).toBe('Not implemented: no way');
  });
});

// docs.getdbt.com/reference/dbt-jinja-functions/flags, target, builtins, graph, model, selected_resources, execute
describe('invocation values', () => {
  it('flags, target, builtins, model, graph and selected_resources', () => {
    expect(render('{{ flags.FULL_REFRESH }} {{ flags.WHICH }}', { flags: { FULL_REFRESH: true, WHICH: 'build' } })).toBe('True build');
    expect(render('{{ target.type }} {{ target.name }} {{ target.database }}')).toMatch(/^duckdb \w+ \w+$/);
    expect(render("{{ builtins.ref('a') }}")).toBe('"main"."a"');
    expect(render('{{ model.name }}|{{ graph.nodes["model.p.a"].name }}|{{ selected_resources | join(",") }}', {
      node: { name: 'orders' },
      graph: () => ({ nodes: { 'model.p.a': { name: 'a' } } }),
      selectedResources: ['model.p.a', 'model.p.b'],
    })).toBe('orders|a|model.p.a,model.p.b');
  });

  it('parse renders with execute false: run_query returns None and introspection is quiet', () => {
    expect(parse("{{ execute }}|{{ run_query('select 1') is none }}|{{ adapter.get_relation(none, 'main', 'x') is none }}|{{ load_result('x') is none }}")).toBe('False|True|True|True');
  });
});

// docs.getdbt.com/reference/dbt-jinja-functions/run_query, statement-blocks; agate Table
describe('queries at run time', () => {
  it('stops a render at a query it has no answer for, and answers it once recorded', () => {
    const database = new DatabaseReplay();
    const template = "{% set t = run_query('select 1 as a, 2 as b') %}{{ t.column_names | join(',') }}:{{ t.rows[0][1] }}:{{ t.rows[0]['a'] }}:{{ t.columns['b'].values() | join('') }}";
    const error = thrown(() => render(template, { database }));
    expect(error).toBeInstanceOf(NeedsDatabase);
    database.record((error as NeedsDatabase).sql, { columnNames: ['a', 'b'], rows: [[1, 2]] });
    database.startPass();
    expect(render(template, { database })).toBe('a,b:2:1:2');
  });

  it('statement stores results that load_result returns; print_table lays out the table', () => {
    const database = new DatabaseReplay();
    database.record('select 7 as n', { columnNames: ['n'], rows: [[7]] });
    const said: string[] = [];
    const output = { info: (text: string) => said.push(text), warn: () => undefined };
    const template = "{% call statement('s', fetch_result=True) %}select 7 as n{% endcall %}{{ load_result('s')['data'][0][0] }}{{ load_result('s').table.print_table() }}";
    expect(render(template, { database, output })).toBe('7');
    expect(said).toEqual(['| n |\n| - |\n| 7 |']);
  });

  it('without a database, a run-time query is an error saying so', () => {
    expect(thrown(() => render("{{ run_query('select 1') }}")).message).toContain('queries the database at compile time');
  });
});

// docs.getdbt.com/reference/dbt-classes#relation, #column
describe('api.Relation, api.Column and this', () => {
  it('creates relations and incorporates new names', () => {
    expect(render("{{ api.Relation.create(schema='s', identifier='t', type='view').is_view }}|{{ api.Relation.create(schema='s', identifier='t') }}")).toBe('True|"s"."t"');
    expect(render("{{ this.incorporate(path={'identifier': 'orders__tmp'}) }}|{{ this.incorporate(type='table').type }}")).toBe('"main"."orders__tmp"|table');
  });

  it('translates and describes column types', () => {
    expect(render("{{ api.Column.translate_type('string') }}|{{ api.Column.numeric_type('numeric', 12, 2) }}|{{ api.Column.string_type(10) }}")).toBe('TEXT|numeric(12,2)|character varying(10)');
    expect(render("{% set c = api.Column.create('amount', 'decimal') %}{{ c.name }} {{ c.is_numeric() }} {{ c.is_string() }} {{ c.quoted }}")).toBe('amount True False "amount"');
  });

  // dbt-adapters' base Column (dbt/adapters/base/column.py), which dbt-duckdb uses: an unsized
  // string's data_type is `character varying(256)`; dbt-postgres' PostgresColumn keeps `text` and
  // an unsized `character varying`. Only the exact string type names count as strings.
  it('describes string columns as the adapter\'s Column class does', () => {
    const duckdb = (dtype: string, size: number | null = null) => new TemplateColumn('c', dtype, size, null, null, true).data_type;
    const postgres = (dtype: string, size: number | null = null) => new TemplateColumn('c', dtype, size).data_type;
    expect([duckdb('VARCHAR'), duckdb('VARCHAR[]'), duckdb('STRUCT(a VARCHAR)'), duckdb('INTEGER'), duckdb('DECIMAL(18,3)')]).toEqual(['character varying(256)', 'VARCHAR[]', 'STRUCT(a VARCHAR)', 'INTEGER', 'DECIMAL(18,3)']);
    expect([postgres('text'), postgres('character varying'), postgres('character varying', 20), postgres('numeric', null)]).toEqual(['text', 'character varying', 'character varying(20)', 'numeric']);
    expect(render("{{ api.Column.translate_type('integer') }}|{{ api.Column.translate_type('timestamp') }}|{{ api.Column.translate_type('STRING') }}")).toBe('integer|timestamp|TEXT');
  });

  it('quotes identifiers and names the adapter type', () => {
    expect(render("{{ adapter.quote('my col') }}|{{ adapter.type() }}")).toBe('"my col"|duckdb');
  });
});

// A render may catch the NeedsDatabase a query throws (the simple-template fast path used to, then
// rendered again with nunjucks): the replay must still record that first missing answer next, or the
// compiler re-renders forever (dbt-utils' integration tests hung on it).
describe('DatabaseReplay when a render catches its NeedsDatabase', () => {
  it('asks again for the first missed query, so every pass makes progress', () => {
    const replay = new DatabaseReplay();
    replay.startPass();
    expect(() => replay.query('select 1')).toThrow(NeedsDatabase);
    const again = thrown(() => replay.query('select 2'));
    expect((again as NeedsDatabase).sql).toBe('select 1');
    expect(replay.pending).toBe('select 1');
    replay.record('select 1', { columnNames: ['x'], rows: [[1]] });
    replay.startPass();
    expect(replay.query('select 1').rows).toEqual([[1]]);
    expect(replay.pending).toBeUndefined();
  });

  it('stops a render whose queries never settle after MAX_QUERIES passes', () => {
    const replay = new DatabaseReplay();
    const message = thrown(() => {
      for (let pass = 0; ; pass++) {
        replay.startPass();
        try {
          replay.query(`select ${pass}`);
        } catch (error) {
          replay.record((error as NeedsDatabase).sql, { columnNames: [], rows: [] });
          replay.startPass();
          replay.query(`select ${pass}`);
        }
      }
    }).message;
    expect(message).toMatch(/without its database queries settling|more than 1000 queries/);
  });
});

// docs.getdbt.com/reference/dbt-jinja-functions/set: set() returns a Python set, which compares
// equal to another set with the same items in any order (dbt_utils.equality relies on it).
describe('set()', () => {
  it('compares sets regardless of order and renders them as Python does', () => {
    expect(render("{{ set(['a', 'b', 'a']) == set(['b', 'a']) }}|{{ set(['a']) != set(['b']) }}|{{ set(['a', 'a']) }}|{{ set([]) }}|{{ set(['a']) | length }}")).toBe("True|True|{'a'}|set()|1");
  });
});

// agate's MappedSequence (table.columns, rows): keys(), items(), get() as dbt_utils.get_query_results_as_dict uses them.
describe('agate tables as mappings', () => {
  it('gives columns.items(), keys() and get()', () => {
    const database = new DatabaseReplay();
    database.record('select 1 as a, 2 as b', { columnNames: ['a', 'b'], rows: [[1, 2], [3, 4]] });
    const template = "{% set t = run_query('select 1 as a, 2 as b') %}{% for name, col in t.columns.items() %}{{ name }}={{ col.values() }};{% endfor %}{{ t.columns.keys() }}|{{ t.rows[1].get('b') }}|{{ t.rows[0].get('z', 'none') }}";
    expect(render(template, { database })).toBe("a=[1, 3];b=[2, 4];['a', 'b']|4|none");
  });
});

// docs.python.org/3/library/re.html#regular-expression-syntax: `(?aiLmsux)` at the start sets flags
// for the whole pattern (dbt-codegen's generate_model_import_ctes writes `(?i)(?s)...`).
describe('modules.re inline flags', () => {
  it('reads leading (?i)(?s) groups as flags', () => {
    expect(render("{{ modules.re.search('(?i)(?s)^.*WITH\\\\s', 'a\\nwith x') is not none }}")).toBe('True');
    expect(render("{{ modules.re.compile('(?im)^b').findall('a\\nB') }}|{{ modules.re.compile('(?i)x').flags }}")).toBe("['B']|2");
  });
});

describe('modules.re braces', () => {
  it('reads a { that starts no quantifier as text, as Python does', () => {
    expect(render("{{ modules.re.sub('({{\\\\s*ref)', 'R', 'from {{ ref(x) }}') }}|{{ modules.re.findall('a{2}', 'aaa') }}")).toBe("from R(x) }}|['aa']");
  });
});
