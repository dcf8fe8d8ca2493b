import type { FreshnessResult } from '../artifacts/sources.js';
import { colorsFor, type OutputStream } from './terminal.js';

const LINE_WIDTH = 80;

function age(seconds: number | undefined): string {
  if (seconds === undefined) return 'no rows';
  if (seconds < 120) return `${Math.round(seconds)}s old`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m old`;
  if (seconds < 172800) return `${Math.round(seconds / 3600)}h old`;
  return `${Math.round(seconds / 86400)}d old`;
}

/**
 * Prints `dops source freshness` results the way dbt does: one line per source with its index,
 * status and age, the errors' messages, then a `Done.` line with the counts.
 */
export function printFreshness(out: OutputStream, results: FreshnessResult[]): void {
  const c = colorsFor(out);
  const paint = { pass: c.green, warn: c.yellow, error: c.red, 'runtime error': c.red };
  results.forEach((result, i) => {
    const label = result.status === 'runtime error' ? 'ERROR' : result.status.toUpperCase();
    const prefix = `${String(i + 1).padStart(String(results.length).length)} of ${results.length} `;
    const text = `${label} freshness of ${result.name} `;
    const info = `${label} ${age(result.ageSeconds)} in ${result.executionTime.toFixed(2)}s`;
    const dots = '.'.repeat(Math.max(3, LINE_WIDTH - prefix.length - text.length - info.length - 3));
    out.write(`${prefix}${paint[result.status](label)} freshness of ${result.name} ${c.dim(dots)} [${paint[result.status](info)}]\n`);
  });
  for (const result of results.filter((r) => r.message)) out.write(`\n${c.red('Error')} in source ${result.name}\n  ${result.message}\n`);
  const count = (...statuses: string[]) => results.filter((r) => statuses.includes(r.status)).length;
  const errors = count('error', 'runtime error');
  const counts = `PASS=${count('pass')} WARN=${count('warn')} ERROR=${errors} TOTAL=${results.length}`;
  if (results.length === 0) out.write('No sources with freshness criteria were selected.\n');
  out.write(`\nDone. ${errors ? c.red(counts) : count('warn') ? c.yellow(counts) : c.green(counts)}\n`);
}
