// Watch-mode latency benchmark: save-to-summary time for a one-model edit in a generated
// 500-model project (median over 20 edits), split into the DuckDB work of the touched nodes and
// what dops itself adds. Run with `npm run bench` (compiles first); figures go to target/bench.json.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateProject, modelPath, modelSql } from './generate-project.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const { watch, TerminalReporter } = await loadDops();
const EDITS = Number(process.env.BENCH_EDITS ?? 20);
const WARMUP = 3;
const CHAINS = 50;
const LENGTH = 10;
const TARGET_MS = 300;

async function loadDops() {
  const api = await import(join(ROOT, 'dist/api/watch.js'));
  const terminal = await import(join(ROOT, 'dist/reporter/terminal.js'));
  return { watch: api.watch, TerminalReporter: terminal.TerminalReporter };
}

const now = () => performance.timeOrigin + performance.now();
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const round = (n) => Math.round(n * 10) / 10;

const dir = mkdtempSync(join(tmpdir(), 'dops-bench-'));
const { models } = generateProject(dir, { chains: CHAINS, length: LENGTH });
const reports = [];
let waiting;
const sink = { write: () => true, isTTY: false };
const session = await watch({
  projectDir: dir,
  reporter: new TerminalReporter(sink),
  watchReporter: {
    rebuildFinished(report) {
      const received = now();
      reports.push({ report, received });
      waiting?.({ report, received });
    },
    projectError(error) {
      console.error(`project error: ${error.message}`);
    },
  },
});
const nextReport = (timeoutMs = 60_000) =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no rebuild summary within the timeout')), timeoutMs);
    waiting = (value) => {
      clearTimeout(timer);
      waiting = undefined;
      resolve(value);
    };
  });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

try {
  const initialStart = now();
  const initial = reports.length ? reports[0] : await nextReport(600_000);
  console.log(`generated ${models} models in ${dir}; initial build ${Math.round(initial.received - initialStart)} ms (${initial.report.results.length} nodes)`);
  await sleep(300);

  const samples = [];
  for (let i = 0; i < WARMUP + EDITS; i++) {
    const chain = (i * 7) % CHAINS;
    const step = LENGTH - 3; // the edited model, one intermediate view and the mart table (+2 tests) rebuild
    const pending = nextReport();
    const savedAt = now();
    writeFileSync(join(dir, modelPath(chain, step, LENGTH)), modelSql(chain, step, LENGTH, i + 1));
    const { report, received } = await pending;
    if (report.error) throw new Error(`rebuild failed: ${report.error.message}`);
    const totalMs = received - savedAt;
    const t = report.timings;
    const duckdbMs = t.nodeMs;
    const sample = {
      edit: modelPath(chain, step, LENGTH),
      nodesRun: report.results.length,
      totalMs,
      duckdbMs,
      overheadMs: totalMs - duckdbMs,
      eventMs: report.firstEventAt - savedAt,
      debounceMs: report.startedAt - report.firstEventAt,
      loadMs: t.loadMs,
      planMs: t.planMs,
      runnerMs: t.runMs - t.nodeMs,
    };
    await sleep(150);
    // manifest.json is rewritten right after the summary line: reported apart, not in the total
    sample.manifestAfterMs = t.manifestMs;
    if (i >= WARMUP) samples.push(sample);
  }

  const keys = ['totalMs', 'duckdbMs', 'overheadMs', 'eventMs', 'debounceMs', 'loadMs', 'planMs', 'runnerMs', 'manifestAfterMs'];
  const medians = Object.fromEntries(keys.map((k) => [k, round(median(samples.map((s) => s[k])))]));
  const max = Object.fromEntries(keys.map((k) => [k, round(Math.max(...samples.map((s) => s[k])))]));
  console.log(`\none-model edit, ${samples.length} edits, ${samples[0].nodesRun} nodes run per rebuild (3 models + 2 tests)\n`);
  console.log('                      median      max');
  const label = {
    totalMs: 'save -> summary',
    duckdbMs: '  nodes (DuckDB work)',
    overheadMs: '  dops overhead',
    eventMs: '    file event',
    debounceMs: '    debounce wait',
    loadMs: '    re-parse project',
    planMs: '    diff + plan',
    runnerMs: '    runner + run_results',
    manifestAfterMs: '(manifest.json, after)',
  };
  for (const k of keys) console.log(`${label[k].padEnd(22)}${String(medians[k]).padStart(7)} ms${String(max[k]).padStart(7)} ms`);
  const pass = medians.totalMs < TARGET_MS;
  console.log(`\nmedian save-to-summary ${medians.totalMs} ms (target < ${TARGET_MS} ms): ${pass ? 'OK' : 'OVER TARGET'}`);
  // Run alone it writes target/bench.json; under a driver that sets DOPS_BENCH_OUT, there instead.
  const out = process.env.DOPS_BENCH_OUT ?? join(ROOT, 'target', 'bench.json');
  const row = (metric, value, target) => ({ metric, value, unit: 'ms', ...(target ? { target: `< ${target} ms`, ok: value < target } : {}) });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify(
      {
        benchmark: 'watch: save-to-summary latency, one-model edit',
        rows: [
          row(`watch: save -> summary (${models} models, median of ${samples.length})`, medians.totalMs, TARGET_MS),
          row('watch: dops overhead (total - DuckDB work)', medians.overheadMs, TARGET_MS),
          row('watch: DuckDB work of the touched nodes', medians.duckdbMs),
          row('watch: re-parse + plan', round(medians.loadMs + medians.planMs)),
        ],
        generated_at: new Date().toISOString(),
        machine: { cpus: cpus().length, node: process.version },
        project: { models, chains: CHAINS, chain_length: LENGTH },
        edits: samples.length,
        debounce_ms: 100,
        target_ms: TARGET_MS,
        median_ms: medians,
        max_ms: max,
        samples: samples.map((s) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, typeof v === 'number' ? round(v) : v]))),
      },
      null,
      2,
    )}\n`,
  );
  console.log(`figures written to ${out}`);
} finally {
  await session.close();
  rmSync(dir, { recursive: true, force: true });
}
