import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

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
 * The background thread's code (CommonJS, run with `eval`, so it works from `src/` under vitest
 * and from `dist/` alike): writes each file it is sent, creating its folder when missing, counts
 * the files done in shared memory and reports failures on the port.
 */
const WORKER_CODE = `
const { workerData } = require('node:worker_threads');
const { mkdirSync, writeFileSync } = require('node:fs');
const { dirname } = require('node:path');
const done = new Int32Array(workerData.done);
workerData.port.on('message', (batch) => {
  for (const [path, text] of batch) {
    if (Atomics.load(done, 1) === 1) return; // the writer took over (see flush)
    try {
      try {
        writeFileSync(path, text);
      } catch (error) {
        if (error.code !== 'ENOENT') throw error;
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, text);
      }
    } catch (error) {
      workerData.port.postMessage({ path, message: error.message, code: error.code });
    }
    Atomics.add(done, 0, 1);
    Atomics.notify(done, 0);
  }
});
`;

/** The background thread and what was sent to it. */
interface Offload {
  worker: Worker;
  port: MessagePort;
  /** [0]: files written so far by the thread; [1]: set to 1 to stop it (shared memory). */
  done: Int32Array;
  /** Every write sent, in order: the thread writes them in order, so `done` tells which are on disk. */
  sentWrites: [path: string, text: string][];
  sent: number;
  batch: [path: string, text: string][];
  /** Called once the thread has written the file (see {@link TextFileWriter.flush}). */
  callbacks: (() => void)[];
}

/**
 * Writes text files unless they already hold exactly that text, creating folders as needed.
 * Re-running a command rewrites thousands of unchanged compiled files; reading one back costs a
 * fraction of rewriting it (measured in `npm run bench`), and an untouched file keeps its mtime.
 * A file that is missing or has another size is written without being read, and each folder is
 * created (or found) once per writer, so a first compile runs no failing calls (nor a `stat` per
 * file in the folders it created). After {@link OFFLOAD_AFTER_WRITES} writes, writing moves to a
 * background thread: call {@link flush} before relying on the files.
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
   * @param path absolute file path
   * @param onWritten called once the file holds `text`: at once, or from {@link flush} when the
   *   background thread writes it
   * @throws the file system's error when the file cannot be written here (the background
   *   thread's errors are thrown by {@link flush})
   */
  writeIfChanged(path: string, text: string, onWritten?: () => void): void {
    const folder = dirname(path);
    let created = this.folders.get(folder);
    if (created === undefined) {
      // mkdirSync returns the first folder it had to create: when it made this one, it is empty.
      created = mkdirSync(folder, { recursive: true }) !== undefined;
      this.folders.set(folder, created);
    }
    // In a folder this writer created, only files it wrote exist: no need to look first.
    const existing = created && !this.written.has(path) ? undefined : statSync(path, { throwIfNoEntry: false });
    if (existing?.isFile() && existing.size === Buffer.byteLength(text) && readFileSync(path, 'utf8') === text) {
      onWritten?.();
      return;
    }
    this.written.add(path);
    if (!this.offload && this.written.size > (this.options.offloadAfter ?? OFFLOAD_AFTER_WRITES)) this.offload = startOffload();
    if (this.offload) {
      this.offload.batch.push([path, text]);
      if (onWritten) this.offload.callbacks.push(onWritten);
      if (this.offload.batch.length >= BATCH) send(this.offload);
      return;
    }
    writeCreatingFolder(path, text);
    onWritten?.();
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
    waitFor(offload, this.options.stallMs ?? STALL_MS);
    const failure = receiveMessageOnPort(offload.port)?.message as { path: string; message: string; code?: string } | undefined;
    while (receiveMessageOnPort(offload.port));
    const callbacks = offload.callbacks.splice(0);
    if (failure) throw Object.assign(new Error(`${failure.message} (writing ${failure.path})`), { code: failure.code });
    for (const callback of callbacks) callback();
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

/**
 * Blocks until the thread has written everything sent. A thread that makes no progress for
 * {@link STALL_MS} (it died, or never started) is stopped and the writes it has not done are
 * made here, in order.
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
    } else if (Date.now() - progressAt > stallMs) {
      Atomics.store(offload.done, 1, 1);
      for (const [path, text] of offload.sentWrites.slice(seen)) writeCreatingFolder(path, text);
      Atomics.store(offload.done, 0, offload.sent);
      return;
    }
  }
}

/**
 * Writes a file, creating its folder when it is missing (e.g. target/ deleted during `dops watch`
 * after this writer made it). The background thread's code does the same.
 */
function writeCreatingFolder(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
}

function startOffload(): Offload {
  const { port1, port2 } = new MessageChannel();
  const done = new Int32Array(new SharedArrayBuffer(8));
  const worker = new Worker(WORKER_CODE, { eval: true, workerData: { port: port2, done: done.buffer }, transferList: [port2] });
  // Never keeps the process alive: whoever writes through the thread must flush.
  worker.unref();
  port1.unref();
  return { worker, port: port1, done, sentWrites: [], sent: 0, batch: [], callbacks: [] };
}

function send(offload: Offload): void {
  if (!offload.batch.length) return;
  offload.port.postMessage(offload.batch);
  offload.sentWrites.push(...offload.batch);
  offload.sent += offload.batch.length;
  offload.batch = [];
}
