/** dbt's node statuses: models and seeds end `success`/`error`/`skipped`, tests `pass`/`warn`/`fail`/`error`/`skipped`. */
export type NodeStatus = 'success' | 'error' | 'skipped' | 'pass' | 'warn' | 'fail';

/** The outcome of one node in a run (one entry of run_results.json). */
export interface NodeResult {
  uniqueId: string;
  status: NodeStatus;
  /** Short human message: `OK`, `3 rows failed`, DuckDB's error, `skipped because ... failed`. */
  message: string;
  /** Wall time in seconds. */
  executionTime: number;
  /** ISO timestamps of the node's execution. */
  startedAt: string;
  completedAt: string;
  /** Rows written (tables, seeds) when DuckDB reports them. */
  rowsAffected?: number;
  /** Tests: number of failing rows. */
  failures?: number;
  /** `schema.name` of the relation built, if any. */
  relationName?: string;
  /** Compiled SQL file, relative to the project dir. */
  compiledPath?: string;
  /** Index of the runner thread that ran it (0-based). */
  thread: number;
  /** True when the node was not run: its relation (or a test's pass) was reused (src/state/build-state.ts). */
  reused?: boolean;
}

/** True for statuses that stop a node's descendants (a failed model or error-severity test). */
export function blocksDescendants(status: NodeStatus): boolean {
  return status === 'error' || status === 'fail' || status === 'skipped';
}

/** Counts of a run for the closing `Done.` line, as dbt prints it. */
export interface RunSummary {
  pass: number;
  warn: number;
  error: number;
  skip: number;
  /** Nodes reused instead of run (also counted in `pass`). */
  reused: number;
  total: number;
  /** Seconds from the first node's start to the last one's end. */
  elapsed: number;
}

/** Tallies results: `success`/`pass` count as PASS (reused ones too, also counted as REUSED), `error`/`fail` as ERROR (dbt's Done line). */
export function summarize(results: NodeResult[], elapsed: number): RunSummary {
  const count = (...statuses: string[]) => results.filter((r) => statuses.includes(r.status)).length;
  return { pass: count('success', 'pass'), warn: count('warn'), error: count('error', 'fail'), skip: count('skipped'), reused: results.filter((r) => r.reused).length, total: results.length, elapsed };
}
