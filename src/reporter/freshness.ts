import type { FreshnessResult } from '../artifacts/sources.js';
import { eventLine } from './dbt-events.js';
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
export function printFreshness(out: OutputStream, results: FreshnessResult[], options: { json?: boolean } = {}): void {
  if (options.json) {
    // Each line the text would print, as the dbt event for it (written below, uncolored).
    const text: string[] = [];
    printFreshness({ write: (chunk: string) => text.push(chunk) }, results);
    writeFreshnessEvents(out, results, text);
    return;
  }
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

/**
 * `--log-format json`: dbt's events for a freshness check (https://docs.getdbt.com/reference/events-logging):
 * `LogFreshnessResult` (Q018) per source (level `error` for `error` / `runtime error`, `warn` for
 * `warn`), `RunResultError` (Z024) per failed check and `StatsLine` (Z023) with the counts; each
 * `msg` the text line (`text`, uncolored) printed for it.
 */
function writeFreshnessEvents(out: OutputStream, results: FreshnessResult[], text: string[]): void {
  results.forEach((result, i) => {
    const [sourceName, ...table] = result.name.split('.');
    const level = result.status === 'pass' ? 'info' : result.status === 'warn' ? 'warn' : 'error';
    const nodeInfo = { node_path: '', node_name: table.join('.'), unique_id: result.uniqueId, resource_type: 'source', materialized: '', node_status: result.status, node_started_at: '', node_finished_at: result.snapshottedAt, meta: {}, node_relation: { database: '', schema: '', alias: '', relation_name: '' } };
    out.write(eventLine('LogFreshnessResult', text[i].replace(/\n$/, ''), { status: result.status, node_info: nodeInfo, index: i + 1, total: results.length, execution_time: result.executionTime, source_name: sourceName, table_name: table.join('.') }, { level }));
  });
  for (const result of results.filter((r) => r.message)) out.write(eventLine('RunResultError', `  ${result.message}`, { msg: result.message }));
  if (results.length === 0) out.write(eventLine('Note', 'No sources with freshness criteria were selected.', { msg: 'No sources with freshness criteria were selected.' }));
  const count = (...statuses: string[]) => results.filter((r) => statuses.includes(r.status)).length;
  const done = text[text.length - 1].trim();
  out.write(eventLine('StatsLine', done, { stats: { pass: count('pass'), warn: count('warn'), error: count('error', 'runtime error'), skip: 0, 'no-op': 0, total: results.length } }));
}
