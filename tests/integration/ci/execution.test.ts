import { afterAll, describe, expect, it } from 'vitest';
import { build } from '../../../src/api/commands.js';
import type { RunOutcome } from '../../../src/api/execute.js';
import { retry } from '../../../src/api/retry.js';
import { ConfigError } from '../../../src/errors.js';
import { caught, makeProject, query, readRunResults, relations, removeProjects, statuses, writeFile } from '../helpers.js';

const BRANCHES = 12;
const BROKEN = 5;

/**
 * A wide DAG: a seed, 12 independent three-model branches spread over 3 new schemas (tables and
 * views), each with a test, and one model joining every branch. With `broken`, branch 5's middle
 * model has a SQL error.
 */
function wideProject(broken: boolean): Record<string, string> {
  const files: Record<string, string> = { 'seeds/base.csv': `n\n${Array.from({ length: 50 }, (_, i) => i + 1).join('\n')}\n` };
  const yaml: string[] = ['version: 2', 'models:'];
  for (let i = 1; i <= BRANCHES; i++) {
    const schema = `sch${i % 3}`;
    files[`models/b${i}/b${i}_1.sql`] = `{{ config(materialized='table', schema='${schema}') }}\nselect n, n * ${i} as v from {{ ref('base') }}\n`;
    const bad = broken && i === BROKEN ? 'no_such_column' : 'v';
    files[`models/b${i}/b${i}_2.sql`] = `{{ config(schema='${schema}') }}\nselect n, ${bad} + 1 as v from {{ ref('b${i}_1') }}\n`;
    files[`models/b${i}/b${i}_3.sql`] = `{{ config(materialized='table', schema='${schema}') }}\nselect sum(v) as total from {{ ref('b${i}_2') }}\n`;
    yaml.push(`  - name: b${i}_3`, '    columns:', '      - name: total', '        data_tests: [not_null]');
  }
  files['models/join_all.sql'] = `{{ config(materialized='table') }}\n${Array.from({ length: BRANCHES }, (_, i) => `select ${i + 1} as branch, total from {{ ref('b${i + 1}_3') }}`).join('\nunion all\n')}\n`;
  files['models/schema.yml'] = `${yaml.join('\n')}\n`;
  return files;
}

const downstreamOfBroken = [`b${BROKEN}_2`, `b${BROKEN}_3`, `not_null_b${BROKEN}_3_total`, 'join_all'];

describe('parallel threads', () => {
  afterAll(removeProjects);

  it('a 4-thread build of a wide DAG gives the same relations, data and results as a 1-thread build', async () => {
    const one = makeProject(wideProject(false));
    const four = makeProject(wideProject(false));
    const serial = await build({ projectDir: one, threads: 1 });
    const parallel = await build({ projectDir: four, threads: 4 });
    expect(serial.success).toBe(true);
    expect(parallel.success).toBe(true);
    expect(statuses(parallel)).toEqual(statuses(serial));
    expect(parallel.results).toHaveLength(1 + BRANCHES * 4 + 1);
    expect(await relations(four)).toEqual(await relations(one));
    const totals = 'select branch, total from join_all order by branch';
    expect(await query(four, totals)).toEqual(await query(one, totals));
    // the work really was spread over the threads
    expect(new Set(readRunResults(four).results.map((r) => r.thread_id)).size).toBe(4);
    expect(new Set(readRunResults(one).results.map((r) => r.thread_id))).toEqual(new Set(['Thread-1']));
  });

  it('a rebuild on 4 threads over existing schemas and relations succeeds too', async () => {
    const dir = makeProject(wideProject(false));
    expect((await build({ projectDir: dir, threads: 4 })).success).toBe(true);
    expect((await build({ projectDir: dir, threads: 4 })).success).toBe(true);
  });

  it('a failing branch skips only its own descendants', async () => {
    const dir = makeProject(wideProject(true));
    const outcome = await build({ projectDir: dir, threads: 4 });
    const byName = statuses(outcome);
    expect(byName[`b${BROKEN}_2`]).toBe('error');
    expect(byName[`b${BROKEN}_3`]).toBe('skipped');
    expect(byName[`not_null_b${BROKEN}_3_total`]).toBe('skipped');
    expect(byName.join_all).toBe('skipped');
    const others = Object.entries(byName).filter(([name]) => !downstreamOfBroken.includes(name));
    expect(others.every(([, status]) => status === 'success' || status === 'pass')).toBe(true);
    expect(others).toHaveLength(1 + (BRANCHES - 1) * 4 + 1);
    expect(outcome.success).toBe(false);
  });
});

describe('--fail-fast', () => {
  afterAll(removeProjects);

  it('stops at the first failure, skips everything not yet started and still writes the artifacts', async () => {
    const dir = makeProject(wideProject(true));
    const outcome = await build({ projectDir: dir, threads: 1, failFast: true });
    const failedAt = outcome.results.findIndex((r) => r.status === 'error');
    expect(failedAt).toBeGreaterThan(0);
    const after = outcome.results.slice(failedAt + 1);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((r) => r.status === 'skipped')).toBe(true);
    expect(after.some((r) => r.message === `Skipped because of --fail-fast (b${BROKEN}_2 failed)`)).toBe(true);
    expect(outcome.success).toBe(false);
    const written = readRunResults(dir);
    expect(written.results).toHaveLength(outcome.results.length);
    expect(written.args.fail_fast).toBe(true);
  });

  it('without failures it changes nothing', async () => {
    const dir = makeProject(wideProject(false));
    const outcome = await build({ projectDir: dir, threads: 2, failFast: true });
    expect(outcome.summary).toMatchObject({ error: 0, skip: 0 });
  });
});

describe('dops retry', () => {
  afterAll(removeProjects);

  const ran = (outcome: RunOutcome) => Object.keys(statuses(outcome)).sort();

  it('re-runs only the nodes that errored or were skipped, with the last run\'s flags', async () => {
    const dir = makeProject(wideProject(true));
    const first = await build({ projectDir: dir, threads: 3, select: ['base+'] });
    expect(first.success).toBe(false);
    writeFile(dir, `models/b${BROKEN}/b${BROKEN}_2.sql`, `{{ config(schema='sch${BROKEN % 3}') }}\nselect n, v + 1 as v from {{ ref('b${BROKEN}_1') }}\n`);
    const second = await retry({ projectDir: dir });
    expect(ran(second)).toEqual([...downstreamOfBroken].sort());
    expect(second.success).toBe(true);
    expect(readRunResults(dir).args).toMatchObject({ command: 'build', threads: 3, select: ['base+'] });
    // join_all ran against every branch built so far
    expect(await query(dir, 'select count(*) as n from join_all')).toEqual([{ n: BRANCHES }]);
    const third = await retry({ projectDir: dir });
    expect(third.results).toEqual([]);
    expect(third.success).toBe(true);
  });

  it('a test failure is retried too', async () => {
    const dir = makeProject({ 'models/m.sql': 'select 1 as x\n', 'tests/no_ones.sql': "select * from {{ ref('m') }} where x = 1\n" });
    expect((await build({ projectDir: dir })).success).toBe(false);
    writeFile(dir, 'tests/no_ones.sql', "select * from {{ ref('m') }} where x = 2\n");
    const again = await retry({ projectDir: dir });
    expect(statuses(again)).toEqual({ no_ones: 'pass' });
  });

  it('without an earlier run it is a usage error', async () => {
    const dir = makeProject({ 'models/m.sql': 'select 1 as x\n' });
    const error = await caught(() => retry({ projectDir: dir }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe('Nothing to retry: no target/run_results.json');
  });
});
