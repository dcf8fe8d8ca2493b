import { describe, expect, it } from 'vitest';
import { loadLogUpdate, NodeProgress, type ProgressClock } from '../../../src/reporter/progress.js';

/** A clock the test moves by hand; `every` records the tick so the test calls it. */
function manualClock() {
  const clock = {
    ms: 0,
    ticks: [] as (() => void)[],
    stopped: 0,
    now: () => clock.ms,
    every(_ms: number, tick: () => void) {
      clock.ticks.push(tick);
      return () => {
        clock.stopped += 1;
      };
    },
    advance(seconds: number) {
      clock.ms += seconds * 1000;
      for (const tick of clock.ticks) tick();
    },
  };
  return clock satisfies ProgressClock;
}

function pipe() {
  const s = { out: '', isTTY: false, write: (text: string) => (s.out += text) };
  return s;
}

describe('NodeProgress when piped', () => {
  it('prints a still running line per node every 30 s, and nothing after it ends', () => {
    const clock = manualClock();
    const out = pipe();
    const progress = new NodeProgress(out, clock);
    progress.started('stg_flights');
    clock.advance(29);
    expect(out.out).toBe('');
    clock.advance(1);
    expect(out.out).toBe('still running: stg_flights (30 s)\n');
    clock.advance(10);
    progress.started('dim_date');
    clock.advance(20);
    expect(out.out).toBe('still running: stg_flights (30 s)\nstill running: stg_flights (60 s)\n');
    progress.finished('stg_flights');
    clock.advance(10);
    expect(out.out.split('\n').filter(Boolean)).toEqual(['still running: stg_flights (30 s)', 'still running: stg_flights (60 s)', 'still running: dim_date (30 s)']);
    progress.finished('dim_date');
    expect(clock.stopped).toBe(1);
  });

  it('writes other text straight through', () => {
    const out = pipe();
    const progress = new NodeProgress(out, manualClock());
    progress.write('1 of 2 START ...\n');
    expect(out.out).toBe('1 of 2 START ...\n');
  });
});

describe('NodeProgress on a terminal', () => {
  it('shows a live line for a slow node once log-update has loaded (it loads on demand), and clears it at the end', async () => {
    const clock = manualClock();
    const out = { out: '', isTTY: true, columns: 80, rows: 24, write: (text: string) => (out.out += text) };
    const progress = new NodeProgress(out, clock, { liveAfter: 2, stillRunningEvery: 30 });
    progress.started('slow_model');
    // log-update is imported when the first terminal progress is made.
    await loadLogUpdate();
    await Promise.resolve();
    clock.advance(1);
    expect(out.out).toBe('');
    clock.advance(1);
    expect(out.out).toMatch(/running slow_model \(2 s\)/);
    expect(out.out).not.toContain('still running');
    progress.finished('slow_model');
    expect(clock.stopped).toBe(1);
  });
});
