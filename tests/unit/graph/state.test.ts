import { describe, expect, it } from 'vitest';
import type { ManifestJson } from '../../../src/artifacts/manifest.js';
import { compareWithState, stateRelation, type StateManifest } from '../../../src/graph/state.js';

function manifest(nodes: Record<string, Record<string, unknown>>, macros: Record<string, string> = {}): ManifestJson {
  return {
    metadata: {},
    nodes,
    sources: {},
    macros: Object.fromEntries(Object.entries(macros).map(([id, sum]) => [id, { checksum: { name: 'sha256', checksum: sum } }])),
    parent_map: {},
    child_map: {},
  };
}

const node = (overrides: Record<string, unknown> = {}) => ({
  checksum: { name: 'sha256', checksum: 'abc' },
  config: { materialized: 'view', tags: [] },
  columns: {},
  depends_on: { nodes: [], macros: ['macro.p.m'] },
  schema: 'main',
  alias: 'a',
  relation_name: 'main.a',
  ...overrides,
});

const state = (json: ManifestJson): StateManifest => ({ dir: '/state', json });

describe('compareWithState', () => {
  const before = state(manifest({ 'model.p.a': node(), 'model.p.b': node({ depends_on: { nodes: [], macros: [] } }) }, { 'macro.p.m': '1' }));

  it('finds nothing when nothing changed, even on another target schema', () => {
    const same = manifest({ 'model.p.a': node({ schema: 'ci', relation_name: 'ci.a' }), 'model.p.b': node({ depends_on: { nodes: [], macros: [] } }) }, { 'macro.p.m': '1' });
    expect(compareWithState(same, before)).toEqual({ new: new Set(), modified: new Set(), aspects: new Map() });
  });

  it('marks SQL, config, column and macro changes as modified, and new nodes as new and modified', () => {
    const cases: [string, ManifestJson][] = [
      ['sql', manifest({ 'model.p.a': node({ checksum: { name: 'sha256', checksum: 'xyz' } }) }, { 'macro.p.m': '1' })],
      ['config', manifest({ 'model.p.a': node({ config: { materialized: 'table', tags: [] } }) }, { 'macro.p.m': '1' })],
      ['columns', manifest({ 'model.p.a': node({ columns: { id: { name: 'id', description: 'x' } } }) }, { 'macro.p.m': '1' })],
      ['macro', manifest({ 'model.p.a': node() }, { 'macro.p.m': '2' })],
    ];
    const aspect = { sql: 'body', config: 'configs', columns: 'columns', macro: 'macros' } as Record<string, string>;
    for (const [kind, current] of cases) {
      const found = compareWithState(current, before);
      expect([...found.modified]).toEqual(['model.p.a']);
      expect([...found.aspects!.get('model.p.a')!]).toEqual([aspect[kind]]);
    }
    const added = compareWithState(manifest({ 'model.p.c': node() }, { 'macro.p.m': '1' }), before);
    expect([...added.new]).toEqual(['model.p.c']);
    expect([...added.modified]).toEqual(['model.p.c']);
  });

  it('knows the relation each node had in the state', () => {
    expect(stateRelation(before, 'model.p.a')).toEqual({ schema: 'main', identifier: 'a' });
    expect(stateRelation(before, 'model.p.zzz')).toBeUndefined();
  });
});
