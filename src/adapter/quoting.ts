import type { Relation } from '../manifest/nodes.js';

/**
 * Quotes an identifier the SQL-standard way every supported engine shares: wraps it in double
 * quotes and doubles embedded quotes (DuckDB docs, "Identifiers"; PostgreSQL docs, "Lexical Structure").
 */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quotes a string literal (standard SQL, as DuckDB and PostgreSQL read it): single quotes, embedded quotes doubled. */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Renders a relation as `"schema"."identifier"` for SQL. */
export function renderRelation(relation: Relation): string {
  return `${quoteIdentifier(relation.schema)}.${quoteIdentifier(relation.identifier)}`;
}
