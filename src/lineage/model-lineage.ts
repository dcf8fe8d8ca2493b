import type { Connection } from '../adapter/adapter.js';
import { quoteLiteral } from '../adapter/quoting.js';
import { analyseQuery, type RelationResolver } from './analyze.js';
import type { SerializedSql } from './ast.js';
import type { Col, Edge } from './scope.js';
import { strongestTransform, UnanalysableSqlError, type ColumnLineage, type ModelLineage, type Transform } from './types.js';

/**
 * Asks DuckDB for the parse tree of a SQL text (`json_serialize_sql`, DuckDB docs "JSON
 * Functions"). Only SELECT statements serialize; others come back with `error: true`.
 * @throws Error with DuckDB's message when the query itself fails (not for SQL that does not parse)
 */
export async function serializeSql(connection: Connection, sql: string): Promise<SerializedSql> {
  const rows = await connection.query(`select json_serialize_sql(${quoteLiteral(sql)}) as ast`);
  return JSON.parse(String(rows[0].ast)) as SerializedSql;
}

/**
 * Parse trees of many SQL texts in few round trips (one query per `batchSize` texts), in order.
 * @throws Error with DuckDB's message when a query fails
 */
export async function serializeSqlBatch(connection: Connection, sqls: string[], batchSize = 250): Promise<SerializedSql[]> {
  const trees: SerializedSql[] = [];
  for (let start = 0; start < sqls.length; start += batchSize) {
    const batch = sqls.slice(start, start + batchSize);
    const values = batch.map((sql, i) => `(${i}, ${quoteLiteral(sql)})`).join(', ');
    const rows = await connection.query(`select i, json_serialize_sql(s) as ast from (values ${values}) t(i, s) order by i`);
    trees.push(...rows.map((row) => JSON.parse(String(row.ast)) as SerializedSql));
  }
  return trees;
}

function edgeTransform(col: Col, edge: Edge): Transform | 'join-key' {
  if (edge.join) return 'join-key';
  if (edge.transformed) return 'transformed';
  return edge.column.toLowerCase() === col.name.toLowerCase() ? 'passthrough' : 'renamed';
}

/** Turns analysed columns into the published shape, naming unnamed expressions from the catalog. */
function toLineage(columns: Col[], actualNames: string[] | undefined): ColumnLineage[] {
  return columns.map((col, i) => {
    const name = col.name || actualNames?.[i] || `#${i + 1}`;
    const named = { ...col, name };
    const sources = col.edges.map((e) => ({ node: e.node, column: e.column, transform: edgeTransform(named, e) }));
    return { name, transform: strongestTransform(sources.flatMap((s) => (s.transform === 'join-key' ? [] : [s.transform]))), sources };
  });
}

/**
 * Column lineage of one model from its compiled SQL's parse tree.
 * @param actualNames the model's columns as the database (catalog) reports them, when built: they
 *   name un-aliased expressions, and a different column count means the analysis is wrong
 * @returns model-level lineage with the reason when the SQL cannot be followed (never a guess)
 */
export function modelLineage(serialized: SerializedSql, resolver: RelationResolver, actualNames?: string[]): ModelLineage {
  const statements = serialized.statements ?? [];
  if (serialized.error || statements.length !== 1) {
    return { status: 'model-level', reason: `DuckDB could not serialize the compiled SQL: ${serialized.error_message ?? `${statements.length} statements`}`, columns: [] };
  }
  try {
    const columns = analyseQuery(statements[0].node, resolver);
    if (actualNames && actualNames.length !== columns.length) {
      return { status: 'model-level', reason: `the analysis found ${columns.length} columns but the database has ${actualNames.length}`, columns: [] };
    }
    return { status: 'analysed', columns: toLineage(columns, actualNames) };
  } catch (error) {
    if (error instanceof UnanalysableSqlError) return { status: 'model-level', reason: error.message, columns: [] };
    throw error;
  }
}
