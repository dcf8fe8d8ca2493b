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
 * `pg_rewrite` rules; each kept with its schema, name, kind, owner and `pg_get_viewdef` text, in
 * dependency order (deepest path from `relation` first to last), as JSON in a transaction-local
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
  select json_agg(json_build_object('schema', n.nspname, 'name', c.relname, 'kind', c.relkind, 'depth', v.depth, 'owner', pg_get_userbyid(c.relowner), 'definition', rtrim(rtrim(pg_get_viewdef(c.oid)), ';')) order by v.depth, n.nspname, c.relname)::text
  from (select oid, max(depth) as depth from deps group by oid) v join pg_class c on c.oid = v.oid join pg_namespace n on n.oid = c.relnamespace
  where c.relkind in ('v', 'm')
), '[]'), true)`;
}

/**
 * A statement that re-creates, once the new relation has the name, the views
 * {@link saveDependentViews} recorded, in dependency order, with their definitions (names in a
 * definition resolve again, so they read the new relation), and gives each its owner back when it
 * was not the current user (kept as the current user's if that is not allowed). Each view is created in its own PL/pgSQL block with an EXCEPTION
 * clause, which runs as a subtransaction (a savepoint:
 * https://www.postgresql.org/docs/15/plpgsql-control-structures.html#PLPGSQL-ERROR-TRAPPING), so a
 * view that no longer binds (it reads a column the new relation dropped) is left dropped rather
 * than failing the node: the view's own node re-creates it from its model when it runs (later in
 * this run, or in the next one that selects it). Grants, comments and view options are not kept.
 */
export function restoreDependentViews(): string {
  return `do $dops$
declare
  v record;
begin
  for v in select * from json_to_recordset(coalesce(nullif(current_setting(${quoteLiteral(SETTING)}, true), ''), '[]')::json)
    as x(schema text, name text, kind text, depth int, owner text, definition text) order by x.depth loop
    begin
      execute format('create %s %I.%I as %s', case when v.kind = 'm' then 'materialized view' else 'view' end, v.schema, v.name, v.definition);
      if v.owner <> current_user then
        begin
          execute format('alter %s %I.%I owner to %I', case when v.kind = 'm' then 'materialized view' else 'view' end, v.schema, v.name, v.owner);
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
