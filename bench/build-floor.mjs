// Orchestration overhead of `dops build`: a fresh `dops build` process against the floor, a fresh
// plain-script process that opens the same DuckDB file and runs the very same statements on one
// connection (recorded from a dops build). Both rebuild relations that already exist, runs
// alternate, and the ratio of the medians is reported, for a generated 1,000-model project and
// for the example flights project. BENCH_BUILD_RUNS sets the runs (default 3).
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateLayeredProject } from './lib/layered-project.mjs';
import { median, printRows, ROOT, row, timeDops, timeNode, writeFigures } from './lib/measure.mjs';

const RUNS = Number(process.env.BENCH_BUILD_RUNS ?? 3);
const MAX_RATIO = 1.15;
const EXAMPLE = ['dbt_project.yml', 'profiles.yml', 'models', 'seeds', 'macros', 'data-tests', 'snapshots'];

/** A copy of the example flights project; its lake files are read from this repo's node_modules. */
function copyExample() {
  const dir = mkdtempSync(join(tmpdir(), 'dops-bench-flights-'));
  for (const entry of EXAMPLE) cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  cpSync(join(ROOT, 'node_modules', 'vega-datasets', 'data', 'flights-3m.parquet'), join(dir, 'node_modules', 'vega-datasets', 'data', 'flights-3m.parquet'));
  return dir;
}

function measure(label, dir) {
  timeDops(['build', '--project-dir', dir]); // first build: creates every relation
  const statements = join(dir, 'statements.json');
  timeNode([join(ROOT, 'bench', 'lib', 'record-statements.mjs'), dir, statements]);
  const dops = [];
  const floor = [];
  for (let i = 0; i < RUNS; i++) {
    dops.push(timeDops(['build', '--no-reuse', '--project-dir', dir]).ms); // a full rebuild, as the floor runs
    floor.push(timeNode([join(ROOT, 'bench', 'lib', 'floor-run.mjs'), dir, statements]).ms);
  }
  const figures = { project: label, runs: RUNS, dops_build_ms: median(dops), floor_ms: median(floor) };
  figures.ratio = figures.dops_build_ms / figures.floor_ms;
  console.log(`${label}: dops build ${Math.round(figures.dops_build_ms)} ms, floor ${Math.round(figures.floor_ms)} ms, ratio ${figures.ratio.toFixed(2)} (${RUNS} runs)`);
  return figures;
}

const projects = [];
const generated = mkdtempSync(join(tmpdir(), 'dops-bench-build-'));
const example = copyExample();
try {
  generateLayeredProject(generated, { models: 1000, layers: 10 });
  projects.push(measure('1,000 generated models', generated));
  projects.push(measure('example flights', example));
} finally {
  rmSync(generated, { recursive: true, force: true });
  rmSync(example, { recursive: true, force: true });
}
const rows = projects.flatMap((p) => [
  row(`build ${p.project}: dops`, p.dops_build_ms, 'ms'),
  row(`build ${p.project}: floor`, p.floor_ms, 'ms'),
  row(`build ${p.project}: dops / floor`, p.ratio, 'x', { max: MAX_RATIO }),
]);
printRows(rows);
writeFigures({ benchmark: 'dops build vs the same statements in one plain DuckDB connection (fresh processes)', projects, rows });
