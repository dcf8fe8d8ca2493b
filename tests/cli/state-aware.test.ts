/**
 * State-aware builds on the command line: REUSED lines and counts, `--no-reuse`, and the
 * up-to-date answer from target/build_stamp.json (no parse, no database) that must give way to a
 * full build whenever anything it recorded changed: a seed row, a data file, an env var a model
 * reads, a relation dropped by hand.
 * References: dbt Fusion's state-aware orchestration https://docs.getdbt.com/docs/deploy/state-aware-about,
 * https://docs.getdbt.com/reference/artifacts/run-results-json
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync, utimesSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ageProjectFiles, makeProject, query, readRunResults, removeProjects, writeFile } from '../integration/helpers.js';

const REPO = resolve(import.meta.dirname, '../..');
const CLI = join(REPO, 'dist/cli/index.js');

function dops(args: string[], cwd: string, env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, encoding: 'utf8', timeout: 120_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Names on `OK` / `PASS` / `WARN` lines: the nodes that ran (not reused). */
function ran(stdout: string): string[] {
  return [...stdout.matchAll(/^\s*\d+ of \d+ (?!START|REUSED)(?:.*) (\S+) \.+ \[/gm)].map((m) => m[1].split('.').pop()!).sort();
}

const FILES = {
  'seeds/people.csv': 'id,name\n1,ann\n2,bob\n',
  'seeds/other.csv': 'k\n1\n',
  'data/events.csv': 'e\n1\n2\n',
  'models/_sources.yml': "version: 2\nsources:\n  - name: lake\n    tables:\n      - name: events\n        config: {external_location: 'data/events.csv'}\n",
  'models/stg.sql': "select id, upper(name) as name, '{{ env_var(\"DOPS_SA_REGION\", \"eu\") }}' as region from {{ ref('people') }}\n",
  'models/agg.sql': "{{ config(materialized='table') }}\nselect count(*) as n from {{ ref('stg') }}\n",
  'models/lone.sql': "{{ config(materialized='table') }}\nselect k from {{ ref('other') }}\n",
  'models/events_count.sql': "{{ config(materialized='table') }}\nselect count(*) as n from {{ source('lake', 'events') }}\n",
  'models/schema.yml': 'version: 2\nmodels:\n  - name: agg\n    columns:\n      - name: n\n        data_tests: [not_null]\n',
};

afterAll(removeProjects);

describe('dops build, state-aware', () => {
  it('reuses every node with nothing changed, answered from build_stamp.json; each change builds exactly what it reaches', async () => {
    const dir = makeProject(FILES);
    ageProjectFiles(dir, 600);
    let age = 600;
    // An edit as a later real one would show: not "racy" (see src/project/fingerprint.ts).
    const older = (...paths: string[]) => {
      const when = new Date(Date.now() - (age -= 10) * 1000);
      for (const path of paths) utimesSync(join(dir, path), when, when);
    };
    const first = dops(['build'], dir);
    expect(first.status).toBe(0);
    expect(ran(first.stdout)).toEqual(['agg', 'events_count', 'lone', 'not_null_agg_n', 'other', 'people', 'stg']);
    expect(existsSync(join(dir, 'target/build_stamp.json'))).toBe(true);

    // Nothing changed: REUSED lines, REUSED= count, run_results with the flag; manifest.json is
    // not rewritten (the up-to-date answer reads neither the project nor the database).
    const manifestBefore = statSync(join(dir, 'target/manifest.json')).mtimeMs;
    const again = dops(['build'], dir);
    expect(again.status).toBe(0);
    expect(ran(again.stdout)).toEqual([]);
    expect(again.stdout).toMatch(/REUSED main\.agg \.+ \[REUSED in/);
    expect(again.stdout).toContain('Done. PASS=7 REUSED=7 WARN=0 ERROR=0 SKIP=0 TOTAL=7');
    expect(statSync(join(dir, 'target/manifest.json')).mtimeMs).toBe(manifestBefore);
    expect(readRunResults(dir).results.every((r) => (r as { reused?: boolean }).reused === true && ['success', 'pass'].includes(r.status))).toBe(true);

    // A seed row: exactly that seed's descendants (and their tests).
    writeFile(dir, 'seeds/people.csv', 'id,name\n1,ann\n2,bob\n3,cy\n');
    older('seeds/people.csv');
    expect(ran(dops(['build'], dir).stdout)).toEqual(['agg', 'not_null_agg_n', 'people', 'stg']);
    expect(await query(dir, 'select n from agg')).toEqual([{ n: 3 }]);
    expect(ran(dops(['build'], dir).stdout)).toEqual([]);

    // A data file of a source.
    writeFile(dir, 'data/events.csv', 'e\n1\n2\n3\n');
    older('data/events.csv');
    expect(ran(dops(['build'], dir).stdout)).toEqual(['events_count']);
    expect(await query(dir, 'select n from events_count')).toEqual([{ n: 3 }]);

    // An env var a model reads.
    expect(ran(dops(['build'], dir, { DOPS_SA_REGION: 'us' }).stdout)).toEqual(['agg', 'not_null_agg_n', 'stg']);
    expect(await query(dir, 'select distinct region from stg')).toEqual([{ region: 'us' }]);
    expect(ran(dops(['build'], dir, { DOPS_SA_REGION: 'us' }).stdout)).toEqual([]);

    // A relation dropped by hand (the database file changed): rebuilt.
    await query(dir, 'drop table main.lone');
    expect(ran(dops(['build'], dir, { DOPS_SA_REGION: 'us' }).stdout)).toEqual(['lone']);
    expect(await query(dir, 'select k from lone')).toEqual([{ k: 1 }]);

    // --no-reuse builds everything; the next plain build is not answered from a stale stamp.
    expect(ran(dops(['build', '--no-reuse'], dir, { DOPS_SA_REGION: 'us' }).stdout)).toEqual(['agg', 'events_count', 'lone', 'not_null_agg_n', 'other', 'people', 'stg']);
    const after = dops(['build'], dir, { DOPS_SA_REGION: 'us' });
    expect(ran(after.stdout)).toEqual([]);
    expect(after.stdout).toContain('REUSED=7');
  });

  it('dops run -s answers only for the same selection', () => {
    const dir = makeProject(FILES);
    ageProjectFiles(dir, 600);
    expect(dops(['build'], dir).status).toBe(0);
    expect(dops(['run'], dir).stdout).toContain('Done. PASS=4 REUSED=4');
    const selected = dops(['run', '-s', 'lone'], dir);
    expect(selected.stdout).toContain('Done. PASS=1 REUSED=1');
    expect(dops(['run'], dir).stdout).toContain('Done. PASS=4 REUSED=4');
  });
});
