import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RebuildQueue } from '../../../src/watch/queue.js';

/** A rebuild function whose runs are recorded and finish only when told to. */
function controlledRebuild() {
  const batches: string[][] = [];
  const finishers: (() => void)[] = [];
  const rebuild = (batch: string[]) =>
    new Promise<void>((resolve) => {
      batches.push(batch);
      finishers.push(resolve);
    });
  return { batches, rebuild, finish: () => finishers.shift()!() };
}

describe('RebuildQueue', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('debounces a burst of saves into one rebuild after the quiet time', async () => {
    const r = controlledRebuild();
    const queue = new RebuildQueue(r.rebuild, 100);
    queue.push('a');
    await vi.advanceTimersByTimeAsync(60);
    queue.push('b');
    await vi.advanceTimersByTimeAsync(60);
    queue.push('c');
    await vi.advanceTimersByTimeAsync(99);
    expect(r.batches).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(r.batches).toEqual([['a', 'b', 'c']]);
  });

  it('queues exactly one more rebuild for changes arriving mid-rebuild', async () => {
    const r = controlledRebuild();
    const queue = new RebuildQueue(r.rebuild, 100);
    queue.push('a');
    await vi.advanceTimersByTimeAsync(100);
    expect(queue.busy).toBe(true);
    queue.push('b');
    await vi.advanceTimersByTimeAsync(150);
    queue.push('c');
    queue.push('d');
    await vi.advanceTimersByTimeAsync(500);
    expect(r.batches).toEqual([['a']]);
    r.finish();
    await vi.advanceTimersByTimeAsync(100);
    expect(r.batches).toEqual([['a'], ['b', 'c', 'd']]);
    r.finish();
    await vi.advanceTimersByTimeAsync(1000);
    expect(r.batches.length).toBe(2);
  });

  it('waits the rest of the quiet time after the last mid-rebuild change', async () => {
    const r = controlledRebuild();
    const queue = new RebuildQueue(r.rebuild, 100);
    queue.push('a');
    await vi.advanceTimersByTimeAsync(100);
    queue.push('b');
    await vi.advanceTimersByTimeAsync(30);
    r.finish();
    await vi.advanceTimersByTimeAsync(69);
    expect(r.batches.length).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(r.batches).toEqual([['a'], ['b']]);
  });

  it('starts pushNow at once', async () => {
    const r = controlledRebuild();
    const queue = new RebuildQueue(r.rebuild, 100);
    queue.pushNow('initial');
    await vi.advanceTimersByTimeAsync(0);
    expect(r.batches).toEqual([['initial']]);
  });

  it('never overlaps rebuilds', async () => {
    let running = 0;
    let most = 0;
    const queue = new RebuildQueue<string>(async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 250));
      running--;
    }, 10);
    for (let i = 0; i < 20; i++) {
      queue.push(String(i));
      await vi.advanceTimersByTimeAsync(37);
    }
    await vi.advanceTimersByTimeAsync(2000);
    expect(most).toBe(1);
  });

  it('keeps going after a rebuild throws, passing the error on', async () => {
    const errors: unknown[] = [];
    const seen: string[][] = [];
    const queue = new RebuildQueue<string>(async (batch) => {
      seen.push(batch);
      if (batch[0] === 'bad') throw new Error('boom');
    }, 10, (error) => errors.push(error));
    queue.push('bad');
    await vi.advanceTimersByTimeAsync(10);
    queue.push('good');
    await vi.advanceTimersByTimeAsync(10);
    expect(seen).toEqual([['bad'], ['good']]);
    expect((errors[0] as Error).message).toBe('boom');
  });

  it('idle() resolves once nothing runs or waits; close() drops waiting changes and awaits the running rebuild', async () => {
    const r = controlledRebuild();
    const queue = new RebuildQueue(r.rebuild, 100);
    await queue.idle();
    queue.push('a');
    let idle = false;
    void queue.idle().then(() => (idle = true));
    await vi.advanceTimersByTimeAsync(100);
    queue.push('b');
    let closed = false;
    const closing = queue.close().then(() => (closed = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(closed).toBe(false);
    r.finish();
    await closing;
    await vi.advanceTimersByTimeAsync(500);
    expect(idle).toBe(true);
    expect(r.batches).toEqual([['a']]);
    queue.push('ignored after close');
    await vi.advanceTimersByTimeAsync(500);
    expect(r.batches).toEqual([['a']]);
  });
});
