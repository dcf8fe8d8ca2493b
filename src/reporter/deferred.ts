import type { Reporter } from './reporter.js';

/**
 * A reporter whose per-node events (`nodeStarted`, `nodeFinished`) wait until the JS thread is
 * idle: they are queued and handed to `reporter` in one batch from `setImmediate`, which during a
 * run fires right after the next statement was handed to the database, so formatting thousands
 * of node lines overlaps the database's work instead of delaying the next statement. Events keep
 * their order: any other event (a template's log, warnings, the run's end) first hands over the
 * queued ones, and so does the process exiting.
 * @param reporter receives every event, in the order they were reported
 * @returns a reporter with the same events (typed `Required`: tsc fails when one is not passed
 *   on); an error the wrapped reporter throws while handling queued events is thrown by the next
 *   event reported (e.g. `runFinished`)
 */
export function deferNodeEvents(reporter: Reporter): Required<Reporter> {
  const queue: (() => void)[] = [];
  let scheduled: NodeJS.Immediate | undefined;
  let failure: { error: unknown } | undefined;
  const flush = () => {
    if (scheduled) clearImmediate(scheduled);
    scheduled = undefined;
    for (const event of queue.splice(0)) event();
  };
  const flushLater = () => {
    scheduled = undefined;
    try {
      flush();
    } catch (error) {
      failure ??= { error };
    }
  };
  const later = (event: () => void) => {
    queue.push(event);
    scheduled ??= setImmediate(flushLater);
  };
  // Hooked now, before the reporter's own outputs hook theirs: exit listeners run in the order
  // added, so what is still queued reaches them before they write their last text.
  process.once('exit', flushLater);
  /** Hands over the queued events, then raises an error one of them threw. */
  const settle = () => {
    flush();
    if (failure) {
      const { error } = failure;
      failure = undefined;
      throw error;
    }
  };
  return {
    warnings: (messages) => {
      settle();
      reporter.warnings?.(messages);
    },
    log: (message) => {
      settle();
      reporter.log?.(message);
    },
    print: (message) => {
      settle();
      reporter.print?.(message);
    },
    runStarted: (total, info) => {
      settle();
      reporter.runStarted?.(total, info);
    },
    nodeStarted: (node, thread) => later(() => reporter.nodeStarted?.(node, thread)),
    nodeFinished: (node, result, index, total) => later(() => reporter.nodeFinished?.(node, result, index, total)),
    hookStarted: (name, index, total, kind) => {
      settle();
      reporter.hookStarted?.(name, index, total, kind);
    },
    hookFinished: (name, status, message, seconds, index, total, kind) => {
      settle();
      reporter.hookFinished?.(name, status, message, seconds, index, total, kind);
    },
    runFinished: (results, summary, nodes) => {
      settle();
      reporter.runFinished?.(results, summary, nodes);
    },
  };
}
