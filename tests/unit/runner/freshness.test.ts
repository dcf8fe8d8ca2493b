import { duckdbDialect } from '../../../src/adapter/duckdb/dialect.js';
import { describe, expect, it } from 'vitest';
import { freshnessQuery, freshnessStatus, thresholdSeconds } from '../../../src/runner/freshness.js';

describe('freshness', () => {
  const criteria = { warnAfter: { count: 2, period: 'hour' as const }, errorAfter: { count: 1, period: 'day' as const } };

  it('converts thresholds to seconds', () => {
    expect(thresholdSeconds({ count: 90, period: 'minute' })).toBe(5400);
    expect(thresholdSeconds({ count: 2, period: 'day' })).toBe(172800);
  });

  it('passes, warns and errors by age; no rows is older than any threshold', () => {
    expect(freshnessStatus(7200, criteria)).toBe('pass');
    expect(freshnessStatus(7201, criteria)).toBe('warn');
    expect(freshnessStatus(86401, criteria)).toBe('error');
    expect(freshnessStatus(undefined, criteria)).toBe('error');
    expect(freshnessStatus(undefined, { warnAfter: criteria.warnAfter })).toBe('warn');
  });

  it('reads max(loaded_at_field) as epoch seconds, after the filter', () => {
    expect(freshnessQuery('"raw"."orders"', 'loaded_at', "kind = 'x'", duckdbDialect)).toBe(`select epoch(max(loaded_at)) as max_loaded_at from "raw"."orders" where kind = 'x'`);
  });
});
