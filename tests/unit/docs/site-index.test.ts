import { describe, expect, it } from 'vitest';
import { ColumnLineageIndex } from '../../../src/docs/app/column-lineage.js';
import type { SiteData, SiteNode } from '../../../src/docs/app/data.js';
import { SiteIndex } from '../../../src/docs/app/site-index.js';

function node(id: string, parents: string[], lineage?: SiteNode['lineage']): SiteNode {
  const name = id.split('.').pop()!;
  return { id, name, label: name, type: id.split('.')[0], path: `${name}.sql`, fqn: ['p', name], description: '', tags: id.includes('mart') ? ['mart'] : [], columns: [], parents, tests: [], x: 0, y: 0, lineage };
}

// seed -> stg -> int -> fct -> mart_a, mart_b
const NODES = [
  node('seed.p.raw', []),
  node('model.p.stg', ['seed.p.raw'], { status: 'analysed', columns: { id: [['seed.p.raw', 'ID', 'passthrough']] } }),
  node('model.p.int', ['model.p.stg'], { status: 'analysed', columns: { key: [['model.p.stg', 'id', 'renamed']] } }),
  node('model.p.fct', ['model.p.int'], { status: 'analysed', columns: { key: [['model.p.int', 'key', 'passthrough']], n: [] } }),
  node('model.p.mart_a', ['model.p.fct'], { status: 'analysed', columns: { key: [['model.p.fct', 'key', 'passthrough']] } }),
  node('model.p.mart_b', ['model.p.fct'], { status: 'model-level', reason: 'recursive cte queries are not followed', columns: {} }),
];
NODES[2].description = 'Joins **delayed** departures to routes.';
NODES[2].columns = [{ name: 'route_key', description: 'Surrogate key of the route', tests: [] }];
NODES[2].rawSql = "select id as key from {{ ref('stg') }} where status = 'cancelled'";
const TEST: SiteNode = { ...node('test.p.unique_fct_key', ['model.p.fct']), graph: false };
const DATA: SiteData = { project: 'p', generatedAt: '', built: false, docs: {}, groups: [], pages: [TEST], nodes: NODES, nodeWidth: 200, width: 0, height: 0, counts: {}, testResults: {} };

describe('SiteIndex', () => {
  const index = new SiteIndex(DATA);

  it('finds nodes by every word of the query, exact and prefix name matches first', () => {
    expect(index.search('mart').map((n) => n.name)).toEqual(['mart_a', 'mart_b']);
    // int's SQL refs stg: it is found too, after the name match.
    expect(index.search('stg').map((n) => n.name)).toEqual(['stg', 'int']);
    expect(index.search('mart b').map((n) => n.name)).toEqual(['mart_b']);
    expect(index.search('  ')).toEqual([]);
  });

  it('searches descriptions, column names and descriptions and SQL, and says where it matched', () => {
    const hit = (query: string): [string, string[]][] => index.searchHits(query).map((h) => [h.node.name, h.fields]);
    expect(hit('delayed')).toEqual([['int', ['description']]]);
    expect(hit('surrogate')).toEqual([['int', ['description']]]);
    expect(hit('route_key')[0][1]).toContain('columns');
    expect(hit('cancelled')).toEqual([['int', ['sql']]]);
    // Prefix matching: "surro" finds "Surrogate"; pages (tests) are found too, graph search skips them.
    expect(hit('surro').map(([name]) => name)).toEqual(['int']);
    expect(index.searchHits('unique_fct').map((h) => h.node.id)).toEqual(['test.p.unique_fct_key']);
    expect(index.search('unique_fct')).toEqual([]);
  });

  it('gives a node with N levels of parents and children (focus mode)', () => {
    expect([...index.neighbourhood('model.p.int', 1, 1)].sort()).toEqual(['model.p.fct', 'model.p.int', 'model.p.stg']);
    expect([...index.neighbourhood('model.p.fct', 0, 1)].sort()).toEqual(['model.p.fct', 'model.p.mart_a', 'model.p.mart_b']);
    // Tests are pages, not graph nodes: focus mode leaves them out.
    expect(index.neighbourhood('model.p.fct', 20, 20).size).toBe(6);
  });
});

describe('ColumnLineageIndex', () => {
  const columns = new ColumnLineageIndex(new SiteIndex(DATA));
  const keys = (hood: ReturnType<ColumnLineageIndex['neighbourhood']>): string[] => hood.vertices.map((v) => `${v.node}.${v.column}`);

  it('walks column edges up and down to the depth asked, and says when it stopped early', () => {
    const near = columns.neighbourhood('model.p.fct', 'key', 1, 1);
    expect(keys(near)).toEqual(['model.p.fct.key', 'model.p.int.key', 'model.p.mart_a.key']);
    expect(near.truncated).toBe(true);
    const all = columns.neighbourhood('model.p.fct', 'KEY');
    expect(keys(all)).toEqual(['model.p.fct.KEY', 'model.p.int.key', 'model.p.stg.id', 'seed.p.raw.ID', 'model.p.mart_a.key']);
    expect(all.links.map((l) => l.transform)).toEqual(['passthrough', 'renamed', 'passthrough', 'passthrough']);
    expect(all.truncated).toBe(false);
  });

  it('reports models on the way whose SQL could not be analysed', () => {
    expect([...columns.neighbourhood('model.p.mart_b', 'key').modelLevel]).toEqual([['model.p.mart_b', 'recursive cte queries are not followed']]);
  });
});
