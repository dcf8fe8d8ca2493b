import type { SiteData, SiteNode } from './data.js';

/**
 * Lookups over the embedded data, built once at start-up so every interaction is a map access:
 * nodes by id, children, and a lowercase search key per node.
 */
export class SiteIndex {
  readonly byId = new Map<string, SiteNode>();
  readonly children = new Map<string, string[]>();
  private readonly searchKeys: [string, SiteNode][];

  constructor(readonly data: SiteData) {
    for (const node of data.nodes) {
      this.byId.set(node.id, node);
      this.children.set(node.id, []);
    }
    for (const node of data.nodes) for (const parent of node.parents) this.children.get(parent)?.push(node.id);
    this.searchKeys = data.nodes.map((n) => [`${n.label} ${n.name} ${n.relation ?? ''} ${n.tags.join(' ')}`.toLowerCase(), n]);
  }

  /**
   * Nodes whose name, relation or tags contain every word of the query; exact and prefix name
   * matches first.
   * @param limit most results returned
   */
  search(query: string, limit = 30): SiteNode[] {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    if (words.length === 0) return [];
    const hits = this.searchKeys.filter(([key]) => words.every((w) => key.includes(w))).map(([, node]) => node);
    const q = query.toLowerCase().trim();
    const rank = (n: SiteNode): number => (n.name.toLowerCase() === q ? 0 : n.name.toLowerCase().startsWith(q) ? 1 : 2);
    return hits.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name)).slice(0, limit);
  }

  /**
   * A node plus its ancestors up to `up` levels and descendants up to `down` levels (focus mode).
   * @returns ids, the focused node first
   */
  neighbourhood(id: string, up: number, down: number): Set<string> {
    const found = new Set([id]);
    const walk = (start: string, depth: number, next: (id: string) => string[]): void => {
      let frontier = [start];
      for (let level = 0; level < depth && frontier.length; level++) {
        const following: string[] = [];
        for (const current of frontier) for (const other of next(current)) if (!found.has(other)) (found.add(other), following.push(other));
        frontier = following;
      }
    };
    walk(id, up, (n) => this.byId.get(n)?.parents ?? []);
    walk(id, down, (n) => this.children.get(n) ?? []);
    return found;
  }
}
