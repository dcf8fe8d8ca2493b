import type { Relation } from '../manifest/nodes.js';

/**
 * Quotes an identifier for DuckDB: wraps it in double quotes and doubles embedded quotes
 * (DuckDB docs, "Identifiers").
 */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quotes a string literal for DuckDB: single quotes, embedded quotes doubled. */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Renders a relation as `"schema"."identifier"` for SQL. */
export function renderRelation(relation: Relation): string {
  return `${quoteIdentifier(relation.schema)}.${quoteIdentifier(relation.identifier)}`;
}

const READERS: [RegExp, string][] = [
  [/\.parquet$/i, 'read_parquet'],
  [/\.(csv|tsv|txt)(\.gz|\.zst)?$/i, 'read_csv'],
  [/\.(ndjson|jsonl)(\.gz|\.zst)?$/i, 'read_ndjson'],
  [/\.json(\.gz|\.zst)?$/i, 'read_json'],
];

/**
 * SQL that reads lake files with DuckDB's own readers, picked by extension
 * (`read_parquet`, `read_csv`, `read_json`, `read_ndjson`; DuckDB docs, "Data Import").
 * Unknown extensions fall back to DuckDB's replacement scan (`'path'`), which sniffs the format.
 * @param location path or glob, relative paths resolved by DuckDB's `file_search_path`
 */
export function renderExternalLocation(location: string): string {
  const reader = READERS.find(([pattern]) => pattern.test(location))?.[1];
  return reader ? `${reader}(${quoteLiteral(location)})` : quoteLiteral(location);
}
