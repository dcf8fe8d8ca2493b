// Orchestration overhead of `dops build`: a fresh `dops build` process against the floor, a fresh
// plain-script process that opens the same DuckDB file and runs the very same statements on one
// connection (recorded from a dops build). Both rebuild relations that already exist, runs
// alternate in pairs (dops, then the floor), for a generated 1,000-model project and for the
// example flights project. The ratio reported is the median of the pairs' ratios: on a VM whose
// speed drifts within minutes (the floor alone moved from 16 to 24 s in an hour for the same
// statements), each pair's two runs see the same machine, so a drift moves both; the ratio of the
// two medians is printed beside it, with the lowest and highest pair. BENCH_BUILD_RUNS sets the
// pairs (default 5).
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateLayeredProject } from './lib/layered-project.mjs';
import { median, printRows, ROOT, row, timeDops, timeNode, writeFigures } from './lib/measure.mjs';

const RUNS = Number(process.env.BENCH_BUILD_RUNS ?? 5);
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
  const pairs = dops.map((ms, i) => ms / floor[i]);
  const figures = { project: label, runs: RUNS, dops_build_ms: median(dops), floor_ms: median(floor), pair_ratios: pairs.map((r) => Math.round(r * 1000) / 1000) };
  figures.ratio = median(pairs);
  figures.ratio_of_medians = figures.dops_build_ms / figures.floor_ms;
  console.log(
    `${label}: dops build ${Math.round(figures.dops_build_ms)} ms, floor ${Math.round(figures.floor_ms)} ms; ratio ${figures.ratio.toFixed(2)} (median of ${RUNS} pairs, ${Math.min(...pairs).toFixed(2)}-${Math.max(...pairs).toFixed(2)}; ratio of medians ${figures.ratio_of_medians.toFixed(2)})`,
  );
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
  row(`build ${p.project}: dops / floor (median of pairs)`, p.ratio, 'x', { max: MAX_RATIO }),
  row(`build ${p.project}: dops / floor (ratio of medians)`, p.ratio_of_medians, 'x'),
]);
printRows(rows);
writeFigures({ benchmark: 'dops build vs the same statements in one plain DuckDB connection (fresh processes)', projects, rows });
