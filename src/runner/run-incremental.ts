import type { Connection } from '../adapter/adapter.js';
import { quoteIdentifier, renderRelation } from '../adapter/quoting.js';
import type { Compiler, CompiledNode } from '../compiler/compiler.js';
import type { ModelNode } from '../manifest/nodes.js';
import { incrementalConfig, planIncremental, wantsFullRefresh } from '../materializations/incremental.js';
import { planTable } from '../materializations/table.js';
import { describeColumns, inTransaction, runStatements } from './transaction.js';

/** Suffix of the temp table holding an incremental run's new rows. */
const STAGING_SUFFIX = '__dops_incr';

/** What building an incremental model did. */
export interface IncrementalOutcome {
  compiled: CompiledNode;
  rows: number | undefined;
  /** True when the run added to the existing table; false when it (re)built it from scratch. */
  incremental: boolean;
}

/**
 * Builds an incremental model. A first run, a `--full-refresh` (unless `full_refresh: false`) or
 * a relation that is a view builds the table from scratch like `table`; otherwise the model's new
 * rows (rendered with `is_incremental()` true) are staged in a temp table and applied by the
 * configured strategy. Either way everything happens in one transaction: a failure leaves the
 * table as it was.
 * @throws DopsError for config problems; DuckDB's error for SQL failures (after rolling back)
 */
export async function runIncremental(model: ModelNode, connection: Connection, compiler: Compiler, fullRefreshFlag: boolean | undefined): Promise<IncrementalOutcome> {
  incrementalConfig(model);
  const existing = await connection.relationKind(model.relation);
  const fullRefresh = wantsFullRefresh(model.config, fullRefreshFlag);
  const compiled = compiler.compile(model, { relationExists: existing === 'table', fullRefresh });
  if (existing !== 'table' || fullRefresh) {
    const plan = planTable(model.relation, compiled.sql, existing);
    const body = plan.statements.slice(1, -1);
    const rows = await inTransaction(connection, () => runStatements(connection, body, (plan.rowCountStatement ?? 1) - 1));
    return { compiled, rows, incremental: false };
  }
  const staging = `${model.relation.identifier}${STAGING_SUFFIX}`;
  const rows = await inTransaction(connection, async () => {
    await connection.execute(`create or replace temp table ${quoteIdentifier(staging)} as (\n${compiled.sql}\n)`);
    const tableColumns = await describeColumns(connection, renderRelation(model.relation));
    const stagingColumns = await describeColumns(connection, quoteIdentifier(staging));
    const plan = planIncremental(model, model.relation, { staging, tableColumns, stagingColumns });
    const count = await runStatements(connection, plan.statements, plan.rowCountStatement);
    await connection.execute(`drop table ${quoteIdentifier(staging)}`);
    return count;
  });
  return { compiled, rows, incremental: true };
}
