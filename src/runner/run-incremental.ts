import type { Connection } from '../adapter/adapter.js';
import { quoteIdentifier, renderRelation } from '../adapter/quoting.js';
import type { Compiler, CompiledNode } from '../compiler/compiler.js';
import type { ModelNode } from '../manifest/nodes.js';
import { CompilationError } from '../errors.js';
import { duplicateKeysQuery, incrementalConfig, planIncremental, wantsFullRefresh } from '../materializations/incremental.js';
import { contractTablePlan, planTable } from '../materializations/table.js';
import { transactional } from '../materializations/plan.js';
import type { RelationCatalog } from './catalog.js';
import { inTransaction, runStatements } from './transaction.js';
import { assertSingleSelect, enforceContract, runPlan } from './execute-node.js';

/** Suffix of the temp table holding an incremental run's new rows. */
const STAGING_SUFFIX = '__dops_incr';

/** @throws CompilationError when staged rows share a `unique_key` value (merge would pick one at random) */
async function checkUniqueKeys(model: ModelNode, connection: Connection, staging: string, uniqueKey: string[]): Promise<void> {
  const [row] = await connection.query(duplicateKeysQuery(staging, uniqueKey));
  const duplicates = Number(row?.duplicates ?? 0);
  if (duplicates > 0) {
    throw new CompilationError(`Model '${model.name}': ${duplicates} unique_key value${duplicates === 1 ? ' occurs' : 's occur'} more than once in the new rows; merge needs them unique`, {
      location: { file: model.originalFilePath },
      hint: "Deduplicate the model's new rows (e.g. qualify row_number() over (partition by the key ...) = 1), or use incremental_strategy='delete+insert'.",
    });
  }
}

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
 * @param catalog the run's relation catalog: whether the table exists; records the table once built
 * @throws DopsError for config problems; DuckDB's error for SQL failures (after rolling back)
 */
export async function runIncremental(model: ModelNode, connection: Connection, catalog: RelationCatalog, compiler: Compiler, fullRefreshFlag: boolean | undefined): Promise<IncrementalOutcome> {
  const config = incrementalConfig(model);
  const existing = catalog.kindOf(model.relation);
  const fullRefresh = wantsFullRefresh(model.config, fullRefreshFlag);
  const compiled = await compiler.compileLive(model, connection, { relationExists: existing === 'table', fullRefresh });
  await assertSingleSelect(model, compiled, connection);
  // A contract is checked on every run (as dbt-postgres does), and shapes the table when it is built.
  const contract = await enforceContract(model, compiled.sql, connection, compiler);
  if (existing !== 'table' || fullRefresh) {
    // A first build is the `table` materialization's plan (with the contract's columns and constraints when enforced).
    const { dialect } = connection;
    const contracted = contract && contractTablePlan(model, compiled.sql, existing, dialect, contract);
    const plan = contracted ? transactional(model.relation.schema, contracted.statements, contracted.rowCountStatement) : planTable(model.relation, compiled.sql, existing, dialect);
    const rows = (await runPlan(connection, plan)) ?? 0;
    catalog.record(model.relation, 'table');
    return { compiled, rows, incremental: false };
  }
  const staging = `${model.relation.identifier}${STAGING_SUFFIX}`;
  const rows = await inTransaction(connection, async () => {
    for (const sql of connection.dialect.createTempTableAs(staging, compiled.sql)) await connection.execute(sql);
    const tableColumns = await connection.describeColumns(renderRelation(model.relation));
    const stagingColumns = await connection.describeColumns(quoteIdentifier(staging));
    const plan = planIncremental(model, model.relation, { staging, tableColumns, stagingColumns });
    if (config.strategy === 'merge') await checkUniqueKeys(model, connection, staging, config.uniqueKey);
    const count = await runStatements(connection, plan.statements, plan.rowCountStatement);
    await connection.execute(`drop table ${quoteIdentifier(staging)}`);
    return count;
  });
  return { compiled, rows, incremental: true };
}
