import type { Relation } from '../../manifest/nodes.js';
import type { Dialect, RelationKind } from '../adapter.js';
import { quoteIdentifier, quoteLiteral, renderRelation } from '../quoting.js';
import { comparableType } from '../types.js';

/**
 * DuckDB's SQL where engines differ: `CREATE OR REPLACE TABLE` / `VIEW`, `epoch()`, and seeds read
 * by DuckDB's CSV reader (DuckDB docs, "CREATE TABLE", "CSV Import").
 */
export const duckdbDialect: Dialect = {
  type: 'duckdb',
  dropRelation: (relation: Relation, kind: RelationKind) => `drop ${kind} if exists ${renderRelation(relation)}`,
  attachReadOnly: (file: string, alias: string) => `attach if not exists ${quoteLiteral(file)} as ${quoteIdentifier(alias)} (read_only)`,
  createTableAs: (relation: Relation, sql: string) => [`create or replace table ${renderRelation(relation)} as (\n${sql}\n)`],
  createTempTableAs: (name: string, sql: string) => [`create or replace temp table ${quoteIdentifier(name)} as (\n${sql}\n)`],
  replaceView(relation: Relation, sql: string, existing: RelationKind | undefined) {
    const statements = existing === 'table' ? [`drop table if exists ${renderRelation(relation)}`] : [];
    statements.push(`create or replace view ${renderRelation(relation)} as (\n${sql}\n)`);
    return statements;
  },
  epochSeconds: (expression: string) => `epoch(${expression})`,
  checkpoint: 'checkpoint',
  // DuckDB knows `string` (VARCHAR) itself: dbt-duckdb has no alias to apply.
  translateType: (type: string) => type,
  contractType: comparableType,
  /**
   * The SELECT reading a seed CSV with DuckDB's CSV reader: header row required, types inferred
   * unless `column_types` overrides them (DuckDB docs, "CSV Import": `types`).
   */
  seedSelect(csvPath: string, columnTypes: Record<string, string> | undefined, delimiter: string) {
    // The delimiter is fixed so DuckDB's sniffer cannot read a ragged file as a one-column table.
    const options = ['header = true', 'auto_detect = true', `delim = ${quoteLiteral(delimiter)}`];
    const types = Object.entries(columnTypes ?? {});
    if (types.length) options.push(`types = {${types.map(([column, type]) => `${quoteLiteral(column)}: ${quoteLiteral(type)}`).join(', ')}}`);
    return `select * from read_csv(${quoteLiteral(csvPath)}, ${options.join(', ')})`;
  },
};
