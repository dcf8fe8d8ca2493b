import type { Dialect } from '../adapter/adapter.js';
import type { FreshnessCriteria, FreshnessThreshold } from '../manifest/nodes.js';

/** dbt's freshness statuses (`runtime error`: the check itself failed, e.g. a bad column). */
export type FreshnessStatus = 'pass' | 'warn' | 'error' | 'runtime error';

const SECONDS: Record<FreshnessThreshold['period'], number> = { minute: 60, hour: 3600, day: 86400 };

/** A threshold in seconds (`{count: 2, period: 'hour'}` -> 7200). */
export function thresholdSeconds(threshold: FreshnessThreshold): number {
  return threshold.count * SECONDS[threshold.period];
}

/**
 * dbt's freshness rule: `error` when the newest row is older than `error_after`, else `warn` when
 * older than `warn_after`, else `pass`. No rows at all (`ageSeconds` undefined) counts as older
 * than any threshold.
 * @param ageSeconds seconds between the newest `loaded_at_field` value and now
 */
export function freshnessStatus(ageSeconds: number | undefined, criteria: FreshnessCriteria): Exclude<FreshnessStatus, 'runtime error'> {
  const age = ageSeconds ?? Number.POSITIVE_INFINITY;
  if (criteria.errorAfter && age > thresholdSeconds(criteria.errorAfter)) return 'error';
  if (criteria.warnAfter && age > thresholdSeconds(criteria.warnAfter)) return 'warn';
  return 'pass';
}

/**
 * The query reading a source's newest load time as seconds since the epoch. DuckDB's `epoch()`
 * reads a TIMESTAMP without time zone as UTC (dbt's convention for `loaded_at_field`) and a
 * TIMESTAMPTZ as the instant it is.
 * @param relationSql the source as SQL (a relation or a file reader call)
 * @param loadedAtField column or SQL expression
 */
export function freshnessQuery(relationSql: string, loadedAtField: string, filter: string | undefined, dialect: Pick<Dialect, 'epochSeconds'>): string {
  return `select ${dialect.epochSeconds(`max(${loadedAtField})`)} as max_loaded_at from ${relationSql}${filter ? ` where ${filter}` : ''}`;
}
