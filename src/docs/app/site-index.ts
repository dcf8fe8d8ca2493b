import MiniSearch from 'minisearch';
import type { SiteData, SiteNode } from './data.js';

/** A search hit: the node and the fields the query matched in (`name`, `columns`, `description`, `sql`, `tags`). */
export interface SearchHit {
  node: SiteNode;
  fields: string[];
}

/** Splits identifiers and text into words; `fact_flights` yields `fact_flights`, `fact`, `flights`. */
function tokenize(text: string): string[] {
  const tokens: string[] = [];
  for (const word of text.split(/[^\p{L}\p{N}_]+/u)) {
    if (!word) continue;
    tokens.push(word);
    if (word.includes('_')) tokens.push(...word.split('_').filter(Boolean));
  }
  return tokens;
}

/** Resource types ranked first when scores tie closely: what people look for most. */
const TYPE_WEIGHT: Record<string, number> = { model: 1.2, source: 1.1, seed: 1, snapshot: 1, exposure: 1, test: 0.6, unit_test: 0.6 };

/**
 * Lookups over the embedded data, built once at start-up so every interaction is a map access:
 * nodes and pages by id, children, and a full-text index (minisearch) built on first search.
 */
export class SiteIndex {
  readonly byId = new Map<string, SiteNode>();
  readonly children = new Map<string, string[]>();
  private text?: MiniSearch<SiteNode>;
  private indexing?: Promise<void>;
  private readonly nameKeys: [string, SiteNode][];

  constructor(readonly data: SiteData) {
    for (const node of [...data.nodes, ...data.pages]) {
      this.byId.set(node.id, node);
      this.children.set(node.id, []);
    }
    for (const node of data.nodes) for (const parent of node.parents) this.children.get(parent)?.push(node.id);
    for (const page of data.pages) if (page.type === 'exposure') for (const parent of page.parents) this.children.get(parent)?.push(page.id);
    this.nameKeys = [...data.nodes, ...data.pages].map((n) => [`${n.label} ${n.name} ${n.relation ?? ''} ${n.tags.join(' ')}`.toLowerCase(), n]);
  }

  /** A new, empty full-text index: names, labels, relations, tags, descriptions, columns and SQL. */
  private emptyIndex(): MiniSearch<SiteNode> {
    return new MiniSearch<SiteNode>({
      idField: 'id',
      fields: ['name', 'label', 'tags', 'columns', 'description', 'sql'],
      storeFields: [],
      tokenize,
      processTerm: (term) => term.toLowerCase(),
      extractField: (node, field) => {
        switch (field) {
          case 'tags':
            return [...node.tags, ...node.columns.flatMap((c) => c.tags ?? [])].join(' ');
          case 'columns':
            return node.columns.map((c) => c.name).join(' ');
          case 'description':
            return [node.description, ...node.columns.map((c) => c.description ?? '')].join(' ');
          case 'sql':
            return node.rawSql ?? '';
          case 'label':
            return `${node.label} ${node.relation ?? ''}`;
          default:
            return String((node as unknown as Record<string, unknown>)[field] ?? '');
        }
      },
      // A query's identifiers stay whole (`int_007` is one prefix, not `int` and `007`): precise and fast.
      searchOptions: { tokenize: (text) => text.split(/[^\p{L}\p{N}_]+/u).filter(Boolean), boost: { name: 6, label: 4, tags: 3, columns: 2.5, description: 1.5, sql: 0.5 }, prefix: true, fuzzy: (term) => (term.length >= 6 ? 0.15 : false), combineWith: 'AND' },
    });
  }

  /** Builds the full-text index at once (tests, small projects). */
  private textIndex(): MiniSearch<SiteNode> {
    if (!this.text) {
      const text = this.emptyIndex();
      text.addAll([...this.data.nodes, ...this.data.pages]);
      this.text = text;
    }
    return this.text;
  }

  /** True once the full-text index is built. */
  get ready(): boolean {
    return this.text !== undefined;
  }

  /**
   * Builds the full-text index in the background, in chunks that yield to the page (a 2,000-model
   * project takes a few hundred ms in all), so the site stays responsive meanwhile; until it is
   * ready, {@link searchHits} matches names only.
   * @returns a promise resolved when the index is ready
   */
  warm(): Promise<void> {
    if (this.text) return Promise.resolve();
    this.indexing ??= (async () => {
      const text = this.emptyIndex();
      await text.addAllAsync([...this.data.nodes, ...this.data.pages], { chunkSize: 50 });
      this.text ??= text;
    })();
    return this.indexing;
  }

  /**
   * Nodes matching every word of the query in their name, description, columns (names and
   * descriptions), tags or SQL; ranked by minisearch's BM25 score (name matches weigh most), with
   * exact and prefix name matches first.
   * @param limit most results returned
   * @param types only these resource types (default: all)
   */
  searchHits(query: string, limit = 30, types?: ReadonlySet<string>): SearchHit[] {
    const q = query.trim().toLowerCase();
    if (!q) return [];
    const rank = (n: SiteNode): number => (n.name.toLowerCase() === q || n.label.toLowerCase() === q ? 0 : n.name.toLowerCase().startsWith(q) || n.label.toLowerCase().startsWith(q) ? 1 : 2);
    const hits: (SearchHit & { score: number })[] = [];
    if (this.indexing && !this.text) {
      // Still indexing in the background: names, relations and tags containing every word.
      const words = q.split(/\s+/);
      for (const [key, node] of this.nameKeys) if ((!types || types.has(node.type)) && words.every((w) => key.includes(w))) hits.push({ node, fields: ['name'], score: 1 });
      return hits.sort((a, b) => rank(a.node) - rank(b.node) || a.node.name.localeCompare(b.node.name)).slice(0, limit);
    }
    for (const result of this.textIndex().search(q)) {
      const node = this.byId.get(String(result.id));
      if (!node || (types && !types.has(node.type))) continue;
      const fields = [...new Set(Object.values(result.match).flat())];
      hits.push({ node, fields, score: result.score * (TYPE_WEIGHT[node.type] ?? 1) });
    }
    return hits.sort((a, b) => rank(a.node) - rank(b.node) || b.score - a.score || a.node.name.localeCompare(b.node.name)).slice(0, limit);
  }

  /** {@link searchHits} without match details, over graph nodes only. */
  search(query: string, limit = 30): SiteNode[] {
    return this.searchHits(query, limit, GRAPH_TYPES).map((h) => h.node);
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
        for (const current of frontier) for (const other of next(current)) if (!found.has(other) && this.byId.get(other)?.graph !== false) (found.add(other), following.push(other));
        frontier = following;
      }
    };
    walk(id, up, (n) => this.byId.get(n)?.parents ?? []);
    walk(id, down, (n) => this.children.get(n) ?? []);
    return found;
  }
}

/** Resource types drawn in the lineage graph. */
export const GRAPH_TYPES: ReadonlySet<string> = new Set(['source', 'seed', 'model', 'snapshot']);
