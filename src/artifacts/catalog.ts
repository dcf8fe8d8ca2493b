import type { Connection } from '../adapter/adapter.js';
import { renderRelation } from '../adapter/quoting.js';
import { renderExternalLocation } from '../adapter/duckdb/files.js';
import type { Manifest } from '../manifest/manifest.js';
import { relationName, type RelationNode } from '../manifest/nodes.js';
import { artifactMetadata, writeJson } from './write-json.js';
import { isInlined } from '../materializations/registry.js';

/** A column as the database reports it. */
export interface CatalogColumn {
  name: string;
  /** DuckDB's type name (`BIGINT`, `VARCHAR`, `DECIMAL(18,3)`, ...). */
  type: string;
  /** 1-based position. */
  index: number;
}

/** What the database knows about one node's relation (or lake files) after a build. */
export interface CatalogEntry {
  uniqueId: string;
  /** `schema.name`, or the file location for sources read from files. */
  relation: string;
  kind: 'table' | 'view' | 'external';
  columns: CatalogColumn[];
  /** Rows in tables and Parquet files; undefined for views and other files (counting would run them). */
  rowCount?: number;
}

/** Catalog entries by unique id; nodes absent from the database (not built yet) are absent. */
export type Catalog = Map<string, CatalogEntry>;

function relationNodes(manifest: Manifest): RelationNode[] {
  return [...manifest.nodes.values()].filter((n): n is RelationNode => n.resourceType !== 'test' && n.resourceType !== 'unit_test' && !isInlined(n));
}

async function databaseColumns(connection: Connection): Promise<Map<string, { kind: 'table' | 'view'; columns: CatalogColumn[] }>> {
  const byRelation = new Map<string, { kind: 'table' | 'view'; columns: CatalogColumn[] }>();
  for (const column of await connection.listColumns()) {
    const key = `${column.schema}.${column.identifier}`.toLowerCase();
    const entry = byRelation.get(key) ?? { kind: column.kind, columns: [] };
    entry.columns.push({ name: column.name, type: column.type, index: column.index });
    byRelation.set(key, entry);
  }
  return byRelation;
}

async function externalEntry(connection: Connection, id: string, location: string, options?: Record<string, unknown>): Promise<CatalogEntry | undefined> {
  const reader = renderExternalLocation(location, options);
  try {
    const described = await connection.query(`describe select * from ${reader}`);
    const columns = described.map((row, i) => ({ name: String(row.column_name), type: String(row.column_type), index: i + 1 }));
    // Parquet keeps row counts in its footer, so counting costs no scan; other formats would be read in full.
    const rowCount = /^read_parquet\(/.test(reader) ? Number((await connection.query(`select count(*) as n from ${reader}`))[0].n) : undefined;
    return { uniqueId: id, relation: location, kind: 'external', columns, rowCount };
  } catch {
    return undefined; // missing or unreadable files: the docs fall back to YAML columns
  }
}

/**
 * Reads the catalog: for every model, seed and source relation that exists in the database, its
 * columns and DuckDB types (information_schema.columns) and, for tables, its row count; for
 * sources read from files, the columns DuckDB infers (`DESCRIBE SELECT * FROM read_parquet(...)`).
 * Relations not built yet are left out.
 * @throws Error with DuckDB's message when the information schema cannot be read
 */
export async function readCatalog(connection: Connection, manifest: Manifest): Promise<Catalog> {
  const columns = await databaseColumns(connection);
  const catalog: Catalog = new Map();
  for (const node of relationNodes(manifest)) {
    if (node.resourceType === 'source' && node.externalLocation) {
      if (!connection.capabilities.files) continue; // the engine reads no files (rejected at parse time for builds)
      const entry = await externalEntry(connection, node.uniqueId, node.externalLocation, node.readerOptions);
      if (entry) catalog.set(node.uniqueId, entry);
      continue;
    }
    const found = columns.get(relationName(node.relation).toLowerCase());
    if (!found) continue;
    const rowCount = found.kind === 'table' ? Number((await connection.query(`select count(*) as n from ${renderRelation(node.relation)}`))[0].n) : undefined;
    catalog.set(node.uniqueId, { uniqueId: node.uniqueId, relation: relationName(node.relation), kind: found.kind, columns: found.columns, rowCount });
  }
  return catalog;
}

function serializeEntry(entry: CatalogEntry): Record<string, unknown> {
  const [schema, ...rest] = entry.kind === 'external' ? ['', entry.relation] : entry.relation.split('.');
  return {
    unique_id: entry.uniqueId,
    metadata: { type: entry.kind === 'external' ? 'EXTERNAL' : entry.kind === 'view' ? 'VIEW' : 'BASE TABLE', schema: schema || null, name: rest.join('.'), location: entry.kind === 'external' ? entry.relation : null },
    columns: Object.fromEntries(entry.columns.map((c) => [c.name, { name: c.name, type: c.type, index: c.index, comment: null }])),
    stats: entry.rowCount === undefined ? {} : { row_count: { id: 'row_count', label: 'Row count', value: entry.rowCount, include: true } },
  };
}

/**
 * Writes `target/catalog.json` in dbt's shape: `nodes` (models, seeds) and `sources`, each with
 * `metadata`, `columns` (name, type, index) and `stats.row_count`.
 */
export function writeCatalog(path: string, catalog: Catalog, manifest: Manifest): void {
  const nodes: Record<string, unknown> = {};
  const sources: Record<string, unknown> = {};
  for (const entry of catalog.values()) (manifest.get(entry.uniqueId).resourceType === 'source' ? sources : nodes)[entry.uniqueId] = serializeEntry(entry);
  writeJson(path, { metadata: artifactMetadata('catalog'), nodes, sources, errors: null });
}

