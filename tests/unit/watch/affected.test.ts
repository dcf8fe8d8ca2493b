import { describe, expect, it } from 'vitest';
import { affectedNodes, changedMacros, diffProjects, nodeFingerprint, staleRelations } from '../../../src/watch/affected.js';
import { model, notNull, seed, state } from './fixtures.js';

// raw -> stg_a -> fct -> mart ; stg_b -> fct ; not_null test on stg_a and on mart
const base = () => [
  seed('raw'),
  model('stg_a', ['raw']),
  model('stg_b'),
  model('fct', ['stg_a', 'stg_b']),
  model('mart', ['fct']),
  notNull('stg_a', 'id'),
  notNull('mart', 'id'),
];

const sorted = (ids: Iterable<string>) => [...ids].sort();

describe('diffProjects', () => {
  it('marks everything changed when there was no good load before', () => {
    const after = state(base());
    const diff = diffProjects(undefined, after);
    expect(diff.everything).toBe(true);
    expect(diff.changed.size).toBe(7);
  });

  it('finds no change between two loads of the same files', () => {
    expect(diffProjects(state(base()), state(base())).changed.size).toBe(0);
  });

  it('marks a model whose SQL changed', () => {
    const nodes = base();
    nodes[1] = model('stg_a', ['raw'], { rawSql: "select id, 1 as x from {{ ref('raw') }}" });
    const diff = diffProjects(state(base()), state(nodes));
    expect(sorted(diff.changed)).toEqual(['model.p.stg_a']);
  });

  it('marks a model whose config, description or columns changed (YAML edits)', () => {
    const nodes = base();
    nodes[2] = model('stg_b', [], { description: 'now documented' });
    nodes[4] = model('mart', ['fct'], { config: { materialized: 'table', tags: [], enabled: true } });
    expect(sorted(diffProjects(state(base()), state(nodes)).changed)).toEqual(['model.p.mart', 'model.p.stg_b']);
  });

  it('marks new tests and changed test config, and ignores a test that only moved down the YAML file', () => {
    const nodes = base();
    nodes[5] = notNull('stg_a', 'id', { line: 12 });
    nodes[6] = notNull('mart', 'id', { config: { materialized: 'test', tags: [], enabled: true, severity: 'warn' } });
    nodes.push(notNull('fct', 'id'));
    expect(sorted(diffProjects(state(base()), state(nodes)).changed)).toEqual(['test.p.not_null_fct_id', 'test.p.not_null_mart_id']);
  });

  it('reports removed nodes', () => {
    const nodes = base().filter((n) => n.name !== 'mart' && n.name !== 'not_null_mart_id');
    const diff = diffProjects(state(base()), state(nodes));
    expect(diff.removed.map((n) => n.uniqueId).sort()).toEqual(['model.p.mart', 'test.p.not_null_mart_id']);
  });

  it('marks every node when vars or the target changed', () => {
    const diff = diffProjects(state(base()), state(base(), { globalKey: 'other vars' }));
    expect(diff.everything).toBe(true);
    expect(diff.changed.size).toBe(7);
  });

  it('marks the models that call a macro whose file changed', () => {
    const nodes = () => {
      const list = base();
      list[2] = model('stg_b', [], { rawSql: "select {{ cents('amount') }} as c from range(3)" });
      list[3] = model('fct', ['stg_a', 'stg_b'], { rawSql: "select {{ centsy('x') }} from {{ ref('stg_a') }}, {{ ref('stg_b') }}" });
      return list;
    };
    const before = state(nodes(), { macroFiles: { 'macros/money.sql': 'v1', 'macros/other.sql': 'o' }, macros: { cents: 'macros/money.sql', other: 'macros/other.sql' } });
    const after = state(nodes(), { macroFiles: { 'macros/money.sql': 'v2', 'macros/other.sql': 'o' }, macros: { cents: 'macros/money.sql', other: 'macros/other.sql' } });
    const diff = diffProjects(before, after);
    expect(sorted(diff.macros)).toEqual(['cents']);
    // `centsy` is another name: fct does not call cents
    expect(sorted(diff.changed)).toEqual(['model.p.stg_b']);
  });
});

describe('changedMacros', () => {
  it('follows macros that call a changed macro, across files', () => {
    const before = state([], {
      macroFiles: { 'macros/a.sql': 'a1', 'macros/b.sql': '{% macro wrap() %}{{ base() }}{% endmacro %}', 'macros/c.sql': 'unrelated' },
      macros: { base: 'macros/a.sql', wrap: 'macros/b.sql', lone: 'macros/c.sql' },
    });
    const after = state([], {
      macroFiles: { 'macros/a.sql': 'a2', 'macros/b.sql': '{% macro wrap() %}{{ base() }}{% endmacro %}', 'macros/c.sql': 'unrelated' },
      macros: { base: 'macros/a.sql', wrap: 'macros/b.sql', lone: 'macros/c.sql' },
    });
    expect(sorted(changedMacros(before, after))).toEqual(['base', 'wrap']);
  });

  it('counts macros of added and deleted files', () => {
    const before = state([], { macroFiles: { 'macros/old.sql': 'x' }, macros: { gone: 'macros/old.sql' } });
    const after = state([], { macroFiles: { 'macros/new.sql': 'y' }, macros: { fresh: 'macros/new.sql' } });
    expect(sorted(changedMacros(before, after))).toEqual(['fresh', 'gone']);
  });
});

describe('affectedNodes', () => {
  it('is the changed nodes plus everything downstream, tests included', () => {
    const { dag } = state(base());
    expect(sorted(affectedNodes(['model.p.stg_a'], dag))).toEqual(['model.p.fct', 'model.p.mart', 'model.p.stg_a', 'test.p.not_null_mart_id', 'test.p.not_null_stg_a_id']);
    expect(sorted(affectedNodes(['model.p.mart'], dag))).toEqual(['model.p.mart', 'test.p.not_null_mart_id']);
    expect(sorted(affectedNodes(['test.p.not_null_stg_a_id'], dag))).toEqual(['test.p.not_null_stg_a_id']);
    expect(affectedNodes([], dag).size).toBe(0);
  });
});

describe('staleRelations', () => {
  it('lists relations of deleted models and seeds, not of ephemeral models or tests', () => {
    const before = state([...base(), model('eph', [], { config: { materialized: 'ephemeral', tags: [], enabled: true } })]);
    const after = state([model('stg_b'), notNull('stg_a', 'id', { refs: [] })]);
    const stale = staleRelations(before, after);
    expect(stale.map((s) => `${s.relation.schema}.${s.relation.identifier}:${s.reason}`).sort()).toEqual(['main.fct:deleted', 'main.mart:deleted', 'main.raw:deleted', 'main.stg_a:deleted']);
  });

  it('lists the old relation of a model whose schema changed or that became ephemeral', () => {
    const nodes = base();
    nodes[2] = model('stg_b', [], { relation: { schema: 'staging', identifier: 'stg_b' } });
    nodes[4] = model('mart', ['fct'], { config: { materialized: 'ephemeral', tags: [], enabled: true } });
    const stale = staleRelations(state(base()), state(nodes));
    expect(stale.map((s) => `${s.relation.schema}.${s.relation.identifier}:${s.reason}`).sort()).toEqual(['main.mart:moved', 'main.stg_b:moved']);
  });

  it('keeps a relation that another node now builds (a model renamed with the same alias)', () => {
    const nodes = base();
    nodes[4] = model('mart_v2', ['fct'], { relation: { schema: 'main', identifier: 'mart' } });
    nodes[6] = notNull('mart_v2', 'id');
    expect(staleRelations(state(base()), state(nodes))).toEqual([]);
  });
});

describe('nodeFingerprint', () => {
  it('ignores the YAML line and sees everything else', () => {
    expect(nodeFingerprint(notNull('a', 'id', { line: 1 }))).toBe(nodeFingerprint(notNull('a', 'id', { line: 9 })));
    expect(nodeFingerprint(model('a'))).not.toBe(nodeFingerprint(model('a', [], { rawSql: 'select 2' })));
  });
});
