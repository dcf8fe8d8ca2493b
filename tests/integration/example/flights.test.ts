import { cpSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, run } from '../../../src/api/commands.js';
import type { RunOutcome } from '../../../src/api/execute.js';
import { CapturingReporter } from '../../../src/reporter/reporter.js';
import { makeTempDir, query, readRunResults, removeProjects, statuses } from '../helpers.js';

const REPO = resolve(import.meta.dirname, '../../..');

/** The example project at the repo root, copied so the build never touches the repo's own files. */
function copyExample(): string {
  const dir = makeTempDir();
  for (const folder of ['models', 'seeds', 'data-tests', 'macros', 'snapshots']) cpSync(join(REPO, folder), join(dir, folder), { recursive: true });
  cpSync(join(REPO, 'dbt_project.yml'), join(dir, 'dbt_project.yml'));
  const profiles = readFileSync(join(REPO, 'profiles.yml'), 'utf8');
  const patched = profiles.replace(/path: dops\.duckdb/, 'path: example.duckdb');
  expect(patched).not.toBe(profiles);
  writeFileSync(join(dir, 'profiles.yml'), patched);
  // The lake file lives in node_modules/vega-datasets (external_location is relative to the project).
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

describe('the example flights project, end to end', () => {
  let dir: string;
  let outcome: RunOutcome;
  const reporter = new CapturingReporter();

  beforeAll(async () => {
    dir = copyExample();
    outcome = await build({ projectDir: dir, reporter });
  }, 180_000);
  afterAll(removeProjects);

  it('builds successfully with no errors and nothing skipped', () => {
    const problems = outcome.results.filter((r) => r.status === 'error' || r.status === 'fail').map((r) => `${r.uniqueId}: ${r.message}`);
    expect(problems).toEqual([]);
    expect(outcome.success).toBe(true);
    expect(outcome.summary.error).toBe(0);
    expect(outcome.summary.skip).toBe(0);
    expect(outcome.results.some((r) => r.status === 'skipped')).toBe(false);
    expect(reporter.summary).toEqual(outcome.summary);
  });

  it('loads 3,000,000 flights into core.fact_flights', async () => {
    expect(await query(dir, 'select count(*) as n from core.fact_flights', 'example.duckdb')).toEqual([{ n: 3_000_000 }]);
  });

  it('builds core.dim_airport with 3,376 airports', async () => {
    expect(await query(dir, 'select count(*) as n from core.dim_airport', 'example.duckdb')).toEqual([{ n: 3376 }]);
  });

  it('reports the known data problems as warnings', () => {
    const byName = statuses(outcome);
    const warned = Object.entries(byName)
      .filter(([, status]) => status === 'warn')
      .map(([name]) => name)
      .sort();
    expect(warned).toEqual(['not_null_dim_airport_state', 'warn_implausible_early_departures']);
    expect(outcome.summary.warn).toBe(2);
  });

  it('does not build the ephemeral model, and puts relations in their folder schemas', async () => {
    expect(outcome.results.some((r) => r.uniqueId === 'model.flights.int_flight_routes')).toBe(false);
    const rows = await query(dir, "select table_schema || '.' || table_name as name, table_type from information_schema.tables order by 1", 'example.duckdb');
    const kinds = Object.fromEntries(rows.map((r) => [r.name, r.table_type]));
    expect(kinds).toMatchObject({
      'raw.airports': 'BASE TABLE',
      'staging.stg_airports': 'VIEW',
      'core.fact_flights': 'BASE TABLE',
      'core.dim_airport': 'BASE TABLE',
      'marts.mart_route_performance': 'BASE TABLE',
    });
    // every model is in its schema with the kind its config asks for
    for (const node of outcome.project.manifest.nodes.values()) {
      if (node.resourceType !== 'model' || node.config.materialized === 'ephemeral') continue;
      const expected = node.config.materialized === 'view' || node.config.materialized === 'external' ? 'VIEW' : 'BASE TABLE';
      expect(kinds[`${node.relation.schema}.${node.relation.identifier}`], node.name).toBe(expected);
    }
    expect(Object.keys(kinds).some((name) => String(name).includes('int_flight_routes'))).toBe(false);
  });

  it('writes run_results.json for every node', () => {
    const runResults = readRunResults(dir);
    expect(runResults.results).toHaveLength(outcome.results.length);
    expect(runResults.results.find((r) => r.unique_id === 'model.flights.fact_flights')).toMatchObject({ status: 'success', adapter_response: { rows_affected: 3_000_000 } });
  });

  it('writes the curated mart as Hive-partitioned Parquet, readable through its view', async () => {
    const folder = join(dir, 'lake/marts/mart_monthly_routes');
    expect(readdirSync(folder).sort()).toEqual(['year=2001']);
    expect(readdirSync(join(folder, 'year=2001')).sort()).toEqual(['month=1', 'month=2', 'month=3', 'month=4', 'month=5', 'month=6', 'month=7']);
    expect(await query(dir, 'select sum(flights) as n from marts.mart_monthly_routes', 'example.duckdb')).toEqual([{ n: 3_000_000 }]);
  });

  it('re-running the incremental fact without new flights inserts nothing', async () => {
    // Unchanged inputs: a state-aware run reuses the table; --no-reuse runs the incremental SQL.
    expect((await run({ projectDir: dir, select: ['fact_flights'] })).results.map((r) => [r.status, r.reused])).toEqual([['success', true]]);
    const again = await run({ projectDir: dir, select: ['fact_flights'], reuse: false });
    expect(again.results.map((r) => [r.status, r.message, r.rowsAffected])).toEqual([['success', 'updated incremental', 0]]);
    expect(await query(dir, 'select count(*) as n from core.fact_flights', 'example.duckdb')).toEqual([{ n: 3_000_000 }]);
  });

  it('keeps airport history in the snapshot when a seed row is edited', async () => {
    expect(await query(dir, 'select count(*) as n from snapshots.airports_snapshot where dbt_valid_to is null', 'example.duckdb')).toEqual([{ n: 3376 }]);
    const csv = join(dir, 'seeds/airports.csv');
    writeFileSync(csv, readFileSync(csv, 'utf8').replace('00M,Thigpen,', '00M,Thigpen Field,'));
    const again = await build({ projectDir: dir, select: ['airports', 'airports_snapshot'] });
    expect(again.success).toBe(true);
    const history = await query(dir, "select name, dbt_valid_to is null as is_current from snapshots.airports_snapshot where iata = '00M' order by dbt_valid_from, is_current", 'example.duckdb');
    expect(history).toEqual([
      { name: 'Thigpen', is_current: false },
      { name: 'Thigpen Field', is_current: true },
    ]);
  });
});
