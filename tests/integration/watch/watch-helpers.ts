/**
 * Helpers for watch-mode tests: temp projects on disk, a `dops watch` child process driven by its
 * output, artifact readers and DuckDB queries (after the watcher has exited and released the file).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const CLI = join(REPO, 'dist', 'cli', 'index.js');

const made: string[] = [];

/** Writes `files` into a new temp project dir (with a DuckDB file inside it). */
export function makeProject(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'dops-watch-'));
  made.push(dir);
  for (const [path, contents] of Object.entries(files)) writeProjectFile(dir, path, contents);
  return dir;
}

export function writeProjectFile(dir: string, path: string, contents: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), contents);
}

export function deleteProjectFile(dir: string, path: string): void {
  unlinkSync(join(dir, path));
}

export function removeProjects(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** One summary line: `[watch] <what>: <outcome> in <n> ms`. */
export const SUMMARY = /^\[watch\] (.+?): (.*) in (\d+) ms.*$/m;

/** A `dops` child process whose stdout and stderr are collected as they arrive. */
export class DopsProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  /** Summary lines seen so far. */
  readonly summaries: string[] = [];
  readonly exited: Promise<number | null>;
  private listeners: (() => void)[] = [];

  constructor(args: string[], cwd = REPO) {
    this.child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      this.stdout += text;
      for (const line of this.stdout.split('\n').slice(0, -1).filter((l) => SUMMARY.test(l)).slice(this.summaries.length)) this.summaries.push(line);
      this.notify();
    });
    this.child.stderr!.setEncoding('utf8').on('data', (text: string) => {
      this.stderr += text;
      this.notify();
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => {
      this.notify();
      resolve(code);
    }));
  }

  /** Waits until `predicate` holds (checked on every output), failing after `timeoutMs` with the output so far. */
  async until(predicate: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
    if (predicate()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners = this.listeners.filter((l) => l !== check);
        reject(new Error(`timed out waiting for ${what}\n--- stdout ---\n${this.stdout}\n--- stderr ---\n${this.stderr}`));
      }, timeoutMs);
      const check = () => {
        if (!predicate() && this.child.exitCode === null) return;
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== check);
        if (predicate()) resolve();
        else reject(new Error(`dops exited (code ${this.child.exitCode}) before ${what}\n--- stdout ---\n${this.stdout}\n--- stderr ---\n${this.stderr}`));
      };
      this.listeners.push(check);
    });
  }

  /** Waits for summary line number `index` (0-based: 0 is the initial build's) and returns it. */
  async summary(index: number, timeoutMs = 30_000): Promise<string> {
    await this.until(() => this.summaries.length > index, `summary line #${index + 1}`, timeoutMs);
    return this.summaries[index];
  }

  /** Sends a signal and waits for the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGINT'): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill(signal);
    return this.exited;
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

/** Starts `dops watch --project-dir <dir>` (plus extra args). */
export function startWatch(dir: string, extra: string[] = []): DopsProcess {
  return new DopsProcess(['watch', '--project-dir', dir, ...extra]);
}

/** `target/run_results.json` as a map unique_id -> status. */
export function runResults(dir: string): Record<string, string> {
  const json = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string; status: string }[] };
  return Object.fromEntries(json.results.map((r) => [r.unique_id, r.status]));
}

/** Runs a query against a project's DuckDB file (only once no dops process holds it). */
export async function query(dir: string, sql: string, file = 'dops.duckdb'): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(join(dir, file));
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(sql);
    return reader.getRowObjects().map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/**
 * dist/ is built once by tests/global-setup.ts before any test file runs; kept so watch test files
 * read the same as before (and never rebuild dist/ while other files spawn it).
 */
export async function compileDops(): Promise<void> {}
