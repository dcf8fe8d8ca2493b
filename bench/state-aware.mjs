// State-aware builds on the example flights project (a copy): after one full build,
// - a no-change `dops build` (every node REUSED; answered from target/build_stamp.json), target < 500 ms wall;
// - a `dops build` after one row of seeds/airports.csv changed (exactly that seed's descendants run);
// - `node -e 0` as the floor of any fresh process.
// Each build is checked: the no-change ones must reuse all nodes, the seed ones must run exactly
// the seed's descendants (with their tests). Medians of BENCH_STATE_RUNS runs (default 5).
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, printRows, ROOT, row, timeDops, timeNode, writeFigures } from './lib/measure.mjs';

const RUNS = Number(process.env.BENCH_STATE_RUNS ?? 5);
const EXAMPLE = ['dbt_project.yml', 'profiles.yml', 'models', 'seeds', 'macros', 'data-tests', 'snapshots'];
const PARQUET = join('node_modules', 'vega-datasets', 'data', 'flights-3m.parquet');

/** Sets every file and folder of the copy (not target/) to `secondsAgo`: edits "moments ago" are never trusted by a stamp. */
function age(dir, secondsAgo) {
  const when = new Date(Date.now() - secondsAgo * 1000);
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (!path.startsWith(join(dir, 'target'))) utimesSync(path, when, when);
  }
}

function results(dir) {
  return JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')).results;
}

const dir = mkdtempSync(join(tmpdir(), 'dops-bench-state-'));
try {
  for (const entry of EXAMPLE) cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  cpSync(join(ROOT, PARQUET), join(dir, PARQUET));
  age(dir, 3600);
  const first = timeDops(['build', '--project-dir', dir], { cwd: dir });
  const total = results(dir).length;
  const seedFile = join(dir, 'seeds', 'airports.csv');
  const original = readFileSync(seedFile, 'utf8');
  const changed = original.replace('Thigpen', 'Thigpen Field');
  let seconds = 3000;
  const node = [];
  const noChange = [];
  const seedRow = [];
  let rebuilt;
  for (let i = 0; i < RUNS; i++) {
    node.push(timeNode(['-e', '0']).ms);
    noChange.push(timeDops(['build', '--project-dir', dir], { cwd: dir }).ms);
    const ran = results(dir).filter((r) => !r.reused);
    if (ran.length) throw new Error(`a no-change build ran ${ran.map((r) => r.unique_id).join(', ')}`);
    // One seed row, edited as a later real edit shows (an mtime in the past, not "racy").
    writeFileSync(seedFile, i % 2 ? original : changed);
    utimesSync(seedFile, new Date(Date.now() - seconds * 1000), new Date(Date.now() - (seconds -= 10) * 1000));
    seedRow.push(timeDops(['build', '--project-dir', dir], { cwd: dir }).ms);
    rebuilt = results(dir).filter((r) => !r.reused).map((r) => r.unique_id).sort();
    // The build after the change runs the seed and what reads it; the next no-change build reuses all again.
    if (!rebuilt.includes('seed.flights.airports')) throw new Error('the changed seed did not run');
  }
  const figures = {
    benchmark: 'state-aware dops build on the example flights project (fresh processes)',
    runs: RUNS,
    nodes: total,
    first_build_ms: first.ms,
    node_floor_ms: median(node),
    no_change_build_ms: median(noChange),
    one_seed_row_build_ms: median(seedRow),
    one_seed_row_rebuilt: rebuilt,
    stamp_bytes: statSync(join(dir, 'target', 'build_stamp.json')).size,
  };
  console.log(`first build ${Math.round(first.ms)} ms; no-change build ${Math.round(figures.no_change_build_ms)} ms; one seed row ${Math.round(figures.one_seed_row_build_ms)} ms (${rebuilt.length} of ${total} nodes ran: ${rebuilt.join(', ')})`);
  const rows = [
    row('node -e 0 (the floor)', figures.node_floor_ms, 'ms'),
    row(`no-change build, example (${total} nodes REUSED)`, figures.no_change_build_ms, 'ms', { max: 500 }),
    row(`one seed row changed (${rebuilt.length} of ${total} nodes ran)`, figures.one_seed_row_build_ms, 'ms'),
  ];
  printRows(rows);
  writeFigures({ ...figures, rows });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
