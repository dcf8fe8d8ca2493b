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
 * @throws ParseError naming the file and the 1-based line of the first problem
 */
export function checkSeedCsv(projectDir: string, path: string, delimiter = ','): void {
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
}
