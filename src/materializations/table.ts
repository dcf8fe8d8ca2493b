import type { Capabilities, Dialect, RelationKind } from '../adapter/adapter.js';
import { quoteIdentifier, renderRelation } from '../adapter/quoting.js';
import type { ModelNode, Relation } from '../manifest/nodes.js';
import { contractTableStatements, dropsOldFirst, type RelationResolver } from './contract.js';
import { dropStatement, TEMP_SUFFIX, transactional, type MaterializationPlan } from './plan.js';

/** The relation a table is built into before it is swapped in. */
export function tempRelation(relation: Relation): Relation {
  // PostgreSQL cuts identifiers at 63 bytes (NAMEDATALEN - 1): a long name plus the suffix would be
  // cut back to the name itself. The name is shortened to leave room, as dbt-postgres'
  // make_temp_relation does (https://www.postgresql.org/docs/15/sql-syntax-lexical.html#SQL-SYNTAX-IDENTIFIERS).
  let base = relation.identifier;
  while (Buffer.byteLength(base) + TEMP_SUFFIX.length > 63) base = base.slice(0, -1);
  return { schema: relation.schema, identifier: `${base}${TEMP_SUFFIX}` };
}

/**
 * The statements of a table build without its transaction: build into `<name>__dops_tmp`, drop the
 * old relation, rename the new one in; where the drop cascades to views (PostgreSQL), those views
 * are recorded before it and re-created after the rename ({@link Dialect.keepDependentViews}).
 * @returns the statements and the index of the one whose row count is the table's
 */
export function tableStatements(relation: Relation, build: string[], existing: RelationKind | undefined, dialect: Dialect): { statements: string[]; rowCountStatement: number } {
  const temp = tempRelation(relation);
  const statements = [...build];
  const rowCountStatement = statements.length - 1;
  const keep = existing && dialect.keepDependentViews?.(relation);
  if (keep) statements.push(keep.save);
  if (existing) statements.push(dropStatement(relation, existing, dialect));
  statements.push(`alter table ${renderRelation(temp)} rename to ${quoteIdentifier(relation.identifier)}`);
  if (keep) statements.push(keep.restore);
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

/** What planning a contracted table needs besides the SQL: the engine's constraint support and foreign key targets. */
export interface ContractContext {
  capabilities: Capabilities;
  resolve: RelationResolver;
}

/**
 * Plans a contracted `table` (or an incremental model's first build): the declared columns and
 * constraints created into `<name>__dops_tmp`, filled by `insert ... select`, then swapped in like
 * {@link planTable}, all in one transaction, so a row violating a constraint leaves the previous
 * relation as it was. With named primary key / unique constraints the old relation is dropped
 * first (see {@link dropsOldFirst}).
 * @returns statements without the transaction, and the index of the insert
 */
export function contractTablePlan(model: ModelNode, sql: string, existing: RelationKind | undefined, dialect: Dialect, context: ContractContext): { statements: string[]; rowCountStatement: number } {
  const relation = model.relation;
  const build = contractTableStatements(model, tempRelation(relation), sql, dialect, context.capabilities, context.resolve);
  if (!dropsOldFirst(model) || !existing) return tableStatements(relation, build, existing, dialect);
  const keep = dialect.keepDependentViews?.(relation);
  const statements = [...(keep ? [keep.save] : []), dropStatement(relation, existing, dialect), ...build, `alter table ${renderRelation(tempRelation(relation))} rename to ${quoteIdentifier(relation.identifier)}`, ...(keep ? [keep.restore] : [])];
  return { statements, rowCountStatement: build.length + (keep ? 1 : 0) };
}
