import type { RelationKind } from '../adapter/adapter.js';
import { quoteLiteral } from '../adapter/quoting.js';
import type { Relation } from '../manifest/nodes.js';
import type { MaterializationPlan } from './plan.js';
import { planTable } from './table.js';

/**
 * The SELECT reading a seed CSV with DuckDB's CSV reader: header row required, types inferred
 * unless `column_types` overrides them (DuckDB docs, "CSV Import": `types`).
 * @param csvPath path relative to the project dir (resolved through `file_search_path`)
 */
export function seedSelect(csvPath: string, columnTypes: Record<string, string> | undefined, delimiter = ','): string {
  // The delimiter is fixed so DuckDB's sniffer cannot read a ragged file as a one-column table.
  const options = ['header = true', 'auto_detect = true', `delim = ${quoteLiteral(delimiter)}`];
  const types = Object.entries(columnTypes ?? {});
  if (types.length) options.push(`types = {${types.map(([column, type]) => `${quoteLiteral(column)}: ${quoteLiteral(type)}`).join(', ')}}`);
  return `select * from read_csv(${quoteLiteral(csvPath)}, ${options.join(', ')})`;
}

/** Plans a seed load: the CSV's rows into a table, swapped in atomically like a `table` model. */
export function planSeed(relation: Relation, csvPath: string, columnTypes: Record<string, string> | undefined, existing: RelationKind | undefined, delimiter?: string): MaterializationPlan {
  return planTable(relation, seedSelect(csvPath, columnTypes, delimiter), existing);
}

