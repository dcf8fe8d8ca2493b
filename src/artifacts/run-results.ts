import type { NodeResult } from '../runner/results.js';
import { artifactMetadata, writeJson } from './write-json.js';

/**
 * Writes `target/run_results.json` in dbt's shape: one entry per node with status, timing,
 * thread, rows affected, failures and message.
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
      adapter_response: r.rowsAffected === undefined ? {} : { rows_affected: r.rowsAffected },
      message: r.message,
      failures: r.failures ?? null,
      relation_name: r.relationName ?? null,
      compiled_path: r.compiledPath ?? null,
    })),
    elapsed_time: elapsed,
    args,
  });
}
