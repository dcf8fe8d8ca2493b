/**
 * The data the docs site embeds (`window.__DOPS__` in `data.js`), shared by the generator (Node)
 * and the browser app. Compact on purpose: it must load quickly for 2,000-model projects.
 */

/** A test on a node (or one of its columns) and its latest status across runs. */
export interface SiteTest {
  id: string;
  name: string;
  column?: string;
  /** `pass`, `warn`, `fail`, `error`, `skipped`, or undefined when it has not run. */
  status?: string;
  failures?: number | null;
  message?: string;
  severity?: string;
  /** When that status was recorded (ISO 8601). */
  at?: string;
}

/** A column's profile from DuckDB's SUMMARIZE. */
export interface SiteColumnProfile {
  column: string;
  /** Share of NULLs, 0-100. */
  nullPercent?: number;
  /** Approximate count of distinct values. */
  distinct?: number;
  min: string | null;
  max: string | null;
}

/** A table's data preview and column profiles, taken by `docs generate`. */
export interface SiteDataSample {
  /** When they were taken (ISO 8601). */
  takenAt: string;
  /** Why there is no data (e.g. `docs: {show_data: false}`), when turned off for the node. */
  skipped?: string;
  /** Columns shown, in table order. */
  columns: string[];
  /** Sample rows, values as text (null for NULL), in `columns` order. */
  rows: (string | null)[][];
  profiles: SiteColumnProfile[];
  /** Columns left out (sensitive, or `docs: {show_data: false}`). */
  hidden: string[];
}

/** A column: YAML description plus the DuckDB type from the catalog. */
export interface SiteColumn {
  name: string;
  type?: string;
  description?: string;
  tests: SiteTest[];
  tags?: string[];
  /** Column constraints as text (`not_null`, `check: price > 0`), shown when the model has some. */
  constraints?: string[];
}

/**
 * A unit test's input (`given`) or expected rows (`expect`), as written in YAML: values as text
 * (null for NULL), at most {@link UNIT_ROWS_LIMIT} rows
 * (https://docs.getdbt.com/reference/resource-properties/unit-test-input).
 */
export interface SiteUnitRows {
  /** `given` only: the input as written (`ref('x')`, `source('s', 't')`, `this`) and the node it stands for. */
  input?: string;
  node?: string;
  format: 'dict' | 'csv' | 'sql';
  columns: string[];
  rows: (string | null)[][];
  /** How many rows were left out beyond the limit. */
  more?: number;
  /** `format: sql`: the query giving the rows. */
  sql?: string;
  /** The fixture file the rows came from (project-relative). */
  fixture?: string;
}

/** A unit test's fixtures: inputs, expected rows and overrides (dbt 1.8+ `unit_tests:`). */
export interface SiteUnitTest {
  given: SiteUnitRows[];
  expect: SiteUnitRows;
  /** `overrides:` as `kind.name = value` lines (macros, vars, env vars). */
  overrides: string[];
}

/** Rows of a unit test's input or expectation embedded in the site; the rest are counted. */
export const UNIT_ROWS_LIMIT = 50;

/** An edge of column lineage: `[upstream unique id, column, transform]` (`join-key`: picks the joined row). */
export type SiteColumnEdge = [string, string, 'passthrough' | 'renamed' | 'transformed' | 'join-key'];

/** A model's column lineage, or model-level only with the reason. */
export interface SiteLineage {
  status: 'analysed' | 'model-level';
  reason?: string;
  /** Output column -> its upstream columns. */
  columns: Record<string, SiteColumnEdge[]>;
}

/**
 * A node with a page: sources, seeds, models and snapshots (drawn in the lineage graph), and tests,
 * unit tests and exposures (pages only).
 */
export interface SiteNode {
  id: string;
  name: string;
  /** Resource type: `model`, `seed`, `source`, `snapshot`, `test`, `unit_test`, `exposure`. */
  type: string;
  /** `source_name.table` for sources. */
  label: string;
  materialized?: string;
  relation?: string;
  path: string;
  /** dbt's fqn: project, folders, name (the sidebar's project tree). */
  fqn: string[];
  /** Schema of the relation (the sidebar's database tree); for sources, the source name when read from files. */
  schema?: string;
  /** Markdown. */
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
  /** When that status was recorded (ISO 8601). */
  statusAt?: string;
  /** Tests: failing rows in that run. */
  failures?: number | null;
  /** Last run's message (errors, test failures). */
  message?: string;
  /** Tests: the node tested and the column, if a column test. */
  testOf?: string;
  testColumn?: string;
  /** Model versions (`v`, `latest_version`). */
  version?: string | number;
  latestVersion?: string | number;
  /** True when the model enforces a contract. */
  contract?: boolean;
  /** Model-level constraints as text (`primary_key (a, b)`). */
  constraints?: string[];
  /** Unit tests: given rows, expected rows and overrides. */
  unitTest?: SiteUnitTest;
  group?: string;
  access?: string;
  /** Exposures: type, owner, url, maturity. */
  exposure?: { type?: string; owner?: string; url?: string; maturity?: string };
  /** Data preview and profiles, when `docs generate` took them. */
  sample?: SiteDataSample;
  /** False for nodes not drawn in the lineage graph (tests, unit tests, exposures). */
  graph?: boolean;
  /** Position in the whole-project layout (dagre, left to right), in px; 0 above {@link FULL_GRAPH_LIMIT} nodes. */
  x: number;
  y: number;
  lineage?: SiteLineage;
}

/** A group (dbt's `groups:`): owner and members. */
export interface SiteGroup {
  name: string;
  owner?: string;
  description?: string;
  members: string[];
}

/** Everything the site shows. */
export interface SiteData {
  project: string;
  generatedAt: string;
  /** Doc blocks by name (markdown); `__overview__` is the home page. */
  docs: Record<string, string>;
  groups: SiteGroup[];
  /** Pages not drawn in the graph: tests, unit tests, exposures. */
  pages: SiteNode[];
  /** True when the catalog came from a built database. */
  built: boolean;
  /** Graph nodes: sources, seeds, models, snapshots. */
  nodes: SiteNode[];
  /** Width of the graph's node boxes, px (sized to the longest name in the project). */
  nodeWidth: number;
  /** Size of the whole-graph layout in px. */
  width: number;
  height: number;
  /** Counts of every resource type, tests included. */
  counts: Record<string, number>;
  /** Every test's latest status across runs: status -> count (`not run` included). */
  testResults: Record<string, number>;
  /** When the latest recorded result was taken, if any. */
  lastRunAt?: string;
  /** Why there are no data previews (`--no-data`), if there are none. */
  dataNote?: string;
}

/** Narrowest node box in the project graph, px (boxes widen to show the longest name, see {@link boxWidthFor}). */
export const NODE_WIDTH = 200;
/** Widest node box in the project graph, px; longer subtitles end in an ellipsis (full text on hover). */
export const NODE_MAX_WIDTH = 330;

/** The subtitle of a node's box in the lineage graph: materialization and relation, or type and location. */
export function graphSublabel(node: Pick<SiteNode, 'type' | 'materialized' | 'relation'>): string {
  if (node.type === 'model') return `${node.materialized ?? ''} · ${node.relation ?? ''}`;
  // Lake files: the file name (the full path is in the hover title and on the page).
  const relation = node.relation?.includes('/') ? node.relation.slice(node.relation.lastIndexOf('/') + 1) : node.relation;
  return relation ? `${node.type} · ${relation}` : node.type;
}

/**
 * The box width that shows labels and subtitles in full (12 px names, 11 px subtitles; about 7.6
 * and 6.8 px a character), between `min` and `max` px.
 */
export function boxWidthFor(labels: { label: string; sublabel?: string }[], min: number, max: number, scale = 1): number {
  let widest = 0;
  for (const l of labels) widest = Math.max(widest, l.label.length * 7.6 * scale, (l.sublabel?.length ?? 0) * 6.8 * scale);
  return Math.max(min, Math.min(max, Math.ceil(widest + 24)));
}
/** Height of a node box in the graph, px. */
export const NODE_HEIGHT = 38;

/**
 * Above this many nodes the site does not draw the whole project (and the generator does not lay it
 * out: dagre needs tens of seconds at 2,000 nodes); search and focus mode draw neighbourhoods.
 */
export const FULL_GRAPH_LIMIT = 500;
