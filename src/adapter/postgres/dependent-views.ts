import type { Relation } from '../../manifest/nodes.js';
import { quoteLiteral, renderRelation } from '../quoting.js';

/**
 * The transaction-local setting the views read by {@link saveDependentViews} are kept in until
 * {@link restoreDependentViews} (a custom `prefix.name` setting, set with `is_local` so it ends with
 * the transaction: https://www.postgresql.org/docs/15/functions-admin.html#FUNCTIONS-ADMIN-SET).
 */
const SETTING = 'dops.dependent_views';

/**
 * A statement that records, before `relation` is dropped with CASCADE, every view and materialized
 * view that reads it, directly or through other views (PostgreSQL views bind to the OID of what
 * they read, so `DROP ... CASCADE` drops them all: https://www.postgresql.org/docs/15/sql-droptable.html,
 * https://www.postgresql.org/docs/15/ddl-depend.html). Found through `pg_depend` entries of their
 * `pg_rewrite` rules; each kept with its schema, name, kind, owner and `pg_get_viewdef` text, its
 * options (`pg_class.reloptions`: `security_barrier`, `check_option`, `security_invoker`, a
 * materialized view's storage parameters), its privileges other than its owner's (table and column
 * privileges from `aclexplode` of `pg_class.relacl` / `pg_attribute.attacl`:
 * https://www.postgresql.org/docs/15/ddl-priv.html), its comment and its columns' comments
 * (`obj_description` / `col_description`: https://www.postgresql.org/docs/15/functions-info.html),
 * in dependency order (deepest path from `relation` first to last), as JSON in a transaction-local
 * setting. Must run in the same transaction as the drop and {@link restoreDependentViews}.
 */
export function saveDependentViews(relation: Relation): string {
  const dependsOnRule = `d.classid = 'pg_rewrite'::regclass and d.refclassid = 'pg_class'::regclass and r.ev_class <> d.refobjid`;
  return `select set_config(${quoteLiteral(SETTING)}, coalesce((
  with recursive deps(oid, depth) as (
    select r.ev_class, 1 from pg_depend d join pg_rewrite r on r.oid = d.objid
    where ${dependsOnRule} and d.refobjid = to_regclass(${quoteLiteral(renderRelation(relation))})
    union
    select r.ev_class, deps.depth + 1 from deps join pg_depend d on d.refobjid = deps.oid join pg_rewrite r on r.oid = d.objid
    where ${dependsOnRule} and deps.depth < 100
  )
  select json_agg(json_build_object('schema', n.nspname, 'name', c.relname, 'kind', c.relkind, 'depth', v.depth, 'owner', pg_get_userbyid(c.relowner), 'definition', rtrim(rtrim(pg_get_viewdef(c.oid)), ';'),
    'options', coalesce(to_json(c.reloptions), '[]'),
    'comment', obj_description(c.oid, 'pg_class'),
    'columns', (select coalesce(json_agg(json_build_object('name', a.attname, 'comment', col_description(c.oid, a.attnum)) order by a.attnum), '[]')
      from pg_attribute a where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and col_description(c.oid, a.attnum) is not null),
    'grants', (select coalesce(json_agg(json_build_object('grantee', case when g.grantee = 0 then null else pg_get_userbyid(g.grantee) end, 'privilege', g.privilege_type, 'grantable', g.is_grantable, 'column_name', g.attname) order by g.attname nulls first, g.grantee, g.privilege_type), '[]')
      from (select null::name as attname, x.grantee, x.privilege_type, x.is_grantable from aclexplode(c.relacl) x
        union all select a.attname, x.grantee, x.privilege_type, x.is_grantable from pg_attribute a cross join lateral aclexplode(a.attacl) x where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped) g
      where g.grantee <> c.relowner)
  ) order by v.depth, n.nspname, c.relname)::text
  from (select oid, max(depth) as depth from deps group by oid) v join pg_class c on c.oid = v.oid join pg_namespace n on n.oid = c.relnamespace
  where c.relkind in ('v', 'm')
), '[]'), true)`;
}

/**
 * A statement that re-creates, once the new relation has the name, the views
 * {@link saveDependentViews} recorded, in dependency order, with their definitions (names in a
 * definition resolve again, so they read the new relation) and options (`create view ... with
 * (security_barrier = 'true', check_option = 'local')`); then gives back, as their owner, the
 * privileges others had (those granted by default privileges on creation but not held before are
 * revoked first: https://www.postgresql.org/docs/15/sql-alterdefaultprivileges.html), their comments
 * and their columns' comments, and last their owner when it was not the current user (`ALTER ...
 * OWNER` carries the privileges over to the new owner; kept as the current user's if that is not
 * allowed). Users expect these to outlive a rebuild of what the view reads, as dbt's `grants` and
 * `persist_docs` configs keep them on the relations dbt builds
 * (https://docs.getdbt.com/reference/resource-configs/grants,
 * https://docs.getdbt.com/reference/resource-configs/persist_docs). Each view is created in its own
 * PL/pgSQL block with an EXCEPTION clause, which runs as a subtransaction (a savepoint:
 * https://www.postgresql.org/docs/15/plpgsql-control-structures.html#PLPGSQL-ERROR-TRAPPING), so a
 * view that no longer binds (it reads a column the new relation dropped) is left dropped rather
 * than failing the node: the view's own node re-creates it from its model when it runs (later in
 * this run, or in the next one that selects it). Privileges and comments are given back in an inner
 * block of their own: should one fail (a column comment on a column the view no longer has), the
 * view is kept without them and a WARNING is raised. Not kept: triggers and rules on the views,
 * indexes on materialized views, the grantor of a privilege (the owner is), an owner's own revoked
 * privileges.
 */
export function restoreDependentViews(): string {
  return `do $dops$
declare
  v record;
  g record;
  held record;
  col record;
  kind text;
  target text;
begin
  for v in select * from json_to_recordset(coalesce(nullif(current_setting(${quoteLiteral(SETTING)}, true), ''), '[]')::json)
    as x(schema text, name text, kind text, depth int, owner text, definition text, options json, comment text, columns json, grants json) order by x.depth loop
    kind := case when v.kind = 'm' then 'materialized view' else 'view' end;
    target := format('%I.%I', v.schema, v.name);
    begin
      execute format('create %s %s%s as %s', kind, target,
        coalesce((select ' with (' || string_agg(format('%I = %L', split_part(o, '=', 1), substr(o, strpos(o, '=') + 1)), ', ') || ')' from json_array_elements_text(coalesce(v.options, '[]')) o), ''),
        v.definition);
      begin
        for held in select distinct a.grantee from pg_class c cross join lateral aclexplode(c.relacl) a where c.oid = target::regclass and a.grantee <> c.relowner loop
          execute format('revoke all on %s from %s', target, case when held.grantee = 0 then 'public' else quote_ident(pg_get_userbyid(held.grantee)) end);
        end loop;
        for g in select * from json_to_recordset(coalesce(v.grants, '[]')) as y(grantee text, privilege text, grantable boolean, column_name text) loop
          execute format('grant %s%s on %s to %s%s', g.privilege, case when g.column_name is null then '' else format(' (%I)', g.column_name) end, target,
            coalesce(quote_ident(g.grantee), 'public'), case when g.grantable then ' with grant option' else '' end);
        end loop;
        if v.comment is not null then
          execute format('comment on %s %s is %L', kind, target, v.comment);
        end if;
        for col in select * from json_to_recordset(coalesce(v.columns, '[]')) as y(name text, comment text) loop
          execute format('comment on column %s.%I is %L', target, col.name, col.comment);
        end loop;
      exception when others then
        raise warning 'dops: re-created % without its privileges or comments: %', target, sqlerrm;
      end;
      if v.owner <> current_user then
        begin
          execute format('alter %s %s owner to %I', kind, target, v.owner);
        exception when others then
          null; -- kept, owned by the current user
        end;
      end if;
    exception when others then
      null; -- left dropped: its own node re-creates it
    end;
  end loop;
  perform set_config(${quoteLiteral(SETTING)}, '', true);
end
$dops$`;
}
