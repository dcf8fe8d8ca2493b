/**
 * On PostgreSQL a view binds to the OID of what it reads, so replacing a table (or a view) with
 * `DROP ... CASCADE` also drops every view reading it ("CASCADE: Automatically drop objects that
 * depend on the table (such as views)", https://www.postgresql.org/docs/15/sql-droptable.html and
 * https://www.postgresql.org/docs/15/sql-dropview.html; https://www.postgresql.org/docs/15/ddl-depend.html).
 * dbt-postgres leaves them dropped until their own nodes run; dops re-creates them in the same
 * transaction, so a build that only selects the table (or is killed before the views' nodes run)
 * never leaves a view of the previous build missing. A view that no longer binds (it reads a
 * column the new table dropped) is left dropped, and the table's node still succeeds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../../src/api/commands.js';
import { makeProject, removeProjects, statuses, writeFile } from '../helpers.js';
import { addPostgresProfile, pgQuery } from '../../postgres/helpers.js';
import { startPostgres, type TestPostgres } from '../../postgres/server.js';

let server: TestPostgres;
beforeAll(async () => {
  server = await startPostgres();
}, 120_000);
afterAll(() => {
  server?.stop();
  removeProjects();
});

const FILES = {
  'dops_project.yml': 'name: proj\nprofile: proj\n',
  'models/t.sql': "{{ config(materialized='table') }}\nselect 1 as id, 10 as v\n",
  'models/w.sql': "select id, v from {{ ref('t') }}\n",
  // A view on a view: dropped by the cascade too, re-created after w.
  'models/ww.sql': "select id, v * 2 as v2 from {{ ref('w') }}\n",
  // A view of a view model: replacing tv (drop view ... cascade) must keep tw.
  'models/tv.sql': 'select 1 as id\n',
  'models/tw.sql': "select id from {{ ref('tv') }}\n",
};

/** The views of the database (schema.name), sorted. */
async function views(dbname: string): Promise<string[]> {
  const rows = await pgQuery(server, "select schemaname || '.' || viewname as name from pg_views where schemaname not in ('pg_catalog', 'information_schema') order by 1", dbname);
  return rows.map((row) => String(row.name));
}

describe('views reading a relation PostgreSQL replaces with DROP ... CASCADE', () => {
  it('are re-created when only the table (or view) is rebuilt, reading the new one, with their owners', async () => {
    const dir = makeProject(FILES);
    const dbname = await addPostgresProfile(server, dir, 'proj');
    expect(statuses(await build({ projectDir: dir, target: 'pg' }))).toEqual({ t: 'success', w: 'success', ww: 'success', tv: 'success', tw: 'success' });
    // A view dops does not manage, in another schema and owned by another role.
    await pgQuery(server, `create role pgcascade_reader; create schema reports; create view reports.r as select id from main.t; alter view reports.r owner to pgcascade_reader`, dbname);

    // t gets another column and new values but keeps w's columns; only t is selected.
    writeFile(dir, 'models/t.sql', "{{ config(materialized='table') }}\nselect 1 as id, 20 as v, 'x' as extra union all select 2, 30, 'y'\n");
    writeFile(dir, 'models/tv.sql', 'select 1 as id union all select 2\n');
    const outcome = await build({ projectDir: dir, target: 'pg', select: ['t', 'tv'] });
    expect(statuses(outcome)).toEqual({ t: 'success', tv: 'success' });
    expect(await views(dbname)).toEqual(['main.tv', 'main.tw', 'main.w', 'main.ww', 'reports.r']);
    expect(await pgQuery(server, 'select id, v from main.w order by id', dbname)).toEqual([{ id: 1, v: 20 }, { id: 2, v: 30 }]);
    expect(await pgQuery(server, 'select id, v2 from main.ww order by id', dbname)).toEqual([{ id: 1, v2: 40 }, { id: 2, v2: 60 }]);
    expect(await pgQuery(server, 'select id from main.tw order by id', dbname)).toEqual([{ id: 1 }, { id: 2 }]);
    expect(await pgQuery(server, "select viewowner from pg_views where schemaname = 'reports' and viewname = 'r'", dbname)).toEqual([{ viewowner: 'pgcascade_reader' }]);
    // Reads the new t (its rows are not read here: grants on the rebuilt t are not kept, so the owner cannot).
    expect(await pgQuery(server, "select count(*)::int as n from pg_depend where refobjid = 'main.t'::regclass and objid = (select oid from pg_rewrite where ev_class = 'reports.r'::regclass)", dbname)).toEqual([{ n: 1 }]);
    // No build relation is left behind.
    expect(await pgQuery(server, "select relname from pg_class where relname like '%dops\\_tmp%'", dbname)).toEqual([]);
  }, 180_000);

  it('a view reading a column the new table dropped is left dropped, the table succeeds, and the view node rebuilds it', async () => {
    const dir = makeProject(FILES);
    const dbname = await addPostgresProfile(server, dir, 'proj');
    expect(Object.values(statuses(await build({ projectDir: dir, target: 'pg' }))).every((s) => s === 'success')).toBe(true);

    // t drops v, which w (and through it ww) reads: they no longer bind and stay dropped.
    writeFile(dir, 'models/t.sql', "{{ config(materialized='table') }}\nselect 1 as id, 5 as u\n");
    expect(statuses(await build({ projectDir: dir, target: 'pg', select: ['t'] }))).toEqual({ t: 'success' });
    expect(await views(dbname)).toEqual(['main.tv', 'main.tw']);
    expect(await pgQuery(server, 'select id, u from main.t', dbname)).toEqual([{ id: 1, u: 5 }]);

    // Their own nodes re-create them from their models.
    writeFile(dir, 'models/w.sql', "select id, u as v from {{ ref('t') }}\n");
    expect(statuses(await build({ projectDir: dir, target: 'pg', select: ['w+'] }))).toEqual({ w: 'success', ww: 'success' });
    expect(await views(dbname)).toEqual(['main.tv', 'main.tw', 'main.w', 'main.ww']);
    expect(await pgQuery(server, 'select id, v2 from main.ww', dbname)).toEqual([{ id: 1, v2: 10 }]);
  }, 180_000);
});
