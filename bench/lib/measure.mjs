// Shared helpers of the benchmark parts: timing a fresh `dops` process (wall time and peak RSS),
// medians, and the row format every part reports to bench/index.mjs.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (bench/lib/../..). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The built CLI the benchmarks time. */
export const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const HOOK = join(ROOT, 'bench', 'lib', 'rss-hook.mjs');

/** Median of numbers (mean of the middle two for an even count). */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Rounds to one decimal. */
export const round = (n) => Math.round(n * 10) / 10;

/**
 * Runs one fresh process and measures it.
 * @param args arguments after `node` (a script and its arguments)
 * @param options.cwd working directory; options.env extra environment
 * @returns `{ ms, cpuMs, rssMb, stderr }`: wall time and CPU time (user + system, all threads) in
 *   milliseconds, peak RSS in MB
 * @throws Error when the process exits non-zero (a benchmark of a failing command means nothing)
 */
export function timeNode(args, { cwd = ROOT, env = {} } = {}) {
  const scratch = mkdtempSync(join(tmpdir(), 'dops-bench-rss-'));
  const rssFile = join(scratch, 'rss');
  try {
    const started = performance.now();
    const run = spawnSync(process.execPath, ['--import', HOOK, ...args], {
      cwd,
      env: { ...process.env, ...env, BENCH_RSS_FILE: rssFile },
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const ms = performance.now() - started;
    if (run.status !== 0) throw new Error(`node ${args.join(' ')} (in ${cwd}) exited ${run.status}:\n${run.stderr}`);
    const [rssKb, cpuMs] = readFileSync(rssFile, 'utf8').split(' ').map(Number);
    return { ms, cpuMs, rssMb: rssKb / 1024, stderr: run.stderr };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The node flags of the CLI's `#!/usr/bin/env -S node <flags>` line: running the executable (as
 * npm's bin link does) applies them, so the benchmarks pass them too.
 */
const CLI_NODE_FLAGS = readFileSync(CLI, 'utf8').split('\n', 1)[0].split(/\s+/).filter((word) => word.startsWith('--'));

/** Runs the `dops` CLI once in a fresh process, with the node flags of its shebang; see {@link timeNode}. */
export function timeDops(args, options) {
  return timeNode([...CLI_NODE_FLAGS, CLI, ...args], options);
}

/**
 * One row of the printed table.
 * @param metric what was measured; value the median; unit e.g. `ms`, `MB`, `x`
 * @param target optional `{ max }` the value must stay under (ok is set from it)
 */
export function row(metric, value, unit, target) {
  const entry = { metric, value: unit === 'x' ? Math.round(value * 100) / 100 : round(value), unit };
  if (target) Object.assign(entry, { target: `< ${target.max} ${unit}`, ok: value < target.max });
  return entry;
}

/**
 * Writes a part's figures where bench/index.mjs collects them (DOPS_BENCH_OUT), or to
 * target/bench.json when the part runs alone.
 * @param figures `{ benchmark, rows, ...details }`
 */
export function writeFigures(figures) {
  const out = process.env.DOPS_BENCH_OUT ?? join(ROOT, 'target', 'bench.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ generated_at: new Date().toISOString(), ...figures }, null, 2)}\n`);
}

/** Prints a part's rows as an aligned table. */
export function printRows(rows) {
  const width = Math.max(...rows.map((r) => r.metric.length));
  for (const r of rows) {
    const verdict = r.ok === undefined ? '' : `  ${r.target.padEnd(12)} ${r.ok ? 'ok' : 'MISSED'}`;
    console.log(`  ${r.metric.padEnd(width)}  ${String(r.value).padStart(9)} ${r.unit.padEnd(3)}${verdict}`);
  }
}
