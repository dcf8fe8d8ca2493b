import type { ManifestNode } from '../manifest/nodes.js';
import type { NodeResult, RunSummary } from '../runner/results.js';
import type { OutputStream } from './terminal.js';
import { BatchedOutput } from './batched-output.js';
import type { Reporter } from './reporter.js';

/**
 * `--log-format json`: one JSON object per line for machines (dbt's structured logging, trimmed):
 * `run_started`, `node_started`, `node_finished`, `warning`, `log` (a template's `log(..., info=True)` or `print`) and `run_finished` events, each with an
 * ISO `ts`, the `event` name, a `level` (`info`, `warn`, `error`) and the event's fields. Node
 * events to a terminal, pipe or file are written in batches (see {@link BatchedOutput}); the
 * other events first write those still waiting, so the order never changes.
 */
export class JsonReporter implements Reporter {
  private readonly lines: BatchedOutput;

  constructor(private readonly out: OutputStream) {
    this.lines = new BatchedOutput(out);
  }

  private emit(event: string, level: 'info' | 'warn' | 'error', fields: Record<string, unknown>): void {
    const line = `${JSON.stringify({ ts: new Date().toISOString(), event, level, ...fields })}\n`;
    if (event === 'node_started' || event === 'node_finished') {
      this.lines.write(line);
    } else {
      this.lines.flush();
      this.out.write(line);
    }
  }

  warnings(messages: string[]): void {
    for (const message of messages) this.emit('warning', 'warn', { message });
  }

  log(message: string): void {
    this.emit('log', 'info', { message });
  }

  runStarted(total: number): void {
    this.emit('run_started', 'info', { total });
  }

  nodeStarted(node: ManifestNode, thread: number): void {
    this.emit('node_started', 'info', { unique_id: node.uniqueId, name: node.name, resource_type: node.resourceType, thread_id: `Thread-${thread + 1}` });
  }

  nodeFinished(node: ManifestNode, result: NodeResult, index: number, total: number): void {
    const level = result.status === 'error' || result.status === 'fail' ? 'error' : result.status === 'warn' || result.status === 'skipped' ? 'warn' : 'info';
    this.emit('node_finished', level, {
      unique_id: node.uniqueId,
      name: node.name,
      resource_type: node.resourceType,
      index,
      total,
      status: result.status,
      message: result.message,
      execution_time: result.executionTime,
      rows_affected: result.rowsAffected ?? null,
      failures: result.failures ?? null,
      relation_name: result.relationName ?? null,
      compiled_path: result.compiledPath ?? null,
      thread_id: `Thread-${result.thread + 1}`,
    });
  }

  runFinished(_results: NodeResult[], summary: RunSummary): void {
    const level = summary.error ? 'error' : summary.warn ? 'warn' : 'info';
    this.emit('run_finished', level, { pass: summary.pass, warn: summary.warn, error: summary.error, skip: summary.skip, reused: summary.reused, total: summary.total, elapsed: summary.elapsed });
  }
}
