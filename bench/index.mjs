// `npm run bench`: runs every benchmark part (bench/*.mjs except this driver and the generators)
// in its own process, one after another, then prints one table of all figures and writes them to
// target/bench.json. `npm run bench -- startup parse-compile` runs only the named parts.
//
// A part reports by writing JSON to the file named by DOPS_BENCH_OUT (see bench/lib/measure.mjs):
// `{ benchmark, rows: [{ metric, value, unit, target?, ok? }], ...details }`. A part that writes
// target/bench.json instead is read from there; without `rows`, its `median_ms` figures are shown.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = join(BENCH, '..');
const TARGET = join(ROOT, 'target', 'bench.json');
/** Parts run in this order first (cheap and independent ones early); the rest follow by name. */
const ORDER = ['startup', 'parse-compile', 'build-floor', 'watch'];

function partNames() {
  const names = readdirSync(BENCH)
    .filter((file) => file.endsWith('.mjs') && file !== 'index.mjs' && !file.startsWith('generate-') && !file.startsWith('_'))
    .map((file) => basename(file, '.mjs'));
  const rank = (name) => (ORDER.includes(name) ? ORDER.indexOf(name) : ORDER.length);
  return names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** A part's rows: its own, or its `median_ms` figures when it reports none. */
function rowsOf(figures) {
  if (Array.isArray(figures.rows)) return figures.rows;
  const medians = figures.median_ms ?? {};
  return Object.entries(medians)
    .filter(([, value]) => typeof value === 'number')
    .map(([key, value]) => {
      const entry = { metric: `median ${key}`, value, unit: 'ms' };
      if (key === 'totalMs' && typeof figures.target_ms === 'number') Object.assign(entry, { target: `< ${figures.target_ms} ms`, ok: value < figures.target_ms });
      return entry;
    });
}

function runPart(name, scratch) {
  const out = join(scratch, `${name}.json`);
  const before = existsSync(TARGET) ? statSync(TARGET).mtimeMs : 0;
  console.log(`\n=== ${name} ===`);
  const started = performance.now();
  const run = spawnSync(process.execPath, [join(BENCH, `${name}.mjs`)], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, DOPS_BENCH_OUT: out } });
  const seconds = (performance.now() - started) / 1000;
  let figures;
  if (existsSync(out)) figures = JSON.parse(readFileSync(out, 'utf8'));
  else if (existsSync(TARGET) && statSync(TARGET).mtimeMs > before) figures = JSON.parse(readFileSync(TARGET, 'utf8'));
  if (run.status !== 0 || !figures) return { name, ok: false, seconds, error: `exited ${run.status}${figures ? '' : ', no figures'}` };
  return { name, ok: true, seconds, figures };
}

function printTable(parts) {
  const lines = [];
  for (const part of parts) {
    const rows = part.ok ? rowsOf(part.figures) : [];
    lines.push({ part: part.name, metric: part.ok ? '' : `FAILED (${part.error})`, value: '', unit: '', target: '', verdict: '' });
    for (const r of rows) lines.push({ part: '', metric: r.metric, value: String(r.value), unit: r.unit, target: r.target ?? '', verdict: r.ok === undefined ? '' : r.ok ? 'ok' : 'MISSED' });
  }
  const width = (key) => Math.max(key.length, ...lines.map((l) => l[key].length));
  const w = { part: width('part'), metric: width('metric'), value: width('value'), unit: width('unit'), target: width('target') };
  console.log('\n=== dops benchmarks ===');
  console.log(`${'part'.padEnd(w.part)}  ${'metric'.padEnd(w.metric)}  ${'value'.padStart(w.value)} ${'unit'.padEnd(w.unit)}  target`);
  for (const l of lines) console.log(`${l.part.padEnd(w.part)}  ${l.metric.padEnd(w.metric)}  ${l.value.padStart(w.value)} ${l.unit.padEnd(w.unit)}  ${l.target.padEnd(w.target)} ${l.verdict}`.trimEnd());
}

const wanted = process.argv.slice(2);
const names = partNames().filter((name) => wanted.length === 0 || wanted.includes(name));
const unknown = wanted.filter((name) => !partNames().includes(name));
if (unknown.length) {
  console.error(`Unknown benchmark part(s): ${unknown.join(', ')}. Parts: ${partNames().join(', ')}`);
  process.exit(2);
}
// Other work on the machine skews every figure; the load average goes into bench.json with them.
const loadBefore = loadavg();
const scratch = mkdtempSync(join(tmpdir(), 'dops-bench-'));
try {
  const parts = names.map((name) => runPart(name, scratch));
  printTable(parts);
  mkdirSync(dirname(TARGET), { recursive: true });
  const machine = { cpus: cpus().length, cpu: cpus()[0]?.model, memory_gb: Math.round(totalmem() / 2 ** 30), node: process.version, platform: process.platform, load_average_before: loadBefore, load_average_after: loadavg() };
  const parts_ = Object.fromEntries(parts.map((p) => [p.name, p.ok ? { seconds: Math.round(p.seconds), ...p.figures } : { seconds: Math.round(p.seconds), error: p.error }]));
  writeFileSync(TARGET, `${JSON.stringify({ generated_at: new Date().toISOString(), machine, parts: parts_ }, null, 2)}\n`);
  console.log(`\nfigures written to ${TARGET}`);
  process.exitCode = parts.every((p) => p.ok) ? 0 : 1;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
