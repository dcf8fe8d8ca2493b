/**
 * State-aware builds: which nodes a second build reuses after each kind of change, and that the
 * relations hold what a full rebuild gives. Reference for the idea: dbt Fusion's state-aware
 * orchestration, https://docs.getdbt.com/docs/deploy/state-aware-about
 */
import { afterAll, describe, expect, it } from 'vitest';
import { build } from '../../../src/api/commands.js';
import { makeProject, query, removeProjects, writeFile } from '../helpers.js';

afterAll(removeProjects);

const FILES = {
  'seeds/people.csv': 'id,name\n1,ann\n2,bob\n',
  'seeds/other.csv': 'k\n1\n',
  'models/stg.sql': "select id, upper(name) as name from {{ ref('people') }}\n",
  'models/agg.sql': "{{ config(materialized='table') }}\nselect count(*) as n from {{ ref('stg') }}\n",
  'models/lone.sql': "{{ config(materialized='table') }}\nselect k from {{ ref('other') }}\n",
};

async function rebuilt(dir: string, options: Record<string, unknown> = {}): Promise<string[]> {
  const outcome = await build({ projectDir: dir, ...options });
  expect(outcome.success).toBe(true);
  return outcome.results.filter((r) => !r.reused && !r.uniqueId.startsWith('test.')).map((r) => r.uniqueId.split('.').pop()!).sort();
}

describe('state-aware build', () => {
  it('reuses everything when nothing changed, and rebuilds exactly what a change reaches', async () => {
    const dir = makeProject(FILES);
    expect(await rebuilt(dir)).toEqual(['agg', 'lone', 'other', 'people', 'stg']);
    expect(await rebuilt(dir)).toEqual([]);
    // a seed row: that seed and its descendants
    writeFile(dir, 'seeds/people.csv', 'id,name\n1,ann\n2,bob\n3,cy\n');
    expect(await rebuilt(dir)).toEqual(['agg', 'people', 'stg']);
    expect(await query(dir, 'select n from agg')).toEqual([{ n: 3 }]);
    // model SQL: that model and its descendants
    writeFile(dir, 'models/stg.sql', "select id, lower(name) as name from {{ ref('people') }}\n");
    expect(await rebuilt(dir)).toEqual(['agg', 'stg']);
    expect(await query(dir, 'select name from stg order by id')).toEqual([{ name: 'ann' }, { name: 'bob' }, { name: 'cy' }]);
    // relation dropped by hand: rebuilt; --no-reuse and --full-refresh: everything
    await query(dir, 'drop table main.lone');
    expect(await rebuilt(dir)).toEqual(['lone']);
    expect(await rebuilt(dir, { reuse: false })).toEqual(['agg', 'lone', 'other', 'people', 'stg']);
    expect(await rebuilt(dir, { fullRefresh: true })).toEqual(['agg', 'lone', 'other', 'people', 'stg']);
    expect(await rebuilt(dir)).toEqual([]);
  });

  it('a failed build writes no record: the next build runs the node again', async () => {
    const dir = makeProject(FILES);
    await build({ projectDir: dir });
    writeFile(dir, 'models/lone.sql', "{{ config(materialized='table') }}\nselect no_such_column from {{ ref('other') }}\n");
    expect((await build({ projectDir: dir })).success).toBe(false);
    writeFile(dir, 'models/lone.sql', "{{ config(materialized='table') }}\nselect k from {{ ref('other') }}\n");
    // back to the recorded SQL: the relation was never replaced, so the old record still holds
    expect(await rebuilt(dir)).toEqual([]);
    expect(await query(dir, 'select k from lone')).toEqual([{ k: 1 }]);
  });
});
