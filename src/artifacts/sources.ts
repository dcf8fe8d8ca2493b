import type { FreshnessCriteria, FreshnessThreshold } from '../manifest/nodes.js';
import type { FreshnessStatus } from '../runner/freshness.js';
import { artifactMetadata, writeJson } from './write-json.js';

/** One source's freshness check, as `dops source freshness` returns it. */
export interface FreshnessResult {
  uniqueId: string;
  /** `source_name.table_name`. */
  name: string;
  status: FreshnessStatus;
  /** ISO time of the newest `loaded_at_field` value; undefined when the source has no rows or the check failed. */
  maxLoadedAt?: string;
  /** ISO time the check ran. */
  snapshottedAt: string;
  /** Seconds between `maxLoadedAt` and `snapshottedAt`. */
  ageSeconds?: number;
  criteria: FreshnessCriteria;
  /** Seconds the check took. */
  executionTime: number;
  /** The error, for `runtime error`. */
  message?: string;
}

const threshold = (t: FreshnessThreshold | undefined) => (t ? { count: t.count, period: t.period } : { count: null, period: null });

/**
 * Writes `target/sources.json` in dbt's shape: per source `unique_id`, `max_loaded_at`,
 * `snapshotted_at`, `max_loaded_at_time_ago_in_s`, `status`, `criteria`, timing.
 * @param path absolute file path
 * @param elapsed the whole check in seconds
 */
export function writeSources(path: string, results: FreshnessResult[], elapsed: number): void {
  writeJson(path, {
    metadata: artifactMetadata('sources'),
    results: results.map((r) => ({
      unique_id: r.uniqueId,
      status: r.status,
      max_loaded_at: r.maxLoadedAt ?? null,
      snapshotted_at: r.snapshottedAt,
      max_loaded_at_time_ago_in_s: r.ageSeconds ?? null,
      criteria: { warn_after: threshold(r.criteria.warnAfter), error_after: threshold(r.criteria.errorAfter), filter: r.criteria.filter ?? null },
      execution_time: r.executionTime,
      timing: [{ name: 'execute', started_at: r.snapshottedAt, completed_at: r.snapshottedAt }],
      adapter_response: {},
      thread_id: 'Thread-1',
      ...(r.message ? { error: r.message } : {}),
    })),
    elapsed_time: elapsed,
  });
}
