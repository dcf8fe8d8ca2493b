// Parallel threads: `dops build` of a generated wide project (independent branches of table and view
// models with tests) on 1 thread and on 4 threads, in-process through the API, median of several
// builds each. DuckDB already spreads one query over the cores, so the gain from dops' own threads
// depends on how many cores the machine has and how small the models are; the figures say which.
// BENCH_THREADS_RUNS sets the builds per setting (default 3).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { median, printRows, ROOT, row, writeFigures } from './lib/measure.mjs';

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
    const outcome = await build({ projectDir: dir, threads });
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
  writeFigures({ benchmark: 'dops build on 1 vs 4 threads (wide project)', runs: RUNS, nodes, cores: cpus().length, one_thread_ms: Math.round(one), four_threads_ms: Math.round(four), rows });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
