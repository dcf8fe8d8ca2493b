import pc from 'picocolors';
import { DopsError, DopsErrorGroup, formatLocation } from '../errors.js';
import { relationName, type ManifestNode } from '../manifest/nodes.js';
import type { NodeResult, RunSummary } from '../runner/results.js';
import { BatchedOutput } from './batched-output.js';
import { NodeProgress, type ProgressClock, type ProgressTimings } from './progress.js';
import type { HookKind, HookStatus, Reporter, RunInfo } from './reporter.js';

/** Where terminal output goes; `isTTY` decides colors. */
export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

const LINE_WIDTH = 80;

let colorChoice: boolean | undefined;

/**
 * `--use-colors` / `--no-use-colors` (dbt's flags): forces colors on or off for this process;
 * undefined restores the default (see {@link colorsFor}).
 */
export function setUseColors(use: boolean | undefined): void {
  colorChoice = use;
}

/**
 * Colors on a TTY unless NO_COLOR is set (no-color.org); plain text otherwise. `--use-colors` /
 * `--no-use-colors` ({@link setUseColors}) override both.
 */
export function colorsFor(stream: OutputStream): ReturnType<typeof pc.createColors> {
  return pc.createColors(colorChoice ?? (Boolean(stream.isTTY) && !('NO_COLOR' in process.env)));
}

/** dbt's log levels, lowest first; `none` prints nothing. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'none'] as const;
/** A `--log-level` value. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** What a {@link TerminalReporter} prints. */
export interface TerminalOptions {
  /** Lowest level printed (default `info`); `--quiet` is `error`. */
  logLevel?: LogLevel;
  /** Show progress for long-running nodes (default true). */
  progress?: boolean;
  /** Clock for the progress line (tests inject one). */
  clock?: ProgressClock;
  timings?: ProgressTimings;
}

/** `Found 9 models, 62 data tests, 1 seed, 1 snapshot, 1 source`: dbt's count of the project's nodes. */
export function foundLine(nodes: Iterable<ManifestNode>): string {
  const counts = new Map<string, number>();
  for (const node of nodes) counts.set(node.resourceType, (counts.get(node.resourceType) ?? 0) + 1);
  const parts = (
    [
      ['model', 'model', 'models'],
      ['test', 'data test', 'data tests'],
      ['unit_test', 'unit test', 'unit tests'],
      ['seed', 'seed', 'seeds'],
      ['snapshot', 'snapshot', 'snapshots'],
      ['source', 'source', 'sources'],
    ] as const
  )
    .filter(([type]) => counts.get(type))
    .map(([type, one, many]) => `${counts.get(type)} ${counts.get(type) === 1 ? one : many}`);
  return `Found ${parts.length ? parts.join(', ') : 'nothing'}`;
}

/** What dbt's START line calls a node: `sql table model core.fact_flights`, `seed file raw.airports`, `test unique_x`. */
export function startSubject(node: ManifestNode): string {
  if (node.resourceType === 'model') return `sql ${node.config.materialized} model ${subject(node)}`;
  if (node.resourceType === 'seed') return `seed file ${subject(node)}`;
  return `${node.resourceType} ${subject(node)}`;
}

function seconds(value: number): string {
  return `${value.toFixed(2)}s`;
}

function subject(node: ManifestNode): string {
  if (node.resourceType === 'unit_test') return `${node.model}::${node.name}`;
  return node.resourceType === 'test' ? node.name : relationName(node.relation);
}

function errorVerb(node: ManifestNode): string {
  if (node.resourceType === 'test') return 'in test';
  if (node.resourceType === 'unit_test') return 'in unit test';
  if (node.resourceType === 'seed') return 'loading seed';
  return `creating ${node.config.materialized}`;
}

/** Color functions (picocolors'); `colorsFor` gives them for a stream, `plainColors` none. */
export type Colors = ReturnType<typeof pc.createColors>;

/** Colors that change nothing: the text of a line as a log file or a JSON event shows it. */
export const plainColors: Colors = pc.createColors(false);

/** dbt's START line of a node: `1 of 3 START sql view model main.orders ........ [RUN]` (no newline). */
export function startLine(node: ManifestNode, index: number, total: number, color: Colors = plainColors): string {
  const prefix = `${String(index).padStart(String(total).length)} of ${total} `;
  const text = `START ${startSubject(node)} `;
  const dots = '.'.repeat(Math.max(3, LINE_WIDTH - prefix.length - text.length - 3 - 3));
  return `${prefix}${text}${color.dim(dots)} [RUN]`;
}

/** dbt's result line of a node: `1 of 3 OK created sql view model main.orders .... [OK in 0.01s]` (no newline). */
export function resultLine(node: ManifestNode, result: NodeResult, index: number, total: number, color: Colors = plainColors): string {
  const { label, info, paint } = describe(node, result, color);
  const prefix = `${String(index).padStart(String(total).length)} of ${total} `;
  const text = `${label} ${subject(node)} `;
  const dots = '.'.repeat(Math.max(3, LINE_WIDTH - prefix.length - text.length - info.length - 3));
  return `${prefix}${paint(label)} ${subject(node)} ${color.dim(dots)} [${paint(info)}]`;
}

/**
 * dbt's START line of an on-run-start / on-run-end hook (its `LogHookStartLine`):
 * `1 of 1 START hook: <project>.on-run-start.0 .... [RUN]` (no newline), as wide as a node's.
 */
export function hookStartLine(name: string, index: number, total: number, color: Colors = plainColors): string {
  const prefix = `${index} of ${total} `;
  const text = `START hook: ${name} `;
  const dots = '.'.repeat(Math.max(3, LINE_WIDTH - prefix.length - text.length - 3 - 3));
  return `${prefix}${text}${color.dim(dots)} [RUN]`;
}

/**
 * dbt's end line of a hook (its `LogHookEndLine`): `1 of 1 OK hook: <project>.on-run-start.0 .... [OK in 0.01s]`
 * (no newline); `ERROR hook:` in red, a hook skipped after a failed one `SKIP hook:` in yellow.
 */
export function hookLine(name: string, status: HookStatus, secs: number, index: number, total: number, color: Colors = plainColors): string {
  const paint = status === 'success' ? color.green : status === 'skipped' ? color.yellow : color.red;
  const word = status === 'success' ? 'OK' : status === 'skipped' ? 'SKIP' : 'ERROR';
  const label = `${word} hook:`;
  const info = `${word} in ${seconds(secs)}`;
  const prefix = `${index} of ${total} `;
  const dots = '.'.repeat(Math.max(3, LINE_WIDTH - prefix.length - label.length - name.length - info.length - 5));
  return `${prefix}${paint(label)} ${name} ${color.dim(dots)} [${paint(info)}]`;
}

/** The `Done. PASS=.. WARN=.. ERROR=.. SKIP=.. TOTAL=..` counts of a run (without `Done. `). */
export function statsCounts(summary: RunSummary): string {
  return `PASS=${summary.pass}${summary.reused ? ` REUSED=${summary.reused}` : ''} WARN=${summary.warn} ERROR=${summary.error} SKIP=${summary.skip} TOTAL=${summary.total}`;
}

/** `Finished running 3 nodes in 0.12s.` */
export function finishedLine(summary: RunSummary): string {
  return `Finished running ${summary.total} node${summary.total === 1 ? '' : 's'} in ${seconds(summary.elapsed)}.`;
}

/** The head of the problems block: `Completed with 1 error and 2 warnings:` / `Completed with warnings:` (uncolored). */
export function completedHead(errors: number, warns: number): string {
  return `${errors ? `Completed with ${errors} error${errors === 1 ? '' : 's'}` : 'Completed with warnings'}${errors && warns ? ` and ${warns} warning${warns === 1 ? '' : 's'}` : ''}:`;
}


function describe(node: ManifestNode, result: NodeResult, c: Colors): { label: string; info: string; paint: (s: string) => string } {
  const time = seconds(result.executionTime);
  const rows = result.rowsAffected === undefined ? 'OK' : `${result.rowsAffected} rows`;
  if (result.reused) return { label: 'REUSED', info: result.status === 'warn' ? `REUSED WARN ${result.failures}` : `REUSED in ${time}`, paint: result.status === 'warn' ? c.yellow : c.green };
  switch (result.status) {
    case 'success':
      return { label: `OK ${result.message}`, info: `${rows} in ${time}`, paint: c.green };
    case 'pass':
      return { label: 'PASS', info: `PASS in ${time}`, paint: c.green };
    case 'warn':
      return { label: `WARN ${result.failures}`, info: `WARN ${result.failures} in ${time}`, paint: c.yellow };
    case 'fail':
      return { label: `FAIL ${result.failures}`, info: `FAIL ${result.failures} in ${time}`, paint: c.red };
    case 'skipped':
      return { label: 'SKIP', info: 'SKIP', paint: c.yellow };
    default:
      return { label: `ERROR ${errorVerb(node)}`, info: `ERROR in ${time}`, paint: c.red };
  }
}

/**
 * Prints a run the way dbt does: one line per node with its index, status, relation, rows and
 * seconds, then the details of failures and warnings and a `Done.` line with the counts. Node
 * lines to a terminal, pipe or file are written in batches (see {@link BatchedOutput}); every
 * other event first writes the lines still waiting, so the order never changes.
 */
export class TerminalReporter implements Reporter {
  private readonly color: ReturnType<typeof pc.createColors>;
  private readonly lines: BatchedOutput;
  /** on-run-start / on-run-end hooks that failed in this run. */
  private hookErrors = 0;
  private readonly progress: NodeProgress | undefined;
  /** Where text goes: above the live progress line, when there is one. */
  private readonly sink: OutputStream;
  private readonly level: number;
  private started = 0;
  private total = 0;

  constructor(
    private readonly out: OutputStream,
    options: TerminalOptions = {},
  ) {
    this.color = colorsFor(out);
    this.level = LOG_LEVELS.indexOf(options.logLevel ?? 'info');
    const progress = options.progress !== false && this.shows('info') ? new NodeProgress(out, options.clock, options.timings) : undefined;
    this.progress = progress;
    const fd = (out as { fd?: unknown }).fd;
    this.sink = progress ? { write: (text: string) => progress.write(text), isTTY: out.isTTY, ...(typeof fd === 'number' ? { fd } : {}) } : out;
    this.lines = new BatchedOutput(this.sink);
  }

  private shows(level: LogLevel): boolean {
    return LOG_LEVELS.indexOf(level) >= this.level && level !== 'none';
  }

  warnings(messages: string[]): void {
    if (!this.shows('warn')) return;
    this.lines.flush();
    for (const message of messages) this.sink.write(`${this.color.yellow('Warning:')} ${message}\n`);
  }

  log(message: string): void {
    if (!this.shows('info')) return;
    this.lines.flush();
    this.sink.write(`${message}\n`);
  }

  runStarted(total: number, info?: RunInfo): void {
    this.total = total;
    this.started = 0;
    if (!this.shows('info')) return;
    this.lines.flush();
    if (!info) {
      this.sink.write(`Running ${total} node${total === 1 ? '' : 's'}\n\n`);
      return;
    }
    this.sink.write(`${foundLine(info.nodes)}\n\n`);
    if (total > 0) this.sink.write(`Concurrency: ${info.threads} thread${info.threads === 1 ? '' : 's'} (target='${info.target}')\n\n`);
  }

  nodeStarted(node: ManifestNode): void {
    this.started += 1;
    if (!this.shows('info')) return;
    this.progress?.started(node.name);
    this.lines.write(`${startLine(node, this.started, this.total, this.color)}\n`);
  }

  nodeFinished(node: ManifestNode, result: NodeResult, index: number, total: number): void {
    this.progress?.finished(node.name);
    if (!this.shows('info')) return;
    this.lines.write(`${resultLine(node, result, index, total, this.color)}\n`);
  }

  /**
   * dbt's START line of a hook. As dbt 1.10 lays a run out, the on-run-end hooks open with an
   * empty line (https://docs.getdbt.com/reference/project-configs/on-run-start-on-run-end).
   */
  hookStarted(name: string, index: number, total: number, kind: HookKind): void {
    if (!this.shows('info')) return;
    this.lines.flush();
    this.sink.write(`${kind === 'on-run-end' && index === 1 ? '\n' : ''}${hookStartLine(name, index, total, this.color)}\n`);
  }

  /**
   * dbt's end line of a hook: `1 of 1 OK hook: <project>.on-run-start.0 .... [OK in 0.01s]`; a
   * failure adds its message and shows at `--log-level error` too. The last on-run-start hook is
   * followed by an empty line, before the nodes.
   */
  hookFinished(name: string, status: HookStatus, message: string, secs: number, index: number, total: number, kind?: HookKind): void {
    if (status === 'error') this.hookErrors++;
    if (!this.shows(status === 'error' ? 'error' : 'info')) return;
    this.lines.flush();
    const last = kind === 'on-run-start' && index === total && this.shows('info');
    this.sink.write(`${hookLine(name, status, secs, index, total, this.color)}\n${status === 'error' ? `  ${message}\n` : ''}${last ? '\n' : ''}`);
  }

  runFinished(results: NodeResult[], summary: RunSummary, nodes: Map<string, ManifestNode>): void {
    this.progress?.end();
    this.lines.flush();
    if (summary.total === 0) {
      if (this.shows('info')) this.sink.write('Nothing to do. Try checking your model configs and model specification args\n');
      return;
    }
    const info = this.shows('info');
    const problems = results.filter((r) => r.status === 'error' || r.status === 'fail' || r.status === 'warn');
    const errors = results.filter((r) => r.status === 'error' || r.status === 'fail').length;
    const c = this.color;
    if (info) this.sink.write(`\n${finishedLine(summary)}\n`);
    if (problems.length && (errors || this.shows('warn'))) {
      const warns = problems.length - errors;
      const head = errors ? c.red(`Completed with ${errors} error${errors === 1 ? '' : 's'}`) : c.yellow('Completed with warnings');
      this.sink.write(`\n${head}${errors && warns ? ` and ${warns} warning${warns === 1 ? '' : 's'}` : ''}:\n`);
      for (const result of problems) {
        if (result.status === 'warn' && !this.shows('warn')) continue;
        const node = nodes.get(result.uniqueId)!;
        const kind = result.status === 'warn' ? c.yellow('Warning') : c.red(result.status === 'fail' ? 'Failure' : 'Error');
        this.sink.write(`\n${kind} in ${node.resourceType} ${node.name} (${node.originalFilePath})\n  ${result.message}\n`);
        if (result.compiledPath && result.status !== 'error') this.sink.write(`  compiled SQL: ${result.compiledPath}\n`);
      }
    } else if (this.hookErrors) {
      this.sink.write(`\n${c.red(`Completed with ${this.hookErrors} hook error${this.hookErrors === 1 ? '' : 's'}`)}\n`);
    } else if (info) {
      this.sink.write(`\n${c.green('Completed successfully')}\n`);
    }
    if (!info) return;
    const counts = statsCounts(summary);
    this.sink.write(`\nDone. ${errors ? c.red(counts) : summary.warn ? c.yellow(counts) : c.green(counts)}\n`);
  }
}


/**
 * Formats a user error for the terminal: `Error: file:line: message` plus a hint line; a group
 * prints each of its errors.
 */
export function formatError(error: DopsError, stream: OutputStream): string {
  const c = colorsFor(stream);
  const errors = error instanceof DopsErrorGroup ? error.errors : [error];
  const lines = errors.map((e) => {
    const where = e.location ? `${formatLocation(e.location)}: ` : '';
    return `${c.red('Error:')} ${where}${e.message}${e.hint ? `\n  ${c.dim(e.hint)}` : ''}`;
  });
  if (errors.length > 1) lines.push(`${errors.length} errors found; nothing was run.`);
  return `${lines.join('\n')}\n`;
}
