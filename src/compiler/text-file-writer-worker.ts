/**
 * The one copy of the code that writes a compiled file, used by {@link TextFileWriter} on the
 * calling thread and run as its background thread: started with `workerData.role` set to
 * {@link WRITER_THREAD_ROLE}, this module serves the writer's messages; imported anywhere else, it
 * only exports {@link writeStamped}. It imports nothing but Node built-ins, so the thread starts
 * fast, and runs as compiled JavaScript (dist/compiler/text-file-writer-worker.js; see
 * text-file-writer.ts for how the path is found when the writer runs from src/ under vitest).
 */
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { isMainThread, workerData, type MessagePort } from 'node:worker_threads';

/** `workerData.role` of the writer's background thread (so no other thread that imports this module serves). */
export const WRITER_THREAD_ROLE = 'dops-text-file-writer';

/** What the writer hands its background thread at start. */
export interface WriterThreadData {
  role: typeof WRITER_THREAD_ROLE;
  /** Receives batches ({@link WriterBatch}), posts back {@link WriterBatchResult}s. */
  port: MessagePort;
  /** Shared Int32Array of 2: [0] files handled so far (written, failed or skipped); [1] set to 1 by the writer to stop. */
  done: SharedArrayBuffer;
}

/** One file to write: `unlessSame` leaves a file that already holds exactly `text` untouched (see {@link writeUnlessSame}). */
export type Write = [path: string, text: string, unlessSame?: boolean];

/** A batch of writes sent to the thread. */
export interface WriterBatch {
  /** The writer's number of the batch's first write. */
  first: number;
  batch: Write[];
  /** Shared Int32Array, one per write: 0 free, 1 taken by the thread, 2 taken by the writer's own thread. */
  claims: SharedArrayBuffer;
}

/** What the thread posts back per batch. */
export interface WriterBatchResult {
  first: number;
  /** Two numbers per write of the batch (mtimeMs, size), NaN for writes not made by the thread. */
  stamps: Float64Array;
  /** The batch's first write that failed. */
  failure?: { path: string; message: string; code?: string };
}

/**
 * Writes `text` (UTF-8) to `path`, creating its folder when missing (e.g. target/ deleted during
 * `dops watch` after the writer made it), and returns the file's stamp as written (`fstat` of the
 * open file: cheaper than a `stat` by path afterwards).
 * @returns [mtimeMs, size in bytes]
 * @throws the file system's error (e.g. EISDIR, EACCES) when the file cannot be written
 */
export function writeStamped(path: string, text: string): [mtimeMs: number, size: number] {
  let fd: number;
  try {
    fd = openSync(path, 'w');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(dirname(path), { recursive: true });
    fd = openSync(path, 'w');
  }
  try {
    const bytes = Buffer.from(text, 'utf8');
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
    const stats = fstatSync(fd);
    return [stats.mtimeMs, stats.size];
  } finally {
    closeSync(fd);
  }
}

/**
 * {@link writeStamped}, unless the file already holds exactly `text` (same size, then same bytes):
 * then it is left untouched, its mtime kept, and its stamp returned.
 * @returns [mtimeMs, size in bytes]
 * @throws the file system's error when the file cannot be written
 */
export function writeUnlessSame(path: string, text: string): [mtimeMs: number, size: number] {
  return stampIfHolds(path, text) ?? writeStamped(path, text);
}

/**
 * The stamp of the file at `path` when it holds exactly `text` (same size, then same text: a file
 * of another size is not read).
 * @returns [mtimeMs, size in bytes], or undefined when the file is missing or holds something else
 */
export function stampIfHolds(path: string, text: string): [mtimeMs: number, size: number] | undefined {
  const existing = statSync(path, { throwIfNoEntry: false });
  return existing?.isFile() && existing.size === Buffer.byteLength(text) && readFileSync(path, 'utf8') === text ? [existing.mtimeMs, existing.size] : undefined;
}

/** Makes one write of a batch (see {@link Write}). */
export function makeWrite([path, text, unlessSame]: Write): [mtimeMs: number, size: number] {
  return unlessSame ? writeUnlessSame(path, text) : writeStamped(path, text);
}

/**
 * The background thread: writes each file it is sent, in order, counts the files handled in
 * shared memory, and posts per batch the stamp of each file as written or the first failure. It
 * claims each file before writing it (shared memory), skipping those the writer's own thread
 * claimed while helping (see TextFileWriter.flush), and stops once the writer sets the stop flag.
 */
function serve({ port, done: doneBuffer }: WriterThreadData): void {
  const done = new Int32Array(doneBuffer);
  port.on('message', ({ first, batch, claims: shared }: WriterBatch) => {
    const stamps = new Float64Array(batch.length * 2).fill(NaN);
    const claims = new Int32Array(shared);
    let failure: WriterBatchResult['failure'];
    for (let i = 0; i < batch.length; i++) {
      if (Atomics.load(done, 1) === 1) return; // the writer took over (see flush)
      if (Atomics.compareExchange(claims, i, 0, 1) !== 0) continue; // written by the writer's thread
      const path = batch[i][0];
      try {
        const stamp = makeWrite(batch[i]);
        stamps[2 * i] = stamp[0];
        stamps[2 * i + 1] = stamp[1];
      } catch (error) {
        const { message, code } = error as NodeJS.ErrnoException;
        failure ??= { path, message, code };
      }
    }
    port.postMessage({ first, stamps, failure } satisfies WriterBatchResult, [stamps.buffer]);
    Atomics.add(done, 0, batch.length);
    Atomics.notify(done, 0);
  });
}

if (!isMainThread && (workerData as Partial<WriterThreadData> | null)?.role === WRITER_THREAD_ROLE) serve(workerData as WriterThreadData);
