import type { ColumnType, Dialect, RelationKind, SeedData } from '../adapter/adapter.js';
import { quoteIdentifier, renderRelation } from '../adapter/quoting.js';
import type { Relation } from '../manifest/nodes.js';
import { transactional, type MaterializationPlan } from './plan.js';
import { planTable, tableStatements, tempRelation } from './table.js';

/** A seed column's inferred kind; each engine names its type ({@link Dialect.seedType}). */
export type SeedKind = 'integer' | 'bigint' | 'float' | 'boolean' | 'date' | 'timestamp' | 'text';

/** The 32-bit and 64-bit integer ranges (DuckDB `INTEGER` / `BIGINT`, PostgreSQL `integer` / `bigint`). */
const INT32_MIN = -(2n ** 31n);
const INT32_MAX = 2n ** 31n - 1n;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

// The kinds a column can still be, as bits, in agate's order of preference (dbt-common
// clients/agate_helper.py build_type_tester: Number, Date, DateTime, ISODateTime, Boolean, Text).
const NUMBER = 1;
const DATE = 2;
/** agate DateTime with format `%Y-%m-%d %H:%M:%S`. */
const DATETIME = 4;
/** dbt-common's ISODateTime (isodate.parse_datetime): date `T` time. */
const ISO_DATETIME = 8;
const BOOLEAN = 16;
const ANY = NUMBER | DATE | DATETIME | ISO_DATETIME | BOOLEAN;

/** A number's needs: `float` (decimal places, NaN, infinity) or a whole number's width: 0 fits 32 bits, 1 fits 64 bits, 2 neither. */
type NumberNeed = 'float' | 0 | 1 | 2;

/** Whole numbers of at most 9 digits: within 32 bits whatever they are. */
const SHORT_WHOLE = /^-?\d{1,9}$/;
const NUMBER_FORM = /^([-+]?)(\d*)(?:\.(\d*))?(?:[eE]([-+]?\d+))?$/;
// Python's strptime takes one or two digits for month, day, hour, minute and second.
const DATE_FORM = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const DATETIME_FORM = /^(\d{4})-(\d{1,2})-(\d{1,2})\s+(\d{1,2}):(\d{1,2}):(\d{1,2})$/;
const BOOLEAN_FORM = /^(true|false)$/i;
const ISO_DATETIME_FORM = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$/;

/** agate's default currency symbols (agate data_types/number.py `DEFAULT_CURRENCY_SYMBOLS`), in its order. */
const CURRENCY_SYMBOLS = ['؋', '$', 'ƒ', '៛', '¥', '₡', '₱', '£', '€', '¢', '﷼', '₪', '₩', '₭', '₮', '₦', '฿', '₤', '₫'];
/** Python's `Decimal()` input once blanks and underscores are gone: sign, digits and point, exponent; or infinity / NaN. */
const DECIMAL_FORM = /^[-+]?((\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?|inf|infinity|s?nan\d*)$/i;
/**
 * Numbers DuckDB's CSV reader loads into `INTEGER` / `BIGINT` / `DOUBLE` as written (checked
 * against DuckDB 1.5): blanks around, a sign, single underscores between digits, a point, an
 * exponent; `nan` / `inf` / `infinity` into `DOUBLE` only (see {@link NOT_FINITE_LOADABLE}).
 */
const DUCKDB_NUMBER = /^\s*[-+]?(\d+(_\d+)*(\.(\d+(_\d+)*)?)?|\.\d+(_\d+)*)([eE][-+]?\d+(_\d+)*)?\s*$/;
const NOT_FINITE_LOADABLE = /^\s*[-+]?(nan|inf|infinity)\s*$/i;

/** Python's `str.strip(chars)` for one character. */
function stripChar(text: string, char: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.startsWith(char, start)) start += char.length;
  while (end > start && text.endsWith(char, end)) end -= char.length;
  return text.slice(start, end);
}

/**
 * A value as agate's Number reads it (agate data_types/number.py `Number.cast`, locale en_US, as
 * dbt-common's agate_helper builds it): stripped; `%` stripped from both ends; a leading `-` taken
 * as the sign; each currency symbol stripped from both ends; `,` groups removed; then Python's
 * `Decimal` (blanks around and underscores anywhere ignored, `Infinity` / `NaN` in any case).
 * @returns the number as plain decimal text (`'$1,000.50'` -> `'1000.50'`, `'-5%'` -> `'-5'`,
 *   NaN without its payload), or undefined for a value that is no number to agate
 */
export function agateNumberText(value: string): string | undefined {
  let text = stripChar(value.trim(), '%');
  let negative = false;
  if (text.startsWith('-')) {
    text = text.slice(1);
    negative = true;
  }
  for (const symbol of CURRENCY_SYMBOLS) text = stripChar(text, symbol);
  text = text.replaceAll(',', '').replaceAll('_', '').trim();
  if (!DECIMAL_FORM.test(text)) return undefined;
  // Decimal(text) * -1: the signs combine.
  let sign = text[0] === '-' ? -1 : 1;
  if (text[0] === '-' || text[0] === '+') text = text.slice(1);
  if (negative) sign = -sign;
  if (/nan/i.test(text)) return 'NaN';
  if (/^inf/i.test(text)) return sign < 0 ? '-Infinity' : 'Infinity';
  return `${sign < 0 ? '-' : ''}${text}`;
}

/**
 * Whether DuckDB's CSV reader loads a value agate reads as a number into the column dbt types
 * for it, as written ({@link DUCKDB_NUMBER}): `1,000`, `$5`, `5%` and `1__0` it does not.
 * @param kind the column's kind (`nan` / `inf` load into `float` columns only)
 */
function duckdbLoadsNumber(value: string, kind: SeedKind): boolean {
  return DUCKDB_NUMBER.test(value) || (kind === 'float' && NOT_FINITE_LOADABLE.test(value));
}

/**
 * A value agate reads as a number that the engine reading the seed file cannot load into the
 * column dbt creates for it (dbt-duckdb creates the table with agate's types, then `COPY`s the
 * file in: DuckDB fails, so dbt-duckdb fails the seed too). Thrown by {@link seedTable}; the
 * runner names the file and line.
 */
export class UnloadableSeedValue extends Error {
  constructor(
    /** The column, as the header names it. */
    readonly column: string,
    /** The field as written. */
    readonly value: string,
    /** 0-based index of the record after the header. */
    readonly row: number,
    /** The column's type as created. */
    readonly type: string,
    /** The number agate reads. */
    readonly number: string,
  ) {
    super(`column "${column}" has '${value}', the number ${number} to dbt's agate, so the column is ${type}, which DuckDB cannot read '${value}' into; dbt-duckdb fails this seed too`);
  }
}

/**
 * What a number needs, or undefined for a value that is no number. A number is what agate's
 * Number reads ({@link agateNumberText}: sign, digits, a point, an exponent, and `%`, currency
 * symbols, `,` groups and underscores ignored). Its decimal places are counted after trailing
 * zeros are dropped (agate's MaxPrecision normalizes: `1.0` and `1e3` are whole).
 */
function numberNeed(value: string): NumberNeed | undefined {
  let match = NUMBER_FORM.exec(value);
  if (!match) {
    const text = agateNumberText(value);
    if (text === undefined) return undefined;
    match = NUMBER_FORM.exec(text);
    if (!match) return 'float'; // NaN, infinity
  }
  const [, sign, whole, fraction = '', exponent = '0'] = match;
  if (!whole && !fraction) return undefined;
  const significant = (whole + fraction).replace(/^0+/, '');
  if (!significant) return 0;
  const digits = significant.replace(/0+$/, '');
  const scale = Number(exponent) - fraction.length + (significant.length - digits.length);
  if (scale < 0) return 'float';
  if (digits.length + scale > 19) return 2;
  const number = BigInt(`${sign === '-' ? '-' : ''}${digits}`) * 10n ** BigInt(scale);
  return number >= INT32_MIN && number <= INT32_MAX ? 0 : number >= INT64_MIN && number <= INT64_MAX ? 1 : 2;
}

/**
 * A whole number's digits, as engines' integer input takes them (`1.0` -> `1`, `1e3` -> `1000`,
 * `$1,000` -> `1000`: agate's reading, {@link agateNumberText}).
 * @param value a value {@link numberNeed} found whole
 */
export function wholeNumberText(value: string): string {
  const trimmed = value.trim();
  if (/^[-+]?\d+$/.test(trimmed)) return trimmed;
  const [, sign, whole, fraction = '', exponent = '0'] = NUMBER_FORM.exec(trimmed) ?? NUMBER_FORM.exec(agateNumberText(trimmed)!)!;
  const digits = `${whole}${fraction}`.replace(/^0+/, '') || '0';
  const scale = Number(exponent) - fraction.length;
  const number = scale >= 0 ? BigInt(digits) * 10n ** BigInt(scale) : BigInt(digits) / 10n ** BigInt(-scale);
  return `${sign === '-' ? '-' : ''}${number}`;
}

const isLeap = (year: number) => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);

/** A real calendar day (Python's `datetime` rejects `2023-02-29`, DuckDB and PostgreSQL too). */
function isDay(year: string, month: string, day: string): boolean {
  const [y, m, d] = [Number(year), Number(month), Number(day)];
  const days = m === 2 ? (isLeap(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
  return y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= days;
}

const isTime = (hour: string, minute: string, second = '0') => Number(hour) <= 23 && Number(minute) <= 59 && Number(second) <= 59;

/**
 * The kinds (bits) among `candidates` a non-empty value fits, and what it needs as a number.
 * Kinds outside `candidates` are not tested (the column cannot be them any more).
 */
function kindsOf(value: string, candidates: number): { kinds: number; need?: NumberNeed } {
  if (candidates === BOOLEAN) return { kinds: BOOLEAN_FORM.test(value) ? BOOLEAN : 0 };
  // agate strips values before reading them; DuckDB's and PostgreSQL's inputs for these kinds
  // skip surrounding blanks too, but DuckDB's BOOLEAN does not, so booleans are taken as written.
  const trimmed = value.trim();
  if (!trimmed) return { kinds: 0 };
  if (candidates & NUMBER) {
    const need = numberNeed(trimmed);
    if (need !== undefined) return { kinds: NUMBER, need };
  }
  let match = candidates & DATE ? DATE_FORM.exec(trimmed) : null;
  if (match) return { kinds: isDay(match[1], match[2], match[3]) ? DATE : 0 };
  match = candidates & DATETIME ? DATETIME_FORM.exec(trimmed) : null;
  if (match) return { kinds: isDay(match[1], match[2], match[3]) && isTime(match[4], match[5], match[6]) ? DATETIME : 0 };
  match = candidates & ISO_DATETIME ? ISO_DATETIME_FORM.exec(trimmed) : null;
  if (match) return { kinds: isDay(match[1], match[2], match[3]) && isTime(match[4], match[5], match[6]) ? ISO_DATETIME : 0 };
  return { kinds: candidates & BOOLEAN && BOOLEAN_FORM.test(value) ? BOOLEAN : 0 };
}

/**
 * A seed column's kind, as dbt infers it: agate's type tester over every value (dbt-common
 * clients/agate_helper.py `build_type_tester`, agate TypeTester) picks the first of Number, Date,
 * DateTime (`%Y-%m-%d %H:%M:%S`), ISODateTime (`YYYY-MM-DDThh:mm[:ss[.f]][Z|±hh[:mm]]`), Boolean
 * (`true` / `false`, any case) that every non-empty value fits, else Text; then dbt-adapters'
 * `SQLAdapter.convert_number_type` makes a Number `integer` when no value has decimal places
 * (agate MaxPrecision, after normalizing: `1.0` is whole) and `float8` otherwise. dbt-duckdb
 * overrides none of these conversions, and creates its seed table with these types before
 * DuckDB copies the file in (dbt-duckdb macros/seed.sql `duckdb__load_csv_rows`).
 *
 * Numbers are what agate's Number reads ({@link agateNumberText}): `1,000`, `$5` and `5%` are
 * numbers too. Where dbt would create a column the engine then fails to load, dops picks a type
 * that loads: whole numbers beyond 32 bits are `bigint` (beyond 64 bits `float`); a column with
 * NaN or infinity is `float`; values agate reads but DuckDB does not as booleans or NULL
 * (` true `, the word `null` on DuckDB) make the column text. Numbers DuckDB cannot read as
 * written fail the seed as they fail dbt-duckdb's (see {@link seedTable}).
 * @param values the column's fields; undefined for empty ones (NULL)
 * @returns `integer` for a column without values (agate's Number, no decimal places)
 */
export function inferSeedKind(values: Iterable<string | undefined>): SeedKind {
  const list = [...values];
  return columnKind(list.length, (row) => list[row]).kind;
}

/** Plain numbers as written: sign, digits, point, exponent (blanks around allowed). */
const PLAIN_NUMBER = /^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/;

/**
 * {@link inferSeedKind} over `count` values read by index (no array of the column built).
 * @returns the kind, and for a number column whether some value is no plain number as written
 *   (`1,000`, `$5`, `1_000`, `NaN`: agate's reading differs from the text)
 */
function columnKind(count: number, valueAt: (row: number) => string | undefined): { kind: SeedKind; unplain: boolean } {
  let kinds = ANY;
  let need: NumberNeed = 0;
  let unplain = false;
  for (let row = 0; row < count; row++) {
    const value = valueAt(row);
    if (value === undefined) continue;
    // Most seed numbers are short whole numbers: they fit 32 bits without further reading.
    if (kinds === NUMBER && SHORT_WHOLE.test(value)) continue;
    const found = kindsOf(value, kinds);
    kinds &= found.kinds;
    if (!kinds) return { kind: 'text', unplain: false };
    if (found.need !== undefined && need !== 'float') need = found.need === 'float' ? 'float' : (Math.max(need, found.need) as NumberNeed);
    if (found.need !== undefined && !unplain) unplain = !PLAIN_NUMBER.test(value);
  }
  if (kinds & NUMBER) return { kind: need === 'float' || need === 2 ? 'float' : need === 1 ? 'bigint' : 'integer', unplain };
  if (kinds & DATE) return { kind: 'date', unplain: false };
  if (kinds & (DATETIME | ISO_DATETIME)) return { kind: 'timestamp', unplain: false };
  return { kind: 'boolean', unplain: false };
}

/** Fields agate reads as NULL, once stripped and lower-cased. */
const AGATE_NULLS = new Set(['', 'null']);

/**
 * The `column_types` entry for a header column: the one named exactly so (dbt's
 * `column_override.get(col_name)`), else one naming it in another case (DuckDB's reader matched
 * them so before dops typed every column).
 */
function overrideFor(columnTypes: Record<string, string> | undefined, name: string): string | undefined {
  if (!columnTypes) return undefined;
  if (Object.hasOwn(columnTypes, name)) return columnTypes[name];
  const key = Object.keys(columnTypes).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : columnTypes[key];
}

/**
 * A parsed seed CSV as a typed table: one column per header field, typed by `column_types` or
 * else by {@link inferSeedKind} through the dialect's seed types; empty fields as NULL (and, for
 * engines loaded from these rows, blank and `null` ones as dbt's agate reads them). The rows are
 * left empty for engines that read the file themselves ({@link Dialect.seedSelect}). Values of
 * inferred whole-number columns are written as plain digits (`1.0` -> `1`) for engines loaded
 * from these rows, and every number as agate reads it (`$1,000` -> `1000`), as dbt binds agate's
 * values (dbt-adapters `default__load_csv_rows`).
 *
 * `column_types` keys naming no column of the header are ignored, as dbt ignores them (agate's
 * TypeTester warns and skips a `force` key naming no column; dbt-adapters
 * `default__create_csv_table` looks overrides up by header name); the parser warns about them
 * ({@link unknownColumnTypes}).
 * @param records the CSV's records, header first (see checkSeedCsv)
 * @throws UnloadableSeedValue for an engine that reads the file (DuckDB), when a number column
 *   has a value agate reads as a number that DuckDB cannot read as written (`1,000`, `$5`): dbt
 *   creates the column with agate's type and DuckDB's COPY then fails, so dbt-duckdb fails it too
 */
export function seedTable(records: string[][], columnTypes: Record<string, string> | undefined, dialect: Dialect): SeedData {
  const [header = [], ...body] = records;
  // Rows dops inserts itself are agate's values: blank and `null` (any case) fields are NULL in every
  // column (dbt-common agate_helper: null_values=("null", "")). A file the engine reads has NULL
  // for empty fields only, as dbt-duckdb's COPY has.
  const isNull = dialect.seedSelect ? (value: string) => value === '' : (value: string) => AGATE_NULLS.has(value.trim().toLowerCase());
  const valueOf = (record: string[], i: number) => (record[i] === undefined || isNull(record[i]) ? undefined : record[i]);
  // Only engines loaded from the rows need them; a file the engine reads is only typed here.
  const rows = dialect.seedSelect ? [] : body.map((record) => header.map((_, i) => valueOf(record, i)));
  const columns: ColumnType[] = header.map((name, i) => {
    const override = overrideFor(columnTypes, name);
    if (override !== undefined) return { name, type: override };
    const { kind, unplain } = columnKind(body.length, (row) => valueOf(body[row], i));
    const type = dialect.seedType!(kind);
    if (kind === 'integer' || kind === 'bigint') for (const row of rows) if (row[i] !== undefined) row[i] = wholeNumberText(row[i]!);
    if (kind === 'float' && unplain) for (const row of rows) if (row[i] !== undefined && !PLAIN_NUMBER.test(row[i]!)) row[i] = agateNumberText(row[i]!);
    if (dialect.seedSelect && unplain) {
      for (let row = 0; row < body.length; row++) {
        const value = valueOf(body[row], i);
        if (value !== undefined && !SHORT_WHOLE.test(value) && !duckdbLoadsNumber(value, kind)) throw new UnloadableSeedValue(name, value, row, type, agateNumberText(value)!);
      }
    }
    return { name, type };
  });
  return { columns, rows };
}

/**
 * Plans a seed load: the CSV's rows into a table, swapped in atomically like a `table` model.
 * Engines that read files (DuckDB) select from the file, every column typed as dbt types it
 * (see {@link seedTable}), as dbt-duckdb creates the table and copies the file into it; others get
 * the rows parsed here and inserted in batches into a table created with those types.
 * @param csvPath absolute path of the CSV
 * @param data the CSV typed by {@link seedTable} (for an engine that reads the file, only its columns)
 * @param quoteColumns the seed's `quote_columns` config (false: names folded to lower case where dops parses the file)
 */
export function planSeed(relation: Relation, csvPath: string, data: SeedData, existing: RelationKind | undefined, delimiter: string | undefined, dialect: Dialect, quoteColumns?: boolean): MaterializationPlan {
  if (dialect.seedSelect) return planTable(relation, dialect.seedSelect(csvPath, data.columns.map((c) => c.type), delimiter ?? ','), existing, dialect);
  // `quote_columns: false` (https://docs.getdbt.com/reference/resource-configs/quote_columns): the
  // header's names unquoted, which PostgreSQL folds to lower case (`COLUMN_NAME` -> `column_name`).
  if (quoteColumns === false) data.columns = data.columns.map((c) => ({ ...c, name: c.name.toLowerCase() }));
  const temp = tempRelation(relation);
  const create = `create table ${renderRelation(temp)} (${data.columns.map((c) => `${quoteIdentifier(c.name)} ${c.type}`).join(', ')})`;
  const build = [dialect.dropRelation(temp, 'table'), create, ...dialect.seedInserts!(temp, data)];
  const { statements } = tableStatements(relation, build, existing, dialect);
  return { ...transactional(relation.schema, statements), knownRowCount: data.rows.length };
}
