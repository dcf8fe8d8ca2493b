import type { Dialect, RelationKind } from '../adapter/adapter.js';
import { quoteIdentifier } from '../adapter/quoting.js';
import type { Relation } from '../manifest/nodes.js';

/** SQL statements that materialize one node, run in order on one connection. */
export interface MaterializationPlan {
  statements: string[];
  /** Index of the statement whose reported row count is the node's `rows affected`. */
  rowCountStatement?: number;
  /** The node's `rows affected` when known while planning (seeds loaded by INSERT batches). */
  knownRowCount?: number;
}

/** Suffix of the relation a table is built into before it is swapped in. */
export const TEMP_SUFFIX = '__dops_tmp';

/** `DROP VIEW|TABLE IF EXISTS` for whatever the relation currently is, in the engine's dialect. */
export function dropStatement(relation: Relation, kind: RelationKind, dialect: Dialect): string {
  return dialect.dropRelation(relation, kind);
}

/**
 * Wraps statements in one transaction with the schema created first, so a failure anywhere rolls
 * everything back and the previous relation stays readable (DuckDB DDL is transactional).
 */
export function transactional(schema: string, statements: string[], rowCountStatement?: number): MaterializationPlan {
  return {
    statements: ['begin transaction', `create schema if not exists ${quoteIdentifier(schema)}`, ...statements, 'commit'],
    rowCountStatement: rowCountStatement === undefined ? undefined : rowCountStatement + 2,
  };
}
