import { describe, expect, it } from 'vitest';
import { topologicalSort } from 'graphology-dag';
import { CycleError } from '../../../src/errors.js';
import { Dag } from '../../../src/graph/dag.js';
import { Manifest } from '../../../src/manifest/manifest.js';
import { linked, model, thrown } from '../helpers.js';

const id = (name: string) => `model.shop.${name}`;
const names = (ids: Iterable<string>) => [...ids].map((i) => i.split('.').pop()).sort();

/**
 *   a   b
 *    \ / \
 *     c   d
 *     |
 *     e
 *     |
 *     f
 */
function diamond() {
  return linked([
    model('f', { refs: ['e'] }),
    model('e', { refs: ['c'] }),
    model('c', { refs: ['a', 'b'] }),
    model('d', { refs: ['b'] }),
    model('a'),
    model('b'),
  ]).dag;
}

describe('Dag', () => {
  it('has one edge per dependency, parent to child', () => {
    const dag = diamond();
    expect(dag.graph.order).toBe(6);
    expect(dag.graph.size).toBe(5);
    expect(names(dag.parents(id('c')))).toEqual(['a', 'b']);
    expect(names(dag.children(id('b')))).toEqual(['c', 'd']);
  });

  it('orders every parent before its children', () => {
    const dag = diamond();
    const order = dag.topologicalOrder();
    expect(order).toHaveLength(6);
    for (const [parent, child] of dag.graph.edges().map((e) => [dag.graph.source(e), dag.graph.target(e)])) {
      expect(order.indexOf(parent)).toBeLessThan(order.indexOf(child));
    }
  });

  it('finds all ancestors and descendants, not including the node', () => {
    const dag = diamond();
    expect(names(dag.ancestors(id('f')))).toEqual(['a', 'b', 'c', 'e']);
    expect(names(dag.descendants(id('b')))).toEqual(['c', 'd', 'e', 'f']);
    expect(names(dag.ancestors(id('a')))).toEqual([]);
  });

  it('limits ancestors and descendants by depth', () => {
    const dag = diamond();
    expect(names(dag.ancestors(id('f'), 1))).toEqual(['e']);
    expect(names(dag.ancestors(id('f'), 2))).toEqual(['c', 'e']);
    expect(names(dag.ancestors(id('f'), 3))).toEqual(['a', 'b', 'c', 'e']);
    expect(names(dag.descendants(id('a'), 1))).toEqual(['c']);
    expect(names(dag.descendants(id('b'), 2))).toEqual(['c', 'd', 'e']);
    expect(names(dag.descendants(id('b'), 0))).toEqual([]);
  });

  it('returns the descendants breadth-first', () => {
    expect([...diamond().descendants(id('a'))]).toEqual([id('c'), id('e'), id('f')]);
  });

  it('withEdges returns a copy with extra edges', () => {
    const dag = diamond();
    const extended = dag.withEdges([[id('d'), id('f')]]);
    expect(names(extended.parents(id('f')))).toEqual(['d', 'e']);
    expect(names(dag.parents(id('f')))).toEqual(['e']);
  });

  it('keeps the orders a graphology graph gives: node, parent, child and topological order', () => {
    // The DAG keeps its own adjacency; its orders decide run order and `ls` output, so they must
    // stay those of the graphology graph built edge by edge (and of graphology-dag's sort).
    for (const dag of [diamond(), diamond().withEdges([[id('d'), id('f')], [id('a'), id('d')]])]) {
      expect(dag.topologicalOrder()).toEqual(topologicalSort(dag.graph));
      for (const node of dag.graph.nodes()) {
        expect(dag.parents(node)).toEqual(dag.graph.inNeighbors(node));
        expect(dag.children(node)).toEqual(dag.graph.outNeighbors(node));
      }
    }
  });

  it('findCycle returns undefined for a DAG', () => {
    expect(diamond().findCycle()).toBeUndefined();
  });
});

describe('cycles', () => {
  const cyclic = () =>
    new Manifest([
      model('a', { refs: ['c'], rawSql: "select *\nfrom {{ ref('c') }}" }),
      model('b', { refs: ['a'] }),
      model('c', { refs: ['b'] }),
      model('x', { refs: ['a'] }),
    ]);

  it('Dag.fromManifest throws CycleError with the path as names', () => {
    const manifest = cyclic();
    expect(manifest.link()).toEqual([]);
    const error = thrown(() => Dag.fromManifest(manifest));
    expect(error).toBeInstanceOf(CycleError);
    expect(error.message).toBe('Found a cycle: a -> b -> c -> a');
    expect(error.path).toEqual(['a', 'b', 'c', 'a']);
    // points at the ref that closes the cycle: a's ref('c')
    expect(error.location).toEqual({ file: 'models/a.sql', line: 2, column: 9 });
    expect(error.hint).toBe('Remove one of these refs to break the cycle.');
  });

  it('reports a model that refs itself', () => {
    const manifest = new Manifest([model('self', { refs: ['self'] })]);
    manifest.link();
    expect(thrown(() => Dag.fromManifest(manifest)).message).toBe('Found a cycle: self -> self');
  });

  it('findCycle returns the unique ids along the cycle, first repeated at the end', () => {
    // root -> p -> q -> r, plus a back edge r -> p added with withEdges
    const { dag } = linked([model('root'), model('p', { refs: ['root'] }), model('q', { refs: ['p'] }), model('r', { refs: ['q'] })]);
    expect(dag.withEdges([[id('r'), id('p')]]).findCycle()).toEqual([id('p'), id('q'), id('r'), id('p')]);
  });
});
