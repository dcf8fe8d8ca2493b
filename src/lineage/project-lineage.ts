import { renderExternalLocation } from '../adapter/duckdb/files.js';
import { absoluteLocation } from '../project/paths.js';
import { cteName } from '../compiler/ctes.js';
import type { Manifest } from '../manifest/manifest.js';
import { relationName, type ManifestNode } from '../manifest/nodes.js';
import type { RelationResolver, UpstreamRelation } from './analyze.js';
import type { SerializedSql } from './ast.js';
import { SNAPSHOT_META_COLUMNS } from '../materializations/snapshot.js';
import { modelLineage } from './model-lineage.js';
import type { ModelLineage } from './types.js';
import { isInlined } from '../materializations/registry.js';

/** What the project-wide analysis needs; I/O is passed in so the rules stay testable. */
export interface ProjectLineageInput {
  manifest: Manifest;
  /** Unique ids in DAG order (parents first), so a model's analysed columns serve its children. */
  order: string[];
  /** Compiled SQL of every model. */
  compiledSql: ReadonlyMap<string, string>;
  /** Column names the database reports for a node (catalog), when it was built or is a file. */
  catalogColumns(uniqueId: string): string[] | undefined;
  /** DuckDB's parse trees of SQL texts (`json_serialize_sql`), in order. */
  serialize(sqls: string[]): Promise<SerializedSql[]>;
  /** Project dir: compiled SQL reads relative lake locations by their absolute path. */
  projectDir?: string;
}

const isSnapshotMeta = (name: string): boolean => SNAPSHOT_META_COLUMNS.includes(name.toLowerCase());

/**
 * A snapshot's columns: its query's, then the history columns dops adds (`dbt_scd_id`,
 * `dbt_valid_from`, ...; those in the database when built, else the four always written), computed
 * by the snapshot itself.
 */
function snapshotLineage(query: ModelLineage, actual: string[] | undefined): ModelLineage {
  if (query.status !== 'analysed') return query;
  const meta = actual ? actual.filter(isSnapshotMeta) : SNAPSHOT_META_COLUMNS.filter((c) => c !== 'dbt_is_deleted');
  return { status: 'analysed', columns: [...query.columns, ...meta.map((name) => ({ name, transform: 'transformed' as const, sources: [] }))] };
}

/** Column lineage of every model and snapshot, by unique id. */
export type ProjectLineage = Map<string, ModelLineage>;

function yamlColumns(node: ManifestNode): string[] | undefined {
  const names = 'columns' in node ? Object.values(node.columns).map((c) => c.name) : [];
  return names.length ? names : undefined;
}

/**
 * Maps the relations compiled SQL reads back to nodes: `"schema"."name"` of models, seeds and
 * database sources; `read_parquet('location')` (and the other readers) of file sources; the CTE
 * names of inlined ephemeral models.
 */
function projectResolver(manifest: Manifest, columnsOf: (id: string) => string[] | undefined, projectDir?: string): RelationResolver {
  const tables = new Map<string, string>();
  const readers = new Map<string, string>();
  for (const node of manifest.nodes.values()) {
    if (node.resourceType === 'test' || node.resourceType === 'unit_test') continue;
    if (isInlined(node)) tables.set(`.${cteName(node.name)}`.toLowerCase(), node.uniqueId);
    else if (node.resourceType === 'source' && node.externalLocation) {
      const locations = new Set([node.externalLocation, projectDir ? absoluteLocation(projectDir, node.externalLocation) : node.externalLocation]);
      for (const location of locations) {
        const call = renderExternalLocation(location, node.readerOptions);
        // `read_parquet('x')` is a table function; an unknown extension renders as a replacement scan `'x'`.
        if (call.startsWith("'")) tables.set(`.${location}`.toLowerCase(), node.uniqueId);
        else readers.set(`${call.slice(0, call.indexOf('('))}\u0000${location}`, node.uniqueId);
      }
    } else tables.set(relationName(node.relation).toLowerCase(), node.uniqueId);
  }
  const upstream = (id: string | undefined): UpstreamRelation | undefined => (id ? { node: id, columns: columnsOf(id) } : undefined);
  return {
    table: (schema, name) => upstream(tables.get(`${schema}.${name}`.toLowerCase())),
    tableFunction: (name, args) => upstream(readers.get(`${name.toLowerCase()}\u0000${String(args[0])}`)),
  };
}

/** Models whose SQL is parsed in one request (see {@link analyseProject}). */
const SERIALIZE_CHUNK = 250;

/**
 * Analyses every model's and snapshot's compiled SQL, parents first. The columns of an upstream node are, in
 * order of trust: the catalog's, the ones its own analysis found, its YAML columns.
 * @returns lineage by unique id (model-level with a reason where SQL cannot be followed)
 */
export async function analyseProject(input: ProjectLineageInput): Promise<ProjectLineage> {
  const lineage: ProjectLineage = new Map();
  const columnsOf = (id: string): string[] | undefined => {
    const analysed = lineage.get(id);
    const fromAnalysis = analysed?.status === 'analysed' && analysed.columns.every((c) => !c.name.startsWith('#')) ? analysed.columns.map((c) => c.name) : undefined;
    return input.catalogColumns(id) ?? fromAnalysis ?? yamlColumns(input.manifest.get(id));
  };
  const resolver = projectResolver(input.manifest, columnsOf, input.projectDir);
  const analysed = input.order.filter((id) => ['model', 'snapshot'].includes(input.manifest.get(id).resourceType) && input.compiledSql.has(id));
  // In chunks, the next one asked for before this one is analysed: the database parses SQL on its
  // own thread while this thread follows the columns of the previous chunk (parents still first).
  const chunks: string[][] = [];
  for (let start = 0; start < analysed.length; start += SERIALIZE_CHUNK) chunks.push(analysed.slice(start, start + SERIALIZE_CHUNK));
  const serialize = (ids: string[]) => input.serialize(ids.map((id) => input.compiledSql.get(id)!));
  let next = chunks.length ? serialize(chunks[0]) : undefined;
  for (let k = 0; k < chunks.length; k++) {
    const trees = await next!;
    next = k + 1 < chunks.length ? serialize(chunks[k + 1]) : undefined;
    // A failed read-ahead is reported when it is awaited, not as an unhandled rejection meanwhile.
    next?.catch(() => undefined);
    chunks[k].forEach((id, i) => {
      const actual = input.catalogColumns(id);
      if (input.manifest.get(id).resourceType !== 'snapshot') lineage.set(id, modelLineage(trees[i], resolver, actual));
      else lineage.set(id, snapshotLineage(modelLineage(trees[i], resolver, actual?.filter((c) => !isSnapshotMeta(c))), actual));
    });
  }
  return lineage;
}
