import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { build, run } from '../../../src/api/commands.js';
import type { DopsError } from '../../../src/errors.js';
import { caught, makeProject, query, readJson, removeProjects, resultFor, writeFile } from '../helpers.js';

afterAll(removeProjects);

const BATCH_1 = 'id,batch,amount,day\n1,1,10,2001-01-01\n2,1,20,2001-01-01\n3,1,30,2001-01-02\n';
/** Batch 2: id 2 changed, id 4 new, id 5 late (an old day arriving in a new batch). */
const BATCH_2 = `${BATCH_1}2,2,25,2001-01-02\n4,2,40,2001-01-03\n5,2,50,2000-12-31\n`;

function incrementalModel(config: string): string {
  return `{{ config(materialized='incremental'${config}) }}
select id, batch, amount, day from {{ ref('events') }}
{% if is_incremental() %}
where batch > (select max(batch) from {{ this }})
{% endif %}
`;
}

async function contents(dir: string): Promise<string[]> {
  const rows = await query(dir, 'select id, batch, amount, day::varchar as day from inc order by id, batch');
  return rows.map((r) => `${r.id}/${r.batch}/${r.amount}/${r.day}`);
}

/** Builds batch 1, then batch 2, then batch 2 again (with `--no-reuse`); returns the table after each run. */
async function threeRuns(config: string) {
  const dir = makeProject({ 'seeds/events.csv': BATCH_1, 'models/inc.sql': incrementalModel(config) });
  const first = await build({ projectDir: dir });
  expect(first.success).toBe(true);
  const afterFirst = await contents(dir);
  writeFile(dir, 'seeds/events.csv', BATCH_2);
  const second = await build({ projectDir: dir });
  expect(resultFor(second, 'inc').status).toBe('success');
  const afterSecond = await contents(dir);
  // The third run re-executes the incremental SQL on unchanged inputs (a state-aware build would
  // reuse the relation; tests/integration/state-aware covers that).
  const third = await build({ projectDir: dir, reuse: false });
  return { dir, afterFirst, afterSecond, afterThird: await contents(dir), second: resultFor(second, 'inc'), third: resultFor(third, 'inc') };
}

describe('incremental models', () => {
  it('append: adds the new batch, keeping old versions; a re-run adds nothing', async () => {
    const { afterFirst, afterSecond, afterThird, second, third } = await threeRuns('');
    expect(afterFirst).toEqual(['1/1/10/2001-01-01', '2/1/20/2001-01-01', '3/1/30/2001-01-02']);
    expect(afterSecond).toEqual(['1/1/10/2001-01-01', '2/1/20/2001-01-01', '2/2/25/2001-01-02', '3/1/30/2001-01-02', '4/2/40/2001-01-03', '5/2/50/2000-12-31']);
    expect(second.rowsAffected).toBe(3);
    expect(afterThird).toEqual(afterSecond);
    expect(third.rowsAffected).toBe(0);
  });

  it('merge (the default with a unique_key): updates changed rows, inserts new and late ones', async () => {
    const { afterSecond, afterThird, second } = await threeRuns(", unique_key='id'");
    expect(afterSecond).toEqual(['1/1/10/2001-01-01', '2/2/25/2001-01-02', '3/1/30/2001-01-02', '4/2/40/2001-01-03', '5/2/50/2000-12-31']);
    expect(second.message).toBe('updated incremental');
    expect(afterThird).toEqual(afterSecond);
  });

  it('merge with merge_update_columns updates only those columns', async () => {
    const { afterSecond } = await threeRuns(", unique_key='id', incremental_strategy='merge', merge_update_columns=['amount']");
    expect(afterSecond).toEqual(['1/1/10/2001-01-01', '2/1/25/2001-01-01', '3/1/30/2001-01-02', '4/2/40/2001-01-03', '5/2/50/2000-12-31']);
  });

  it('delete+insert on a composite key replaces matching rows', async () => {
    const { afterSecond, afterThird } = await threeRuns(", unique_key=['id', 'day'], incremental_strategy='delete+insert'");
    // (2, 2001-01-02) is a new key, so id 2 now has two rows; nothing matched an old key.
    expect(afterSecond).toEqual(['1/1/10/2001-01-01', '2/1/20/2001-01-01', '2/2/25/2001-01-02', '3/1/30/2001-01-02', '4/2/40/2001-01-03', '5/2/50/2000-12-31']);
    expect(afterThird).toEqual(afterSecond);
  });

  it('delete+insert on a non-unique key overwrites whole days (partition overwrite)', async () => {
    const { afterSecond } = await threeRuns(", unique_key='day', incremental_strategy='delete+insert'");
    // Day 2001-01-02 is rewritten: id 3 (batch 1) is gone, id 2's batch-2 row is in.
    expect(afterSecond).toEqual(['1/1/10/2001-01-01', '2/1/20/2001-01-01', '2/2/25/2001-01-02', '4/2/40/2001-01-03', '5/2/50/2000-12-31']);
  });

  it('--full-refresh rebuilds from the whole query; full_refresh: false protects the table', async () => {
    const dir = makeProject({
      'seeds/events.csv': BATCH_1,
      'models/inc.sql': incrementalModel(''),
      'models/protected.sql': incrementalModel(', full_refresh=false').replace("ref('events')", "ref('events')"),
    });
    await build({ projectDir: dir });
    writeFile(dir, 'seeds/events.csv', BATCH_2);
    await build({ projectDir: dir });
    await build({ projectDir: dir, select: ['events'] });
    expect(await contents(dir)).toHaveLength(6);
    const refreshed = await run({ projectDir: dir, fullRefresh: true });
    expect(resultFor(refreshed, 'inc')).toMatchObject({ status: 'success', message: 'created incremental', rowsAffected: 6 });
    expect(await contents(dir)).toHaveLength(6);
    // Rebuilt, not appended to: the rows of the whole query exactly once.
    writeFile(dir, 'seeds/events.csv', BATCH_1);
    await build({ projectDir: dir, select: ['events'] });
    await run({ projectDir: dir, fullRefresh: true });
    expect(await contents(dir)).toEqual(['1/1/10/2001-01-01', '2/1/20/2001-01-01', '3/1/30/2001-01-02']);
    expect(await query(dir, 'select count(*) as n from protected')).toEqual([{ n: 6 }]);
  });

  it('compiles is_incremental() per run and writes the compiled SQL', async () => {
    const dir = makeProject({ 'seeds/events.csv': BATCH_1, 'models/inc.sql': incrementalModel('') });
    await build({ projectDir: dir });
    const first = readJson(dir, 'target/run_results.json').results.find((r: { unique_id: string }) => r.unique_id === 'model.proj.inc');
    expect(first.message).toBe('created incremental');
    await build({ projectDir: dir });
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(`${dir}/target/compiled/proj/models/inc.sql`, 'utf8')).toContain('where batch > (select max(batch) from "main"."inc")');
  });

  it('a failing incremental run leaves the table as it was', async () => {
    const dir = makeProject({ 'seeds/events.csv': BATCH_1, 'models/inc.sql': incrementalModel(", unique_key='id'") });
    await build({ projectDir: dir });
    const before = await contents(dir);
    writeFile(dir, 'seeds/events.csv', `${BATCH_1}2,2,25,2001-01-02\n`);
    writeFile(dir, 'models/inc.sql', incrementalModel(", unique_key='id'").replace('select id,', "select id, case when batch = 2 then error('boom') end as x,"));
    const second = await build({ projectDir: dir });
    expect(resultFor(second, 'inc').status).toBe('error');
    expect(resultFor(second, 'inc').message).toContain('boom');
    expect(await contents(dir)).toEqual(before);
    expect(await query(dir, "select count(*) as n from information_schema.tables where table_name like '%__dops%'")).toEqual([{ n: 0 }]);
  });

  // https://docs.getdbt.com/docs/build/incremental-strategy
  it('rejects an unknown strategy and merge without a unique_key at parse time, naming the files', async () => {
    const dir = makeProject({ 'seeds/events.csv': BATCH_1, 'models/inc.sql': incrementalModel(", incremental_strategy='upsert'"), 'models/inc2.sql': incrementalModel(", incremental_strategy='merge'").replace(/\binc\b/g, 'inc2') });
    const error = await caught(() => build({ projectDir: dir }));
    const messages = error.errors.map((e: DopsError) => `${e.location?.file}: ${e.message}`).sort();
    expect(messages[0]).toContain("models/inc.sql: Model 'inc': unknown incremental_strategy 'upsert'");
    expect(messages[1]).toContain("models/inc2.sql: Model 'inc2': incremental_strategy 'merge' needs a unique_key");
    expect(existsSync(join(dir, 'dops.duckdb'))).toBe(false); // nothing ran
  });
});

describe('merge with duplicate keys in the new rows', () => {
  it('fails instead of applying one of them at random, leaving the table as it was', async () => {
    const dir = makeProject({ 'seeds/events.csv': BATCH_1, 'models/inc.sql': incrementalModel(", unique_key='id'") });
    await build({ projectDir: dir });
    const before = await contents(dir);
    writeFile(dir, 'seeds/events.csv', `${BATCH_1}2,2,25,2001-01-02\n2,2,26,2001-01-02\n`);
    const outcome = await build({ projectDir: dir });
    expect(resultFor(outcome, 'inc').status).toBe('error');
    expect(resultFor(outcome, 'inc').message).toContain("Model 'inc': 1 unique_key value occurs more than once in the new rows; merge needs them unique");
    expect(await contents(dir)).toEqual(before);
  });
});
