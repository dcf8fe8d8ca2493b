import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ManifestNode } from '../manifest/nodes.js';
import type { NodeResult, RunSummary } from '../runner/results.js';
import type { HookStatus, Reporter, RunInfo } from './reporter.js';

let active: FileLogReporter | undefined;

/** The file log of this invocation, once a command has opened one (the CLI's error boundary logs into it). */
export function activeFileLog(): FileLogReporter | undefined {
  return active;
}

/** Name of the log file in the log folder (dbt writes `logs/dbt.log`). */
export const LOG_FILE = 'dops.log';

function stamp(): string {
  return new Date().toISOString().slice(11, 23);
}

/**
 * The file log dbt keeps in `logs/dbt.log` (docs.getdbt.com/reference/events-logging): every event
 * of every invocation, at every level, appended with a time, a level and the runner thread. Lines
 * are collected in memory and appended in one write when the run ends (or the process exits), so
 * the log costs no system call per node.
 */
export class FileLogReporter implements Reporter {
  private pending: string[] = [];
  private readonly onExit = () => this.flush();

  /** @param path the log file (its folder is created when first written) */
  constructor(
    private readonly path: string,
    command: string,
  ) {
    process.once('exit', this.onExit);
    active = this;
    this.line('info', 'main', `Running dops ${command} (${process.argv.slice(2).join(' ')})`);
  }

  /** Adds one line. */
  line(level: 'debug' | 'info' | 'warn' | 'error', thread: string, message: string): void {
    this.pending.push(`${stamp()} [${level.padEnd(5)}] [${thread.padEnd(10)}]: ${message}\n`);
  }

  warnings(messages: string[]): void {
    for (const message of messages) this.line('warn', 'main', message);
  }

  /** Template output (`log(msg, info=True)`, `print()`), as dbt writes it to logs/dbt.log. */
  log(message: string): void {
    this.line('info', 'main', message);
  }

  runStarted(total: number, info?: RunInfo): void {
    this.line('info', 'main', `Running ${total} nodes${info ? ` on ${info.threads} threads (target='${info.target}')` : ''}`);
  }

  nodeStarted(node: ManifestNode, thread: number): void {
    this.line('debug', `Thread-${thread + 1}`, `Began running node ${node.uniqueId}`);
  }

  nodeFinished(node: ManifestNode, result: NodeResult, index: number, total: number): void {
    const level = result.status === 'error' || result.status === 'fail' ? 'error' : result.status === 'warn' ? 'warn' : 'info';
    this.line(level, `Thread-${result.thread + 1}`, `${index} of ${total} ${result.status} ${node.uniqueId} in ${result.executionTime.toFixed(2)}s${result.message ? `: ${result.message}` : ''}`);
  }

  /** dbt's `LogHookStartLine`, without the dots: `1 of 1 START hook: <project>.on-run-start.0`. */
  hookStarted(name: string, index: number, total: number): void {
    this.line('info', 'main', `${index} of ${total} START hook: ${name}`);
  }

  /** dbt's `LogHookEndLine`, without the dots: `1 of 1 OK hook: <project>.on-run-start.0 in 0.01s`; a failure is an `error` line with its message. */
  hookFinished(name: string, status: HookStatus, message: string, seconds: number, index: number, total: number): void {
    const label = status === 'success' ? 'OK' : status === 'skipped' ? 'SKIP' : 'ERROR';
    this.line(status === 'error' ? 'error' : 'info', 'main', `${index} of ${total} ${label} hook: ${name} in ${seconds.toFixed(2)}s${status === 'error' ? `: ${message}` : ''}`);
  }

  runFinished(_results: NodeResult[], summary: RunSummary): void {
    this.line('info', 'main', `Done. PASS=${summary.pass}${summary.reused ? ` REUSED=${summary.reused}` : ""} WARN=${summary.warn} ERROR=${summary.error} SKIP=${summary.skip} TOTAL=${summary.total} in ${summary.elapsed.toFixed(2)}s`);
    this.flush();
  }

  /** Appends the collected lines to the file. Never throws: a log that cannot be written is not a failed run. */
  flush(): void {
    if (this.pending.length === 0) return;
    const text = this.pending.join('');
    this.pending = [];
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      appendFileSync(this.path, text);
    } catch {
      // A read-only folder: the terminal output still tells the story.
    }
  }
}

/**
 * One reporter that forwards every event to each of `reporters`, in order. Typed `Required` so an
 * event added to {@link Reporter} cannot be left out here (tsc fails until it is forwarded).
 */
export function combineReporters(...reporters: Reporter[]): Required<Reporter> {
  return {
    warnings: (messages) => reporters.forEach((r) => r.warnings?.(messages)),
    log: (message) => reporters.forEach((r) => r.log?.(message)),
    print: (message) => reporters.forEach((r) => r.print?.(message)),
    runStarted: (total, info) => reporters.forEach((r) => r.runStarted?.(total, info)),
    nodeStarted: (node, thread) => reporters.forEach((r) => r.nodeStarted?.(node, thread)),
    nodeFinished: (node, result, index, total) => reporters.forEach((r) => r.nodeFinished?.(node, result, index, total)),
    hookStarted: (name, index, total, kind) => reporters.forEach((r) => r.hookStarted?.(name, index, total, kind)),
    hookFinished: (name, status, message, seconds, index, total, kind) => reporters.forEach((r) => r.hookFinished?.(name, status, message, seconds, index, total, kind)),
    runFinished: (results, summary, nodes) => reporters.forEach((r) => r.runFinished?.(results, summary, nodes)),
  };
}
