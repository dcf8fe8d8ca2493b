import { WatchSession, type WatchOptions } from '../watch/session.js';

export { DEFAULT_DEBOUNCE_MS, WatchSession, type WatchOptions } from '../watch/session.js';
export { countResults, summaryLine, TerminalWatchReporter, type RebuildReport, type RebuildTimings, type WatchReporter } from '../watch/reporter.js';
export type { FileChange } from '../watch/changes.js';

/**
 * `dops watch` (and `dops build --watch`): builds the selection, then watches the project's
 * models, seeds, tests, macros, YAML and project file, and after each burst of saves rebuilds the
 * changed nodes, everything downstream of them and their tests. One DuckDB connection set stays
 * open for the session.
 * @returns the running session once the database is open and the watcher ready; the initial build
 *   runs in the background (see `session.idle()` and the watch reporter's `rebuildFinished`)
 * @throws ConfigError for a bad project file, target or selector, or when another process holds
 *   the database file
 */
export function watch(options: WatchOptions = {}): Promise<WatchSession> {
  return WatchSession.start(options);
}
