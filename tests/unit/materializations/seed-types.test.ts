import { describe, expect, it } from 'vitest';
import { duckdbDialect } from '../../../src/adapter/duckdb/dialect.js';
import { postgresDialect } from '../../../src/adapter/postgres/dialect.js';
import { seedRecordLine, unknownColumnTypes } from '../../../src/materializations/seed-check.js';
import { agateNumberText, inferSeedKind, seedTable, UnloadableSeedValue, wholeNumberText } from '../../../src/materializations/seed.js';

// dbt infers a seed's column types with agate's TypeTester over every row
// (dbt-common dbt_common/clients/agate_helper.py, `build_type_tester`: Integer, Number, Date
// `%Y-%m-%d`, DateTime `%Y-%m-%d %H:%M:%S`, ISODateTime, Boolean true/false, Text) and names them
// with dbt-adapters' SQLAdapter.convert_*_type (dbt/adapters/sql/impl.py), which dbt-duckdb does
// not override; its seed table is created with those types before DuckDB copies the CSV in
// (dbt-duckdb dbt/include/duckdb/macros/seed.sql, `duckdb__load_csv_rows`).

describe('seed column types as dbt infers them', () => {
  it('whole numbers: integer (convert_number_type: no decimal places -> "integer"), bigint past 32 bits', () => {
    expect(inferSeedKind(['1', '-2', '+3', '007', undefined])).toBe('integer');
    expect(inferSeedKind(['2147483647', '-2147483648'])).toBe('integer');
    // agate's MaxPrecision normalizes each value first: 1.0 and 1e3 have no decimal places.
    expect(inferSeedKind(['1.0', '1e3', '2.50e1', ' 4 '])).toBe('integer');
    // dbt would create an `integer` column DuckDB then fails to fill; dops widens instead.
    expect(inferSeedKind(['1', '2147483648'])).toBe('bigint');
    expect(inferSeedKind(['-2147483649'])).toBe('bigint');
    expect(inferSeedKind(['99999999999999999999'])).toBe('float');
  });

  it('decimals: float8 (convert_number_type: any decimal places), DOUBLE on DuckDB', () => {
    expect(inferSeedKind(['1', '2.5'])).toBe('float');
    expect(inferSeedKind(['.5', '1e-2'])).toBe('float');
    expect(inferSeedKind(['2147483648', '2.5'])).toBe('float');
    expect(inferSeedKind(['1', 'NaN', 'inf'])).toBe('float');
    expect(duckdbDialect.seedType!('float')).toBe('DOUBLE');
    expect(postgresDialect.seedType!('float')).toBe('double precision');
  });

  it('booleans: only true / false in any case (agate Boolean with true_values=("true",), false_values=("false",))', () => {
    expect(inferSeedKind(['true', 'False', 'TRUE'])).toBe('boolean');
    // Numbers come first in the tester: 1 / 0 are integers; yes / no / t / f are text.
    expect(inferSeedKind(['1', '0'])).toBe('integer');
    expect(inferSeedKind(['yes', 'no'])).toBe('text');
    expect(inferSeedKind(['t', 'f'])).toBe('text');
    expect(inferSeedKind(['true', '1'])).toBe('text');
  });

  it('dates: agate Date with format %Y-%m-%d (one- or two-digit month and day, real days only)', () => {
    expect(inferSeedKind(['2024-01-02', '2024-1-5', '2024-02-29'])).toBe('date');
    expect(inferSeedKind(['2023-02-29'])).toBe('text');
    expect(inferSeedKind(['2024-13-01'])).toBe('text');
    expect(inferSeedKind(['01/02/2024'])).toBe('text');
    expect(inferSeedKind(['2024-01-02', '2024-01-02 10:00:00'])).toBe('text');
  });

  it('datetimes: %Y-%m-%d %H:%M:%S, or ISO 8601 with a T; timestamp without time zone', () => {
    expect(inferSeedKind(['2024-01-02 10:00:00', '2024-1-2 1:02:03'])).toBe('timestamp');
    expect(inferSeedKind(['2024-01-02T10:00', '2024-01-02T10:00:00.123', '2024-01-02T10:00:00Z', '2024-01-02T10:00:00+02:00'])).toBe('timestamp');
    // strptime wants the seconds and no fraction; isodate wants the T: these stay text in dbt.
    expect(inferSeedKind(['2024-01-02 10:00'])).toBe('text');
    expect(inferSeedKind(['2024-01-02 10:00:00.5'])).toBe('text');
    // One column is one type: the two forms are DateTime and ISODateTime, so together they are Text.
    expect(inferSeedKind(['2024-01-01 10:00:00', '2024-01-02T11:30'])).toBe('text');
    // No time type in dbt's tester.
    expect(inferSeedKind(['10:00:00'])).toBe('text');
    expect(duckdbDialect.seedType!('timestamp')).toBe('TIMESTAMP');
  });

  it('text: anything else', () => {
    expect(inferSeedKind(['a', '1'])).toBe('text');
    expect(inferSeedKind(['0x10'])).toBe('text');
    expect(inferSeedKind(['1 000'])).toBe('text');
    expect(inferSeedKind(['null'])).toBe('text');
    expect(inferSeedKind(['   '])).toBe('text');
    expect(duckdbDialect.seedType!('text')).toBe('VARCHAR');
  });

  // agate's Number.cast (agate agate/data_types/number.py, en_US as dbt-common's agate_helper
  // builds it) strips `%`, a leading `-`, its currency symbols and `,` groups before Python's
  // Decimal, which ignores underscores: these are numbers to dbt, so the column is a number.
  it('numbers as agate reads them: `,` groups, currency symbols, `%`, underscores', () => {
    expect(inferSeedKind(['1,000', '2'])).toBe('integer');
    expect(inferSeedKind(['$5', '€7', '12%', '1_000'])).toBe('integer');
    expect(inferSeedKind(['$5', '2.50'])).toBe('float');
    expect(inferSeedKind(['3,000,000,000'])).toBe('bigint');
    expect(agateNumberText('1,000')).toBe('1000');
    expect(agateNumberText(' $1,000.50 ')).toBe('1000.50');
    expect(agateNumberText('-$5')).toBe('-5');
    expect(agateNumberText('$-5')).toBe('-5');
    expect(agateNumberText('--5')).toBe('5');
    expect(agateNumberText('5%')).toBe('5');
    expect(agateNumberText('1_0_0')).toBe('100');
    expect(agateNumberText('nan12')).toBe('NaN');
    expect(agateNumberText('-inf')).toBe('-Infinity');
    // Symbols are stripped in agate's list order: `€` after `$`, so `€$5` keeps its `$`.
    expect(agateNumberText('$€5')).toBe('5');
    expect(agateNumberText('€$5')).toBeUndefined();
    expect(agateNumberText('0x10')).toBeUndefined();
    expect(agateNumberText('1 000')).toBeUndefined();
    expect(agateNumberText(',')).toBeUndefined();
  });

  it('an empty column is integer (agate Number over nulls has no decimal places)', () => {
    expect(inferSeedKind([undefined, undefined])).toBe('integer');
    expect(inferSeedKind([])).toBe('integer');
  });
});

describe('seedTable', () => {
  const records = [
    ['id', 'Amount', 'ok', 'day', 'at', 'note', 'empty'],
    ['1', '1.5', 'true', '2024-01-02', '2024-01-02 10:00:00', 'x', ''],
    ['2', '2', 'false', '2024-01-03', '2024-01-03 11:00:00', '', ''],
  ];

  it('types each column for DuckDB as dbt-duckdb creates its seed table', () => {
    expect(seedTable(records, undefined, duckdbDialect).columns).toEqual([
      { name: 'id', type: 'INTEGER' },
      { name: 'Amount', type: 'DOUBLE' },
      { name: 'ok', type: 'BOOLEAN' },
      { name: 'day', type: 'DATE' },
      { name: 'at', type: 'TIMESTAMP' },
      { name: 'note', type: 'VARCHAR' },
      { name: 'empty', type: 'INTEGER' },
    ]);
  });

  it('column_types wins over inference (dbt default__create_csv_table: column_override.get(col_name, inferred_type)), matching names in any case', () => {
    const columns = seedTable(records, { id: 'varchar', amount: 'decimal(10,2)' }, duckdbDialect).columns;
    expect(columns.slice(0, 3)).toEqual([
      { name: 'id', type: 'varchar' },
      { name: 'Amount', type: 'decimal(10,2)' },
      { name: 'ok', type: 'BOOLEAN' },
    ]);
  });

  it('a header without rows gives integer columns (agate\'s tester keeps its first type, Integer -> convert_integer_type "integer")', () => {
    expect(seedTable([['a', 'b']], undefined, duckdbDialect).columns).toEqual([{ name: 'a', type: 'INTEGER' }, { name: 'b', type: 'INTEGER' }]);
  });

  // dbt ignores it: agate's TypeTester.run warns '"missing" does not match the name of any column
  // in this table.' and skips the forced type (agate agate/type_tester.py), and dbt-adapters'
  // default__create_csv_table reads column_types by header name (column_override.get(col_name)).
  it('a column_types key that is no column of the header is ignored (the parser warns about it)', () => {
    expect(seedTable(records, { missing: 'varchar', id: 'varchar' }, duckdbDialect).columns.slice(0, 2)).toEqual([{ name: 'id', type: 'varchar' }, { name: 'Amount', type: 'DOUBLE' }]);
    expect(unknownColumnTypes('id,Amount\n1,2\n', { missing: 'varchar', AMOUNT: 'double', id: 'int' })).toEqual(['missing']);
    expect(unknownColumnTypes('a|b\n', { b: 'int', 'a|b': 'int' }, '|')).toEqual(['a|b']);
    expect(unknownColumnTypes('a\n', undefined)).toEqual([]);
  });

  it('writes whole numbers as digits for engines loaded from the parsed rows', () => {
    expect(seedTable([['n'], ['1.0'], ['1e3'], ['-2.50e1'], ['']], undefined, postgresDialect).rows).toEqual([['1'], ['1000'], ['-25'], [undefined]]);
    expect(wholeNumberText(' 7 ')).toBe('7');
  });

  // dbt-postgres binds agate's values (dbt-adapters default__load_csv_rows: bindings from
  // agate_table.rows, agate Decimals): `1,000` loads as 1000, `$2.50` as 2.50.
  it('writes numbers as agate reads them for engines loaded from the parsed rows', () => {
    const table = seedTable([['n', 'price'], ['1,000', '$2.50'], ['$7', '1_000%'], ['', 'nan']], undefined, postgresDialect);
    expect(table.columns).toEqual([{ name: 'n', type: 'integer' }, { name: 'price', type: 'double precision' }]);
    expect(table.rows).toEqual([['1000', '2.50'], ['7', '1000'], [undefined, 'NaN']]);
  });

  // dbt-duckdb creates the table with agate's types, then COPYs the file in as written
  // (dbt-duckdb dbt/include/duckdb/macros/seed.sql, duckdb__load_csv_rows with `fast` on): DuckDB
  // cannot read `1,000` into INTEGER, so dbt-duckdb fails the seed; dops fails it before loading.
  it('fails on DuckDB for a number agate reads that DuckDB cannot read as written, naming column, value and row', () => {
    let error: unknown;
    try {
      seedTable([['id', 'amount'], ['1', '5'], ['2', '1,000']], undefined, duckdbDialect);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UnloadableSeedValue);
    expect(error).toMatchObject({ column: 'amount', value: '1,000', row: 1, type: 'INTEGER', number: '1000' });
    expect((error as Error).message).toBe("column \"amount\" has '1,000', the number 1000 to dbt's agate, so the column is INTEGER, which DuckDB cannot read '1,000' into; dbt-duckdb fails this seed too");
    expect(() => seedTable([['p'], ['2.5'], ['$3']], undefined, duckdbDialect)).toThrow("has '$3', the number 3 to dbt's agate, so the column is DOUBLE");
    // Forms DuckDB reads as written load (DuckDB's CSV reader takes underscores between digits, NaN into DOUBLE).
    expect(seedTable([['n', 'x'], ['1_000', 'nan'], [' 7 ', '-Infinity'], ['1e3', '2.5']], undefined, duckdbDialect).columns).toEqual([{ name: 'n', type: 'INTEGER' }, { name: 'x', type: 'DOUBLE' }]);
    // column_types decides the type: nothing to check.
    expect(seedTable([['amount'], ['1,000']], { amount: 'varchar' }, duckdbDialect).columns).toEqual([{ name: 'amount', type: 'varchar' }]);
  });

  it('finds the line a record starts on (quoted line breaks and blank lines counted)', () => {
    const csv = 'a,b\n\n1,"x\ny"\n \n2,3\r\n4,"5"""\n';
    expect([0, 1, 2].map((record) => seedRecordLine(csv, record))).toEqual([3, 6, 7]);
    expect(seedRecordLine(csv.replaceAll('\n', '\r\n'), 1)).toBe(6);
    expect(seedRecordLine(csv, 3)).toBeUndefined();
  });
});

describe('seed NULLs', () => {
  const records = [['n', 'word'], ['1', 'null'], ['NULL', ' '], ['', 'x']];

  it('rows dops inserts (PostgreSQL) take blank and `null` fields as NULL in every column, as agate does (dbt-common agate_helper: null_values=("null", ""))', () => {
    const table = seedTable(records, undefined, postgresDialect);
    expect(table.columns).toEqual([{ name: 'n', type: 'integer' }, { name: 'word', type: 'text' }]);
    expect(table.rows).toEqual([['1', undefined], [undefined, undefined], [undefined, 'x']]);
  });

  it('a file DuckDB reads has NULL for empty fields only, as dbt-duckdb\'s COPY has: the word null keeps a column text', () => {
    expect(seedTable(records, undefined, duckdbDialect).columns).toEqual([{ name: 'n', type: 'VARCHAR' }, { name: 'word', type: 'VARCHAR' }]);
  });
});
