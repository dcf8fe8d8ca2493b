import type { RelationKind } from '../adapter/adapter.js';
import { quoteIdentifier, renderRelation } from '../adapter/quoting.js';
import type { Relation } from '../manifest/nodes.js';
import { dropStatement, TEMP_SUFFIX, transactional, type MaterializationPlan } from './plan.js';

/**
 * Plans a `table`: build into `<name>__dops_tmp`, drop the old relation, rename the new one in, all in
 * one transaction. A failing query leaves the previous table (or view) untouched.
 * @param sql the compiled SELECT
 * @param existing what the relation is now (undefined: it does not exist)
 */
export function planTable(relation: Relation, sql: string, existing: RelationKind | undefined): MaterializationPlan {
  const temp: Relation = { schema: relation.schema, identifier: `${relation.identifier}${TEMP_SUFFIX}` };
  const statements = [`create or replace table ${renderRelation(temp)} as (\n${sql}\n)`];
  if (existing) statements.push(dropStatement(relation, existing));
  statements.push(`alter table ${renderRelation(temp)} rename to ${quoteIdentifier(relation.identifier)}`);
  return transactional(relation.schema, statements, 0);
}
