/** The clock the queue uses; tests pass fake timers. */
export interface QueueClock {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

const SYSTEM_CLOCK: QueueClock = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  now: () => Date.now(),
};

/**
 * Turns a stream of file events into rebuilds: events arriving within `delayMs` of each other are
 * debounced into one batch; events arriving while a rebuild runs are held and become exactly one
 * more rebuild once it ends (started `delayMs` after the last of them). Rebuilds never overlap.
 */
export class RebuildQueue<T> {
  private pending: T[] = [];
  private timer: unknown;
  private running: Promise<void> | undefined;
  private lastPush = 0;
  private closed = false;
  private waiters: (() => void)[] = [];

  /**
   * @param rebuild runs one batch; should not throw (a throw is passed to `onError`)
   * @param delayMs quiet time after the last event before a rebuild starts
   */
  constructor(
    private readonly rebuild: (batch: T[]) => Promise<void>,
    private readonly delayMs: number,
    private readonly onError: (error: unknown) => void = () => undefined,
    private readonly clock: QueueClock = SYSTEM_CLOCK,
  ) {}

  /** True while a rebuild runs. */
  get busy(): boolean {
    return this.running !== undefined;
  }

  /** Adds an event; a rebuild follows once events stop for `delayMs` (and any running rebuild ended). */
  push(item: T): void {
    if (this.closed) return;
    this.pending.push(item);
    this.lastPush = this.clock.now();
    if (!this.running) this.schedule(this.delayMs);
  }

  /** Adds an event and starts its rebuild without waiting (or right after the running one). */
  pushNow(item: T): void {
    if (this.closed) return;
    this.pending.push(item);
    this.lastPush = this.clock.now() - this.delayMs;
    if (!this.running) this.schedule(0);
  }

  /** Resolves once no rebuild runs and none is waiting. */
  idle(): Promise<void> {
    if (!this.running && this.timer === undefined && this.pending.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Drops waiting events and resolves when the running rebuild (if any) has ended. */
  async close(): Promise<void> {
    this.closed = true;
    this.pending = [];
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
    this.notifyIdle();
  }

  private schedule(ms: number): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.start();
    }, Math.max(0, ms));
  }

  private start(): void {
    if (this.closed || this.running || this.pending.length === 0) return this.notifyIdle();
    const batch = this.pending;
    this.pending = [];
    this.running = (async () => {
      try {
        await this.rebuild(batch);
      } catch (error) {
        this.onError(error);
      }
    })().finally(() => {
      this.running = undefined;
      if (!this.closed && this.pending.length > 0) this.schedule(this.lastPush + this.delayMs - this.clock.now());
      else this.notifyIdle();
    });
  }

  private notifyIdle(): void {
    if (this.running || this.timer !== undefined || (this.pending.length > 0 && !this.closed)) return;
    for (const resolve of this.waiters.splice(0)) resolve();
  }
}
