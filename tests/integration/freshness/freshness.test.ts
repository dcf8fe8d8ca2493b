import { afterAll, describe, expect, it } from 'vitest';
import { seed } from '../../../src/api/commands.js';
import { sourceFreshness } from '../../../src/api/freshness.js';
import { caught, makeProject, readJson, removeProjects } from '../helpers.js';

afterAll(removeProjects);

/** `YYYY-MM-DD HH:MM:SS` in UTC, `hours` ago (naive timestamps are read as UTC, as in dbt). */
function hoursAgo(hours: number): string {
  return new Date(Date.now() - hours * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

function loads(...hours: number[]): string {
  return `id,kind,loaded_at\n${hours.map((h, i) => `${i},${i === 0 ? 'old' : 'new'},${hoursAgo(h)}`).join('\n')}\n`;
}

const SOURCES = `version: 2
sources:
  - name: raw
    loaded_at_field: loaded_at
    freshness:
      warn_after: {count: 2, period: hour}
      error_after: {count: 1, period: day}
    tables:
      - name: fresh
        config: {external_location: data/fresh.csv}
      - name: late
        config: {external_location: data/late.csv}
      - name: stale
        config: {external_location: data/stale.csv}
      - name: filtered
        config: {external_location: data/filtered.csv}
        freshness:
          error_after: {count: 12, period: hours}
          filter: "kind = 'old'"
      - name: unchecked
        config: {external_location: data/fresh.csv}
        freshness: null
      - name: broken
        loaded_at_field: no_such_column
        config: {external_location: data/fresh.csv}
`;

describe('dops source freshness', () => {
  it('passes, warns and errors by age; honours filter, per-table overrides and freshness: null', async () => {
    const dir = makeProject({
      'data/fresh.csv': loads(5, 0.5),
      'data/late.csv': loads(3),
      'data/stale.csv': loads(72),
      'data/filtered.csv': loads(20, 0.1),
      'models/_sources.yml': SOURCES,
    });
    const outcome = await sourceFreshness({ projectDir: dir });
    const byName = Object.fromEntries(outcome.results.map((r) => [r.name, r]));
    expect(Object.keys(byName).sort()).toEqual(['raw.broken', 'raw.filtered', 'raw.fresh', 'raw.late', 'raw.stale']);
    expect(byName['raw.fresh'].status).toBe('pass');
    expect(byName['raw.fresh'].ageSeconds).toBeGreaterThan(1790);
    expect(byName['raw.fresh'].ageSeconds).toBeLessThan(1900);
    expect(byName['raw.late'].status).toBe('warn');
    expect(byName['raw.stale'].status).toBe('error');
    expect(byName['raw.filtered'].status).toBe('error');
    expect(byName['raw.broken'].status).toBe('runtime error');
    expect(byName['raw.broken'].message).toContain('no_such_column');
    expect(outcome.success).toBe(false);

    const artifact = readJson(dir, 'target/sources.json');
    expect(artifact.metadata.dops_schema_version).toContain('sources');
    const late = artifact.results.find((r: { unique_id: string }) => r.unique_id === 'source.proj.raw.late');
    expect(late).toMatchObject({
      status: 'warn',
      criteria: { warn_after: { count: 2, period: 'hour' }, error_after: { count: 1, period: 'day' }, filter: null },
    });
    expect(Math.abs(Date.parse(late.max_loaded_at) - (Date.now() - 3 * 3600_000))).toBeLessThan(60_000);
    expect(late.max_loaded_at_time_ago_in_s).toBeGreaterThan(3 * 3600 - 60);
  });

  it('succeeds when every selected source passes or warns', async () => {
    const dir = makeProject({ 'data/fresh.csv': loads(1), 'data/late.csv': loads(3), 'data/stale.csv': loads(72), 'data/filtered.csv': loads(1), 'models/_sources.yml': SOURCES });
    const outcome = await sourceFreshness({ projectDir: dir, select: ['source:raw.fresh', 'source:raw.late'] });
    expect(outcome.results.map((r) => `${r.name} ${r.status}`)).toEqual(['raw.fresh pass', 'raw.late warn']);
    expect(outcome.success).toBe(true);
  });

  // https://docs.getdbt.com/reference/node-selection/yaml-selectors (`--selector` works on every selecting command)
  it('checks only the sources of --selector, not every source', async () => {
    const dir = makeProject({
      'data/fresh.csv': loads(1),
      'data/late.csv': loads(3),
      'data/stale.csv': loads(72),
      'data/filtered.csv': loads(1),
      'models/_sources.yml': SOURCES,
      'selectors.yml': 'selectors:\n  - name: late_only\n    definition: "source:raw.late"\n',
    });
    const outcome = await sourceFreshness({ projectDir: dir, selector: 'late_only' });
    expect(outcome.results.map((r) => `${r.name} ${r.status}`)).toEqual(['raw.late warn']);
    expect(outcome.success).toBe(true);
  });

  it('rejects a threshold without a known period, naming the file and line', async () => {
    const dir = makeProject({ 'models/_sources.yml': 'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: t\n        freshness:\n          warn_after: {count: 2, period: fortnight}\n' });
    const error = await caught(() => sourceFreshness({ projectDir: dir }));
    expect(error.message).toContain('freshness warn_after needs a positive count and a period');
    expect(error.location).toEqual({ file: 'models/_sources.yml', line: 5 });
  });

  it('checks a source that is a table in DuckDB (here loaded by a seed)', async () => {
    const dir = makeProject({
      'dops_project.yml': 'name: proj\nseeds:\n  +schema: raw\n',
      'seeds/loads.csv': loads(30),
      'models/_sources.yml': 'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: loads\n        loaded_at_field: loaded_at\n        freshness: {warn_after: {count: 1, period: day}}\n',
    });
    expect((await seed({ projectDir: dir })).success).toBe(true);
    const outcome = await sourceFreshness({ projectDir: dir });
    expect(outcome.results.map((r) => `${r.name} ${r.status}`)).toEqual(['raw.loads warn']);
    expect(outcome.success).toBe(true);
  });
});
