import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { ColumnType, Dialect, RelationKind, SeedData } from '../adapter/adapter.js';
import { quoteIdentifier, renderRelation } from '../adapter/quoting.js';
import type { Relation } from '../manifest/nodes.js';
import { transactional, type MaterializationPlan } from './plan.js';
import { planTable, tableStatements, tempRelation } from './table.js';

type SeedKind = 'integer' | 'bigint' | 'float' | 'boolean' | 'date' | 'timestamp' | 'text';

/** The 32-bit integer range (PostgreSQL's `integer`). */
const INT32_MAX = 2_147_483_647;

const KIND_PATTERNS: [SeedKind, RegExp][] = [
  ['integer', /^[-+]?\d{1,18}$/],
  ['float', /^[-+]?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?$/],
  ['boolean', /^(true|false)$/i],
  ['date', /^\d{4}-\d{2}-\d{2}$/],
  ['timestamp', /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/],
];

/**
 * The narrowest kind every non-empty value matches (integer, float, boolean, date, timestamp, else
 * text), as dbt's agate type tester infers (dbt-core clients/agate_helper.py); an empty column is `integer`. Whole numbers are `integer` when all fit 32 bits
 * (dbt's seed type for them, dbt-adapters' `convert_integer_type`), else `bigint` (where dbt fails).
 */
export function inferSeedKind(values: Iterable<string | undefined>): SeedKind {
  let candidates = KIND_PATTERNS;
  let wide = false;
  for (const value of values) {
    if (value === undefined) continue;
    candidates = candidates.filter(([, pattern]) => pattern.test(value));
    if (!candidates.length) return 'text';
    if (!wide && candidates[0][0] === 'integer' && Math.abs(Number(value)) > INT32_MAX) wide = true;
  }
  // A column of integers is `integer` even though those also match `float`; a column with no values
  // at all is `integer` too: dbt's type tester tries its Integer type first, and it takes all nulls.
  return candidates[0][0] === 'integer' && wide ? 'bigint' : candidates[0][0];
}

/**
 * Reads a seed CSV for an engine that cannot read files: header row, one typed column per field
 * (`column_types` wins over inference), empty fields as NULL.
 * @param csvPath absolute path
 */
export function readSeedData(csvPath: string, columnTypes: Record<string, string> | undefined, delimiter: string, dialect: Dialect): SeedData {
  const [header = [], ...records] = parse(readFileSync(csvPath, 'utf8'), { delimiter, skip_empty_lines: true, bom: true, relax_column_count: true }) as string[][];
  const rows = records.map((record) => header.map((_, i) => (record[i] === undefined || record[i] === '' ? undefined : record[i])));
  const columns: ColumnType[] = header.map((name, i) => ({ name, type: columnTypes?.[name] ?? dialect.seedType!(inferSeedKind(rows.map((row) => row[i]))) }));
  return { columns, rows };
}

/**
 * Plans a seed load: the CSV's rows into a table, swapped in atomically like a `table` model.
 * Engines that read files (DuckDB) select from the file; others get the rows parsed here and
 * inserted in batches into a table created with the inferred types.
 * @param csvPath absolute path of the CSV
 * @param quoteColumns the seed's `quote_columns` config (false: names folded to lower case where dops parses the file)
 */
export function planSeed(relation: Relation, csvPath: string, columnTypes: Record<string, string> | undefined, existing: RelationKind | undefined, delimiter: string | undefined, dialect: Dialect, quoteColumns?: boolean): MaterializationPlan {
  if (dialect.seedSelect) return planTable(relation, dialect.seedSelect(csvPath, columnTypes, delimiter ?? ','), existing, dialect);
  const data = readSeedData(csvPath, columnTypes, delimiter ?? ',', dialect);
  // `quote_columns: false` (https://docs.getdbt.com/reference/resource-configs/quote_columns): the
  // header's names unquoted, which PostgreSQL folds to lower case (`COLUMN_NAME` -> `column_name`).
  if (quoteColumns === false) data.columns = data.columns.map((c) => ({ ...c, name: c.name.toLowerCase() }));
  const temp = tempRelation(relation);
  const create = `create table ${renderRelation(temp)} (${data.columns.map((c) => `${quoteIdentifier(c.name)} ${c.type}`).join(', ')})`;
  const build = [dialect.dropRelation(temp, 'table'), create, ...dialect.seedInserts!(temp, data)];
  const { statements } = tableStatements(relation, build, existing, dialect);
  return { ...transactional(relation.schema, statements), knownRowCount: data.rows.length };
}
