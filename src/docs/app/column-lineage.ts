import type { SiteColumnEdge } from './data.js';
import type { SiteIndex } from './site-index.js';

/** A column in the column-lineage graph. */
export interface ColumnVertex {
  key: string;
  node: string;
  column: string;
}

/** An edge of the column-lineage graph, upstream column first. */
export interface ColumnLink {
  from: string;
  to: string;
  transform: SiteColumnEdge[2];
}

/** The columns around one column: everything upstream and downstream of it. */
export interface ColumnNeighbourhood {
  vertices: ColumnVertex[];
  links: ColumnLink[];
  /** Models on the way whose SQL could not be analysed: id -> reason. */
  modelLevel: Map<string, string>;
}

const keyOf = (node: string, column: string): string => `${node}\u0000${column.toLowerCase()}`;

/** Column lineage lookups over the embedded data; the downstream index is built on first use. */
export class ColumnLineageIndex {
  private downstream?: Map<string, [string, string, SiteColumnEdge[2]][]>;

  constructor(private readonly index: SiteIndex) {}

  private upstreamOf(node: string, column: string): SiteColumnEdge[] | undefined {
    const lineage = this.index.byId.get(node)?.lineage;
    if (!lineage || lineage.status !== 'analysed') return undefined;
    const name = Object.keys(lineage.columns).find((c) => c.toLowerCase() === column.toLowerCase());
    return name === undefined ? undefined : lineage.columns[name];
  }

  private downstreamOf(node: string, column: string): [string, string, SiteColumnEdge[2]][] {
    if (!this.downstream) {
      this.downstream = new Map();
      for (const child of this.index.data.nodes) {
        for (const [name, edges] of Object.entries(child.lineage?.columns ?? {})) {
          for (const [parent, parentColumn, transform] of edges) {
            const list = this.downstream.get(keyOf(parent, parentColumn)) ?? [];
            list.push([child.id, name, transform]);
            this.downstream.set(keyOf(parent, parentColumn), list);
          }
        }
      }
    }
    return this.downstream.get(keyOf(node, column)) ?? [];
  }

  /**
   * Every column the given one is derived from (recursively) and every column derived from it.
   * @param includeDownstream false to follow upstream only
   */
  neighbourhood(node: string, column: string, includeDownstream = true): ColumnNeighbourhood {
    const vertices = new Map<string, ColumnVertex>();
    const links: ColumnLink[] = [];
    const modelLevel = new Map<string, string>();
    const add = (n: string, c: string): string => {
      const key = keyOf(n, c);
      if (!vertices.has(key)) vertices.set(key, { key, node: n, column: c });
      return key;
    };
    const root = add(node, column);
    const upQueue = [root];
    const seenUp = new Set([root]);
    while (upQueue.length) {
      const current = vertices.get(upQueue.shift()!)!;
      const lineage = this.index.byId.get(current.node)?.lineage;
      if (lineage?.status === 'model-level') modelLevel.set(current.node, lineage.reason ?? '');
      for (const [parent, parentColumn, transform] of this.upstreamOf(current.node, current.column) ?? []) {
        const key = add(parent, parentColumn);
        links.push({ from: key, to: current.key, transform });
        if (!seenUp.has(key)) (seenUp.add(key), upQueue.push(key));
      }
    }
    if (includeDownstream) {
      const downQueue = [root];
      const seenDown = new Set([root]);
      while (downQueue.length) {
        const current = vertices.get(downQueue.shift()!)!;
        for (const [child, childColumn, transform] of this.downstreamOf(current.node, current.column)) {
          const key = add(child, childColumn);
          links.push({ from: current.key, to: key, transform });
          if (!seenDown.has(key)) (seenDown.add(key), downQueue.push(key));
        }
      }
    }
    return { vertices: [...vertices.values()], links, modelLevel };
  }
}
