/**
 * On PostgreSQL a view reading a relation dops replaces is dropped by the `DROP ... CASCADE`
 * (https://www.postgresql.org/docs/15/sql-droptable.html); dops re-creates it in the same
 * transaction. A view a user made by hand (a BI view) must come back as it was: its privileges
 * (https://www.postgresql.org/docs/15/ddl-priv.html: table and column privileges in
 * `pg_class.relacl` / `pg_attribute.attacl`), its comment and its columns' comments, and its options
 * (`security_barrier`, `check_option`: https://www.postgresql.org/docs/15/sql-createview.html).
 * These are what dbt users expect to outlive a rebuild: dbt's `grants` config
 * (https://docs.getdbt.com/reference/resource-configs/grants) and `persist_docs`
 * (https://docs.getdbt.com/reference/resource-configs/persist_docs) keep them on the relations dbt
 * builds. The same holds when `dops clone --full-refresh` replaces a relation
 * (https://docs.getdbt.com/reference/commands/clone), and `dops watch` does not drop a relation a
 * view outside the project reads when its model file is deleted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clone } from '../../../src/api/clone.js';
import { build } from '../../../src/api/commands.js';
import { watch, type RebuildReport, type WatchSession } from '../../../src/api/watch.js';
import { makeProject, removeProjects, statuses, writeFile } from '../helpers.js';
import { addPostgresProfile, pgQuery } from '../../postgres/helpers.js';
import { usePostgres } from '../../postgres/server.js';

const server = usePostgres();
beforeAll(async () => {
  await pgQuery(server, 'create role bi_owner; create role bi_reader; create role bi_editor');
});
afterAll(removeProjects);

const FILES = {
  'dops_project.yml': 'name: proj\nprofile: proj\n',
  'models/t.sql': "{{ config(materialized='table') }}\nselect 1 as id, 10 as v\n",
};

/**
 * A hand-made view on `<schema>.t`, owned by bi_owner, with a security barrier and a local check
 * option, SELECT for bi_reader (grantable), UPDATE of column v for bi_editor, SELECT for PUBLIC
 * revoked from nothing (none granted), and comments on it and on its column v.
 */
function handMadeView(schema: string): string {
  return [
    'create schema if not exists reports',
    `create view reports.r with (security_barrier = true, check_option = local) as select id, v from ${schema}.t where v > 0`,
    'grant select on reports.r to bi_reader with grant option',
    'grant update (v) on reports.r to bi_editor',
    "comment on view reports.r is 'Revenue, for the BI tool'",
    "comment on column reports.r.v is 'value in cents'",
    'alter view reports.r owner to bi_owner',
  ].join(';\n');
}

/** What must survive about reports.r: owner, ACLs, options, comments. */
async function viewState(dbname: string): Promise<Record<string, unknown>[]> {
  return pgQuery(
    server,
    `select pg_get_userbyid(c.relowner) as owner, c.relacl::text as acl, c.reloptions::text as options,
       obj_description(c.oid, 'pg_class') as comment, col_description(c.oid, 2) as v_comment,
       (select a.attacl::text from pg_attribute a where a.attrelid = c.oid and a.attname = 'v') as v_acl
     from pg_class c where c.oid = to_regclass('reports.r')`,
    dbname,
  );
}

/** The privileges information_schema reports on reports.r, as `grantee privilege grantable`. */
async function grants(dbname: string): Promise<string[]> {
  const rows = await pgQuery(server, "select grantee || ' ' || privilege_type || ' ' || is_grantable as g from information_schema.role_table_grants where table_schema = 'reports' and table_name = 'r' and grantee <> 'bi_owner' order by 1", dbname);
  return rows.map((row) => String(row.g));
}

const EXPECTED = {
  owner: 'bi_owner',
  acl: '{bi_owner=arwdDxt/bi_owner,bi_reader=r*/bi_owner}',
  options: '{security_barrier=true,check_option=local}',
  comment: 'Revenue, for the BI tool',
  v_comment: 'value in cents',
  v_acl: '{bi_editor=w/bi_owner}',
};

describe('a hand-made view on a relation dops replaces keeps its grants, comments and options', () => {
  it('after dops build rebuilds the table it reads', async () => {
    const dir = makeProject(FILES);
    const dbname = await addPostgresProfile(server, dir, 'proj');
    expect(statuses(await build({ projectDir: dir, target: 'pg' }))).toEqual({ t: 'success' });
    await pgQuery(server, handMadeView('main'), dbname);
    expect(await viewState(dbname)).toEqual([EXPECTED]);

    writeFile(dir, 'models/t.sql', "{{ config(materialized='table') }}\nselect 1 as id, 20 as v union all select 2, 30\n");
    expect(statuses(await build({ projectDir: dir, target: 'pg' }))).toEqual({ t: 'success' });
    // Before: the view came back owned by bi_owner but with acl, options and comments all null.
    expect(await viewState(dbname)).toEqual([EXPECTED]);
    expect(await grants(dbname)).toEqual(['bi_reader SELECT YES']);
    // It reads the new table (whose own grants are dbt's grants config's business, not kept here).
    await pgQuery(server, 'grant select on main.t to bi_owner', dbname);
    expect(await pgQuery(server, 'select id, v from reports.r order by id', dbname)).toEqual([{ id: 1, v: 20 }, { id: 2, v: 30 }]);
    expect(await pgQuery(server, "select has_table_privilege('bi_reader', 'reports.r', 'select') as r, has_column_privilege('bi_editor', 'reports.r', 'v', 'update') as w", dbname)).toEqual([{ r: true, w: true }]);
  }, 180_000);

  it('a materialized view keeps a grant to PUBLIC, its comment and storage options, and is filled from the new table', async () => {
    const dir = makeProject(FILES);
    const dbname = await addPostgresProfile(server, dir, 'proj');
    expect(statuses(await build({ projectDir: dir, target: 'pg' }))).toEqual({ t: 'success' });
    await pgQuery(server, "create schema reports; create materialized view reports.m with (fillfactor = 70) as select id, v from main.t; grant select on reports.m to public; comment on materialized view reports.m is 'nightly snapshot'", dbname);
    const state = "select c.relkind, c.relacl::text as acl, c.reloptions::text as options, obj_description(c.oid, 'pg_class') as comment from pg_class c where c.oid = to_regclass('reports.m')";
    const expected = [{ relkind: 'm', acl: '{dops=arwdDxt/dops,=r/dops}', options: '{fillfactor=70}', comment: 'nightly snapshot' }];
    expect(await pgQuery(server, state, dbname)).toEqual(expected);
    writeFile(dir, 'models/t.sql', "{{ config(materialized='table') }}\nselect 3 as id, 30 as v\n");
    expect(statuses(await build({ projectDir: dir, target: 'pg' }))).toEqual({ t: 'success' });
    expect(await pgQuery(server, state, dbname)).toEqual(expected);
    expect(await pgQuery(server, 'select id, v from reports.m', dbname)).toEqual([{ id: 3, v: 30 }]);
  }, 180_000);

  it('after dops clone --full-refresh replaces the relation it reads', async () => {
    const dir = makeProject(FILES);
    const dbname = await addPostgresProfile(server, dir, 'proj');
    // A second target on the same database, in schema ci.
    const profiles = readFileSync(join(dir, 'profiles.yml'), 'utf8');
    const pgBlock = profiles.slice(profiles.indexOf('    pg:\n'));
    writeFileSync(join(dir, 'profiles.yml'), `${profiles}${pgBlock.replace('    pg:\n', '    pg_ci:\n').replace('schema: main', 'schema: ci')}`);
    expect(statuses(await build({ projectDir: dir, target: 'pg' }))).toEqual({ t: 'success' });
    cpSync(join(dir, 'target'), join(dir, 'prod-state'), { recursive: true });
    writeFile(dir, 'models/t.sql', "{{ config(materialized='table') }}\nselect 5 as id, 50 as v\n");
    expect(statuses(await build({ projectDir: dir, target: 'pg_ci' }))).toEqual({ t: 'success' });
    await pgQuery(server, handMadeView('ci'), dbname);

    const outcome = await clone({ projectDir: dir, target: 'pg_ci', state: join(dir, 'prod-state'), fullRefresh: true });
    expect(outcome.results.map((r) => `${r.status} ${r.message}`)).toEqual(['success cloned view']);
    expect(await pgQuery(server, "select table_type from information_schema.tables where table_schema = 'ci' and table_name = 't'", dbname)).toEqual([{ table_type: 'VIEW' }]);
    // Before: reports.r was dropped with ci.t (drop table ... cascade) and not re-created.
    expect(await viewState(dbname)).toEqual([EXPECTED]);
    expect(await grants(dbname)).toEqual(['bi_reader SELECT YES']);
    await pgQuery(server, 'grant select on ci.t to bi_owner', dbname);
    expect(await pgQuery(server, 'select id, v from reports.r order by id', dbname)).toEqual([{ id: 1, v: 10 }]);
    rmSync(join(dir, 'prod-state'), { recursive: true, force: true });
  }, 180_000);
});

/** A watch session on the `pg` target that records its rebuilds and notices. */
async function watchPg(dir: string): Promise<{ session: WatchSession; reports: RebuildReport[]; notices: string[]; rebuilt: (n: number) => Promise<RebuildReport> }> {
  const reports: RebuildReport[] = [];
  const notices: string[] = [];
  const waiters: (() => void)[] = [];
  const session = await watch({
    projectDir: dir,
    target: 'pg',
    debounceMs: 50,
    watchReporter: {
      notice: (message) => notices.push(message),
      rebuildFinished: (report) => {
        reports.push(report);
        for (const wake of waiters.splice(0)) wake();
      },
    },
  });
  /** Waits until the `n`-th rebuild (0: the initial build) has finished. */
  const rebuilt = async (n: number): Promise<RebuildReport> => {
    const deadline = Date.now() + 60_000;
    while (reports.length <= n) {
      if (Date.now() > deadline) throw new Error(`rebuild ${n} did not finish; notices: ${notices.join('; ')}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 500);
      });
    }
    return reports[n];
  };
  return { session, reports, notices, rebuilt };
}

describe('dops watch on PostgreSQL', () => {
  it('a re-run that rebuilds the table keeps the hand-made view with its grants, comments and options', async () => {
    const dir = makeProject(FILES);
    const dbname = await addPostgresProfile(server, dir, 'proj');
    const { session, rebuilt } = await watchPg(dir);
    try {
      expect((await rebuilt(0)).results.map((r) => r.status)).toEqual(['success']);
      await pgQuery(server, handMadeView('main'), dbname);
      writeFile(dir, 'models/t.sql', "{{ config(materialized='table') }}\nselect 1 as id, 20 as v union all select 2, 30\n");
      expect((await rebuilt(1)).results.map((r) => r.status)).toEqual(['success']);
    } finally {
      await session.close();
    }
    // Before: the view came back without its grants, comments and options.
    expect(await viewState(dbname)).toEqual([EXPECTED]);
    await pgQuery(server, 'grant select on main.t to bi_owner', dbname);
    expect(await pgQuery(server, 'select id, v from reports.r order by id', dbname)).toEqual([{ id: 1, v: 20 }, { id: 2, v: 30 }]);
  }, 180_000);

  it('a deleted model whose relation a hand-made view reads is kept, with a notice; relations read only by other deleted models are dropped', async () => {
    const dir = makeProject({
      ...FILES,
      // A folder of two models, the view b reading the table a: both go when the folder does.
      'models/old/a.sql': "{{ config(materialized='table') }}\nselect 1 as id\n",
      'models/old/b.sql': "select id from {{ ref('a') }}\n",
    });
    const dbname = await addPostgresProfile(server, dir, 'proj');
    const { session, rebuilt, notices } = await watchPg(dir);
    try {
      expect((await rebuilt(0)).results.map((r) => r.status)).toEqual(['success', 'success', 'success']);
      await pgQuery(server, handMadeView('main'), dbname);
      unlinkSync(join(dir, 'models/t.sql'));
      const report = await rebuilt(1);
      expect(report.dropped).toEqual([]);
      // Before: main.t was dropped with cascade, and reports.r with it.
      expect(notices).toEqual(['could not drop main.t: cannot drop table main.t because other objects depend on it']);
      rmSync(join(dir, 'models/old'), { recursive: true });
      // a is dropped after b, which reads it (a first would be refused while b reads it).
      expect((await rebuilt(2)).dropped.map((d) => d.node.name).sort()).toEqual(['a', 'b']);
    } finally {
      await session.close();
    }
    expect(await viewState(dbname)).toEqual([EXPECTED]);
    expect(await pgQuery(server, "select table_name from information_schema.tables where table_schema = 'main' and table_name in ('a', 'b', 't') order by 1", dbname)).toEqual([{ table_name: 't' }]);
  }, 180_000);
});
