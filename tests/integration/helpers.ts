/**
 * Shared helpers for integration tests: throwaway projects on disk, DuckDB queries against a
 * project's database file, and artifact readers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { RunOutcome } from '../../src/api/execute.js';
import type { NodeResult } from '../../src/runner/results.js';
import { STATE_TABLE } from '../../src/state/build-state.js';

/** Project file used when `makeProject` is not given one. */
export const DEFAULT_PROJECT_FILE = `name: proj
database-path: dops.duckdb
model-paths: [models]
seed-paths: [seeds]
test-paths: [tests]
macro-paths: [macros]
target-path: target
`;

/** Name of the database file of the default project file. */
export const DEFAULT_DB = 'dops.duckdb';

const created: string[] = [];

/**
 * Writes a project into a new temporary directory.
 * @param files project-relative path -> contents; `dops_project.yml` defaults to {@link DEFAULT_PROJECT_FILE}
 * @returns the absolute project directory
 */
export function makeProject(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'dops-it-'));
  created.push(dir);
  const all = { 'dops_project.yml': DEFAULT_PROJECT_FILE, ...files };
  for (const [path, contents] of Object.entries(all)) writeFile(dir, path, contents);
  return dir;
}

/** A new empty temporary directory (removed by {@link removeProjects}). */
export function makeTempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dops-it-'));
  created.push(dir);
  return dir;
}

/** Writes (or overwrites) one file of a project, creating its folders. */
export function writeFile(dir: string, path: string, contents: string): void {
  const absolute = join(dir, path);
  mkdirSync(dirname(absolute), { recursive: true });
  writeFileSync(absolute, contents);
}

/**
 * Sets the mtime of every project file and folder (not target/) to `secondsAgo` in the past. Files
 * written moments ago are "racy" and never trusted; tests age them so that the stamp is used, and
 * age them again (to another time) after an edit, as a later real edit would show.
 */
export function ageProjectFiles(dir: string, secondsAgo: number): void {
  const when = new Date(Date.now() - secondsAgo * 1000);
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (!path.startsWith(join(dir, 'target'))) utimesSync(path, when, when);
  }
  utimesSync(dir, when, when);
}

/** Deletes every directory made by {@link makeProject} / {@link makeTempDir} (call from `afterAll`). */
export function removeProjects(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

function toJs(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(toJs);
  return value;
}

/**
 * Runs one query against a project's DuckDB file and returns plain rows (BIGINTs as numbers).
 * Opens and closes its own instance: DuckDB allows one writer, so nothing may stay open between
 * a query and the next dops command.
 * @param db database file relative to the project dir (default `dops.duckdb`), or absolute
 */
export async function query(dir: string, sql: string, db = DEFAULT_DB): Promise<Record<string, unknown>[]> {
  const path = isAbsolute(db) ? db : join(dir, db);
  if (!existsSync(path)) throw new Error(`No database file ${path}`);
  const instance = await DuckDBInstance.create(path);
  try {
    const connection = await instance.connect();
    try {
      const reader = await connection.runAndReadAll(sql);
      return reader.getRowObjects().map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, toJs(v)])));
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

/** Runs statements on a fresh in-memory DuckDB (e.g. `COPY ... TO 'x.parquet'` to make lake files). */
export async function duckdbExec(sql: string): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  try {
    const connection = await instance.connect();
    try {
      await connection.run(sql);
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

/** `table_schema.table_name` -> `BASE TABLE` | `VIEW` for every relation in the database. */
export async function relations(dir: string, db = DEFAULT_DB): Promise<Record<string, string>> {
  // dops' own build-record table (src/state/build-state.ts) is not one of the project's relations.
  const rows = await query(dir, `select table_schema, table_name, table_type from information_schema.tables where table_name <> '${STATE_TABLE}' order by all`, db);
  return Object.fromEntries(rows.map((r) => [`${r.table_schema}.${r.table_name}`, String(r.table_type)]));
}

/** Reads a JSON file of the project (e.g. `target/run_results.json`). */
export function readJson<T = any>(dir: string, path: string): T {
  return JSON.parse(readFileSync(join(dir, path), 'utf8')) as T;
}

/** One entry of target/run_results.json. */
export interface RunResultEntry {
  unique_id: string;
  status: string;
  message: string;
  failures: number | null;
  adapter_response: { rows_affected?: number };
  relation_name: string | null;
  compiled_path: string | null;
  execution_time: number;
  thread_id: string;
}

/** target/run_results.json. */
export function readRunResults(dir: string): { results: RunResultEntry[]; elapsed_time: number; args: Record<string, unknown>; metadata: Record<string, unknown> } {
  return readJson(dir, 'target/run_results.json');
}

/** Node name -> status, from a run's results (names are unique across models and seeds). */
export function statuses(outcome: RunOutcome): Record<string, string> {
  return Object.fromEntries(outcome.results.map((r) => [nameOf(outcome, r), r.status]));
}

/** A run's result for the node named `name`. @throws when it did not run */
export function resultFor(outcome: RunOutcome, name: string): NodeResult {
  const found = outcome.results.find((r) => nameOf(outcome, r) === name);
  if (!found) throw new Error(`No result for '${name}'; got ${outcome.results.map((r) => nameOf(outcome, r)).join(', ')}`);
  return found;
}

/** Names of the nodes that ran, sorted. */
export function ranNames(outcome: RunOutcome): string[] {
  return outcome.results.map((r) => nameOf(outcome, r)).sort();
}

function nameOf(outcome: RunOutcome, result: NodeResult): string {
  return outcome.project.manifest.get(result.uniqueId).name;
}

/**
 * Calls `fn` and returns what it threw (sync or async).
 * @throws when `fn` does not throw
 */
export async function caught(fn: () => unknown): Promise<any> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('Expected an error to be thrown');
}

/**
 * A separate process holding `dir/dops.duckdb` open (DuckDB allows one writer process), ready when
 * this resolves; kill it to release the file.
 */
export async function holdDatabase(dir: string): Promise<ChildProcess> {
  const script = `const { DuckDBInstance } = await import('@duckdb/node-api');
const db = await DuckDBInstance.create(${JSON.stringify(join(dir, 'dops.duckdb'))});
await db.connect();
process.stdout.write('ready\\n');
setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: resolve(import.meta.dirname, '../..'), stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((done, reject) => {
    child.stdout!.on('data', (data: Buffer) => data.toString().includes('ready') && done());
    child.on('exit', (code) => reject(new Error(`holder exited ${code}`)));
  });
  return child;
}
