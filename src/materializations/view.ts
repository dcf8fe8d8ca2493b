import type { RelationKind } from '../adapter/adapter.js';
import { renderRelation } from '../adapter/quoting.js';
import type { Relation } from '../manifest/nodes.js';
import { dropStatement, transactional, type MaterializationPlan } from './plan.js';

/**
 * Plans a `view`: `create or replace view` in a transaction (dropping a table of the same name
 * first). DuckDB binds the view's query when it is created, so a broken query fails here and the
 * transaction keeps the previous relation.
 */
export function planView(relation: Relation, sql: string, existing: RelationKind | undefined): MaterializationPlan {
  const statements = existing === 'table' ? [dropStatement(relation, 'table')] : [];
  statements.push(`create or replace view ${renderRelation(relation)} as (\n${sql}\n)`);
  return transactional(relation.schema, statements);
}
