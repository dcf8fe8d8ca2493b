import type { DopsError } from '../errors.js';
import { relationName, type ManifestNode } from '../manifest/nodes.js';
import type { NodeResult } from '../runner/results.js';
import { colorsFor, formatError, type OutputStream } from '../reporter/terminal.js';
import { describeChanges, type FileChange } from './changes.js';
import type { StaleRelation } from './affected.js';

/** Milliseconds spent in each step of a rebuild (wall clock). */
export interface RebuildTimings {
  /** Re-reading changed files, re-parsing and validating the project. */
  loadMs: number;
  /** Change detection, dropping stale relations, writing manifest.json, selecting nodes. */
  planMs: number;
  /** Running the affected nodes (compile + DuckDB), writing run_results.json, reporting. */
  runMs: number;
  /** Sum of the nodes' own execution times (compile + DuckDB work). */
  nodeMs: number;
  /** Writing manifest.json, done right after the summary (so not part of `totalMs`; set once written). */
  manifestMs: number;
  /** From the start of the rebuild to its summary. */
  totalMs: number;
}

/** What one rebuild did; passed to {@link WatchReporter.rebuildFinished}. */
export interface RebuildReport {
  /** True for the build watch mode starts with. */
  initial: boolean;
  /** The file events behind it, one per path. */
  changes: FileChange[];
  /** The project error that stopped it, if the project could not be loaded. */
  error?: DopsError;
  /** Relations dropped because their model was deleted, renamed or moved. */
  dropped: StaleRelation[];
  /** Results of the nodes it ran (empty when nothing was affected or the project failed to load). */
  results: NodeResult[];
  /** Resource type of each result's node. */
  resourceTypes: Map<string, ManifestNode['resourceType']>;
  /** Epoch ms of the first file event of the batch (the rebuild's start for the initial build). */
  firstEventAt: number;
  /** Epoch ms when the rebuild started (after the debounce). */
  startedAt: number;
  timings: RebuildTimings;
}

/** Counts of a rebuild's results for the summary line. */
export interface RebuildCounts {
  /** Models and seeds run (any status). */
  nodes: number;
  built: number;
  errors: number;
  skipped: number;
  testsPassed: number;
  testsFailed: number;
  testsWarned: number;
  testsSkipped: number;
}

/** Tallies a rebuild's results: models and seeds as nodes, tests apart (a test error counts as failed). */
export function countResults(report: Pick<RebuildReport, 'results' | 'resourceTypes'>): RebuildCounts {
  const counts: RebuildCounts = { nodes: 0, built: 0, errors: 0, skipped: 0, testsPassed: 0, testsFailed: 0, testsWarned: 0, testsSkipped: 0 };
  for (const result of report.results) {
    if (report.resourceTypes.get(result.uniqueId) === 'test') {
      if (result.status === 'pass') counts.testsPassed++;
      else if (result.status === 'warn') counts.testsWarned++;
      else if (result.status === 'skipped') counts.testsSkipped++;
      else counts.testsFailed++;
    } else {
      counts.nodes++;
      if (result.status === 'success') counts.built++;
      else if (result.status === 'skipped') counts.skipped++;
      else counts.errors++;
    }
  }
  return counts;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The one line that ends every rebuild, e.g.
 * `[watch] models/staging/stg_a.sql changed: rebuilt 3 nodes, tests 4 passed 0 failed in 142 ms`.
 */
export function summaryLine(report: RebuildReport): string {
  const what = report.initial ? 'initial build' : describeChanges(report.changes);
  const ms = `in ${Math.round(report.timings.totalMs)} ms`;
  const dropped = report.dropped.length ? `dropped ${report.dropped.map((d) => relationName(d.relation)).join(', ')}; ` : '';
  if (report.error) return `[watch] ${what}: ${dropped}project error, nothing rebuilt ${ms} (fix it and save again)`;
  const c = countResults(report);
  if (c.nodes === 0 && report.results.length === 0) return `[watch] ${what}: ${dropped}nothing to rebuild ${ms}`;
  const problems = [c.errors ? `${c.errors} error${c.errors === 1 ? '' : 's'}` : '', c.skipped ? `${c.skipped} skipped` : ''].filter(Boolean);
  const nodes = problems.length ? `rebuilt ${c.built} of ${plural(c.nodes, 'node')} (${problems.join(', ')})` : `rebuilt ${plural(c.built, 'node')}`;
  const extra = [c.testsWarned ? `${c.testsWarned} warned` : '', c.testsSkipped ? `${c.testsSkipped} skipped` : ''].filter(Boolean);
  const tests = `tests ${c.testsPassed} passed ${c.testsFailed} failed${extra.length ? ` (${extra.join(', ')})` : ''}`;
  return `[watch] ${what}: ${dropped}${nodes}, ${tests} ${ms}`;
}

/** What a watch session tells the outside world, besides the run events of its {@link Reporter}. */
export interface WatchReporter {
  /** The initial scan is done; file changes now trigger rebuilds. */
  watching?(projectDir: string): void;
  /** A rebuild starts for these changes. */
  rebuildStarted?(changes: FileChange[], initial: boolean): void;
  /** The project could not be loaded (YAML, template, ref, cycle problems); nothing ran. */
  projectError?(error: DopsError): void;
  /** A relation was dropped because its model was deleted, renamed or moved. */
  relationDropped?(stale: StaleRelation): void;
  /** Something worth telling that is not an error of the project. */
  notice?(message: string): void;
  /** A bug in dops; the session keeps watching. */
  internalError?(error: unknown): void;
  /** A rebuild ended. */
  rebuildFinished?(report: RebuildReport): void;
  /** The session stopped (watcher closed, database closed). */
  stopped?(): void;
}

/** Prints watch mode's own lines; project errors print exactly as `build` prints them. */
export class TerminalWatchReporter implements WatchReporter {
  private readonly color: ReturnType<typeof colorsFor>;

  /**
   * @param out watch lines and summaries (stdout)
   * @param err project errors (stderr, as `build` does)
   */
  constructor(private readonly out: OutputStream, private readonly err: OutputStream = out, private readonly debug = false) {
    this.color = colorsFor(out);
  }

  watching(projectDir: string): void {
    this.out.write(`${this.tag()} watching ${projectDir} for changes (Ctrl-C to stop)\n`);
  }

  rebuildStarted(changes: FileChange[], initial: boolean): void {
    this.out.write(`\n${this.tag()} ${initial ? 'initial build' : `${describeChanges(changes)}, rebuilding`}\n`);
  }

  projectError(error: DopsError): void {
    this.err.write(formatError(error, this.err));
    if (this.debug && error.stack) this.err.write(`${error.stack}\n`);
  }

  relationDropped(stale: StaleRelation): void {
    const why = stale.reason === 'deleted' ? `${stale.node.originalFilePath} no longer defines ${stale.node.resourceType} ${stale.node.name}` : `${stale.node.resourceType} ${stale.node.name} now builds elsewhere`;
    this.out.write(`${this.tag()} dropped ${relationName(stale.relation)} (${why})\n`);
  }

  notice(message: string): void {
    this.out.write(`${this.tag()} ${message}\n`);
  }

  internalError(error: unknown): void {
    const err = error as Error;
    this.err.write(`Internal error: ${err?.message ?? String(error)}\n`);
    this.err.write(this.debug ? `${err?.stack}\n` : 'Run again with --debug for the stack trace, and report it. Still watching.\n');
  }

  rebuildFinished(report: RebuildReport): void {
    const line = summaryLine(report);
    const failed = report.error || countResults(report).errors || countResults(report).testsFailed;
    this.out.write(`${failed ? this.color.red(line) : this.color.green(line)}\n`);
  }

  stopped(): void {
    this.out.write(`${this.tag()} stopped\n`);
  }

  private tag(): string {
    return this.color.cyan('[watch]');
  }
}
