import { quoteLiteral } from '../quoting.js';

const READERS: [RegExp, string][] = [
  [/\.parquet$/i, 'read_parquet'],
  [/\.(csv|tsv|txt)(\.gz|\.zst)?$/i, 'read_csv'],
  [/\.(ndjson|jsonl)(\.gz|\.zst)?$/i, 'read_ndjson'],
  [/\.json(\.gz|\.zst)?$/i, 'read_json'],
];

/**
 * Renders a JS value as a DuckDB literal for named reader / COPY options: strings quoted, numbers
 * and booleans as-is, arrays as lists, objects as structs (`{'id': 'INTEGER'}`).
 */
export function renderSqlValue(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(renderSqlValue).join(', ')}]`;
  if (typeof value === 'object') return `{${Object.entries(value).map(([k, v]) => `${quoteLiteral(k)}: ${renderSqlValue(v)}`).join(', ')}}`;
  return quoteLiteral(String(value));
}

/** Readers by the `format` a source may name explicitly. */
const FORMATS: Record<string, string> = { parquet: 'read_parquet', csv: 'read_csv', tsv: 'read_csv', json: 'read_json', ndjson: 'read_ndjson' };

/** Friendly option names mapped to DuckDB's (dbt users write `delimiter`). */
const OPTION_ALIASES: Record<string, string> = { delimiter: 'delim', sep: 'delim' };

/**
 * SQL that reads lake files with DuckDB's own readers, picked by `format` or by extension
 * (`read_parquet`, `read_csv`, `read_json`, `read_ndjson`; DuckDB docs, "Data Import").
 * Unknown extensions fall back to DuckDB's replacement scan (`'path'`), which sniffs the format.
 * @param location path or glob, relative paths resolved by DuckDB's `file_search_path`
 * @param options `format` plus named reader options passed through (`delim`, `header`,
 *   `columns`, `union_by_name`, `hive_partitioning`, ...); TSV files get a tab delimiter
 */
export function renderExternalLocation(location: string, options: Record<string, unknown> = {}): string {
  const { format, ...named } = options;
  const reader = format !== undefined ? FORMATS[String(format).toLowerCase()] : READERS.find(([pattern]) => pattern.test(location))?.[1];
  const isTsv = String(format ?? '').toLowerCase() === 'tsv' || /\.tsv(\.gz|\.zst)?$/i.test(location);
  const args = Object.entries(named).map(([name, value]) => `${OPTION_ALIASES[name] ?? name} = ${renderSqlValue(value)}`);
  if (isTsv && !args.some((arg) => arg.startsWith('delim ='))) args.push("delim = '\t'");
  if (!reader) return quoteLiteral(location);
  return `${reader}(${[quoteLiteral(location), ...args].join(', ')})`;
}
