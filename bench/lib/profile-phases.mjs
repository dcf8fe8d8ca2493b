// Where a `dops` run's time goes, by phase, from a `node --cpu-prof` profile: each sample is
// charged to the innermost function on its stack that names a phase (see PHASES), else to
// "other" (start-up, module loading, selection, printing, ...). Used by parse-compile.mjs for the
// closing note on the 10,000-model figures.
import { readFileSync } from 'node:fs';

/** Phases: [label, function name, end of the file path it is defined in (under dist/ or node_modules/)]. */
const PHASES = [
  ['garbage collection', '(garbage collector)', ''],
  ['YAML property files (parse)', 'parseYamlWithLines', 'config/yaml-file.js'],
  ['YAML property files (read into patches)', 'readProperties', 'parser/properties.js'],
  ['finding and reading project files', 'discoverProjectFiles', 'project/files.js'],
  ['model templates at parse (render + config)', 'parseModel', 'parser/parse-project.js'],
  ['generic tests at parse', 'parseGenericTest', 'parser/parse-project.js'],
  ['partial-parse cache (write)', 'save', 'parser/partial-parse.js'],
  ['graph', 'fromManifest', 'graph/dag.js'],
  ['manifest.json', 'writeManifest', 'artifacts/manifest.js'],
  ['compiled files (create, or wait for the writer thread)', 'write', 'compiler/compiler.js'],
  ['compiled files (create, or wait for the writer thread)', 'flush', 'compiler/text-file-writer.js'],
  ['compile renders', 'compileWith', 'compiler/compiler.js'],
  ['compile cache', 'finish', 'compiler/compiler.js'],
];

/**
 * @param file a .cpuprofile written by `node --cpu-prof`
 * @returns `{ totalMs, phases: [{ phase, ms, share }] }`, largest first (share: 0-1 of the samples' time)
 */
export function profilePhases(file) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const parent = new Map();
  const phaseOf = new Map();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parent.set(child, node.id);
    const { functionName, url } = node.callFrame;
    const match = PHASES.find(([, name, path]) => name === functionName && (path === '' || url.endsWith(`/dist/${path}`)));
    if (match) phaseOf.set(node.id, match[0]);
  }
  const times = new Map();
  let total = 0;
  profile.samples.forEach((sample, i) => {
    const t = profile.timeDeltas[i] ?? 0;
    total += t;
    let phase = 'other (start-up, module loading, selection, output, ...)';
    for (let id = sample; id !== undefined; id = parent.get(id)) {
      if (phaseOf.has(id)) {
        phase = phaseOf.get(id);
        break;
      }
    }
    times.set(phase, (times.get(phase) ?? 0) + t);
  });
  const phases = [...times].map(([phase, t]) => ({ phase, ms: t / 1000, share: t / total })).sort((a, b) => b.ms - a.ms);
  return { totalMs: total / 1000, phases };
}
