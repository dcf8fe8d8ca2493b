import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeProject, query, removeProjects } from '../integration/helpers.js';

const REPO = resolve(import.meta.dirname, '../..');
/** The binary as built once by tests/global-setup.ts. */
const CLI = join(REPO, 'dist/cli/index.js');

function dops(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8', timeout: 60_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

afterAll(removeProjects);

const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000).toISOString().slice(0, 19).replace('T', ' ');

function freshnessProject(hours: number): string {
  return makeProject({
    'data/loads.csv': `id,loaded_at\n1,${hoursAgo(hours)}\n`,
    'models/_sources.yml': `version: 2
sources:
  - name: raw
    tables:
      - name: loads
        loaded_at_field: loaded_at
        freshness: {warn_after: {count: 1, period: hour}, error_after: {count: 1, period: day}}
        config: {external_location: data/loads.csv}
`,
  });
}

describe('dops source freshness (CLI)', () => {
  it('exits 0 on pass and on warn, printing one line per source', () => {
    const fresh = dops(['source', 'freshness'], freshnessProject(0.2));
    expect(fresh.status).toBe(0);
    expect(fresh.stdout).toMatch(/1 of 1 PASS freshness of raw\.loads \.+ \[PASS \d+m old in [\d.]+s\]/);
    const late = dops(['source', 'freshness'], freshnessProject(3));
    expect(late.status).toBe(0);
    expect(late.stdout).toContain('WARN freshness of raw.loads');
    expect(late.stdout).toContain('Done. PASS=0 WARN=1 ERROR=0 TOTAL=1');
  });

  it('exits 1 when a source is past error_after', () => {
    const stale = dops(['source', 'freshness'], freshnessProject(48));
    expect(stale.status).toBe(1);
    expect(stale.stdout).toContain('ERROR freshness of raw.loads');
  });
});

describe('dops snapshot and --full-refresh (CLI)', () => {
  it('runs snapshots, and rebuilds incremental models with --full-refresh', async () => {
    const dir = makeProject({
      'seeds/people.csv': 'id,name\n1,ann\n',
      'snapshots/people.sql': "{% snapshot people_snapshot %}\n{{ config(unique_key='id', strategy='check', check_cols='all') }}\nselect * from {{ ref('people') }}\n{% endsnapshot %}\n",
      'models/visits.sql': "{{ config(materialized='incremental') }}\nselect id from {{ ref('people') }}\n",
    });
    expect(dops(['seed'], dir).status).toBe(0);
    const snap = dops(['snapshot'], dir);
    expect(snap.status).toBe(0);
    expect(snap.stdout).toContain('OK created snapshot main.people_snapshot');
    expect(dops(['run'], dir).status).toBe(0);
    // Unchanged inputs: a plain run reuses the table; --no-reuse runs the (filterless) incremental SQL again.
    expect(dops(['run'], dir).stdout).toContain('REUSED main.visits');
    expect(dops(['run', '--no-reuse'], dir).status).toBe(0);
    expect(await query(dir, 'select count(*) as n from visits')).toEqual([{ n: 2 }]);
    const refreshed = dops(['run', '--full-refresh'], dir);
    expect(refreshed.status).toBe(0);
    expect(refreshed.stdout).toContain('OK created incremental main.visits');
    expect(await query(dir, 'select count(*) as n from visits')).toEqual([{ n: 1 }]);
  });
});
