import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { DopsError, ParseError } from '../errors.js';

/**
 * Checks a seed CSV's structure with csv-parse before DuckDB loads it, because DuckDB's sniffer
 * either guesses a different dialect or fails without naming the offending line.
 * Rules (dbt's seed rules): a header row, the same number of fields on every row, closed quotes.
 * @param path CSV path relative to the project dir
 * @param delimiter field separator (default `,`)
 * @returns the CSV's records, header first (fields as written)
 * @throws ParseError naming the file and the 1-based line of the first problem
 */
export function checkSeedCsv(projectDir: string, path: string, delimiter = ','): string[][] {
  let records: string[][];
  try {
    records = parse(readFileSync(join(projectDir, path), 'utf8'), { delimiter, skip_empty_lines: true, bom: true });
  } catch (error) {
    if (error instanceof DopsError) throw error;
    const { message, lines } = error as Error & { lines?: number };
    throw new ParseError(`Bad CSV: ${message.replace(/ (on|at) line \d+$/, '')}`, { location: { file: path, line: lines } });
  }
  if (records.length === 0 || records[0].every((cell) => cell.trim() === '')) {
    throw new ParseError('Bad CSV: a seed needs a header row', { location: { file: path, line: 1 } });
  }
  return records;
}

/**
 * Header columns a seed CSV names more than once (compared case-insensitively, as DuckDB and
 * PostgreSQL compare unquoted names). dbt loads such a seed with the repeats renamed (agate's
 * duplicate-column warning); dops warns the same way instead of renaming silently.
 * @param contents the CSV text (only its first record is read)
 * @returns each repeated name once, as first written; empty when the header cannot be read
 */
export function repeatedHeaderColumns(contents: string, delimiter = ','): string[] {
  let header: string[];
  try {
    [header = []] = parse(contents, { delimiter, bom: true, to_line: 1, relax_column_count: true }) as string[][];
  } catch {
    return []; // a broken header is reported when the seed loads
  }
  const seen = new Map<string, string>();
  const repeated: string[] = [];
  for (const column of header) {
    const key = column.trim().toLowerCase();
    if (seen.has(key) && !repeated.includes(seen.get(key)!)) repeated.push(seen.get(key)!);
    else if (!seen.has(key)) seen.set(key, column);
  }
  return repeated;
}

/**
 * The 1-based line on which a seed CSV's record starts, for messages naming a field: records can
 * span lines (quoted line breaks, `"` quoting as csv-parse reads it) and blank lines are skipped,
 * as checkSeedCsv's parse skips them. Lines end with `\n` (`\r\n` too).
 * @param contents the CSV text
 * @param record 0-based index of the record after the header
 * @returns undefined when the file has fewer records
 */
export function seedRecordLine(contents: string, record: number): number | undefined {
  let line = 1;
  let index = -1; // the header is record -1
  let start = true; // at the start of a line outside quotes
  let quoted = false;
  for (let i = 0; i < contents.length; i++) {
    if (start && !quoted) {
      const end = contents.indexOf('\n', i);
      if (contents.slice(i, end === -1 ? contents.length : end).trim() === '') {
        if (end === -1) break;
        line++;
        i = end;
        continue;
      }
      if (index++ === record) return line;
      start = false;
    }
    const char = contents[i];
    if (char === '"') quoted = !quoted;
    else if (char === '\n') {
      line++;
      if (!quoted) start = true;
    }
  }
  return undefined;
}

/**
 * `column_types` keys that name no column of a seed's header (compared case-insensitively, as
 * dops applies them). dbt ignores such keys (agate's TypeTester warns that a forced name "does not
 * match the name of any column in this table" and skips it); dops warns about them.
 * @param contents the CSV text (only its first record is read)
 * @returns the keys, as written; empty when the header cannot be read
 */
export function unknownColumnTypes(contents: string, columnTypes: unknown, delimiter = ','): string[] {
  if (!columnTypes || typeof columnTypes !== 'object') return [];
  let header: string[];
  try {
    [header = []] = parse(contents, { delimiter, bom: true, to_line: 1, relax_column_count: true }) as string[][];
  } catch {
    return []; // a broken header is reported when the seed loads
  }
  const names = new Set(header.map((name) => name.toLowerCase()));
  return Object.keys(columnTypes).filter((key) => !names.has(key.toLowerCase()));
}
