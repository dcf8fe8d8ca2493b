import type { Connection } from '../adapter/adapter.js';

/**
 * Runs `work` inside one transaction: commits when it resolves, rolls back and re-throws when it
 * throws, so a failed materialization leaves every relation as it was (DDL is transactional in
 * DuckDB and PostgreSQL: see the adapter's `capabilities`).
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
