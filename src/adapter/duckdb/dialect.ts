import type { Relation } from '../../manifest/nodes.js';
import type { Dialect, RelationKind } from '../adapter.js';
import { quoteIdentifier, quoteLiteral, renderRelation } from '../quoting.js';
import { comparableType } from '../types.js';

/**
 * dbt-duckdb's seed column types: dbt-adapters' `SQLAdapter.convert_*_type` names (`integer`,
 * `float8`, `boolean`, `date`, `timestamp without time zone`, `text`; dbt-duckdb overrides none)
 * as DuckDB resolves them; `BIGINT` for whole numbers beyond 32 bits.
 */
const SEED_TYPES = { integer: 'INTEGER', bigint: 'BIGINT', float: 'DOUBLE', boolean: 'BOOLEAN', date: 'DATE', timestamp: 'TIMESTAMP', text: 'VARCHAR' } as const;

/**
 * DuckDB's SQL where engines differ: `CREATE OR REPLACE TABLE` / `VIEW`, `epoch()`, and seeds read
 * by DuckDB's CSV reader with the types dbt infers (DuckDB docs, "CREATE TABLE", "CSV Import").
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
   * The SELECT reading a seed CSV with DuckDB's CSV reader: header row required, every column's
   * type given by position (DuckDB docs, "CSV Import": `types`), as dops infers them the way dbt
   * does; DuckDB's sniffer then only detects quoting and escaping.
   */
  seedSelect(csvPath: string, types: string[], delimiter: string) {
    // The delimiter is fixed so DuckDB's sniffer cannot read a ragged file as a one-column table.
    const options = ['header = true', 'auto_detect = true', `delim = ${quoteLiteral(delimiter)}`];
    if (types.length) options.push(`types = [${types.map(quoteLiteral).join(', ')}]`);
    return `select * from read_csv(${quoteLiteral(csvPath)}, ${options.join(', ')})`;
  },
  seedType: (kind) => SEED_TYPES[kind],
};
