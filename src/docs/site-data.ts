import type { Catalog } from '../artifacts/catalog.js';
import type { ProjectLineage } from '../lineage/project-lineage.js';
import type { Manifest } from '../manifest/manifest.js';
import { relationName, type ManifestNode, type TestNode, type UnitTestNode, type UnitTestRows } from '../manifest/nodes.js';
import type { Constraint } from '../parser/constraints.js';
import type { HistoryEntry } from '../artifacts/results-history.js';
import { boxWidthFor, FULL_GRAPH_LIMIT, graphSublabel, NODE_MAX_WIDTH, NODE_WIDTH, type SiteColumn, type SiteData, type SiteDataSample, type SiteGroup, type SiteLineage, type SiteNode, type SiteTest, type SiteUnitRows, type SiteUnitTest, UNIT_ROWS_LIMIT } from './app/data.js';
import { layoutGraph } from './layout.js';

/** One entry of run_results.json, as the site reads it. */
export interface RunResultJson {
  unique_id: string;
  status: string;
  failures?: number | null;
  message?: string;
}

/** A node's latest result, from run_results.json or the results history. */
interface LatestResult {
  status: string;
  failures?: number | null;
  message?: string;
  at?: string;
}

/** An exposure as the site reads it from the manifest. */
export interface ExposureInput {
  uniqueId: string;
  name: string;
  type?: string;
  owner?: string;
  url?: string;
  maturity?: string;
  description?: string;
  dependsOn: string[];
  path?: string;
  tags?: string[];
}

/** Project resources beyond nodes, when the project defines them. */
export interface SiteExtras {
  /** Doc blocks by name (markdown). */
  docs?: Record<string, string>;
  exposures?: ExposureInput[];
  groups?: Omit<SiteGroup, 'members'>[];
}

/** Everything the site is made from. */
export interface SiteInput {
  manifest: Manifest;
  projectName: string;
  compiledSql: ReadonlyMap<string, string>;
  catalog: Catalog;
  lineage: ProjectLineage;
  /** The last run's results (target/run_results.json), when a command ran. */
  runResults?: { metadata?: { generated_at?: string }; results: RunResultJson[] };
  /** Every node's latest result across runs (target/dops_results_history.json). */
  history?: Record<string, HistoryEntry>;
  /** Data previews and profiles by unique id (`docs generate` without `--no-data`). */
  samples?: ReadonlyMap<string, SiteDataSample>;
  /** Why there are no data previews, when turned off. */
  dataNote?: string;
  extras?: SiteExtras;
}

/** Resource types drawn in the lineage graph (tests are listed on their nodes' pages, as in dbt's docs). */
const GRAPH_TYPES = new Set(['source', 'seed', 'model', 'snapshot']);

type Results = Map<string, LatestResult>;

function testEntry(test: TestNode | UnitTestNode, results: Results): SiteTest {
  const result = results.get(test.uniqueId);
  return {
    id: test.uniqueId,
    name: test.resourceType === 'test' ? (test.testMetadata?.name ?? test.name) : test.name,
    column: test.resourceType === 'test' ? test.columnName : undefined,
    status: result?.status,
    failures: result?.failures,
    message: result?.message,
    severity: test.config.severity,
    at: result?.at,
  };
}

/**
 * Each node's latest result: the results history (every run since it was kept), and the last
 * run_results.json for nodes the history does not have (runs from before the history existed).
 */
function latestResults(input: SiteInput): Results {
  const results: Results = new Map();
  const lastAt = input.runResults?.metadata?.generated_at;
  for (const r of input.runResults?.results ?? []) results.set(r.unique_id, { status: r.status, failures: r.failures, message: r.message, at: lastAt });
  for (const [id, r] of Object.entries(input.history ?? {})) results.set(id, { status: r.status, failures: r.failures, message: r.message, at: r.completed_at });
  return results;
}

const DOC_CALL = /\{\{\s*doc\(\s*(['"])([^'"]+)\1\s*\)\s*\}\}/g;

/** Replaces `{{ doc('name') }}` left in a description by the doc block's text (when known). */
function withDocs(text: string | undefined, docs: Record<string, string>): string {
  if (!text || !text.includes('doc(')) return text ?? '';
  return text.replace(DOC_CALL, (call, _q, name: string) => docs[name] ?? call);
}

/** Data tests by the node (or nodes) they test, and unit tests by their model. */
function testsByNode(manifest: Manifest, results: Results): Map<string, SiteTest[]> {
  const byNode = new Map<string, SiteTest[]>();
  for (const node of manifest.nodes.values()) {
    if (node.resourceType !== 'test' && node.resourceType !== 'unit_test') continue;
    const targets = node.resourceType === 'unit_test' ? [node.modelId ?? node.dependsOn.nodes[0]].filter(Boolean) : node.attachedNode ? [node.attachedNode] : node.dependsOn.nodes;
    for (const target of targets) byNode.set(target, [...(byNode.get(target) ?? []), testEntry(node, results)]);
  }
  return byNode;
}

function siteColumns(node: ManifestNode, input: SiteInput, tests: SiteTest[], lineage?: SiteLineage): SiteColumn[] {
  const yaml = 'columns' in node ? Object.values(node.columns) : [];
  const names = input.catalog.get(node.uniqueId)?.columns.map((c) => c.name) ?? [...yaml.map((c) => c.name), ...Object.keys(lineage?.columns ?? {})];
  const unique = [...new Map(names.map((n) => [n.toLowerCase(), n])).values()];
  return unique.map((name) => {
    const lower = name.toLowerCase();
    const documented = yaml.find((c) => c.name.toLowerCase() === lower);
    const typed = input.catalog.get(node.uniqueId)?.columns.find((c) => c.name.toLowerCase() === lower);
    const constraints = documented?.constraints?.length ? documented.constraints.map(constraintText) : undefined;
    return { name, type: typed?.type ?? documented?.dataType, description: withDocs(documented?.description, input.extras?.docs ?? {}) || undefined, tests: tests.filter((t) => t.column?.toLowerCase() === lower), tags: documented?.tags, constraints };
  });
}

/** A constraint as one line: `primary_key`, `check: price > 0`, `foreign_key -> ref('x') (id)`, with its columns at model level. */
function constraintText(c: Constraint): string {
  const columns = c.columns?.length ? ` (${c.columns.join(', ')})` : '';
  const target = c.to ? ` -> ${c.to}${c.to_columns.length ? ` (${c.to_columns.join(', ')})` : ''}` : '';
  const expression = c.expression ? `: ${c.expression}` : '';
  return `${c.name ? `${c.name} ` : ''}${c.type}${columns}${target}${expression}`;
}

/** A fixture value as text: strings as written, NULL as null, numbers, booleans and the rest as JSON. */
function cellText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function unitRows(rows: UnitTestRows, extra: Pick<SiteUnitRows, 'input' | 'node'> = {}): SiteUnitRows {
  const all = rows.rows ?? [];
  return {
    ...extra,
    format: rows.format,
    columns: rows.columns,
    rows: all.slice(0, UNIT_ROWS_LIMIT).map((row) => rows.columns.map((c) => cellText(row[c]))),
    more: all.length > UNIT_ROWS_LIMIT ? all.length - UNIT_ROWS_LIMIT : undefined,
    sql: rows.sql,
    fixture: rows.fixture,
  };
}

/** A unit test's given and expected rows and its overrides, for its page. */
function siteUnitTest(node: UnitTestNode): SiteUnitTest {
  const overrides = [
    ...Object.entries(node.overrides.macros).map(([k, v]) => `macros.${k} = ${JSON.stringify(v)}`),
    ...Object.entries(node.overrides.vars).map(([k, v]) => `vars.${k} = ${JSON.stringify(v)}`),
    ...Object.entries(node.overrides.envVars).map(([k, v]) => `env_vars.${k} = ${JSON.stringify(v)}`),
  ];
  return { given: node.given.map((g) => unitRows(g, { input: g.input, node: g.nodeId })), expect: unitRows(node.expect), overrides };
}

function siteLineage(input: SiteInput, id: string): SiteLineage | undefined {
  const model = input.lineage.get(id);
  if (!model) return undefined;
  if (model.status === 'model-level') return { status: 'model-level', reason: model.reason, columns: {} };
  return { status: 'analysed', columns: Object.fromEntries(model.columns.map((c) => [c.name, c.sources.map((s): [string, string, typeof s.transform] => [s.node, s.column, s.transform])])) };
}

function siteNode(node: ManifestNode, input: SiteInput, tests: SiteTest[], results: Results): Omit<SiteNode, 'x' | 'y'> {
  const lineage = siteLineage(input, node.uniqueId);
  const catalog = input.catalog.get(node.uniqueId);
  const result = results.get(node.uniqueId);
  const loose = node as unknown as Record<string, unknown>;
  const contract = node.config.contract as { enforced?: boolean } | undefined;
  const isTest = node.resourceType === 'test' || node.resourceType === 'unit_test';
  return {
    id: node.uniqueId,
    name: node.name,
    type: node.resourceType,
    label: node.resourceType === 'source' ? `${node.sourceName}.${node.name}` : node.name,
    materialized: node.resourceType === 'source' || isTest ? undefined : node.config.materialized,
    relation: node.resourceType === 'source' && node.externalLocation ? node.externalLocation : 'relation' in node ? relationName(node.relation) : undefined,
    schema: node.resourceType === 'source' && node.externalLocation ? undefined : 'relation' in node ? node.relation.schema : undefined,
    path: node.originalFilePath,
    fqn: node.fqn,
    description: withDocs(node.description, input.extras?.docs ?? {}),
    tags: node.config.tags,
    rawSql: 'rawSql' in node ? node.rawSql : undefined,
    compiledSql: input.compiledSql.get(node.uniqueId),
    columns: isTest ? [] : siteColumns(node, input, tests, lineage),
    parents: 'dependsOn' in node ? node.dependsOn.nodes.filter((p) => GRAPH_TYPES.has(input.manifest.nodes.get(p)?.resourceType ?? '')) : [],
    rowCount: catalog?.rowCount,
    tests: tests.filter((t) => !t.column),
    status: result?.status,
    statusAt: result?.at,
    failures: isTest ? result?.failures : undefined,
    message: result?.message,
    testOf: node.resourceType === 'test' ? (node.attachedNode ?? node.dependsOn.nodes[0]) : node.resourceType === 'unit_test' ? (node.modelId ?? node.dependsOn.nodes[0]) : undefined,
    testColumn: node.resourceType === 'test' ? node.columnName : undefined,
    version: (loose.version as string | number | undefined) ?? undefined,
    latestVersion: (loose.latestVersion as string | number | undefined) ?? undefined,
    contract: contract?.enforced === true ? true : undefined,
    constraints: node.resourceType === 'model' && node.constraints?.length ? node.constraints.map(constraintText) : undefined,
    unitTest: node.resourceType === 'unit_test' ? siteUnitTest(node) : undefined,
    group: typeof node.config.group === 'string' ? node.config.group : undefined,
    access: typeof node.config.access === 'string' ? node.config.access : typeof loose.access === 'string' ? loose.access : undefined,
    sample: input.samples?.get(node.uniqueId),
    graph: GRAPH_TYPES.has(node.resourceType) ? undefined : false,
    lineage,
  };
}

function exposurePage(exposure: ExposureInput, input: SiteInput): SiteNode {
  return {
    id: exposure.uniqueId,
    name: exposure.name,
    type: 'exposure',
    label: exposure.name,
    path: exposure.path ?? '',
    fqn: [input.projectName, exposure.name],
    description: withDocs(exposure.description, input.extras?.docs ?? {}),
    tags: exposure.tags ?? [],
    columns: [],
    parents: exposure.dependsOn,
    tests: [],
    exposure: { type: exposure.type, owner: exposure.owner, url: exposure.url, maturity: exposure.maturity },
    graph: false,
    x: 0,
    y: 0,
  };
}

/**
 * Builds the site's data: every source, seed, model and snapshot with its page content and its
 * position in a left-to-right layout of the whole project (up to {@link FULL_GRAPH_LIMIT} nodes);
 * counts and the last run's test results.
 */
export function buildSiteData(input: SiteInput): SiteData {
  const results = latestResults(input);
  const tests = testsByNode(input.manifest, results);
  const graphNodes = [...input.manifest.nodes.values()].filter((n) => GRAPH_TYPES.has(n.resourceType));
  const nodes = graphNodes.map((n) => siteNode(n, input, tests.get(n.uniqueId) ?? [], results));
  const nodeWidth = boxWidthFor(nodes.map((n) => ({ label: n.label, sublabel: graphSublabel(n) })), NODE_WIDTH, NODE_MAX_WIDTH);
  const layout = nodes.length <= FULL_GRAPH_LIMIT ? layoutGraph(nodes.map((n) => n.id), nodes.flatMap((n) => n.parents.map((p): [string, string] => [p, n.id])), nodeWidth) : undefined;
  const routesOf = (n: (typeof nodes)[number]): number[][] | undefined => layout && n.parents.map((p) => (layout.routes.get(`${p}\u0000${n.id}`) ?? []).flatMap((point) => [point.x, point.y]));
  const counts: Record<string, number> = {};
  for (const node of input.manifest.nodes.values()) counts[node.resourceType] = (counts[node.resourceType] ?? 0) + 1;
  const testResults: Record<string, number> = {};
  let lastRunAt: string | undefined;
  for (const node of input.manifest.nodes.values()) {
    const result = results.get(node.uniqueId);
    if (result?.at && (!lastRunAt || result.at > lastRunAt)) lastRunAt = result.at;
    if (node.resourceType !== 'test') continue;
    const status = result?.status ?? 'not run';
    testResults[status] = (testResults[status] ?? 0) + 1;
  }
  if (Object.keys(testResults).length === 1 && testResults['not run']) delete testResults['not run'];
  const pages = [...input.manifest.nodes.values()].filter((n) => !GRAPH_TYPES.has(n.resourceType)).map((n): SiteNode => ({ ...siteNode(n, input, [], results), x: 0, y: 0 }));
  for (const exposure of input.extras?.exposures ?? []) pages.push(exposurePage(exposure, input));
  if (input.extras?.exposures?.length) counts.exposure = input.extras.exposures.length;
  const groups = (input.extras?.groups ?? []).map((g) => ({ ...g, members: [...nodes, ...pages].filter((n) => n.group === g.name).map((n) => n.id) }));
  return {
    project: input.projectName,
    generatedAt: new Date().toISOString(),
    docs: Object.fromEntries(Object.entries(input.extras?.docs ?? {}).map(([name, text]) => [name, withDocs(text, input.extras?.docs ?? {})])),
    groups,
    pages,
    dataNote: input.dataNote,
    built: input.catalog.size > 0 && [...input.catalog.values()].some((e) => e.kind !== 'external'),
    nodes: nodes.map((n) => ({ ...n, ...(layout?.positions.get(n.id) ?? { x: 0, y: 0 }), routes: routesOf(n) })),
    nodeWidth,
    width: layout?.width ?? 0,
    height: layout?.height ?? 0,
    counts,
    testResults,
    lastRunAt: lastRunAt ?? input.runResults?.metadata?.generated_at,
  };
}
