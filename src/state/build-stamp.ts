// Kept free of heavy imports (YAML, templating, graph, DuckDB): the CLI checks the stamp before
// loading the rest of dops, as it does for `dops compile` (src/api/compile-stamp.ts).
import { globSync } from 'tinyglobby';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { withArtifactLock } from '../artifacts/artifact-lock.js';
import { writeRunResults } from '../artifacts/run-results.js';
import { envFingerprint } from '../config/secrets.js';
import type { ManifestNode } from '../manifest/nodes.js';
import { fingerprintHolds, takeFingerprint, type Fingerprint } from '../project/fingerprint.js';
import { makeFolder } from '../project/make-folder.js';
import { writeFileAtomic } from '../artifacts/atomic-write.js';
import { summarize, type NodeResult } from '../runner/results.js';
import type { SelectOptions } from '../api/options.js';
import { DOPS_VERSION } from '../version.js';
import { assertDeclared, RUN_COMMANDS } from '../session/commands.js';
import { SEED_TYPE_RULES } from '../materializations/seed-rules.js';

/** What a stamp is valid for: the dops version and its seed type rules (a stamp never outlives either). */
const STAMP_VERSION = `${DOPS_VERSION}+seed-types.${SEED_TYPE_RULES}`;

/**
 * A state-aware build that reused every node leaves `target/build_stamp.json`: what it read
 * (project files, env vars, data files, the database file as the build closed it) and what it
 * reported. The next `dops build` / `dops run` with the same options first checks, with one
 * `stat` per file and without parsing, compiling or opening the database, that all of it is
 * unchanged; then every node would be reused again, and the stamp's results are reported as
 * REUSED (the way make decides "up to date"). Anything else (a changed file, another process
 * having written the database, a stamp for other options) runs the build in full, where the
 * build records in the database decide per node (src/state/build-state.ts).
 *
 * Written only when the next identical run would reuse every node: every node succeeded (tests
 * passed or warned), every compiled SQL is reproducible (no `run_started_at`, `run_query`, ...),
 * no node reads a table source (its version needs the database), no on-run-start / on-run-end
 * hooks (they run on every invocation), and the target is a local DuckDB file without attached
 * databases.
 */
interface BuildStamp {
  dops_version: string;
  /** {@link optionsKey} of the build. */
  options: string;
  /** Env vars the build read (templates, profiles, cached renders), with their values (null: unset). */
  env: Record<string, string | null>;
  /** The project's inputs as the build read them (LoadedProject.inputs, plus unit-test fixtures). */
  inputs: Fingerprint;
  /** manifest.json, the database file and its WAL as the build left them. Filled in by {@link sealBuildStamp}. */
  outputs: Fingerprint;
  /** Data file locations (file sources, files named in SQL, external models' folders) -> version. */
  data: [location: string, version: string | undefined][];
  /** Project warnings, reported again on each run as the full path would. */
  warnings: string[];
  threads: number;
  target: string;
  /** Every enabled node of the project (for the `Found ...` line) . */
  nodes: ManifestNode[];
  /** The run's results, in start order. */
  results: Pick<NodeResult, 'uniqueId' | 'status' | 'failures' | 'relationName' | 'compiledPath'>[];
  /** run_results.json `args`. */
  args: Record<string, unknown>;
}

/** File name of the stamp, in the target dir. */
export const BUILD_STAMP_FILE = 'build_stamp.json';

/** As for compile_stamp.json: only projects keeping the default target path are answered from a stamp. */
const DEFAULT_TARGET_PATH = 'target';

/** Commands a stamp answers. */
const STAMPED_COMMANDS = new Set(['build', 'run']);

/** The options that decide what a build does (the reporter and log flags do not). */
function optionsKey(options: SelectOptions, command: string): string {
  const { select, exclude, excludeResourceTypes, selector, indirectSelection, vars, target, profilesDir, threads, failFast, warnError } = options;
  return JSON.stringify([command, resolve(options.projectDir ?? process.cwd()), select, exclude, excludeResourceTypes, selector, indirectSelection, vars, target, profilesDir, threads, failFast, warnError]);
}

/** Options under which a build is never answered from a stamp (they force work or read other state). */
function stampable(options: SelectOptions, command: string): boolean {
  return (
    STAMPED_COMMANDS.has(command) &&
    options.reuse !== false &&
    !options.fullRefresh &&
    options.partialParse !== false &&
    !options.state &&
    !options.defer &&
    !options.empty &&
    !options.junit
  );
}

/**
 * A reused node's result fields: status `success` for relations, `pass` or `warn` (with the
 * recorded failing-row count) for tests, message `reused`.
 */
export function reusedResult(fields: Pick<NodeResult, 'status'> & Partial<Pick<NodeResult, 'failures' | 'relationName' | 'compiledPath'>>): Pick<NodeResult, 'status' | 'message' | 'failures' | 'relationName' | 'compiledPath' | 'reused'> {
  const message = fields.status === 'warn' ? `Got ${fields.failures} result${fields.failures === 1 ? '' : 's'} (reused)` : 'reused';
  return { ...fields, message, reused: true };
}

/** The versions of data file locations now (see filesVersion in build-state.ts for the format). */
function dataVersions(locations: string[], projectDir: string, version: (location: string, projectDir: string) => string | undefined): [string, string | undefined][] {
  return locations.map((location) => [location, version(location, projectDir)]);
}

/** What {@link prepareBuildStamp} needs from the run. */
export interface StampSource {
  projectDir: string;
  targetPath: string;
  /** LoadedProject.inputs. */
  inputs: Fingerprint;
  /** Unit-test fixture folders (`<test path>/**\/fixtures`), relative to the project dir. */
  testPaths: string[];
  /** The DuckDB file, absolute; undefined for other targets (no stamp then). */
  databaseFile: string | undefined;
  env: ReadonlyMap<string, string | undefined>;
  dataLocations: string[];
  /** Computes a location's version (build-state.ts filesVersion). */
  version: (location: string, projectDir: string) => string | undefined;
  warnings: string[];
  threads: number;
  target: string;
  nodes: Iterable<ManifestNode>;
  results: NodeResult[];
  args: Record<string, unknown>;
}

/** A stamp waiting for the database to close (see {@link sealBuildStamp}). */
export interface PendingStamp {
  file: string;
  stamp: BuildStamp;
  projectDir: string;
  outputs: string[];
}

/**
 * Deletes the project's stamp: any run that may write the database or target/ calls this first,
 * so a stamp never outlives the state it describes.
 */
export function forgetBuildStamp(projectDir: string, targetPath: string): void {
  rmSync(join(projectDir, targetPath, BUILD_STAMP_FILE), { force: true });
}

/**
 * The stamp of a finished run, when it qualifies (see {@link BuildStamp}); written by
 * {@link sealBuildStamp} once the database is closed.
 * @param stable BuildState.stable: the next identical run would reuse every node
 */
export function prepareBuildStamp(options: SelectOptions, command: string, stable: boolean, source: StampSource): PendingStamp | undefined {
  if (!stable || !stampable(options, command) || source.targetPath !== DEFAULT_TARGET_PATH || !source.databaseFile) return undefined;
  if (!source.results.every((r) => r.status === 'success' || r.status === 'pass' || r.status === 'warn')) return undefined;
  const fixtures = globSync(source.testPaths.map((path) => `${path}/**/fixtures/**`), { cwd: source.projectDir });
  const stamp: BuildStamp = {
    dops_version: STAMP_VERSION,
    options: optionsKey(options, command),
    env: Object.fromEntries([...source.env].map(([name, value]) => [name, value ?? null])),
    inputs: { ...source.inputs, ...takeFingerprint(source.projectDir, fixtures, Date.now()) },
    outputs: {},
    data: dataVersions(source.dataLocations, source.projectDir, source.version),
    warnings: source.warnings,
    threads: source.threads,
    target: source.target,
    nodes: [...source.nodes],
    results: source.results.map(({ uniqueId, status, failures, relationName, compiledPath }) => ({ uniqueId, status, failures, relationName, compiledPath })),
    args: source.args,
  };
  if (Object.values(stamp.inputs).some((value) => value && value[0] === -1) || stamp.data.some(([, version]) => version === undefined || version.includes(':racy:'))) return undefined;
  const outputs = [join(source.targetPath, 'manifest.json'), source.databaseFile, `${source.databaseFile}.wal`];
  return { file: join(source.projectDir, source.targetPath, BUILD_STAMP_FILE), stamp, projectDir: source.projectDir, outputs };
}

/**
 * Writes a prepared stamp, stamping manifest.json and the database file as they are now (call
 * after the database is closed: closing checkpoints it). Written aside and renamed.
 */
export function sealBuildStamp(pending: PendingStamp | undefined): void {
  if (!pending) return;
  const stamp = { ...pending.stamp, outputs: takeFingerprint(pending.projectDir, pending.outputs) };
  makeFolder(dirname(pending.file), 'the target path');
  writeFileAtomic(pending.file, JSON.stringify(stamp));
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function isBuildStamp(value: unknown): value is BuildStamp {
  return isRecord(value) && isRecord(value.env) && isRecord(value.inputs) && isRecord(value.outputs) && Array.isArray(value.data) && Array.isArray(value.nodes) && Array.isArray(value.results) && isRecord(value.args);
}

/**
 * Answers `dops build` / `dops run` from `target/build_stamp.json` when nothing it recorded has
 * changed (see {@link BuildStamp}): reports every node as REUSED and writes run_results.json.
 * @param version the data-location version function (build-state.ts filesVersion), passed in so
 *   this module stays light
 * @returns the run's success, or undefined when the build must run in full
 */
export function replayUpToDateBuild(options: SelectOptions, command: string, version: (location: string, projectDir: string) => string | undefined): { success: boolean } | undefined {
  if (!stampable(options, command)) return undefined;
  const startedAt = Date.now();
  const projectDir = resolve(options.projectDir ?? process.cwd());
  let stamp: unknown;
  try {
    stamp = JSON.parse(readFileSync(join(projectDir, DEFAULT_TARGET_PATH, BUILD_STAMP_FILE), 'utf8'));
  } catch {
    return undefined;
  }
  if (!isBuildStamp(stamp) || stamp.dops_version !== STAMP_VERSION || stamp.options !== optionsKey(options, command)) return undefined;
  for (const [name, value] of Object.entries(stamp.env)) if (envFingerprint(name, process.env[name]) !== value) return undefined;
  if (!fingerprintHolds(projectDir, stamp.outputs) || !fingerprintHolds(projectDir, stamp.inputs)) return undefined;
  for (const [location, recorded] of stamp.data) if (version(location, projectDir) !== recorded) return undefined;

  const nodes = new Map(stamp.nodes.map((node) => [node.uniqueId, node]));
  if (!stamp.results.every((r) => nodes.has(r.uniqueId))) return undefined;
  // Read only now: the CLI's fast path (src/cli/fast-build.ts) makes its reporter on first read.
  const reporter = options.reporter;
  reporter?.warnings?.(stamp.warnings);
  reporter?.runStarted?.(stamp.results.length, { nodes: nodes.values(), threads: stamp.threads, target: stamp.target });
  const results: NodeResult[] = [];
  for (const recorded of stamp.results) {
    const node = nodes.get(recorded.uniqueId)!;
    const now = new Date().toISOString();
    reporter?.nodeStarted?.(node, 0);
    const result: NodeResult = { uniqueId: recorded.uniqueId, ...reusedResult(recorded), executionTime: 0, startedAt: now, completedAt: now, thread: 0 };
    results.push(result);
    reporter?.nodeFinished?.(node, result, results.length, stamp.results.length);
  }
  const elapsed = (Date.now() - startedAt) / 1000;
  const summary = summarize(results, elapsed);
  const runResults = join(projectDir, DEFAULT_TARGET_PATH, 'run_results.json');
  // The replayed command's own declaration covers what it writes, as for a run that executes.
  assertDeclared(RUN_COMMANDS[command as keyof typeof RUN_COMMANDS] ?? { name: command, artifacts: [] }, 'run_results');
  withArtifactLock(dirname(runResults), () => writeRunResults(runResults, results, elapsed, stamp.args));
  reporter?.runFinished?.(results, summary, nodes);
  return { success: summary.error === 0 };
}

/** The absolute DuckDB file of a target path, or undefined for in-memory and remote databases. */
export function localDatabaseFile(path: string, projectDir: string): string | undefined {
  if (!path || path === ':memory:' || /^(md|motherduck):|^[a-z][a-z0-9+.-]*:\/\//i.test(path)) return undefined;
  return isAbsolute(path) ? path : join(projectDir, path);
}
