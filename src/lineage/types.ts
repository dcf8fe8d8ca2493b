/**
 * Column-level lineage: for each output column of a model, the upstream columns (of models,
 * seeds and sources) it is derived from and how. Pure data, shared by the CLI, the catalog-aware
 * project analysis and the docs site.
 */

/**
 * How an output column relates to one upstream column: copied under the same name, copied under
 * another name, or computed from it (functions, casts, CASE, aggregates, windows, arithmetic).
 */
export type Transform = 'passthrough' | 'renamed' | 'transformed';

/** One column of one node: the node's unique id and the column's name as the node spells it. */
export interface ColumnKey {
  node: string;
  column: string;
}

/**
 * An edge from an output column to an upstream column it is derived from. `join-key` marks a
 * column that gives no value but picks the joined row (`on o.iata = f.origin_iata` makes
 * `o.airport_key` depend on `f.origin_iata`).
 */
export interface ColumnEdge extends ColumnKey {
  transform: EdgeKind;
}

/** What an edge means: one of the {@link Transform}s, or a join key. */
export type EdgeKind = Transform | 'join-key';

/** The lineage of one output column. */
export interface ColumnLineage {
  name: string;
  /** The strongest transform over its value edges; `transformed` for constants and `count(*)` (none). */
  transform: Transform;
  /** Upstream columns, in the order they appear in the SQL. */
  sources: ColumnEdge[];
}

/**
 * The lineage of one model: column by column when its compiled SQL could be analysed; otherwise
 * only the model-level parents, with the reason (never a guess).
 */
export type ModelLineage =
  | { status: 'analysed'; columns: ColumnLineage[] }
  | { status: 'model-level'; reason: string; columns: [] };

/** Raised when a statement uses SQL the analysis does not follow; the model falls back to model-level lineage. */
export class UnanalysableSqlError extends Error {
  override name = 'UnanalysableSqlError';
}

/**
 * The strongest of several transforms (transformed > renamed > passthrough); `transformed` when
 * there are none, since a column with no upstream column is computed (a constant or `count(*)`).
 */
export function strongestTransform(transforms: Transform[]): Transform {
  if (transforms.length === 0 || transforms.includes('transformed')) return 'transformed';
  return transforms.includes('renamed') ? 'renamed' : 'passthrough';
}
