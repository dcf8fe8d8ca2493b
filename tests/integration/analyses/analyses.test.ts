import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { build, compile } from '../../../src/api/commands.js';
import { caught, makeProject, query, removeProjects } from '../helpers.js';

afterAll(removeProjects);

// https://docs.getdbt.com/docs/build/analyses: .sql files under analysis-paths are compiled to
// target/compiled/ by `dbt compile` and never run.
describe('analyses', () => {
  it('compiles analyses with ref() resolved and never runs them', async () => {
    const dir = makeProject({
      'models/orders.sql': 'select 1 as id\n',
      'analyses/sub/revenue.sql': "select count(*) from {{ ref('orders') }} where {{ var('flag', 'true') }}\n",
    });
    const entries = compile({ projectDir: dir });
    expect(entries.map((entry) => entry.path)).toContain(join('target', 'compiled', 'proj', 'analyses', 'sub', 'revenue.sql'));
    expect(readFileSync(join(dir, 'target/compiled/proj/analyses/sub/revenue.sql'), 'utf8')).toBe('select count(*) from "main"."orders" where true\n');
    const outcome = await build({ projectDir: dir });
    expect(outcome.results.map((r) => r.uniqueId)).toEqual(['model.proj.orders']);
    expect(await query(dir, "select count(*) as n from duckdb_views() where view_name = 'revenue'")).toEqual([{ n: 0 }]);
  });

  it('an analysis referring to an unknown model is an error naming its file', async () => {
    const dir = makeProject({ 'models/orders.sql': 'select 1 as id\n', 'analyses/bad.sql': "select * from {{ ref('ordrs') }}\n" });
    const error = await caught(() => compile({ projectDir: dir }));
    expect(error.message).toContain("'ordrs', which was not found");
    expect(error.location.file).toBe('analyses/bad.sql');
    expect(existsSync(join(dir, 'target/compiled/proj/analyses/bad.sql'))).toBe(false);
  });
});
