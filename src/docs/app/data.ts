/**
 * The data the docs site embeds (`window.__DOPS__` in `data.js`), shared by the generator (Node)
 * and the browser app. Compact on purpose: it must load quickly for 2,000-model projects.
 */

/** A test on a node (or one of its columns) and its last status from run_results.json. */
export interface SiteTest {
  id: string;
  name: string;
  column?: string;
  /** `pass`, `warn`, `fail`, `error`, `skipped`, or undefined when it has not run. */
  status?: string;
  failures?: number | null;
  message?: string;
  severity?: string;
}

/** A column: YAML description plus the DuckDB type from the catalog. */
export interface SiteColumn {
  name: string;
  type?: string;
  description?: string;
  tests: SiteTest[];
}

/** An edge of column lineage: `[upstream unique id, column, transform]` (`join-key`: picks the joined row). */
export type SiteColumnEdge = [string, string, 'passthrough' | 'renamed' | 'transformed' | 'join-key'];

/** A model's column lineage, or model-level only with the reason. */
export interface SiteLineage {
  status: 'analysed' | 'model-level';
  reason?: string;
  /** Output column -> its upstream columns. */
  columns: Record<string, SiteColumnEdge[]>;
}

/** A node of the lineage graph (sources, seeds, models, snapshots) with its page's content. */
export interface SiteNode {
  id: string;
  name: string;
  type: string;
  /** `source_name.table` for sources. */
  label: string;
  materialized?: string;
  relation?: string;
  path: string;
  description: string;
  tags: string[];
  rawSql?: string;
  compiledSql?: string;
  columns: SiteColumn[];
  /** Unique ids of parent nodes in the graph. */
  parents: string[];
  /** Per parent, the route of the edge from it in the whole-project layout: `[x1, y1, x2, y2, ...]`. */
  routes?: number[][];
  rowCount?: number;
  /** Tests on the node itself (not on a column). */
  tests: SiteTest[];
  /** Last run's status of the node itself (models, seeds). */
  status?: string;
  /** Position in the whole-project layout (dagre, left to right), in px; 0 above {@link FULL_GRAPH_LIMIT} nodes. */
  x: number;
  y: number;
  lineage?: SiteLineage;
}

/** Everything the site shows. */
export interface SiteData {
  project: string;
  generatedAt: string;
  /** True when the catalog came from a built database. */
  built: boolean;
  nodes: SiteNode[];
  /** Size of the whole-graph layout in px. */
  width: number;
  height: number;
  /** Counts of every resource type, tests included. */
  counts: Record<string, number>;
  /** Last run's tests: status -> count. */
  testResults: Record<string, number>;
  /** When the last run happened (run_results generated_at), if any. */
  lastRunAt?: string;
}

/** Width of a node box in the graph, px. */
export const NODE_WIDTH = 190;
/** Height of a node box in the graph, px. */
export const NODE_HEIGHT = 34;

/**
 * Above this many nodes the site does not draw the whole project (and the generator does not lay it
 * out: dagre needs tens of seconds at 2,000 nodes); search and focus mode draw neighbourhoods.
 */
export const FULL_GRAPH_LIMIT = 500;
