// `dops build --target pg` on the generated 1,000-model project against its floor: a plain script
// sending the very same statements (recorded from a dops build) through one `pg` client. Both
// rebuild relations that already exist on a throwaway local PostgreSQL server; runs alternate and
// the medians are reported. Skipped (no rows) when PostgreSQL is not installed.
// BENCH_BUILD_RUNS sets the runs (default 3); BENCH_PG_MODELS the project's models (default 1,000,
// e.g. 50 for a quick check); BENCH_PG_JIT=1 keeps the server's JIT on (off by default: see
// bench/lib/postgres-server.mjs, JIT compiles every statement over unanalyzed tables for seconds).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { generateLayeredProject } from './lib/layered-project.mjs';
import { median, printRows, ROOT, row, timeDops, timeNode, writeFigures } from './lib/measure.mjs';
import { startPostgres } from './lib/postgres-server.mjs';

const RUNS = Number(process.env.BENCH_BUILD_RUNS ?? 3);
const MODELS = Number(process.env.BENCH_PG_MODELS ?? 1000);
const JIT = process.env.BENCH_PG_JIT === '1';
const server = await startPostgres({ jit: JIT });
if (!server) {
  console.log('PostgreSQL is not installed (/usr/lib/postgresql/*/bin/initdb): skipped');
  writeFigures({ benchmark: 'dops build --target pg (skipped: no PostgreSQL)', rows: [] });
  process.exit(0);
}
const dir = mkdtempSync(join(tmpdir(), 'dops-bench-pg-build-'));
try {
  const admin = new pg.Client({ host: server.host, port: server.port, user: server.user, password: server.password, database: 'postgres' });
  await admin.connect();
  await admin.query('create database bench');
  await admin.end();
  generateLayeredProject(dir, { models: MODELS, layers: 10 });
  writeFileSync(join(dir, 'profiles.yml'), `bench:\n  target: pg\n  outputs:\n    pg:\n      type: postgres\n      host: ${server.host}\n      port: ${server.port}\n      user: ${server.user}\n      password: "{{ env_var('DOPS_BENCH_PG_PASSWORD') }}"\n      dbname: bench\n      schema: main\n      threads: 1\n`);
  const env = { DOPS_BENCH_PG_PASSWORD: server.password, PGHOST: server.host, PGPORT: String(server.port), PGUSER: server.user, PGPASSWORD: server.password, PGDATABASE: 'bench' };
  const step = (what, ms) => console.log(`  ${what}: ${Math.round(ms)} ms`);
  step('first build (creates every relation)', timeDops(['build', '--project-dir', dir], { env }).ms);
  const statements = join(dir, 'statements.json');
  step('recording the statements of a full rebuild', timeNode([join(ROOT, 'bench', 'lib', 'record-statements.mjs'), dir, statements, 'pg'], { env }).ms);
  const dops = [];
  const floor = [];
  for (let i = 0; i < RUNS; i++) {
    dops.push(timeDops(['build', '--no-reuse', '--project-dir', dir], { env }).ms); // a full rebuild, as the floor runs
    floor.push(timeNode([join(ROOT, 'bench', 'lib', 'pg-floor-run.mjs'), statements], { env }).ms);
    console.log(`  run ${i + 1}/${RUNS}: dops ${Math.round(dops[i])} ms, floor ${Math.round(floor[i])} ms`);
  }
  const label = MODELS.toLocaleString('en-US');
  const figures = { project: `${label} generated models on PostgreSQL`, jit: JIT, runs: RUNS, dops_build_ms: median(dops), floor_ms: median(floor) };
  figures.ratio = figures.dops_build_ms / figures.floor_ms;
  console.log(`${figures.project}: dops build ${Math.round(figures.dops_build_ms)} ms, pg floor ${Math.round(figures.floor_ms)} ms, ratio ${figures.ratio.toFixed(2)} (${RUNS} runs)`);
  const rows = [row(`build ${label} models on postgres: dops`, figures.dops_build_ms, 'ms'), row(`build ${label} models on postgres: pg floor`, figures.floor_ms, 'ms'), row(`build ${label} models on postgres: dops / floor`, figures.ratio, 'x')];
  printRows(rows);
  writeFigures({ benchmark: 'dops build --target pg vs the same statements through one pg client (fresh processes)', projects: [figures], rows });
} finally {
  server.stop();
  rmSync(dir, { recursive: true, force: true });
}
