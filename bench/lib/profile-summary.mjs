// `node bench/lib/profile-summary.mjs DIR [N]`: self time by function and by file of the first .cpuprofile in DIR
// (written by `node --cpu-prof --cpu-prof-dir=DIR dist/cli/main.js ...`), top N of each.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
const dir = process.argv[2]; const N = Number(process.argv[3] ?? 25);
const file = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(dir, f))[0];
const p = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = p.timeDeltas; let total = 0;
for (let i = 0; i < p.samples.length; i++) { const t = dt[i] ?? 0; total += t; self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + t); }
const fn = new Map(), fl = new Map();
for (const [id, t] of self) {
  const cf = byId.get(id).callFrame;
  const short = (cf.url || '(native)').replace(/^.*\/(node_modules\/[^/]+|dist)\//, '$1/');
  const k = `${cf.functionName || '(anon)'} ${short}:${cf.lineNumber + 1}`;
  fn.set(k, (fn.get(k) ?? 0) + t); fl.set(short, (fl.get(short) ?? 0) + t);
}
const show = (m, title) => { console.log(`\n== ${title} (total ${(total / 1e3).toFixed(0)} ms)`); [...m].sort((a, b) => b[1] - a[1]).slice(0, N).forEach(([k, t]) => console.log(`${(t / 1e3).toFixed(0).padStart(7)} ms ${(100 * t / total).toFixed(1).padStart(5)}%  ${k}`)); };
show(fn, 'self time by function'); show(fl, 'self time by file');
