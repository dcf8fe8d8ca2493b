import type { ManifestNode } from '../manifest/nodes.js';
import type { NodeResult, RunSummary } from '../runner/results.js';

/** Which of the project's run hooks: dbt's `on-run-start` (before the nodes) or `on-run-end` (after them). */
export type HookKind = 'on-run-start' | 'on-run-end';

/** How an on-run hook ended; `skipped`: an earlier hook of its kind failed, so it did not run (as in dbt). */
export type HookStatus = 'success' | 'error' | 'skipped';

/** What a run is about, for the header dbt prints (`Found ...`, `Concurrency: ...`). */
export interface RunInfo {
  /** Every enabled node of the project. */
  nodes: Iterable<ManifestNode>;
  /** Threads the run may use. */
  threads: number;
  /** Target name. */
  target: string;
}

/** What the core tells the outside world while it works. The core never prints. */
export interface Reporter {
  /** Parsing found non-fatal problems. */
  warnings?(messages: string[]): void;
  /** A template printed a message: `{{ log(msg, info=True) }}`, `{{ print(msg) }}`, `print_table()`. */
  log?(message: string): void;
  /**
   * A template's `{{ print(msg) }}`, for reporters that place it among their events (the JSON
   * log's `PrintEvent`); the terminal's print output is written directly (src/reporter/print.ts).
   */
  print?(message: string): void;
  /** A run of `total` nodes starts. */
  runStarted?(total: number, info?: RunInfo): void;
  /** A node starts on runner thread `thread` (0-based). */
  nodeStarted?(node: ManifestNode, thread: number): void;
  /** A node ended (`index` is 1-based, in start order). */
  nodeFinished?(node: ManifestNode, result: NodeResult, index: number, total: number): void;
  /**
   * An on-run-start / on-run-end hook starts (dbt's `LogHookStartLine`): `name` is dbt's statement
   * name `<project>.on-run-start.<n>` (n 0-based), `index` is 1-based among the `total` hooks of
   * its `kind` (https://docs.getdbt.com/reference/project-configs/on-run-start-on-run-end).
   */
  hookStarted?(name: string, index: number, total: number, kind: HookKind): void;
  /**
   * An on-run-start / on-run-end hook ended (dbt's `LogHookEndLine`): `message` is the error's
   * text when `status` is `error`, `seconds` its run time (0 when skipped: a hook after a failed
   * one of its kind is not run, and not started); `index` and `kind` as in `hookStarted`.
   */
  hookFinished?(name: string, status: HookStatus, message: string, seconds: number, index: number, total: number, kind?: HookKind): void;
  /** The run ended. */
  runFinished?(results: NodeResult[], summary: RunSummary, nodes: Map<string, ManifestNode>): void;
}

/** A reporter that records events, for tests and programmatic use. */
export class CapturingReporter implements Reporter {
  readonly finished: { node: ManifestNode; result: NodeResult; index: number; total: number }[] = [];
  readonly warningsSeen: string[] = [];
  readonly logged: string[] = [];
  summary?: RunSummary;

  warnings(messages: string[]): void {
    this.warningsSeen.push(...messages);
  }

  log(message: string): void {
    this.logged.push(message);
  }

  nodeFinished(node: ManifestNode, result: NodeResult, index: number, total: number): void {
    this.finished.push({ node, result, index, total });
  }

  runFinished(_results: NodeResult[], summary: RunSummary): void {
    this.summary = summary;
  }
}
