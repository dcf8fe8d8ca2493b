import type { Dialect, RelationKind } from '../adapter/adapter.js';
import { CompilationError } from '../errors.js';
import type { ModelNode } from '../manifest/nodes.js';
import type { MaterializationPlan } from './plan.js';
import { contractTablePlan, planTable, type ContractContext } from './table.js';
import { contractConfig } from './contract.js';
import { transactional } from './plan.js';
import { planView } from './view.js';

export type { MaterializationPlan } from './plan.js';
export { planSeed } from './seed.js';
export { failureCountQuery } from './test.js';

type Planner = (model: ModelNode, sql: string, existing: RelationKind | undefined, dialect: Dialect, contract?: ContractContext) => MaterializationPlan;

/**
 * Materializations planned from the compiled SQL alone, by `materialized` config value. Ephemeral
 * models never run; `incremental` (incremental.ts) and `external` (external.ts) also depend on the
 * relation's columns or files, so the runner drives them (runner/run-stateful.ts).
 */
const PLANNERS: Record<string, Planner> = {
  view: (model, sql, existing, dialect) => planView(model.relation, sql, existing, dialect),
  table: (model, sql, existing, dialect, contract) => {
    if (!contract || !contractConfig(model.config).enforced) return planTable(model.relation, sql, existing, dialect);
    const { statements, rowCountStatement } = contractTablePlan(model, sql, existing, dialect, contract);
    return transactional(model.relation.schema, statements, rowCountStatement);
  },
};

/**
 * Plans the statements that build a model from its compiled SQL and its relation's current state.
 * @param contract given for a model whose contract is enforced (checked already): a table is then
 *   created with the declared columns and constraints
 * @throws CompilationError for a materialization dops does not know
 */
export function planModel(model: ModelNode, sql: string, existing: RelationKind | undefined, dialect: Dialect, contract?: ContractContext): MaterializationPlan {
  const planner = PLANNERS[model.config.materialized];
  if (!planner) {
    throw new CompilationError(`Unknown materialization '${model.config.materialized}' for model '${model.name}'`, {
      location: { file: model.originalFilePath },
      hint: `Use one of: ${[...Object.keys(PLANNERS), 'incremental', 'external', 'ephemeral'].join(', ')}.`,
    });
  }
  return planner(model, sql, existing, dialect, contract);
}
