// Kept free of heavy imports (YAML, templating, graph, DuckDB): `dops compile` checks the stamp
// before loading the rest of dops (src/cli/fast-compile.ts reads it even before commander).
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { envFingerprint } from '../config/secrets.js';
import { fingerprintHolds, takeFingerprint, type Fingerprint } from '../project/fingerprint.js';
import { DOPS_VERSION } from '../version.js';
import { flagEnvNow, invocationKey, readStampFile, stampHolds, writeStampFile, type StampFile } from './stamp.js';
import type { SelectOptions } from './options.js';

/**
 * What a successful plain `dops compile` (no selection) read and wrote, kept in
 * `target/compile_stamp.bin` (format: src/api/stamp.ts) so that the next `dops compile` with the
 * same options can tell, with one `stat` per file and without parsing anything, that its outputs
 * would be the same (the way make and git decide "up to date"). Inputs: every project file and
 * folder, stamped before it was read (LoadedProject.inputs). Outputs: target/manifest.json, the
 * caches, and every folder of compiled files, as written (folders, not files: a deleted or added
 * file changes its folder's mtime; a compiled file edited by hand is not noticed, as make keeps
 * an edited output).
 */
export interface CompileHeader {
  /** How many nodes the compile compiled (the `Compiled N nodes.` line). */
  count: number;
  /** The project file's `log-path` then (where the CLI's log goes), if set. */
  logPath: string | null;
}

/** File name of the stamp, in the target dir. */
export const COMPILE_STAMP_FILE = 'compile_stamp.bin';

/** The stamp of the previous format (JSON), removed with the current one. */
const OLD_STAMP_FILE = 'compile_stamp.json';

/**
 * The target dir the stamp is looked for in. Finding the configured `target-path` would mean
 * parsing dops_project.yml, which costs more than the whole check, so the stamp is used only by
 * projects that keep the default (others always compile in full).
 */
export const DEFAULT_TARGET_PATH = 'target';

/** The stamp file of a project dir (absolute). */
export function compileStampPath(projectDir: string): string {
  return join(projectDir, DEFAULT_TARGET_PATH, COMPILE_STAMP_FILE);
}

/**
 * The key of a plain compile: what decides its output besides the stamped files and env vars.
 * Shared by the API and the CLI's fast path (src/cli/fast-compile.ts), which must agree.
 * @param projectDir absolute
 * @param profilesDir as given (resolved here against the working directory)
 * @param vars `--vars` text, or an API vars object
 */
export function compileKey(projectDir: string, target: string | undefined, profilesDir: string | undefined, vars: unknown): string {
  const varsKey = vars === undefined ? null : typeof vars === 'string' ? ['text', vars] : ['object', JSON.stringify(vars)];
  return invocationKey(projectDir, ['compile', target, profilesDir === undefined ? undefined : resolve(profilesDir), varsKey]);
}

function optionsKey(options: SelectOptions): string {
  return compileKey(resolve(options.projectDir ?? process.cwd()), options.target, options.profilesDir, options.vars);
}

/**
 * Options under which a compile is answered from (and leaves) a stamp: a plain compile of the whole
 * project, partial parsing on, no state. A selection prints each selected node's SQL (as dbt's
 * interactive compile does), which the stamp does not keep.
 */
export function stampable(options: SelectOptions): boolean {
  return (
    options.partialParse !== false &&
    !options.state &&
    !options.defer &&
    !options.fullRefresh &&
    !options.select?.length &&
    !options.exclude?.length &&
    !options.selector &&
    !options.excludeResourceTypes?.length
  );
}

/**
 * How many nodes a plain `dops compile` with these options would compile, when the last compile
 * of this project ran with the same options and dops version, printed nothing else (no warning,
 * no template output), no env var it read and no `DBT_*` / `DOPS_*` var has changed, every input
 * still has its stamp, and manifest.json, the caches and the compiled files are as that compile
 * wrote them.
 * @returns the count, or undefined when the compile must run (also for a missing or unreadable stamp)
 */
export function upToDateCompile(options: SelectOptions): number | undefined {
  if (!stampable(options)) return undefined;
  const projectDir = resolve(options.projectDir ?? process.cwd());
  const stamp = readStampFile<CompileHeader>(compileStampPath(projectDir));
  if (!stamp || typeof stamp.header.count !== 'number') return undefined;
  return stampHolds(stamp, projectDir, optionsKey(options), envFingerprint, fingerprintHolds) ? stamp.header.count : undefined;
}

/**
 * Deletes the project's stamp (call before loading the project), so a compile that fails or is
 * interrupted leaves none behind.
 */
export function forgetCompileStamp(options: SelectOptions): void {
  const projectDir = resolve(options.projectDir ?? process.cwd());
  rmSync(compileStampPath(projectDir), { force: true });
  rmSync(join(projectDir, DEFAULT_TARGET_PATH, OLD_STAMP_FILE), { force: true });
}

/** What {@link writeCompileStamp} records. */
export interface CompileRecord {
  projectDir: string;
  targetPath: string;
  /** The inputs the load stamped (LoadedProject.inputs). */
  inputs: Fingerprint;
  /** How many nodes were compiled. */
  count: number;
  /** The outputs to stamp: manifest.json, the caches and the compiled folders, relative to the project dir. */
  outputs: string[];
  /** Env vars read and their values (see envVarsReadSoFar). */
  env: ReadonlyMap<string, string | undefined>;
  /** The project file's `log-path`, if set (peekProjectSettings). */
  logPath: string | undefined;
}

/**
 * Records a successful compile (call after manifest.json and the compiled files are written).
 * Written only for the default target path and stampable options, where {@link upToDateCompile}
 * looks, and only when the compile printed nothing but its count (the caller checks).
 * An input modified moments before it was read (the racy case, src/project/fingerprint.ts)
 * leaves no stamp at all: it could never match.
 */
export function writeCompileStamp(options: SelectOptions, record: CompileRecord): void {
  if (!stampable(options) || record.targetPath !== DEFAULT_TARGET_PATH) return;
  if (Object.values(record.inputs).some((value) => value !== null && value[0] === -1)) return;
  const stamp: StampFile<CompileHeader> = {
    header: {
      dops_version: DOPS_VERSION,
      key: optionsKey(options),
      env: Object.fromEntries([...record.env].map(([name, value]) => [name, value ?? null])),
      flagEnv: flagEnvNow(envFingerprint),
      outputs: takeFingerprint(record.projectDir, record.outputs),
      count: record.count,
      logPath: record.logPath ?? null,
    },
    inputs: record.inputs,
  };
  writeStampFile(compileStampPath(record.projectDir), stamp);
}
