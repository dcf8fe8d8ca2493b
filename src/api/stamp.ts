// Kept free of heavy imports (YAML, templating, graph, DuckDB, commander): `dops compile` reads
// its stamp before loading the rest of dops (src/cli/fast-compile.ts).
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, sep } from 'node:path';
import type { Fingerprint } from '../project/fingerprint.js';
import { DOPS_VERSION } from '../version.js';
import { writeFileAtomic } from '../artifacts/atomic-write.js';

/**
 * An up-to-date stamp as stored: a small JSON header, then the stamped input paths and their
 * stamps in binary. Inputs are most of a stamp (one per project file: 10,000 models give ~10,000
 * entries); as JSON (`{"models/a.sql":[1733500000000.123,42],...}`) they took 1.6 MB and ~20 ms to
 * parse at 10,000 models, as paths joined by newlines plus two float64 per path they take a
 * third of that and no parsing.
 *
 * Layout (little-endian):
 * - magic `DOPS-STAMP-1\n` (13 bytes);
 * - u32 header length, header JSON (utf8);
 * - u32 paths length, input paths joined by `\n` (utf8);
 * - per input path, two float64: mtime (ms) and size; a missing path is stored as -2, -2.
 */
export interface StampFile<H> {
  header: H & StampHeader;
  /** Input paths (relative to the project dir, or absolute) -> stamp, as recorded. */
  inputs: Fingerprint;
}

/** A stamp as read: the inputs stay in the file's layout (building a 10,000-key object cost more than checking it). */
export interface ReadStamp<H> {
  header: H & StampHeader;
  /** Input paths, relative to the project dir or absolute. */
  paths: string[];
  /** The stamp file's bytes; the stamps of `paths[i]` are the float64 pair at `offset + 16 * i`. */
  buffer: Buffer;
  offset: number;
}

/** What every stamp header holds. */
export interface StampHeader {
  dops_version: string;
  /** The invocation the stamp answers ({@link invocationKey}). */
  key: string;
  /** Env vars the run read (templates, profiles.yml), name -> envFingerprint (null: unset). */
  env: Record<string, string | null>;
  /** Every `DBT_*` / `DOPS_*` env var set at the time (flags such as DBT_PARTIAL_PARSE, DBT_LOG_PATH, DBT_TARGET), name -> envFingerprint. */
  flagEnv: Record<string, string | null>;
  /** Outputs as the run left them (target/manifest.json, compiled folders, caches). */
  outputs: Fingerprint;
}

const MAGIC = 'DOPS-STAMP-1\n';
const MISSING = -2;

/**
 * Writes a stamp aside and renames it into place, so a half-written stamp is never read.
 * @param file absolute path of the stamp
 */
export function writeStampFile<H>(file: string, stamp: StampFile<H>): void {
  const header = Buffer.from(JSON.stringify(stamp.header), 'utf8');
  const paths = Object.keys(stamp.inputs);
  const names = Buffer.from(paths.join('\n'), 'utf8');
  const magic = Buffer.from(MAGIC, 'utf8');
  const buffer = Buffer.alloc(magic.length + 4 + header.length + 4 + names.length + paths.length * 16);
  let at = magic.copy(buffer, 0);
  at = buffer.writeUInt32LE(header.length, at);
  at += header.copy(buffer, at);
  at = buffer.writeUInt32LE(names.length, at);
  at += names.copy(buffer, at);
  for (const path of paths) {
    const value = stamp.inputs[path];
    at = buffer.writeDoubleLE(value ? value[0] : MISSING, at);
    at = buffer.writeDoubleLE(value ? value[1] : MISSING, at);
  }
  writeFileAtomic(file, buffer);
}

/**
 * Reads a stamp written by {@link writeStampFile}.
 * @returns the stamp, or undefined when the file is missing, of another format, or truncated
 */
export function readStampFile<H>(file: string): ReadStamp<H> | undefined {
  let buffer: Buffer;
  try {
    buffer = readFileSync(file);
  } catch {
    return undefined;
  }
  try {
    if (buffer.toString('utf8', 0, MAGIC.length) !== MAGIC) return undefined;
    let at = MAGIC.length;
    const headerLength = buffer.readUInt32LE(at);
    at += 4;
    const header = JSON.parse(buffer.toString('utf8', at, at + headerLength)) as unknown;
    at += headerLength;
    const namesLength = buffer.readUInt32LE(at);
    at += 4;
    const paths = namesLength ? buffer.toString('utf8', at, at + namesLength).split('\n') : [];
    at += namesLength;
    if (buffer.length !== at + paths.length * 16 || !isHeader(header)) return undefined;
    return { header: header as H & StampHeader, paths, buffer, offset: at };
  } catch {
    return undefined;
  }
}

/**
 * True when every input path of the stamp still has its recorded stamp (same mtime and size, or
 * still missing): one `stat` per path, stopping at the first difference.
 */
export function inputsHold(stamp: ReadStamp<unknown>, projectDir: string): boolean {
  const { paths, buffer } = stamp;
  const base = projectDir + sep;
  let at = stamp.offset;
  for (const path of paths) {
    const mtime = buffer.readDoubleLE(at);
    const size = buffer.readDoubleLE(at + 8);
    at += 16;
    const stats = statSync(isAbsolute(path) ? path : base + path, { throwIfNoEntry: false });
    if (stats === undefined ? mtime !== MISSING || size !== MISSING : stats.mtimeMs !== mtime || stats.size !== size) return false;
  }
  return true;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function isHeader(value: unknown): value is StampHeader {
  return isRecord(value) && typeof value.dops_version === 'string' && typeof value.key === 'string' && isRecord(value.env) && isRecord(value.flagEnv) && isRecord(value.outputs);
}

/** True for the env vars whose values a stamp records whole ({@link StampHeader.flagEnv}): dbt's and dops' flags and settings. */
export function isFlagEnvName(name: string): boolean {
  return name.startsWith('DBT_') || name.startsWith('DOPS_');
}

/**
 * The `DBT_*` / `DOPS_*` env vars set now, name -> fingerprint.
 * @param fingerprint envFingerprint (src/config/secrets.ts), passed in so this module stays light
 */
export function flagEnvNow(fingerprint: (name: string, value: string) => string | null): Record<string, string | null> {
  const env: Record<string, string | null> = {};
  for (const name in process.env) if (isFlagEnvName(name)) env[name] = fingerprint(name, process.env[name]!);
  return env;
}

/**
 * The invocation a stamp answers, as a string: the working directory and home (where
 * profiles.yml is looked for), the project dir, and the options that change what is read.
 * @param parts the options (undefined entries are stored as null)
 */
export function invocationKey(projectDir: string, parts: unknown[]): string {
  return JSON.stringify([process.cwd(), process.env.HOME ?? null, projectDir, ...parts.map((part) => part ?? null)]);
}

/**
 * True when the stamp answers this invocation now: same dops version and key, every env var it
 * recorded has the same value, no `DBT_*` / `DOPS_*` var appeared or went, and every output and
 * input path still has its stamp (one `stat` each, stopping at the first difference).
 * @param fingerprint envFingerprint (src/config/secrets.ts)
 * @param holds fingerprintHolds (src/project/fingerprint.ts)
 */
export function stampHolds(
  stamp: ReadStamp<unknown>,
  projectDir: string,
  key: string,
  fingerprint: (name: string, value: string | undefined) => string | null,
  holds: (baseDir: string, fingerprint: Fingerprint) => boolean,
): boolean {
  const { header } = stamp;
  if (header.dops_version !== DOPS_VERSION || header.key !== key) return false;
  for (const name in header.env) if (fingerprint(name, process.env[name]) !== header.env[name]) return false;
  let flags = 0;
  for (const name in process.env) {
    if (!isFlagEnvName(name)) continue;
    flags++;
    if (!(name in header.flagEnv) || fingerprint(name, process.env[name]) !== header.flagEnv[name]) return false;
  }
  if (flags !== Object.keys(header.flagEnv).length) return false;
  return holds(projectDir, header.outputs) && inputsHold(stamp, projectDir);
}
