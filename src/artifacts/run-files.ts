import { join, relative } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Connection, Row, StatementResult } from '../adapter/adapter.js';
import { ForwardingConnection } from '../adapter/forwarding-connection.js';
import { SECRET_MASK, SECRET_PREFIXES } from '../config/secrets.js';

/** Transaction control: not part of what a node's materialization ran (dbt's run files hold none). */
const CONTROL = new Set(['begin transaction', 'begin', 'commit', 'rollback']);

/**
 * A connection that records the SQL a node sends through it (`execute`, `run` and `query`: its
 * materialization's DDL and DML, its hooks, a test's query), less transaction control, into
 * `statements`; compile-time introspection (`queryTable`) and catalog look-ups are not recorded.
 * Everything else is the wrapped connection's.
 */
export class RecordingConnection extends ForwardingConnection {
  constructor(
    inner: Connection,
    readonly statements: string[] = [],
  ) {
    super(inner);
  }

  private record(sql: string): void {
    if (!CONTROL.has(sql)) this.statements.push(sql);
  }
  override execute(sql: string): Promise<number | undefined> {
    this.record(sql);
    return this.inner.execute(sql);
  }
  override run(sql: string): Promise<StatementResult> {
    this.record(sql);
    return this.inner.run(sql);
  }
  override query(sql: string): Promise<Row[]> {
    this.record(sql);
    return this.inner.query(sql);
  }
}

/**
 * The text of a run file: the statements in the order they ran, separated by `;` and a blank line
 * (one statement: the statement itself, as dbt's run files hold the materialization's main statement).
 * The writing thread masks the values of secret env vars in it, as in every file under target/.
 */
export function runFileText(statements: readonly string[]): string {
  return `${statements.join(';\n\n')}\n`;
}

/**
 * The run file of a node whose compiled file is `compiledPath`: `<target>/run/<package>/<path>`
 * for `<target>/compiled/<package>/<path>` (dbt's layout, docs.getdbt.com/reference/global-configs/json-artifacts).
 */
export function runPath(targetPath: string, compiledPath: string): string {
  return join(targetPath, 'run', relative(join(targetPath, 'compiled'), compiledPath));
}

/**
 * The background thread's code (CommonJS, run with `eval`, so it works from `src/` under vitest and
 * from `dist/`): writes each file of each batch it is sent atomically, as writeFileAtomic
 * (src/artifacts/atomic-write.ts) does, which this code cannot import: aside, to a temp file named
 * after the process, the thread and the write, then renamed over the path, the temp file removed
 * when the write fails (creating its folder when missing), secret env var values masked; on `null`,
 * replies with the first failure (or null) and ends.
 */
const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const { mkdirSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { dirname } = require('node:path');
const { threadId } = require('node:worker_threads');
let started = 0;
// writeFileAtomic of src/artifacts/atomic-write.ts: writeFileSync writes every byte or throws.
const writeFileAtomic = (path, data) => {
  const aside = path + '.' + process.pid + '.' + threadId + '.' + ++started + '.tmp';
  try {
    writeFileSync(aside, data);
    renameSync(aside, path);
  } catch (error) {
    try {
      rmSync(aside, { force: true });
    } catch {}
    throw error;
  }
};
// Values of secret env vars (config/secrets.ts), longest first, masked in every file.
const secrets = Object.entries(process.env)
  .filter(([name, value]) => value && workerData.prefixes.some((prefix) => name.startsWith(prefix)))
  .map(([, value]) => value)
  .sort((a, b) => b.length - a.length);
const scrub = (text) => {
  for (const value of secrets) if (text.includes(value)) text = text.split(value).join(workerData.mask);
  return text;
};
let failure = null;
parentPort.on('message', (batch) => {
  if (batch === null) {
    parentPort.postMessage(failure);
    parentPort.close();
    return;
  }
  for (const [path, text] of batch) {
    try {
      const content = scrub(text);
      try {
        writeFileAtomic(path, content);
      } catch (error) {
        if (error.code !== 'ENOENT') throw error;
        mkdirSync(dirname(path), { recursive: true });
        writeFileAtomic(path, content);
      }
    } catch (error) {
      failure = failure || (error.message + ' (writing ' + path + ')');
    }
  }
});
`;

/** Files handed to the thread per message. */
const BATCH = 64;

/**
 * Writes `target/run/<package>/<path>` for each node a run executed: the SQL it ran (dbt writes
 * these for build, run, seed, snapshot and test). The files are written by a background thread,
 * each atomically (aside, then renamed), while the run goes on: this thread only hands it the
 * texts. The thread starts with the first file.
 */
export class RunFiles {
  private worker: Worker | undefined;
  private batch: [path: string, text: string][] = [];

  /** @param projectDir absolute project dir; paths given to {@link add} are relative to it */
  constructor(private readonly projectDir: string) {}

  /**
   * Queues a node's run file.
   * @param path the file, relative to the project dir (see {@link runPath})
   * @param statements what the node ran, in order (none: no file)
   */
  add(path: string, statements: readonly string[]): void {
    if (statements.length === 0) return;
    this.batch.push([join(this.projectDir, path), runFileText(statements)]);
    if (this.batch.length >= BATCH) this.send();
  }

  private send(): void {
    if (this.batch.length === 0) return;
    if (!this.worker) {
      this.worker = new Worker(WORKER_CODE, { eval: true, workerData: { prefixes: SECRET_PREFIXES, mask: SECRET_MASK } });
      // A run that throws never closes it: it must not keep the process alive (close() holds it).
      this.worker.unref();
    }
    this.worker.postMessage(this.batch);
    this.batch = [];
  }

  /**
   * Hands over the last files and waits for the thread to write them all.
   * @returns undefined once written; the first failure's message (naming the file) otherwise
   */
  async close(): Promise<string | undefined> {
    this.send();
    const worker = this.worker;
    if (!worker) return undefined;
    this.worker = undefined;
    return new Promise((resolve) => {
      worker.once('message', (failure: string | null) => resolve(failure ?? undefined));
      worker.once('error', (error) => resolve(error.message));
      worker.ref();
      worker.postMessage(null);
    });
  }
}
