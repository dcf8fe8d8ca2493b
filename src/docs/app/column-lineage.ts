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
  /** True when columns lie beyond the levels asked for. */
  truncated: boolean;
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

  /** Builds the downstream index now (the app does it while idle after start-up, so the first column click does not). */
  warm(): void {
    this.downstreamOf('', '');
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
   * The columns the given one is derived from (recursively) and the columns derived from it, up to
   * `up` / `down` levels away.
   */
  neighbourhood(node: string, column: string, up = Infinity, down = Infinity): ColumnNeighbourhood {
    const vertices = new Map<string, ColumnVertex>();
    const links: ColumnLink[] = [];
    const modelLevel = new Map<string, string>();
    let truncated = false;
    const add = (n: string, c: string): string => {
      const key = keyOf(n, c);
      if (!vertices.has(key)) vertices.set(key, { key, node: n, column: c });
      return key;
    };
    const root = add(node, column);
    const walk = (depth: number, next: (v: ColumnVertex) => [string, string, SiteColumnEdge[2]][], link: (from: string, to: string) => [string, string]): void => {
      const seen = new Set([root]);
      let frontier = [root];
      for (let level = 0; frontier.length; level++) {
        if (level >= depth) {
          truncated ||= frontier.some((key) => next(vertices.get(key)!).length > 0);
          break;
        }
        const following: string[] = [];
        for (const key of frontier) {
          for (const [otherNode, otherColumn, transform] of next(vertices.get(key)!)) {
            const other = add(otherNode, otherColumn);
            const [from, to] = link(key, other);
            links.push({ from, to, transform });
            if (!seen.has(other)) (seen.add(other), following.push(other));
          }
        }
        frontier = following;
      }
    };
    walk(up, (v) => {
      const lineage = this.index.byId.get(v.node)?.lineage;
      if (lineage?.status === 'model-level') modelLevel.set(v.node, lineage.reason ?? '');
      return this.upstreamOf(v.node, v.column) ?? [];
    }, (current, parent) => [parent, current]);
    walk(down, (v) => this.downstreamOf(v.node, v.column), (current, child) => [current, child]);
    return { vertices: [...vertices.values()], links, modelLevel, truncated };
  }
}
