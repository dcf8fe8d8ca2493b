// Start-up: `dops --version` (no project, nothing heavy should load) and `dops ls` on a copy of
// the example flights project (parse, no database), each a fresh process; medians of several runs.
// BENCH_STARTUP_RUNS sets the runs (default 10).
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, printRows, ROOT, row, timeDops, timeNode, writeFigures } from './lib/measure.mjs';

const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 10);
const EXAMPLE = ['dbt_project.yml', 'profiles.yml', 'models', 'seeds', 'macros', 'data-tests', 'snapshots'];

const example = mkdtempSync(join(tmpdir(), 'dops-bench-startup-'));
for (const entry of EXAMPLE) cpSync(join(ROOT, entry), join(example, entry), { recursive: true });
try {
  const runs = (fn) => {
    fn(); // one unmeasured run warms the OS file cache
    return Array.from({ length: RUNS }, fn);
  };
  const node = runs(() => timeNode(['-e', '0']));
  const version = runs(() => timeDops(['--version']));
  const ls = runs(() => timeDops(['ls', '--project-dir', example]));
  const figures = {
    runs: RUNS,
    node_ms: median(node.map((r) => r.ms)),
    version_ms: median(version.map((r) => r.ms)),
    ls_ms: median(ls.map((r) => r.ms)),
    ls_rss_mb: median(ls.map((r) => r.rssMb)),
  };
  const rows = [
    row('node -e 0 (the floor)', figures.node_ms, 'ms'),
    row('dops --version', figures.version_ms, 'ms', { max: 150 }),
    row('dops ls (example flights)', figures.ls_ms, 'ms'),
  ];
  printRows(rows);
  writeFigures({ benchmark: 'start-up of fresh dops processes', ...figures, rows });
} finally {
  rmSync(example, { recursive: true, force: true });
}
