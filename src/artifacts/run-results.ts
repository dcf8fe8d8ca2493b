import type { NodeResult } from '../runner/results.js';
import { dirname, join } from 'node:path';
import { mergeResultsHistory, RESULTS_HISTORY_FILE } from './results-history.js';
import { artifactMetadata, writeJson } from './write-json.js';

/**
 * Writes `target/run_results.json` in dbt's shape: one entry per node with status, timing,
 * thread, rows affected, failures and message. Also merges the results into
 * `dops_results_history.json` beside it (each node's latest result across runs, for the docs).
 * @param path absolute file path
 * @param elapsed whole run in seconds
 * @param args the invocation's options, recorded for `retry` and debugging
 */
export function writeRunResults(path: string, results: NodeResult[], elapsed: number, args: Record<string, unknown>): void {
  writeJson(path, {
    metadata: artifactMetadata('run-results'),
    results: results.map((r) => ({
      unique_id: r.uniqueId,
      status: r.status,
      timing: [{ name: 'execute', started_at: r.startedAt, completed_at: r.completedAt }],
      thread_id: `Thread-${r.thread + 1}`,
      execution_time: r.executionTime,
      adapter_response: r.reused ? { reused: true } : r.rowsAffected === undefined ? {} : { rows_affected: r.rowsAffected },
      ...(r.reused ? { reused: true } : {}),
      message: r.message,
      failures: r.failures ?? null,
      relation_name: r.relationName ?? null,
      compiled_path: r.compiledPath ?? null,
    })),
    elapsed_time: elapsed,
    args,
  });
  const command = typeof args.command === 'string' ? args.command : undefined;
  mergeResultsHistory(join(dirname(path), RESULTS_HISTORY_FILE), results.map((r) => ({ unique_id: r.uniqueId, status: r.status, failures: r.failures, message: r.message, completed_at: r.completedAt })), command);
}
