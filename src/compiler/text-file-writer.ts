import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { PathStamp } from '../project/fingerprint.js';
import { makeWrite, stampIfHolds, WRITER_THREAD_ROLE, writeStamped, type Write, type WriterBatch, type WriterBatchResult, type WriterThreadData } from './text-file-writer-worker.js';

/**
 * Writes after which a writer hands further writes to a background thread: creating a file costs
 * ~0.1-0.5 ms of kernel time on ext4 (the most right after many deletions), which a first compile
 * of 10,000 models pays 16,680 times; another thread pays it while this one renders. Starting the
 * thread costs ~0.1-0.2 s, more than it saves below a few thousand files (a 1,000-model first
 * compile, 1,680 files, was ~10% slower with it), hence the threshold.
 */
const OFFLOAD_AFTER_WRITES = 2000;
/** How long {@link TextFileWriter.flush} waits for a thread that writes nothing before writing the rest itself. */
const STALL_MS = 10_000;
/** Writes sent to the background thread per message. */
const BATCH = 64;

/**
 * The background thread's module, as a file (a Worker runs JavaScript files): the compiled one
 * next to this module, or, when this module runs from its TypeScript source (tests import src/
 * through vite), the compiled one in dist/, which tests/global-setup.ts builds before any test.
 * @throws Error naming the file when running from source and dist/ has not been built
 */
function writerThreadFile(): URL {
  if (!import.meta.url.endsWith('.ts')) return new URL('./text-file-writer-worker.js', import.meta.url);
  const file = new URL('../../dist/compiler/text-file-writer-worker.js', import.meta.url);
  if (!existsSync(file)) throw new Error(`${fileURLToPath(file)} is missing: run \`npm run build\` (the file writer's thread runs the compiled module)`);
  return file;
}

/** The background thread and what was sent to it. */
interface Offload {
  worker: Worker;
  port: MessagePort;
  /** [0]: files written so far by the thread; [1]: set to 1 to stop it (shared memory). */
  done: Int32Array;
  /** Every write sent, in order: the thread writes them in order, so `done` tells which are on disk. */
  sentWrites: Write[];
  /** Each batch sent: its first write number and its claims (shared: 0 free, 1 the thread's, 2 this thread's). */
  sentBatches: { first: number; claims: Int32Array }[];
  sent: number;
  batch: Write[];
  /** Called once the thread has written the file (see {@link TextFileWriter.flush}), by write number. */
  callbacks: [index: number, callback: (stamp: PathStamp) => void][];
  /** Stamps of the files written, two numbers per write number (mtimeMs, size; NaN until known). */
  stamps: number[];
  /** A path was sent twice: only the thread, writing in order, may write (the last text wins). */
  repeats: boolean;
  /** The thread failed to run (e.g. its module could not be loaded): flush writes the rest without waiting. */
  dead: boolean;
}

/**
 * Writes text files unless they already hold exactly that text, creating folders as needed.
 * Re-running a command rewrites thousands of unchanged compiled files; reading one back costs a
 * fraction of rewriting it (measured in `npm run bench`), and an untouched file keeps its mtime.
 * A file that is missing or has another size is written without being read, and each folder is
 * created (or found) once per writer, so a first compile runs no failing calls (nor a `stat` per
 * file in the folders it created). After {@link OFFLOAD_AFTER_WRITES} writes (or at once when
 * {@link expect} is told of more), writing moves to a background thread: call {@link flush} before
 * relying on the files; it writes on this thread too the files the background thread has not
 * reached. Each write's callback gets the file's stamp as written (mtime and size, see
 * project/fingerprint.ts), so callers need no `stat` of their own.
 */
export class TextFileWriter {
  /** Folders known to exist; true for those this writer created (so they hold only its files). */
  private readonly folders = new Map<string, boolean>();
  private readonly written = new Set<string>();
  private offload: Offload | undefined;

  /**
   * @param options.offloadAfter writes made here before the rest go to the background thread
   *   (default {@link OFFLOAD_AFTER_WRITES}); options.stallMs see {@link STALL_MS}
   */
  constructor(private readonly options: { offloadAfter?: number; stallMs?: number } = {}) {}

  /**
   * Tells the writer about how many files are coming: when more than the offload threshold (a
   * first compile of a big project), the background thread starts now, so it writes from the
   * first file on while this thread renders, instead of after the threshold's worth of writes
   * made here.
   * @param files files about to be written (an upper bound is fine)
   */
  expect(files: number): void {
    if (!this.offload && files > (this.options.offloadAfter ?? OFFLOAD_AFTER_WRITES)) this.offload = startOffload();
  }

  /**
   * @param path absolute file path
   * @param onWritten called once the file holds `text`, with its stamp (`[mtimeMs, size]`, null if
   *   unknown): at once, or from {@link flush} when the background thread writes it
   * @throws the file system's error when the file cannot be written here (the background
   *   thread's errors are thrown by {@link flush})
   */
  writeIfChanged(path: string, text: string, onWritten?: (stamp: PathStamp) => void): void {
    const folder = dirname(path);
    let created = this.folders.get(folder);
    if (created === undefined) {
      // mkdirSync returns the first folder it had to create: when it made this one, it is empty.
      created = mkdirSync(folder, { recursive: true }) !== undefined;
      this.folders.set(folder, created);
    }
    // In a folder this writer created, only files it wrote exist: no need to look first.
    const held = created && !this.written.has(path) ? undefined : stampIfHolds(path, text);
    if (held) {
      onWritten?.(held);
      return;
    }
    if (this.offload && this.written.has(path)) this.offload.repeats = true;
    this.written.add(path);
    if (!this.offload && this.written.size > (this.options.offloadAfter ?? OFFLOAD_AFTER_WRITES)) this.offload = startOffload();
    if (this.offload) {
      if (onWritten) this.offload.callbacks.push([this.offload.sent + this.offload.batch.length, onWritten]);
      this.offload.batch.push([path, text]);
      if (this.offload.batch.length >= BATCH) send(this.offload);
      return;
    }
    const stamp = writeStamped(path, text);
    onWritten?.(stamp);
  }

  /**
   * Hands a file to the background thread (started now if it is not running), which leaves it
   * untouched when it already holds exactly `text` (see writeUnlessSame): for files written while
   * this thread has other work (the run files of a run), so it neither reads nor writes them.
   * Failures are thrown by {@link flush}.
   * @param path absolute file path
   */
  writeInBackground(path: string, text: string): void {
    this.offload ??= startOffload();
    if (this.written.has(path)) this.offload.repeats = true;
    this.written.add(path);
    this.offload.batch.push([path, text, true]);
    if (this.offload.batch.length >= BATCH) send(this.offload);
  }

  /**
   * Waits (blocking) until the background thread has written every file handed to it, then runs
   * their callbacks. Does nothing when no thread was started.
   * @throws Error (with the file system's code) for the first file the thread could not write
   */
  flush(): void {
    const offload = this.offload;
    if (!offload) return;
    send(offload);
    let failure = help(offload);
    waitFor(offload, this.options.stallMs ?? STALL_MS);
    for (let received = receiveMessageOnPort(offload.port); received; received = receiveMessageOnPort(offload.port)) {
      const { first, stamps, failure: failed } = received.message as WriterBatchResult;
      failure ??= failed;
      for (let i = 0; i < stamps.length; i++) if (!Number.isNaN(stamps[i])) offload.stamps[2 * first + i] = stamps[i];
    }
    const callbacks = offload.callbacks.splice(0);
    if (failure) throw Object.assign(new Error(`${failure.message} (writing ${failure.path})`), { code: failure.code });
    for (const [index, callback] of callbacks) {
      const mtime = offload.stamps[2 * index];
      callback(Number.isNaN(mtime) || mtime === undefined ? null : [mtime, offload.stamps[2 * index + 1]]);
    }
  }

  /** Flushes, then stops the background thread (a writer may be used again: it starts another). */
  close(): void {
    try {
      this.flush();
    } finally {
      const offload = this.offload;
      this.offload = undefined;
      if (offload) {
        offload.port.close();
        void offload.worker.terminate();
      }
    }
  }
}

/** A file that could not be written, as reported across threads. */
type Failure = NonNullable<WriterBatchResult['failure']>;

/**
 * Writes, on this thread, the files the background thread has not started yet, from the last one
 * back until one the thread has claimed (it takes them in order): at the end of a big first
 * compile both threads create files, in different folders, instead of this one waiting.
 * @returns the first failure, if any (the rest are still written)
 */
function help(offload: Offload): Failure | undefined {
  let failure: Failure | undefined;
  if (offload.repeats) return undefined;
  for (let b = offload.sentBatches.length - 1; b >= 0; b--) {
    const { first, claims } = offload.sentBatches[b];
    for (let i = claims.length - 1; i >= 0; i--) {
      if (Atomics.compareExchange(claims, i, 0, 2) !== 0) return failure;
      const write = offload.sentWrites[first + i];
      const path = write[0];
      try {
        [offload.stamps[2 * (first + i)], offload.stamps[2 * (first + i) + 1]] = makeWrite(write);
      } catch (error) {
        const { message, code } = error as NodeJS.ErrnoException;
        failure ??= { path, message, code };
      }
    }
  }
  return failure;
}

/**
 * Blocks until the thread has written everything sent. A thread that makes no progress for
 * {@link STALL_MS} (it died, or never started), or that reported an error, is stopped and the
 * writes it has not done are made here, in order.
 */
function waitFor(offload: Offload, stallMs: number): void {
  let seen = Atomics.load(offload.done, 0);
  let progressAt = Date.now();
  while (seen < offload.sent) {
    Atomics.wait(offload.done, 0, seen, Math.min(250, stallMs));
    const now = Atomics.load(offload.done, 0);
    if (now !== seen) {
      seen = now;
      progressAt = Date.now();
    } else if (offload.dead || Date.now() - progressAt > stallMs) {
      Atomics.store(offload.done, 1, 1);
      offload.sentWrites.slice(seen).forEach((write, i) => {
        const [mtime, size] = makeWrite(write);
        offload.stamps[2 * (seen + i)] = mtime;
        offload.stamps[2 * (seen + i) + 1] = size;
      });
      Atomics.store(offload.done, 0, offload.sent);
      return;
    }
  }
}

/** Node flags a worker thread accepts that matter to it: how modules load, and profiling. */
const THREAD_FLAGS = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader', '--conditions', '-C', '--enable-source-maps', '--cpu-prof', '--cpu-prof-dir', '--cpu-prof-name', '--cpu-prof-interval', '--heap-prof', '--heap-prof-dir', '--heap-prof-name', '--heap-prof-interval']);
/** Those of {@link THREAD_FLAGS} that take their value as the next argument when not given with `=`. */
const VALUED = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader', '--conditions', '-C', '--cpu-prof-dir', '--cpu-prof-name', '--cpu-prof-interval', '--heap-prof-dir', '--heap-prof-name', '--heap-prof-interval']);

/**
 * The process's flags the writer's thread gets: those of {@link THREAD_FLAGS} (a preload, a
 * profile), with their values. A worker is given flags explicitly (else it inherits all of them,
 * and Node refuses `--input-type` for a module file: ERR_INPUT_TYPE_NOT_ALLOWED), and Node refuses
 * V8 and per-process flags in a worker's execArgv (ERR_WORKER_INVALID_EXEC_ARGV), such as the
 * `--max-semi-space-size` of the CLI's shebang (https://nodejs.org/docs/latest-v20.x/api/worker_threads.html#new-workerfilename-options).
 * @param execArgv the process's flags (`process.execArgv`)
 */
export function threadFlags(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i];
    const name = arg.split('=', 1)[0];
    if (!THREAD_FLAGS.has(name)) continue;
    kept.push(arg);
    if (VALUED.has(name) && !arg.includes('=') && i + 1 < execArgv.length) kept.push(execArgv[++i]);
  }
  return kept;
}

function startOffload(): Offload {
  const { port1, port2 } = new MessageChannel();
  const done = new Int32Array(new SharedArrayBuffer(8));
  const workerData: WriterThreadData = { role: WRITER_THREAD_ROLE, port: port2, done: done.buffer as SharedArrayBuffer };
  const worker = new Worker(writerThreadFile(), { workerData, execArgv: threadFlags(process.execArgv), transferList: [port2] });
  // Never keeps the process alive: whoever writes through the thread must flush.
  worker.unref();
  port1.unref();
  const offload: Offload = { worker, port: port1, done, sentWrites: [], sentBatches: [], sent: 0, batch: [], callbacks: [], stamps: [], repeats: false, dead: false };
  // A thread that cannot run must not end the process (an unhandled 'error' event would): flush writes its files.
  worker.on('error', () => (offload.dead = true));
  return offload;
}

function send(offload: Offload): void {
  if (!offload.batch.length) return;
  const claims = new Int32Array(new SharedArrayBuffer(4 * offload.batch.length));
  offload.port.postMessage({ first: offload.sent, batch: offload.batch, claims: claims.buffer as SharedArrayBuffer } satisfies WriterBatch);
  offload.sentBatches.push({ first: offload.sent, claims });
  offload.sentWrites.push(...offload.batch);
  offload.sent += offload.batch.length;
  offload.batch = [];
}
