import { existsSync, readFileSync } from 'node:fs';
import { artifactMetadata, writeJson } from './write-json.js';

/** The file next to run_results.json that keeps every node's latest result across runs. */
export const RESULTS_HISTORY_FILE = 'dops_results_history.json';

/** A node's latest result: what the last run that included it said. */
export interface HistoryEntry {
  status: string;
  failures?: number | null;
  message?: string;
  /** When the node finished (ISO 8601, UTC). */
  completed_at?: string;
  /** The command of the run that produced it (`build`, `test`, ...). */
  command?: string;
}

/** `target/dops_results_history.json`: latest result by unique id. */
export interface ResultsHistory {
  results: Record<string, HistoryEntry>;
}

/**
 * Reads the results history; a missing, half-written or foreign file reads as empty (the docs then
 * show only the last run).
 */
export function readResultsHistory(path: string): ResultsHistory {
  if (!existsSync(path)) return { results: {} };
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<ResultsHistory>;
    return { results: parsed.results && typeof parsed.results === 'object' ? parsed.results : {} };
  } catch {
    return { results: {} };
  }
}

/**
 * Merges one run's results into the history: each node in the run replaces its older entry, nodes
 * the run did not include keep theirs. So after `dops test -s one_model` the docs still show
 * every other test's last status (dbt's docs show only the last invocation).
 * @param path absolute path of the history file
 * @param results the run's results in run_results.json's shape
 */
export function mergeResultsHistory(path: string, results: readonly { unique_id: string; status: string; failures?: number | null; message?: string; completed_at?: string }[], command?: string): void {
  const history = readResultsHistory(path);
  for (const r of results) history.results[r.unique_id] = { status: r.status, failures: r.failures ?? null, message: r.message, completed_at: r.completed_at, command };
  writeJson(path, { metadata: artifactMetadata('dops-results-history'), results: history.results });
}
