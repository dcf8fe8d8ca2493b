import type { Dialect, RelationKind } from '../adapter/adapter.js';
import { quoteIdentifier, renderRelation } from '../adapter/quoting.js';
import type { Relation } from '../manifest/nodes.js';
import { dropStatement, TEMP_SUFFIX, transactional, type MaterializationPlan } from './plan.js';

/** The relation a table is built into before it is swapped in. */
export function tempRelation(relation: Relation): Relation {
  return { schema: relation.schema, identifier: `${relation.identifier}${TEMP_SUFFIX}` };
}

/**
 * The statements of a table build without its transaction: build into `<name>__dops_tmp`, drop the
 * old relation, rename the new one in.
 * @returns the statements and the index of the one whose row count is the table's
 */
export function tableStatements(relation: Relation, build: string[], existing: RelationKind | undefined, dialect: Dialect): { statements: string[]; rowCountStatement: number } {
  const temp = tempRelation(relation);
  const statements = [...build];
  const rowCountStatement = statements.length - 1;
  if (existing) statements.push(dropStatement(relation, existing, dialect));
  statements.push(`alter table ${renderRelation(temp)} rename to ${quoteIdentifier(relation.identifier)}`);
  return { statements, rowCountStatement };
}

/**
 * Plans a `table`: build into `<name>__dops_tmp`, drop the old relation, rename the new one in, all in
 * one transaction. A failing query leaves the previous table (or view) untouched.
 * @param sql the compiled SELECT
 * @param existing what the relation is now (undefined: it does not exist)
 */
export function planTable(relation: Relation, sql: string, existing: RelationKind | undefined, dialect: Dialect): MaterializationPlan {
  const { statements, rowCountStatement } = tableStatements(relation, dialect.createTableAs(tempRelation(relation), sql), existing, dialect);
  return transactional(relation.schema, statements, rowCountStatement);
}
