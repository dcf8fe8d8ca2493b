// Kept free of heavy imports (YAML, templating, graph, DuckDB): `dops compile` checks the stamp
// before loading the rest of dops.
import { envFingerprint } from '../config/secrets.js';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fingerprintHolds, takeFingerprint, type Fingerprint } from '../project/fingerprint.js';
import { DOPS_VERSION } from '../version.js';
import type { SelectOptions } from './options.js';
import { makeFolder } from '../project/make-folder.js';

/**
 * What a successful `dops compile` read and wrote, kept in `target/compile_stamp.json` so that the
 * next `dops compile` with the same options can tell, with one `stat` per file and without
 * parsing anything, that its outputs would be the same (the way make and git decide "up to date").
 */
interface CompileStamp {
  dops_version: string;
  /** The options of that compile ({@link optionsKey}); another selection or vars means another output. */
  options: string;
  /** Environment variables `env_var()` read, with their values (null: unset). */
  env: Record<string, string | null>;
  /** Every input, stamped before it was read (see LoadedProject.inputs). */
  inputs: Fingerprint;
  /**
   * target/manifest.json and every folder of compiled files, as written. Folders, not files: a
   * stat costs ~4 us and there is one compiled file per node, while a deleted or added file
   * changes its folder's mtime. A compiled file rewritten in place by another dops command comes
   * with a new manifest.json; one edited by hand is not noticed (as make keeps an edited output).
   */
  outputs: Fingerprint;
  /** The compiled files, in the order `dops compile` listed them (paths relative to the project dir). */
  compiled: string[];
}

/** File name of the stamp, in the target dir. */
export const COMPILE_STAMP_FILE = 'compile_stamp.json';

/**
 * The target dir the stamp is looked for in. Finding the configured `target-path` would mean
 * parsing dops_project.yml, which costs more than the whole check, so the stamp is used only by
 * projects that keep the default (others always compile in full).
 */
const DEFAULT_TARGET_PATH = 'target';

function optionsKey(options: SelectOptions): string {
  const { select, exclude, selector, indirectSelection, vars, target, profilesDir, fullRefresh } = options;
  return JSON.stringify([resolve(options.projectDir ?? process.cwd()), select, exclude, selector, indirectSelection, vars, target, profilesDir, fullRefresh]);
}

/** Options under which a compile is never answered from the stamp (its inputs are not all stamped). */
function stampable(options: SelectOptions): boolean {
  return options.partialParse !== false && !options.state && !options.defer;
}

/**
 * The files a `dops compile` with these options would list, when the last compile of this project
 * ran with the same options and dops version, no env var it read has changed, every input still
 * has its stamp, and manifest.json and the compiled files are as that compile wrote them.
 * @returns the compiled files (relative to the project dir) in DAG order, or undefined when the
 *   compile must run (also for a missing or unreadable stamp)
 */
export function upToDateCompile(options: SelectOptions): string[] | undefined {
  if (!stampable(options)) return undefined;
  const projectDir = resolve(options.projectDir ?? process.cwd());
  let stamp: unknown;
  try {
    stamp = JSON.parse(readFileSync(join(projectDir, DEFAULT_TARGET_PATH, COMPILE_STAMP_FILE), 'utf8'));
  } catch {
    return undefined;
  }
  if (!isCompileStamp(stamp) || stamp.dops_version !== DOPS_VERSION || stamp.options !== optionsKey(options)) return undefined;
  for (const [name, value] of Object.entries(stamp.env)) if (envFingerprint(name, process.env[name]) !== value) return undefined;
  if (!fingerprintHolds(projectDir, stamp.outputs) || !fingerprintHolds(projectDir, stamp.inputs)) return undefined;
  return stamp.compiled;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** True for a stamp of the shape this version writes (anything else is ignored, as a missing stamp). */
function isCompileStamp(value: unknown): value is CompileStamp {
  return isRecord(value) && isRecord(value.env) && isRecord(value.inputs) && isRecord(value.outputs) && Array.isArray(value.compiled);
}

/**
 * Deletes the project's stamp (call before loading the project), so a compile that fails or is
 * interrupted leaves none behind.
 */
export function forgetCompileStamp(options: SelectOptions): void {
  rmSync(join(resolve(options.projectDir ?? process.cwd()), DEFAULT_TARGET_PATH, COMPILE_STAMP_FILE), { force: true });
}

/** What {@link writeCompileStamp} records. */
export interface CompileRecord {
  projectDir: string;
  targetPath: string;
  /** The inputs the load stamped (LoadedProject.inputs). */
  inputs: Fingerprint;
  /** The compiled files, relative to the project dir, in listing order. */
  compiled: string[];
  /** The outputs to stamp (see CompileStamp.outputs): manifest.json and the compiled folders, relative to the project dir. */
  outputs: string[];
  /** Env vars read and their values (see envVarsReadSoFar). */
  env: ReadonlyMap<string, string | undefined>;
}

/**
 * Records a successful compile (call after manifest.json and the compiled files are written).
 * Written only for the default target path and stampable options, where {@link upToDateCompile}
 * looks; written aside and renamed, so a half-written stamp is never read.
 */
export function writeCompileStamp(options: SelectOptions, record: CompileRecord): void {
  if (!stampable(options) || record.targetPath !== DEFAULT_TARGET_PATH) return;
  const stamp: CompileStamp = {
    dops_version: DOPS_VERSION,
    options: optionsKey(options),
    env: Object.fromEntries([...record.env].map(([name, value]) => [name, value ?? null])),
    inputs: record.inputs,
    outputs: takeFingerprint(record.projectDir, record.outputs),
    compiled: record.compiled,
  };
  const file = join(record.projectDir, record.targetPath, COMPILE_STAMP_FILE);
  makeFolder(join(record.projectDir, record.targetPath), 'the target path');
  writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify(stamp));
  renameSync(`${file}.${process.pid}.tmp`, file);
}
