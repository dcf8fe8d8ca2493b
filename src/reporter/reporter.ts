import type { ManifestNode } from '../manifest/nodes.js';
import type { NodeResult, RunSummary } from '../runner/results.js';

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
  /** An on-run-start / on-run-end hook ended (`index` is 1-based among `total` hooks of its kind). */
  hookFinished?(name: string, status: 'success' | 'error', message: string, seconds: number, index: number, total: number): void;
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
