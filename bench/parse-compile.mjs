// Parse + compile (`dops compile`: manifest and compiled SQL written to target/) of generated
// layered projects of 100, 1,000 and 10,000 models: wall time and peak RSS of a fresh process,
// cold (no target/, so no cache), warm with nothing changed, and warm with one model changed.
// Medians of several runs. Also checks that warm runs leave the manifest a cold compile writes,
// and that a run with one model changed (answered mostly from the caches) writes the manifest a
// compile of the same files from scratch writes. BENCH_SIZES=100,1000 picks other sizes; BENCH_RUNS the runs per figure.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { generateLayeredProject, touchLayeredModel } from './lib/layered-project.mjs';
import { median, printRows, row, timeDops, writeFigures } from './lib/measure.mjs';

const SIZES = (process.env.BENCH_SIZES ?? '100,1000,10000').split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 0);
const LAYERS = 10;
const TARGETS = { coldMs: 1000, warmMs: 200, rssMb: 500 };

/** Runs per figure: fewer for the big project so the whole bench stays within minutes. */
const runsFor = (models) => RUNS || (models >= 10_000 ? 3 : 5);

/** target/manifest.json without what legitimately differs per invocation (its metadata). */
function manifestBody(dir) {
  const { metadata: _ignored, ...body } = JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8'));
  return JSON.stringify(body);
}

/**
 * What creating the compiled files alone costs on this disk (part of every cold compile, and
 * beyond dops' reach): the same files, same folders and sizes, written afresh by this process
 * right after the previous copy is deleted, as a cold compile does. Median of `runs`.
 * @returns `{ files, ms }`
 */
function fileCreationFloor(compiledDir, runs) {
  const files = readdirSync(compiledDir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => { const path = join(entry.parentPath, entry.name); return [relative(compiledDir, path), readFileSync(path, 'utf8')]; });
  const copy = `${compiledDir}-floor`;
  const times = [];
  for (let i = 0; i < runs; i++) {
    rmSync(copy, { recursive: true, force: true });
    const started = performance.now();
    for (const folder of new Set(files.map(([path]) => dirname(path)))) mkdirSync(join(copy, folder), { recursive: true });
    for (const [path, text] of files) writeFileSync(join(copy, path), text);
    times.push(performance.now() - started);
  }
  rmSync(copy, { recursive: true, force: true });
  return { files: files.length, ms: median(times) };
}

function measureSize(models) {
  const dir = mkdtempSync(join(tmpdir(), `dops-bench-${models}-`));
  try {
    const project = generateLayeredProject(dir, { models, layers: LAYERS });
    const compile = () => timeDops(['compile', '--project-dir', dir]);
    const cold = [];
    const warm = [];
    const changed = [];
    let identical = true;
    let changedManifest;
    const fromScratch = () => {
      rmSync(join(dir, 'target'), { recursive: true, force: true });
      const run = compile();
      // A compile with every cache warm must write what a compile from scratch writes.
      if (changedManifest !== undefined) identical &&= manifestBody(dir) === changedManifest;
      return run;
    };
    for (let i = 0; i < runsFor(models); i++) {
      cold.push(fromScratch());
      const coldManifest = manifestBody(dir);
      warm.push(compile());
      identical &&= manifestBody(dir) === coldManifest;
      touchLayeredModel(dir, LAYERS - 1, i, i);
      changed.push(compile());
      changedManifest = manifestBody(dir);
    }
    fromScratch(); // checks the last changed run (not timed)
    const floor = fileCreationFloor(join(dir, 'target', 'compiled'), runsFor(models));
    const ms = (runs) => median(runs.map((r) => r.ms));
    const rss = (runs) => median(runs.map((r) => r.rssMb));
    const figures = { models, tests: project.tests, runs: cold.length, cold_ms: ms(cold), cold_rss_mb: rss(cold), warm_ms: ms(warm), warm_rss_mb: rss(warm), one_changed_ms: ms(changed), one_changed_rss_mb: rss(changed), cached_manifest_identical: identical, compiled_files: floor.files, file_creation_ms: floor.ms };
    console.log(`${models} models (+${project.tests} tests), ${cold.length} runs: cold ${Math.round(figures.cold_ms)} ms, warm ${Math.round(figures.warm_ms)} ms, one changed ${Math.round(figures.one_changed_ms)} ms; peak RSS ${Math.round(figures.cold_rss_mb)} MB${identical ? '' : '; CACHED MANIFEST DIFFERS'}`);
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const sizes = SIZES.map(measureSize);
const rows = [];
for (const s of sizes) {
  const big = s.models === 10_000;
  const n = s.models.toLocaleString('en-US');
  rows.push(row(`compile ${n} models, cold`, s.cold_ms, 'ms', big ? { max: TARGETS.coldMs } : undefined));
  rows.push(row(`compile ${n} models, warm`, s.warm_ms, 'ms', big ? { max: TARGETS.warmMs } : undefined));
  rows.push(row(`compile ${n} models, 1 changed`, s.one_changed_ms, 'ms'));
  rows.push(row(`  creating its ${s.compiled_files.toLocaleString('en-US')} compiled files alone`, s.file_creation_ms, 'ms'));
  rows.push(row(`compile ${n} models, peak RSS`, Math.max(s.cold_rss_mb, s.warm_rss_mb, s.one_changed_rss_mb), 'MB', big ? { max: TARGETS.rssMb } : undefined));
  rows.push({ metric: `compile ${n} models, cached manifest = from scratch`, value: s.cached_manifest_identical ? 'yes' : 'NO', unit: '' });
}
printRows(rows);
writeFigures({ benchmark: 'parse + compile of generated layered projects (dops compile, fresh process)', layers: LAYERS, sizes, rows });
if (sizes.some((s) => !s.cached_manifest_identical)) process.exitCode = 1;
