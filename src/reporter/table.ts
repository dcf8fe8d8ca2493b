import { createRequire } from 'node:module';
import type TableClass from 'cli-table3';
import type { Row } from '../adapter/adapter.js';
import { colorsFor, type OutputStream } from './terminal.js';

/** A database value as text for a table cell: NULL for null, DuckDB values by their own `toString`. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (value instanceof Uint8Array) return `\\x${Buffer.from(value).toString('hex')}`;
  if (typeof value === 'object' && !(value instanceof Date) && Object.getPrototypeOf(value) === Object.prototype) return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  return String(value);
}

/** A database value for JSON: numbers, strings, booleans and null kept; big integers and DuckDB values as strings. */
export function jsonValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  return cellText(value);
}

/**
 * cli-table3 (CommonJS), required on first use: imported statically, it and string-width loaded
 * with every command that can run unit tests, i.e. with the session every command goes through.
 */
let tableClass: typeof TableClass | undefined;
function loadTable(): typeof TableClass {
  return (tableClass ??= createRequire(import.meta.url)('cli-table3') as typeof TableClass);
}

/**
 * Formats rows as a table (cli-table3) with the columns as its header, in the markdown-like
 * layout dbt's `show` prints: `| a | b |`, a `| -- |` rule, one line per row. Numbers align right.
 */
export function formatTable(columns: string[], rows: Row[], out: OutputStream): string {
  const c = colorsFor(out);
  const Table = loadTable();
  const table = new Table({
    head: columns.map((name) => c.bold(name)),
    chars: {
      top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
      bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
      left: '|', 'left-mid': '', mid: '', 'mid-mid': '', right: '|', 'right-mid': '', middle: '|',
    },
    style: { head: [], border: [], 'padding-left': 1, 'padding-right': 1 },
  });
  for (const row of rows) {
    table.push(columns.map((name) => {
      const value = row[name];
      const text = cellText(value);
      return typeof value === 'number' || typeof value === 'bigint' ? { content: text, hAlign: 'right' as const } : text;
    }));
  }
  const lines = table.toString().split('\n');
  // The rule under the header, as a markdown table has it.
  const widths = (table.options.colWidths as number[] | undefined) ?? [];
  const rule = `|${widths.map((w) => ` ${'-'.repeat(Math.max(1, w - 2))} `).join('|')}|`;
  return `${[lines[0], rule, ...lines.slice(1)].join('\n')}\n`;
}
