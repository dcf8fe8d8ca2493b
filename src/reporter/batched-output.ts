import type { OutputStream } from './terminal.js';

/** How long node lines may wait before they are written, in milliseconds. */
const BATCH_MS = 50;

/** Outputs with text waiting, flushed if the process exits before their timer fires. */
const waiting = new Set<BatchedOutput>();
let exitHooked = false;

/**
 * Text for a stream, collected and written in one call per {@link BATCH_MS} ms. A run prints a
 * line per node, thousands of them; writing each to a terminal, pipe or file is a system call
 * made between two DuckDB statements, while the database waits. Batched, the lines are written
 * from a timer, while DuckDB executes a statement. Only streams backed by a file descriptor
 * (`process.stdout`) are batched; any other stream (a test's capture) is written to at once.
 */
export class BatchedOutput {
  private pending = '';
  private timer: NodeJS.Timeout | undefined;
  private readonly batched: boolean;

  constructor(private readonly out: OutputStream) {
    this.batched = typeof (out as { fd?: unknown }).fd === 'number';
  }

  /** Queues text (written within {@link BATCH_MS} ms, or at the next {@link flush}). */
  write(text: string): void {
    if (!this.batched) {
      this.out.write(text);
      return;
    }
    this.pending += text;
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), BATCH_MS).unref();
    waiting.add(this);
    if (!exitHooked) {
      exitHooked = true;
      process.once('exit', () => {
        for (const output of waiting) output.flush();
      });
    }
  }

  /** Writes the queued text now, in one call. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    waiting.delete(this);
    if (!this.pending) return;
    const text = this.pending;
    this.pending = '';
    this.out.write(text);
  }
}
