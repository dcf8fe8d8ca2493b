import type { OutputStream } from './terminal.js';

type CreateLogUpdate = typeof import('log-update').createLogUpdate;

/** log-update, once loaded. */
let createLogUpdate: CreateLogUpdate | undefined;
let loading: Promise<CreateLogUpdate> | undefined;

/**
 * Loads log-update: with its dependencies (wrap-ansi, string-width, ansi-escapes, ...) it cost
 * ~90 ms of CPU at every start-up when imported statically, for a live line only a terminal shows
 * and only once a node has run for {@link ProgressTimings.liveAfter} s. A terminal NodeProgress
 * starts the import; its live line waits for it.
 * @returns log-update's `createLogUpdate` (the same promise on every call)
 */
export function loadLogUpdate(): Promise<CreateLogUpdate> {
  return (loading ??= import('log-update').then((module) => (createLogUpdate = module.createLogUpdate)));
}

/** A clock and timer, injectable so tests drive time instead of waiting for it. */
export interface ProgressClock {
  /** Milliseconds (like `Date.now()`). */
  now(): number;
  /** Calls `tick` every `ms` milliseconds until the returned function is called. */
  every(ms: number, tick: () => void): () => void;
}

/** The real clock: `Date.now()` and an unref'd `setInterval` (never keeps the process alive). */
export const SYSTEM_CLOCK: ProgressClock = {
  now: () => Date.now(),
  every(ms, tick) {
    const timer = setInterval(tick, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};

/** When progress shows, in seconds. */
export interface ProgressTimings {
  /** A node running this long gets a live line on a terminal (default 2). */
  liveAfter: number;
  /** Piped output gets a `still running` line per node every this many seconds (default 30). */
  stillRunningEvery: number;
}

/** Seconds from the environment variable `name` when it holds a number (at least `min`), else `fallback`. */
function seconds(name: string, fallback: number, min: number): number {
  const text = process.env[name];
  const value = Number(text);
  return text && Number.isFinite(value) && value >= min ? value : fallback;
}

/**
 * The defaults; `DOPS_PROGRESS_AFTER` (seconds) overrides when the live line appears and
 * `DOPS_STILL_RUNNING_EVERY` (seconds, at least 1) how often piped output says `still running`.
 */
const DEFAULT_TIMINGS: ProgressTimings = { liveAfter: seconds('DOPS_PROGRESS_AFTER', 2, 0), stillRunningEvery: seconds('DOPS_STILL_RUNNING_EVERY', 30, 1) };
const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * Signs of life while nodes run, so a long model is never silent. On a terminal: a live bottom
 * line (log-update) with a spinner and each running node's elapsed seconds, once one has run
 * {@link ProgressTimings.liveAfter} s; other output clears it first (use {@link write}). Piped: a
 * `still running: NAME (30 s)` line per node every {@link ProgressTimings.stillRunningEvery} s.
 */
export class NodeProgress {
  private readonly running = new Map<string, number>();
  /** Piped: how many `still running` lines each node has had. */
  private readonly reported = new Map<string, number>();
  private stop: (() => void) | undefined;
  /** The live line on a terminal; undefined when piped, or on a terminal until log-update has loaded. */
  private live: ReturnType<CreateLogUpdate> | undefined;
  private liveShown = false;
  private frame = 0;

  constructor(
    private readonly out: OutputStream,
    private readonly clock: ProgressClock = SYSTEM_CLOCK,
    private readonly timings: ProgressTimings = DEFAULT_TIMINGS,
  ) {
    // A pseudo-terminal may report 0 columns (e.g. under `script`); log-update would wrap to nothing.
    const size = out as { columns?: number; rows?: number };
    const screen = { write: (text: string) => out.write(text), get columns() { return size.columns || 80; }, get rows() { return size.rows || 24; } };
    const create = (make: CreateLogUpdate) => make(screen as unknown as NodeJS.WriteStream, { showCursor: true });
    if (!out.isTTY) return;
    if (createLogUpdate) this.live = create(createLogUpdate);
    else
      void loadLogUpdate().then(
        (make) => (this.live ??= create(make)),
        () => undefined,
      );
  }

  /** A node started. */
  started(name: string): void {
    this.running.set(name, this.clock.now());
    this.stop ??= this.clock.every(this.out.isTTY ? 200 : 1000, () => this.tick());
  }

  /** A node ended. */
  finished(name: string): void {
    this.running.delete(name);
    this.reported.delete(name);
    if (this.running.size === 0) this.end();
  }

  /** Writes text above the live line (which is cleared and redrawn). */
  write(text: string): void {
    if (!this.liveShown) {
      this.out.write(text);
      return;
    }
    this.live!.clear();
    this.out.write(text);
    this.draw();
  }

  /** Stops the timer and removes the live line. */
  end(): void {
    this.stop?.();
    this.stop = undefined;
    if (this.liveShown) this.live!.clear();
    this.liveShown = false;
  }

  /** One timer tick: redraw the live line, or print due `still running` lines. */
  tick(): void {
    const now = this.clock.now();
    if (this.out.isTTY) {
      // Until log-update has loaded (well before the first live line is due): nothing to draw.
      if (!this.live) return;
      this.frame = (this.frame + 1) % SPINNER.length;
      this.draw(now);
      return;
    }
    for (const [name, since] of this.running) {
      const due = Math.floor((now - since) / 1000 / this.timings.stillRunningEvery);
      if (due > (this.reported.get(name) ?? 0)) {
        this.reported.set(name, due);
        this.out.write(`still running: ${name} (${due * this.timings.stillRunningEvery} s)\n`);
      }
    }
  }

  private draw(now = this.clock.now()): void {
    const slow = [...this.running].filter(([, since]) => now - since >= this.timings.liveAfter * 1000);
    if (slow.length === 0) {
      if (this.liveShown) this.live!.clear();
      this.liveShown = false;
      return;
    }
    const names = slow.map(([name, since]) => `${name} (${Math.floor((now - since) / 1000)} s)`).join(', ');
    this.live!(`${SPINNER[this.frame]} running ${names}`);
    this.liveShown = true;
  }
}
