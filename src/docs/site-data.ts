import type { Catalog } from '../artifacts/catalog.js';
import type { ProjectLineage } from '../lineage/project-lineage.js';
import type { Manifest } from '../manifest/manifest.js';
import { relationName, type ManifestNode, type TestNode } from '../manifest/nodes.js';
import { FULL_GRAPH_LIMIT, type SiteColumn, type SiteData, type SiteLineage, type SiteNode, type SiteTest } from './app/data.js';
import { layoutGraph } from './layout.js';

/** One entry of run_results.json, as the site reads it. */
export interface RunResultJson {
  unique_id: string;
  status: string;
  failures?: number | null;
  message?: string;
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
}

/** Resource types drawn in the lineage graph (tests are listed on their nodes' pages, as in dbt's docs). */
const GRAPH_TYPES = new Set(['source', 'seed', 'model', 'snapshot']);

function testEntry(test: TestNode, results: Map<string, RunResultJson>): SiteTest {
  const result = results.get(test.uniqueId);
  return {
    id: test.uniqueId,
    name: test.testMetadata?.name ?? test.name,
    column: test.columnName,
    status: result?.status,
    failures: result?.failures,
    message: result?.message,
    severity: test.config.severity,
  };
}

function testsByNode(manifest: Manifest, results: Map<string, RunResultJson>): Map<string, SiteTest[]> {
  const byNode = new Map<string, SiteTest[]>();
  for (const node of manifest.nodes.values()) {
    if (node.resourceType !== 'test') continue;
    const targets = node.attachedNode ? [node.attachedNode] : node.dependsOn.nodes;
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
    return { name, type: typed?.type ?? documented?.dataType, description: documented?.description || undefined, tests: tests.filter((t) => t.column?.toLowerCase() === lower) };
  });
}

function siteLineage(input: SiteInput, id: string): SiteLineage | undefined {
  const model = input.lineage.get(id);
  if (!model) return undefined;
  if (model.status === 'model-level') return { status: 'model-level', reason: model.reason, columns: {} };
  return { status: 'analysed', columns: Object.fromEntries(model.columns.map((c) => [c.name, c.sources.map((s): [string, string, typeof s.transform] => [s.node, s.column, s.transform])])) };
}

function siteNode(node: ManifestNode, input: SiteInput, tests: SiteTest[], results: Map<string, RunResultJson>): Omit<SiteNode, 'x' | 'y'> {
  const lineage = siteLineage(input, node.uniqueId);
  const catalog = input.catalog.get(node.uniqueId);
  return {
    id: node.uniqueId,
    name: node.name,
    type: node.resourceType,
    label: node.resourceType === 'source' ? `${node.sourceName}.${node.name}` : node.name,
    materialized: node.resourceType === 'source' ? undefined : node.config.materialized,
    relation: node.resourceType === 'source' && node.externalLocation ? node.externalLocation : 'relation' in node ? relationName(node.relation) : undefined,
    path: node.originalFilePath,
    description: node.description,
    tags: node.config.tags,
    rawSql: 'rawSql' in node ? node.rawSql : undefined,
    compiledSql: input.compiledSql.get(node.uniqueId),
    columns: siteColumns(node, input, tests, lineage),
    parents: 'dependsOn' in node ? node.dependsOn.nodes.filter((p) => GRAPH_TYPES.has(input.manifest.get(p).resourceType)) : [],
    rowCount: catalog?.rowCount,
    tests: tests.filter((t) => !t.column),
    status: results.get(node.uniqueId)?.status,
    lineage,
  };
}

/**
 * Builds the site's data: every source, seed, model and snapshot with its page content and its
 * position in a left-to-right layout of the whole project (up to {@link FULL_GRAPH_LIMIT} nodes);
 * counts and the last run's test results.
 */
export function buildSiteData(input: SiteInput): SiteData {
  const results = new Map((input.runResults?.results ?? []).map((r) => [r.unique_id, r]));
  const tests = testsByNode(input.manifest, results);
  const graphNodes = [...input.manifest.nodes.values()].filter((n) => GRAPH_TYPES.has(n.resourceType));
  const nodes = graphNodes.map((n) => siteNode(n, input, tests.get(n.uniqueId) ?? [], results));
  const layout = nodes.length <= FULL_GRAPH_LIMIT ? layoutGraph(nodes.map((n) => n.id), nodes.flatMap((n) => n.parents.map((p): [string, string] => [p, n.id]))) : undefined;
  const routesOf = (n: (typeof nodes)[number]): number[][] | undefined => layout && n.parents.map((p) => (layout.routes.get(`${p}\u0000${n.id}`) ?? []).flatMap((point) => [point.x, point.y]));
  const counts: Record<string, number> = {};
  for (const node of input.manifest.nodes.values()) counts[node.resourceType] = (counts[node.resourceType] ?? 0) + 1;
  const testResults: Record<string, number> = {};
  for (const node of input.manifest.nodes.values()) {
    const status = node.resourceType === 'test' ? results.get(node.uniqueId)?.status : undefined;
    if (status) testResults[status] = (testResults[status] ?? 0) + 1;
  }
  return {
    project: input.projectName,
    generatedAt: new Date().toISOString(),
    built: input.catalog.size > 0 && [...input.catalog.values()].some((e) => e.kind !== 'external'),
    nodes: nodes.map((n) => ({ ...n, ...(layout?.positions.get(n.id) ?? { x: 0, y: 0 }), routes: routesOf(n) })),
    width: layout?.width ?? 0,
    height: layout?.height ?? 0,
    counts,
    testResults,
    lastRunAt: input.runResults?.metadata?.generated_at,
  };
}
