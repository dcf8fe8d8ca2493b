import type { Connection } from '../adapter/adapter.js';
import type { ColumnSpec } from '../materializations/schema-change.js';

/**
 * Runs `work` inside one DuckDB transaction: commits when it resolves, rolls back and re-throws
 * when it throws, so a failed materialization leaves every relation as it was (DuckDB DDL is
 * transactional).
 */
export async function inTransaction<T>(connection: Connection, work: () => Promise<T>): Promise<T> {
  await connection.execute('begin transaction');
  try {
    const result = await work();
    await connection.execute('commit');
    return result;
  } catch (error) {
    await connection.execute('rollback').catch(() => undefined);
    throw error;
  }
}

/**
 * The columns of a relation or temp table, in order, as DuckDB's `DESCRIBE` reports them.
 * @param rendered the relation as SQL (quoted)
 */
export async function describeColumns(connection: Connection, rendered: string): Promise<ColumnSpec[]> {
  const rows = await connection.query(`describe ${rendered}`);
  return rows.map((row) => ({ name: String(row.column_name), type: String(row.column_type) }));
}

/**
 * Runs statements in order and returns the row count of the one at `countIndex`.
 * @throws the first statement's error (nothing after it runs)
 */
export async function runStatements(connection: Connection, statements: string[], countIndex?: number): Promise<number | undefined> {
  let rows: number | undefined;
  for (const [index, sql] of statements.entries()) {
    const count = await connection.execute(sql);
    if (index === countIndex) rows = count ?? 0;
  }
  return rows;
}
