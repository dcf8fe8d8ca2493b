import type { Connection } from '../adapter/adapter.js';
import { quoteIdentifier, renderRelation } from '../adapter/quoting.js';
import type { Compiler, CompiledNode } from '../compiler/compiler.js';
import { CompilationError } from '../errors.js';
import type { SnapshotNode } from '../manifest/nodes.js';
import { planSnapshotUpdate, snapshotConfig, snapshotCreateStatement, timestampLiteral } from '../materializations/snapshot.js';
import type { RelationCatalog } from './catalog.js';
import { inTransaction, runStatements } from './transaction.js';
import { assertSingleSelect } from './execute-node.js';

/** Suffix of the temp tables a snapshot run stages rows in. */
const STAGING_SUFFIX = '__dops_snap';

/** What running a snapshot did. */
export interface SnapshotOutcome {
  compiled: CompiledNode;
  /** New versions written (first run: every row). */
  rows: number | undefined;
  /** True on the first run, which created the table. */
  created: boolean;
}

/**
 * Runs a snapshot in one transaction: creates its table on the first run, else stages the query's
 * rows in a temp table and applies {@link planSnapshotUpdate}. A failure changes nothing.
 * @param catalog the run's relation catalog: whether the table exists; records it once created
 * @param time the run's snapshot time (recorded for `check` versions and hard deletes)
 * @throws CompilationError for bad config or a relation that is a view; DuckDB's error for SQL failures
 */
export async function runSnapshot(snapshot: SnapshotNode, connection: Connection, catalog: RelationCatalog, compiler: Compiler, time: Date): Promise<SnapshotOutcome> {
  const config = snapshotConfig(snapshot.config, snapshot.name);
  const compiled = await compiler.compileLive(snapshot, connection);
  await assertSingleSelect(snapshot, compiled, connection);
  const existing = catalog.kindOf(snapshot.relation);
  const now = timestampLiteral(time);
  if (existing === 'view') {
    throw new CompilationError(`Snapshot '${snapshot.name}': ${renderRelation(snapshot.relation)} is a view, not a snapshot table`, { hint: 'Drop the view or give the snapshot another schema or alias.' });
  }
  if (!existing) {
    const rows = await inTransaction(connection, async () => {
      await connection.execute(`create schema if not exists ${quoteIdentifier(snapshot.relation.schema)}`);
      return (await connection.execute(snapshotCreateStatement(snapshot.relation, compiled.sql, config, now))) ?? 0;
    });
    catalog.record(snapshot.relation, 'table');
    return { compiled, rows, created: true };
  }
  const staging = `${snapshot.relation.identifier}${STAGING_SUFFIX}`;
  const rows = await inTransaction(connection, async () => {
    for (const sql of connection.dialect.createTempTableAs(staging, compiled.sql)) await connection.execute(sql);
    const tableColumns = await connection.describeColumns(renderRelation(snapshot.relation));
    const stagingColumns = await connection.describeColumns(quoteIdentifier(staging));
    const plan = planSnapshotUpdate(snapshot.relation, config, { staging, tableColumns, stagingColumns }, now, connection.dialect);
    return runStatements(connection, plan.statements, plan.rowCountStatement);
  });
  return { compiled, rows, created: false };
}
