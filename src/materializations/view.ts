import type { Dialect, RelationKind } from '../adapter/adapter.js';
import type { Relation } from '../manifest/nodes.js';
import { transactional, type MaterializationPlan } from './plan.js';

/**
 * Plans a `view`: the dialect's replace-view statements in a transaction (dropping a table of the
 * same name first). DuckDB and PostgreSQL bind the view's query when it is created, so a broken
 * query fails here and the transaction keeps the previous relation.
 */
export function planView(relation: Relation, sql: string, existing: RelationKind | undefined, dialect: Dialect): MaterializationPlan {
  return transactional(relation.schema, dialect.replaceView(relation, sql, existing));
}
