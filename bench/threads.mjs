// Parallel threads: `dops build` of a generated wide project (independent branches of table and view
// models with tests) on 1 thread and on 4 threads, in-process through the API, median of several
// builds each. DuckDB already spreads one query over the cores, so the gain from dops' own threads
// depends on how many cores the machine has and how small the models are; the figures say which.
// BENCH_THREADS_RUNS sets the builds per setting (default 3).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const row = (metric, value, unit) => ({ metric, value: Math.round(value * 100) / 100, unit });
const printRows = (rows) => {
  const width = Math.max(...rows.map((r) => r.metric.length));
  for (const r of rows) console.log(`  ${r.metric.padEnd(width)}  ${String(r.value).padStart(9)} ${r.unit}`);
};
/** Writes the figures where a bench driver collects them (DOPS_BENCH_OUT), else to target/bench-threads.json. */
const writeFigures = (figures) => {
  const out = process.env.DOPS_BENCH_OUT ?? join(ROOT, 'target', 'bench-threads.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ generated_at: new Date().toISOString(), ...figures }, null, 2)}\n`);
  console.log(`figures written to ${out}`);
};

const RUNS = Number(process.env.BENCH_THREADS_RUNS ?? 3);
const BRANCHES = 24;
const ROWS = 200_000;

function write(dir, path, contents) {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), contents);
}

/** 24 independent branches: a staging table over range(), an aggregating view, a mart table with two tests. */
function generateWideProject(dir) {
  write(dir, 'dops_project.yml', 'name: wide\ndatabase-path: wide.duckdb\n');
  const yaml = ['version: 2', 'models:'];
  for (let b = 0; b < BRANCHES; b++) {
    const schema = `s${b % 4}`;
    write(dir, `models/b${b}/stg_${b}.sql`, `{{ config(materialized='table', schema='${schema}') }}\nselect i as id, hash(i + ${b}) % 1000 as k, i * 0.5 as amount from range(${ROWS}) t(i)\n`);
    write(dir, `models/b${b}/agg_${b}.sql`, `{{ config(schema='${schema}') }}\nselect k, count(*) as n, sum(amount) as total from {{ ref('stg_${b}') }} group by k\n`);
    write(dir, `models/b${b}/mart_${b}.sql`, `{{ config(materialized='table', schema='${schema}') }}\nselect k, n, total, total / n as avg_amount from {{ ref('agg_${b}') }}\n`);
    yaml.push(`  - name: mart_${b}`, '    columns:', '      - name: k', '        data_tests: [unique, not_null]');
  }
  write(dir, 'models/schema.yml', `${yaml.join('\n')}\n`);
  return BRANCHES * 5;
}

const { build } = await import(join(ROOT, 'dist/api/commands.js'));
const dir = mkdtempSync(join(tmpdir(), 'dops-bench-threads-'));
try {
  const nodes = generateWideProject(dir);
  const timeBuild = async (threads) => {
    const started = performance.now();
    const outcome = await build({ projectDir: dir, threads, reuse: false }); // every node runs (no state-aware reuse)
    const ms = performance.now() - started;
    if (!outcome.success || outcome.results.length !== nodes) throw new Error(`build on ${threads} threads failed`);
    return ms;
  };
  await timeBuild(1); // warm-up: creates the schemas and relations, warms the file cache
  const samples = { 1: [], 4: [] };
  for (let i = 0; i < RUNS; i++) for (const threads of [1, 4]) samples[threads].push(await timeBuild(threads));
  const one = median(samples[1]);
  const four = median(samples[4]);
  const rows = [row(`build, 1 thread (${nodes} nodes)`, one, 'ms'), row(`build, 4 threads (${nodes} nodes)`, four, 'ms'), row('speed-up 4 vs 1 thread', one / four, 'x')];
  console.log(`wide project: ${BRANCHES} branches x (2 tables + 1 view + 2 tests), ${ROWS} rows per staging table; ${cpus().length} cores`);
  printRows(rows);
  // Other work on the machine skews the figures: the load average is recorded with them.
  writeFigures({ benchmark: 'dops build on 1 vs 4 threads (wide project)', runs: RUNS, nodes, cores: cpus().length, load_average: loadavg(), one_thread_ms: Math.round(one), four_threads_ms: Math.round(four), rows });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
