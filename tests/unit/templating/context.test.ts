import { describe, expect, it } from 'vitest';
import { CompilationError, DependencyNotFoundError } from '../../../src/errors.js';
import { parseContext, refCall, runtimeContext, sourceCall, type ParseCapture, type RelationResolver } from '../../../src/templating/context.js';
import { TemplateEngine } from '../../../src/templating/engine.js';
import { TemplateRelation } from '../../../src/templating/relation.js';
import { globalContext, thrown } from '../helpers.js';

const self = { schema: 'main', identifier: 'orders' };
const file = (contents: string) => ({ path: 'models/orders.sql', contents });

function parse(contents: string, vars: Record<string, unknown> = {}): { sql: string; capture: ParseCapture } {
  const engine = new TemplateEngine([]);
  const capture: ParseCapture = { refs: [], sources: [], config: {} };
  const sql = engine.render(file(contents), parseContext(engine, globalContext(vars), self, capture));
  return { sql, capture };
}

describe('refCall / sourceCall', () => {
  // https://docs.getdbt.com/reference/dbt-jinja-functions/ref#versioned-ref
  it('reads one- and two-argument refs, with v= or version= pinning a version', () => {
    expect(refCall(['orders'])).toEqual({ name: 'orders' });
    expect(refCall(['shop', 'orders'])).toEqual({ package: 'shop', name: 'orders' });
    expect(refCall(['orders', { __keywords: true, v: 2 }])).toEqual({ name: 'orders', version: '2' });
    expect(refCall(['shop', 'orders', { __keywords: true, version: 1 }])).toEqual({ package: 'shop', name: 'orders', version: '1' });
  });

  it.each([
    [[], 'ref()'],
    [[1], 'ref(1)'],
    [['a', 'b', 'c'], 'ref("a", "b", "c")'],
    [['a', 2], 'ref("a", 2)'],
  ])('rejects ref args %j', (args, shown) => {
    const error = thrown(() => refCall(args));
    expect(error).toBeInstanceOf(CompilationError);
    expect(error.message).toBe(`ref() takes a model name, or a package and a model name; got ${shown}`);
  });

  it('reads source(source, table)', () => {
    expect(sourceCall(['raw', 'orders'])).toEqual({ sourceName: 'raw', tableName: 'orders' });
  });

  it.each([
    [['raw'], 'source("raw")'],
    [['raw', 'a', 'b'], 'source("raw", "a", "b")'],
    [['raw', null], 'source("raw", null)'],
  ])('rejects source args %j', (args, shown) => {
    const error = thrown(() => sourceCall(args));
    expect(error).toBeInstanceOf(CompilationError);
    expect(error.message).toBe(`source() takes a source name and a table name; got ${shown}`);
  });
});

describe('parseContext', () => {
  it('records refs and sources and renders placeholders for them', () => {
    const { sql, capture } = parse(`select * from {{ ref('stg_orders') }} join {{ ref('shop', 'customers') }} join {{ source('raw', 'payments') }}`);
    expect(capture.refs).toEqual([{ name: 'stg_orders' }, { package: 'shop', name: 'customers' }]);
    expect(capture.sources).toEqual([{ sourceName: 'raw', tableName: 'payments' }]);
    expect(sql).toBe('select * from "main"."stg_orders" join "main"."customers" join "raw"."payments"');
  });

  it('records config() keyword arguments, a positional mapping, and later calls win', () => {
    const { sql, capture } = parse(`{{ config(materialized='table', tags=['a']) }}{{ config({'schema': 'marts'}) }}{{ config(materialized='view') }}select 1`);
    expect(sql).toBe('select 1');
    expect(capture.config).toEqual({ materialized: 'view', tags: ['a'], schema: 'marts' });
  });

  it('lets config.get read what config() set, with a default', () => {
    const { sql } = parse(`{{ config(materialized='table') }}{{ config.get('materialized') }}/{{ config.get('alias', 'none') }}`);
    expect(sql).toBe('table/none');
  });

  it('gives var() the project value, then the default', () => {
    expect(parse(`{{ var('start') }}|{{ var('missing', 'dflt') }}|{{ var('zero', 5) }}`, { start: '2001-01-01', zero: 0 }).sql).toBe('2001-01-01|dflt|0');
  });

  it('raises CompilationError naming a missing var, at its line', () => {
    const error = thrown(() => parse(`select 1\nwhere d > '{{ var('start_date') }}'`));
    expect(error).toBeInstanceOf(CompilationError);
    expect(error.message).toBe("Required var 'start_date' not found in the project file or --vars");
    expect(error.hint).toBe(`Set it under vars: in dbt_project.yml, pass --vars '{"start_date": ...}', or give var() a default.`);
    expect(error.location).toMatchObject({ file: 'models/orders.sql', line: 2 });
  });

  it('raises the ref shape error with the template location', () => {
    const error = thrown(() => parse(`select 1\n\nfrom {{ ref() }}`));
    expect(error).toBeInstanceOf(CompilationError);
    expect(error.message).toBe('ref() takes a model name, or a package and a model name; got ref()');
    expect(error.location).toMatchObject({ file: 'models/orders.sql', line: 3 });
  });

  it('exposes this, target, project_name and execute=false', () => {
    // Booleans render as Python's str(): False (jinja.palletsprojects.com/en/3.1.x/templates/#literals).
    expect(parse(`{{ this }} {{ this.name }} {{ target.name }} {{ target.schema }} {{ target.profile_name }} {{ project_name }} {{ execute }}`).sql).toBe(
      '"main"."orders" orders dev main shop shop False',
    );
  });
});

describe('runtimeContext', () => {
  const resolver: RelationResolver = {
    ref: (call) => {
      if (call.name === 'missing') throw new DependencyNotFoundError("Model 'orders' depends on 'missing', which was not found");
      return new TemplateRelation({ schema: 'marts', identifier: call.name });
    },
    source: (call) => TemplateRelation.external({ schema: call.sourceName, identifier: call.tableName }, `lake/${call.tableName}.parquet`),
  };

  function render(contents: string, config: Record<string, unknown> = {}): string {
    const engine = new TemplateEngine([]);
    return engine.render(file(contents), runtimeContext(engine, globalContext(), self, config, resolver));
  }

  it('resolves ref() and source() through the resolver', () => {
    expect(render(`select * from {{ ref('customers') }} join {{ source('raw', 'payments') }}`)).toBe(
      `select * from "marts"."customers" join read_parquet('lake/payments.parquet')`,
    );
  });

  it('makes config() a no-op and config.get() read the node config', () => {
    // `{{ execute }}` renders Python's True (jinja.palletsprojects.com/en/3.1.x/templates/#literals).
    expect(render(`{{ config(materialized='view') }}{{ config.get('materialized') }} {{ config.get('unique_key', 'id') }} {{ execute }}`, { materialized: 'table' })).toBe(
      'table id True',
    );
  });

  it("surfaces the resolver's DopsError with the template line", () => {
    const error = thrown(() => render(`select 1\nfrom {{ ref('missing') }}`));
    expect(error).toBeInstanceOf(DependencyNotFoundError);
    expect(error.location).toMatchObject({ file: 'models/orders.sql', line: 2 });
  });
});
