/**
 * The agate-like table dbt returns from `run_query()` and `load_result(...).table`
 * (docs.getdbt.com/reference/dbt-jinja-functions/run_query; agate's Table API): `rows` (each row
 * indexable by position and by column name), `columns` (by position and by name, each with
 * `values()`), `column_names`, `column_types` and `print_table()`.
 */

/** One row: an array of values with the column names as extra keys. */
export type AgateRow = unknown[] & Record<string, unknown>;

/** One column of a table: its name and its values. */
export class AgateColumn {
  constructor(readonly name: string, private readonly data: unknown[], readonly index: number) {}

  /** The column's values, in row order (agate's `Column.values()`). */
  values(): unknown[] {
    return [...this.data];
  }

  values_without_nulls(): unknown[] {
    return this.data.filter((value) => value !== null && value !== undefined);
  }
}

/** Plain JS values of a query result: column names in order and rows as arrays. */
export interface QueryData {
  columnNames: string[];
  rows: unknown[][];
  /** DuckDB type names, when known. */
  columnTypes?: string[];
}

/**
 * A list also reachable by name, as agate's MappedSequence (rows and `columns`): `keys()`,
 * `items()` (name-value pairs) and `get(name, default)` besides indexing by position and name.
 */
function keyed<T>(items: T[], names: string[]): T[] & Record<string, T> {
  const list = [...items] as T[] & Record<string, T>;
  const methods: Record<string, unknown> = {
    keys: () => [...names],
    items: () => names.map((name, index) => [name, items[index]]),
    get: (name: unknown, fallback: unknown = null) => {
      const index = names.indexOf(String(name));
      return index < 0 ? fallback : items[index];
    },
  };
  for (const [name, fn] of Object.entries(methods)) Object.defineProperty(list, name, { value: fn, enumerable: false });
  names.forEach((name, index) => {
    if (!(name in list) && !/^\d+$/.test(name)) Object.defineProperty(list, name, { value: items[index], enumerable: false });
  });
  return list;
}

/** A query's result as dbt's templates see it. */
export class AgateTable {
  readonly column_names: string[];
  readonly column_types: string[];
  readonly rows: AgateRow[];
  readonly columns: AgateColumn[] & Record<string, AgateColumn>;

  constructor(data: QueryData) {
    this.column_names = [...data.columnNames];
    this.column_types = data.columnTypes ?? data.columnNames.map(() => 'unknown');
    this.rows = data.rows.map((row) => keyed(row, data.columnNames) as AgateRow);
    const columns = data.columnNames.map((name, index) => new AgateColumn(name, data.rows.map((row) => row[index]), index));
    this.columns = keyed(columns, data.columnNames);
  }

  /** Number of rows (Python's `len(table)`; also `table.rows | length`). */
  get length(): number {
    return this.rows.length;
  }

  /** The table as text, the way agate's `print_table()` lays it out (a header, a rule, rows). */
  formatTable(maxRows = 20): string {
    const shown = this.rows.slice(0, maxRows).map((row) => row.map((value) => (value === null || value === undefined ? '' : String(value))));
    const widths = this.column_names.map((name, index) => Math.max(name.length, ...shown.map((row) => row[index].length)));
    const line = (cells: string[]) => `| ${cells.map((cell, index) => cell.padEnd(widths[index])).join(' | ')} |`;
    const rule = `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`;
    const more = this.rows.length > maxRows ? [`| ... ${this.rows.length - maxRows} more rows`] : [];
    return [line(this.column_names), rule, ...shown.map(line), ...more].join('\n');
  }

  /** Set by the context: where `print_table()` writes (the reporter). */
  printer: (text: string) => void = () => undefined;

  print_table(maxRows?: number): string {
    this.printer(this.formatTable(typeof maxRows === 'number' ? maxRows : 20));
    return '';
  }

  [Symbol.iterator](): Iterator<AgateRow> {
    return this.rows[Symbol.iterator]();
  }

  /** What `{{ table }}` prints: Python's str() of an agate Table, without the address. */
  toString(): string {
    return '<agate.table.Table object>';
  }
}
