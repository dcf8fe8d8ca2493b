import { DirectedGraph } from 'graphology';
import { hasCycle, topologicalSort } from 'graphology-dag';
import { CycleError } from '../errors.js';
import { refLocation, type Manifest } from '../manifest/manifest.js';

/**
 * The project's DAG in dbt's words, over a graphology directed graph whose edges run parent -> child.
 * Node keys are unique ids.
 */
export class Dag {
  readonly graph: DirectedGraph;

  private constructor(graph: DirectedGraph) {
    this.graph = graph;
  }

  /**
   * Builds the DAG from a linked manifest (every node, one edge per `dependsOn` entry).
   * @throws CycleError with the cycle's path (names), pointing at the first node's file
   */
  static fromManifest(manifest: Manifest): Dag {
    const graph = new DirectedGraph();
    for (const id of manifest.nodes.keys()) graph.addNode(id);
    for (const [child, parents] of Object.entries(manifest.parentMap())) {
      for (const parent of parents) graph.mergeEdge(parent, child);
    }
    const dag = new Dag(graph);
    const cycle = dag.findCycle();
    if (cycle) {
      // Edges run parent -> child, so the first node refs the one before the end: that ref closes the cycle.
      const first = manifest.get(cycle[0]);
      throw new CycleError(cycle.map((id) => manifest.get(id).name), {
        location: refLocation(first, 'ref', manifest.get(cycle[cycle.length - 2]).name),
        hint: 'Remove one of these refs to break the cycle.',
      });
    }
    return dag;
  }

  /**
   * Finds one cycle, if any, by depth-first search.
   * @returns the unique ids along the cycle with the first repeated at the end, or undefined
   */
  findCycle(): string[] | undefined {
    if (!hasCycle(this.graph)) return undefined;
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (id: string): string[] | undefined => {
      state.set(id, 'open');
      stack.push(id);
      for (const next of this.graph.outNeighbors(id)) {
        if (state.get(next) === 'open') return [...stack.slice(stack.indexOf(next)), next];
        if (!state.has(next)) {
          const found = visit(next);
          if (found) return found;
        }
      }
      stack.pop();
      state.set(id, 'done');
      return undefined;
    };
    for (const id of [...this.graph.nodes()].sort()) {
      if (state.has(id)) continue;
      const found = visit(id);
      if (found) return found;
    }
    return undefined;
  }

  /** All node ids in an order where every parent comes before its children. */
  topologicalOrder(): string[] {
    return topologicalSort(this.graph);
  }

  /** Direct parents of a node. */
  parents(id: string): string[] {
    return this.graph.inNeighbors(id);
  }

  /** Direct children of a node. */
  children(id: string): string[] {
    return this.graph.outNeighbors(id);
  }

  /**
   * Ancestors of a node (not including it), breadth-first.
   * @param depth how many generations up (undefined: all), as in dbt's `2+model`
   */
  ancestors(id: string, depth?: number): Set<string> {
    return this.walk(id, depth, (n) => this.graph.inNeighbors(n));
  }

  /**
   * Descendants of a node (not including it), breadth-first.
   * @param depth how many generations down (undefined: all), as in dbt's `model+2`
   */
  descendants(id: string, depth?: number): Set<string> {
    return this.walk(id, depth, (n) => this.graph.outNeighbors(n));
  }

  private walk(id: string, depth: number | undefined, next: (id: string) => string[]): Set<string> {
    const seen = new Set<string>();
    let frontier = [id];
    for (let level = 0; frontier.length > 0 && (depth === undefined || level < depth); level++) {
      const following: string[] = [];
      for (const node of frontier) {
        for (const n of next(node)) {
          if (!seen.has(n) && n !== id) {
            seen.add(n);
            following.push(n);
          }
        }
      }
      frontier = following;
    }
    return seen;
  }

  /** A copy of the DAG with extra `[from, to]` edges; the caller makes sure they create no cycle. */
  withEdges(edges: [string, string][]): Dag {
    const graph = this.graph.copy() as DirectedGraph;
    for (const [from, to] of edges) graph.mergeEdge(from, to);
    return new Dag(graph);
  }
}
