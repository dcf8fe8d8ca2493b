/**
 * Watch mode does what `dops build` does: it runs snapshots, and the manifest.json it writes
 * carries `metadata.target` so that a later `--state target --defer` run works.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { build } from '../../../src/api/commands.js';
import { watch } from '../../../src/api/watch.js';
import { makeProject, query, readJson, removeProjects } from '../helpers.js';

afterAll(removeProjects);

const PROJECT = {
  'seeds/customers.csv': 'id,name,updated_at\n1,ann,2001-01-01\n2,bob,2001-01-01\n',
  'models/names.sql': "select id, name from {{ ref('customers') }}\n",
  // https://docs.getdbt.com/docs/build/snapshots (dbt build runs snapshots with the models)
  'snapshots/customers.sql': "{% snapshot customers_snapshot %}\n{{ config(unique_key='id', strategy='timestamp', updated_at='updated_at') }}\nselect * from {{ ref('customers') }}\n{% endsnapshot %}\n",
};

describe('watch session', () => {
  it('runs snapshots in its build, as dops build does', async () => {
    const dir = makeProject(PROJECT);
    const session = await watch({ projectDir: dir, debounceMs: 10 });
    try {
      await session.idle();
    } finally {
      await session.close();
    }
    const results = readJson(dir, 'target/run_results.json').results.map((r: { unique_id: string; status: string }) => `${r.unique_id} ${r.status}`);
    expect(results).toContain('snapshot.proj.customers_snapshot success');
    expect(await query(dir, 'select id, name from main.customers_snapshot order by id')).toEqual([
      { id: 1, name: 'ann' },
      { id: 2, name: 'bob' },
    ]);
  });

  // https://docs.getdbt.com/reference/node-selection/defer (the state manifest names the relations to read)
  it('writes manifest.json with metadata.target, so --defer works against it later', async () => {
    const dir = makeProject(PROJECT);
    const session = await watch({ projectDir: dir, debounceMs: 10 });
    try {
      await session.idle();
    } finally {
      await session.close();
    }
    const manifest = readJson(dir, 'target/manifest.json');
    expect(manifest.metadata.target).toMatchObject({ name: 'dev', type: 'duckdb', schema: 'main' });
    const deferred = await build({ projectDir: dir, select: ['names'], state: `${dir}/target`, defer: true });
    expect(deferred.success).toBe(true);
  });
});
