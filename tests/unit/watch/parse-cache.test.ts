import { describe, expect, it } from 'vitest';
import { parseContext, type GlobalContext, type ParseCapture } from '../../../src/templating/context.js';
import { ParseCachingEngine } from '../../../src/watch/parse-cache.js';

const global: GlobalContext = { projectName: 'p', target: { name: 'dev', type: 'duckdb', profileName: 'p', path: ':memory:', schema: 'main', threads: 1 }, vars: {} };
const macros = { path: 'macros/m.sql', contents: "{% macro upstream() %}{{ ref('raw') }}{% endmacro %}" };
const self = { schema: 'main', identifier: 'a' };
const model = { path: 'models/a.sql', contents: "{{ config(materialized='table', tags=['x']) }}select * from {{ upstream() }} join {{ source('lake', 'events') }} using (id)" };

function parse(engine: ParseCachingEngine, source = model): { output: string; capture: ParseCapture } {
  const capture: ParseCapture = { refs: [], sources: [], config: {} };
  const output = engine.render(source, parseContext(engine, global, self, capture));
  return { output, capture };
}

describe('ParseCachingEngine', () => {
  it('answers a repeated parse render from the cache with the same output and capture', () => {
    const engine = new ParseCachingEngine([macros]);
    const first = parse(engine);
    expect(first.capture).toEqual({ refs: [{ name: 'raw' }], sources: [{ sourceName: 'lake', tableName: 'events' }], config: { materialized: 'table', tags: ['x'] } });
    expect(engine.recordedCalls(model.path, self, model.contents)?.map(([name]) => name)).toEqual(['config', 'ref', 'source']);
    const second = parse(engine);
    expect(second).toEqual(first);
  });

  it('renders again when the text changes, and keeps one entry per file', () => {
    const engine = new ParseCachingEngine([macros]);
    parse(engine);
    const edited = { ...model, contents: "select * from {{ ref('other') }}" };
    expect(parse(engine, edited).capture.refs).toEqual([{ name: 'other' }]);
    expect(engine.recordedCalls(model.path, self, model.contents)).toBeUndefined();
    expect(engine.recordedCalls(model.path, self, edited.contents)).toEqual([['ref', ['other']]]);
  });

  it('does not cache renders at run time or failed renders', () => {
    const engine = new ParseCachingEngine([]);
    const broken = { path: 'models/b.sql', contents: "select {{ ref(1, 2, 3) }}" };
    expect(() => parse(engine, broken)).toThrow();
    expect(engine.recordedCalls(broken.path, self, broken.contents)).toBeUndefined();
    const runtime = engine.render({ path: 'models/c.sql', contents: 'select {{ 1 + 1 }}' }, { execute: true, this: self });
    expect(runtime).toBe('select 2');
    expect(engine.recordedCalls('models/c.sql', self, 'select {{ 1 + 1 }}')).toBeUndefined();
  });

  it('forgets everything on clearParseCache', () => {
    const engine = new ParseCachingEngine([macros]);
    parse(engine);
    engine.clearParseCache();
    expect(engine.recordedCalls(model.path, self, model.contents)).toBeUndefined();
  });
});
