import { DirectedGraph } from 'graphology';
import { CycleError } from '../errors.js';
import { refLocation, type Manifest } from '../manifest/manifest.js';
import { isSqlNode } from '../manifest/nodes.js';

/**
 * The project's DAG in dbt's words: edges run parent -> child; node keys are unique ids.
 * Kept as insertion-ordered adjacency sets (a node's children in the order their edges were added,
 * its parents likewise), the orders a graphology graph built edge by edge gives; the graphology
 * {@link Dag.graph} view is built on first use only (merging 20,000 edges one by one into it, and
 * graphology-dag's cycle check and sort over it, cost a 10,000-model load ~8% of its CPU).
 */
export class Dag {
  private constructor(
    /** Every node, in insertion order (the manifest's, then any edge end not in it). */
    private readonly out: Map<string, Set<string>>,
    private readonly into: Map<string, Set<string>>,
    /** Every edge `[parent, child]`, in insertion order. */
    private readonly edges: [string, string][],
  ) {}

  private view: DirectedGraph | undefined;
  /** The order {@link sorted} found (the graph does not change once built). */
  private order: string[] | undefined;

  /** The DAG as a graphology directed graph (nodes and edges in insertion order), built on first use. */
  get graph(): DirectedGraph {
    if (!this.view) {
      const graph = new DirectedGraph();
      for (const id of this.out.keys()) graph.addNode(id);
      for (const [from, to] of this.edges) graph.addEdge(from, to);
      this.view = graph;
    }
    return this.view;
  }

  /**
   * Builds the DAG from a linked manifest (every node, one edge per `dependsOn` entry).
   * @throws CycleError with the cycle's path (names), pointing at the first node's file
   */
  static fromManifest(manifest: Manifest): Dag {
    const out = new Map<string, Set<string>>();
    const into = new Map<string, Set<string>>();
    for (const id of manifest.nodes.keys()) {
      out.set(id, new Set());
      into.set(id, new Set());
    }
    const dag = new Dag(out, into, []);
    for (const node of manifest.nodes.values()) {
      if (!isSqlNode(node)) continue;
      for (const parent of node.dependsOn.nodes) dag.addEdge(parent, node.uniqueId);
    }
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

  /** Adds the edge `from` -> `to` (and either end missing) unless it is there already (graphology's mergeEdge). */
  private addEdge(from: string, to: string): void {
    let children = this.out.get(from);
    if (!children) {
      this.out.set(from, (children = new Set()));
      this.into.set(from, new Set());
    }
    if (!this.out.has(to)) {
      this.out.set(to, new Set());
      this.into.set(to, new Set());
    }
    if (children.has(to)) return;
    children.add(to);
    this.into.get(to)!.add(from);
    this.edges.push([from, to]);
    this.view = undefined;
    this.order = undefined;
  }

  /**
   * Finds one cycle, if any, by depth-first search.
   * @returns the unique ids along the cycle with the first repeated at the end, or undefined
   */
  findCycle(): string[] | undefined {
    if (this.sorted().length === this.out.size) return undefined;
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (id: string): string[] | undefined => {
      state.set(id, 'open');
      stack.push(id);
      for (const next of this.out.get(id)!) {
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
    for (const id of [...this.out.keys()].sort()) {
      if (state.has(id)) continue;
      const found = visit(id);
      if (found) return found;
    }
    return undefined;
  }

  /**
   * Kahn's algorithm as graphology-dag's topologicalSort runs it: a queue started with the nodes
   * without parents in node order, each node's children visited in edge order. Leaves out the
   * nodes on or after a cycle.
   */
  private sorted(): string[] {
    if (this.order) return this.order;
    const waiting = new Map<string, number>();
    const order: string[] = [];
    for (const [id, parents] of this.into) {
      if (parents.size === 0) order.push(id);
      else waiting.set(id, parents.size);
    }
    for (let i = 0; i < order.length; i++) {
      for (const child of this.out.get(order[i])!) {
        const left = waiting.get(child)! - 1;
        waiting.set(child, left);
        if (left === 0) order.push(child);
      }
    }
    this.order = order;
    return order;
  }

  /**
   * All node ids in an order where every parent comes before its children.
   * @throws Error when the graph has a cycle (a DAG from {@link fromManifest} has none)
   */
  topologicalOrder(): string[] {
    const order = this.sorted();
    if (order.length !== this.out.size) throw new Error('The graph has a cycle: no topological order');
    return [...order];
  }

  /** Direct parents of a node (in the order their edges were added). */
  parents(id: string): string[] {
    return [...this.neighbors(this.into, id)];
  }

  /** Direct children of a node (in the order their edges were added). */
  children(id: string): string[] {
    return [...this.neighbors(this.out, id)];
  }

  private neighbors(map: Map<string, Set<string>>, id: string): Set<string> {
    const found = map.get(id);
    // graphology's message for an unknown node
    if (!found) throw new Error(`Graph.neighbors: could not find the "${id}" node in the graph.`);
    return found;
  }

  /**
   * Ancestors of a node (not including it), breadth-first.
   * @param depth how many generations up (undefined: all), as in dbt's `2+model`
   */
  ancestors(id: string, depth?: number): Set<string> {
    return this.walk(id, depth, (n) => this.neighbors(this.into, n));
  }

  /**
   * Descendants of a node (not including it), breadth-first.
   * @param depth how many generations down (undefined: all), as in dbt's `model+2`
   */
  descendants(id: string, depth?: number): Set<string> {
    return this.walk(id, depth, (n) => this.neighbors(this.out, n));
  }

  private walk(id: string, depth: number | undefined, next: (id: string) => Iterable<string>): Set<string> {
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
    const copy = (map: Map<string, Set<string>>) => new Map([...map].map(([id, set]) => [id, new Set(set)]));
    const dag = new Dag(copy(this.out), copy(this.into), [...this.edges]);
    for (const [from, to] of edges) dag.addEdge(from, to);
    return dag;
  }
}
