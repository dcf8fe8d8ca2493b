import type { Dialect } from '../adapter/adapter.js';
import { quoteIdentifier } from '../adapter/quoting.js';

/**
 * SQL of dbt unit tests (https://docs.getdbt.com/docs/build/unit-tests), in DuckDB's dialect: the
 * rows of an input or expectation as a query, and the comparison of actual and expected rows as
 * multisets (row order never matters; only the expected columns are compared).
 */

/** Widest of two inferred types: integers widen to doubles, dates to timestamps, anything else mixed to VARCHAR. */
function widen(a: string | undefined, b: string): string {
  if (a === undefined || a === b) return b;
  const pair = new Set([a, b]);
  if (pair.has('BIGINT') && pair.has('DOUBLE')) return 'DOUBLE';
  if (pair.has('DATE') && pair.has('TIMESTAMP')) return 'TIMESTAMP';
  return 'VARCHAR';
}

/** The DuckDB type a fixture value suggests (YAML scalars, or CSV text); undefined for null. */
export function inferType(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'boolean') return 'BOOLEAN';
  if (typeof value === 'number' || typeof value === 'bigint') return Number.isInteger(Number(value)) ? 'BIGINT' : 'DOUBLE';
  if (value instanceof Date) return 'TIMESTAMP';
  if (typeof value !== 'string') return 'VARCHAR';
  if (/^-?\d{1,18}$/.test(value)) return 'BIGINT';
  if (/^-?(\d+\.\d*|\.\d+|\d+)(e[+-]?\d+)?$/i.test(value)) return 'DOUBLE';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return 'DATE';
  if (/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value)) return 'TIMESTAMP';
  if (/^(true|false)$/i.test(value)) return 'BOOLEAN';
  return 'VARCHAR';
}

/** The type inferred for each column from every row's value (undefined: only nulls). */
export function inferColumnTypes(rows: Record<string, unknown>[], columns: string[]): Map<string, string | undefined> {
  const types = new Map<string, string | undefined>();
  for (const column of columns) {
    let type: string | undefined;
    for (const row of rows) {
      const found = inferType(row[column]);
      if (found) type = widen(type, found);
    }
    types.set(column, type);
  }
  return types;
}

/** The seed kinds of the inferred (DuckDB) type names, for {@link engineType}. */
const KINDS: Record<string, 'bigint' | 'float' | 'boolean' | 'date' | 'timestamp' | 'text'> = { BIGINT: 'bigint', DOUBLE: 'float', BOOLEAN: 'boolean', DATE: 'date', TIMESTAMP: 'timestamp', VARCHAR: 'text' };

/**
 * An inferred type (DuckDB's name, from {@link inferType}) as the engine that runs the unit test
 * spells it: through the dialect's seed types (PostgreSQL: `DOUBLE` -> `double precision`,
 * `VARCHAR` -> `text`); unchanged for a dialect without seed types (DuckDB) and for undefined.
 */
export function engineType(inferred: string | undefined, dialect: Dialect): string | undefined {
  const kind = inferred ? KINDS[inferred] : undefined;
  return kind && dialect.seedType ? dialect.seedType(kind) : inferred;
}

function literal(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return `'${value.toISOString()}'`;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `'${text.replace(/'/g, "''")}'`;
}

/** One typed value: `cast(<literal> as <type>)`, or the bare literal when the type is unknown. */
function typed(value: unknown, type: string | undefined): string {
  return type ? `cast(${literal(value)} as ${type})` : literal(value);
}

/**
 * A query returning fixture rows: `select cast(v as T) as "c", ... union all ...`. Columns in
 * `columns` but absent from a row are null (cast to their type), as dbt fills the columns a
 * fixture leaves out.
 * @param columns every column of the relation, in order
 * @param types column -> DuckDB type, or undefined when unknown (the literal's own type)
 */
export function rowsQuery(rows: Record<string, unknown>[], columns: string[], types: ReadonlyMap<string, string | undefined>): string {
  if (!columns.length) return 'select 1 as "__dops_no_columns" where false';
  const select = (row: Record<string, unknown> | undefined) => `select ${columns.map((c) => `${typed(row?.[c] ?? null, types.get(c))} as ${quoteIdentifier(c)}`).join(', ')}`;
  if (!rows.length) return `${select(undefined)} where false`;
  return rows.map(select).join('\nunion all\n');
}

/** Name of the temp table or CTE holding an input's rows. */
export function fixtureName(index: number): string {
  return `__dops_unit_input_${index}`;
}

/** The temp tables a unit test's run compares: the model's output and the expected rows. */
export const ACTUAL_TABLE = '__dops_unit_actual';
export const EXPECTED_TABLE = '__dops_unit_expected';

/**
 * The rows that differ between expected and actual, compared as multisets on `columns` (dbt's
 * unit-test comparison): `removed` rows are expected but missing, `added` rows were produced but
 * not expected. Nulls compare equal (set operations).
 */
export function diffQuery(columns: string[]): string {
  const list = columns.map(quoteIdentifier).join(', ');
  const a = quoteIdentifier(ACTUAL_TABLE);
  const e = quoteIdentifier(EXPECTED_TABLE);
  return `select '---' as "__dops_diff", * from (select ${list} from ${e} except all select ${list} from ${a}) removed
union all
select '+++' as "__dops_diff", * from (select ${list} from ${a} except all select ${list} from ${e}) added`;
}
