import type { Dialect } from './adapter.js';
import { quoteIdentifier, quoteLiteral } from './quoting.js';

/**
 * The SQL behind dbt's adapter introspection methods in templates (`adapter.get_relation`,
 * `get_columns_in_relation`, `list_relations_without_caching`, `drop_relation`, `rename_relation`,
 * `create_schema`; docs.getdbt.com/reference/dbt-jinja-functions/adapter), in DuckDB's dialect.
 * Names are matched case-insensitively, as DuckDB resolves identifiers. Each query of relations
 * returns the columns `schema`, `identifier` and `type` (`table` / `view`).
 */

/** A relation as the introspection queries take it (database: the catalog; undefined: the current one). */
export interface RelationRef {
  database?: string;
  schema: string;
  identifier: string;
}

const catalogFilter = (database: string | undefined, column: string): string =>
  database ? `lower(${column}) = lower(${quoteLiteral(database)})` : `${column} = current_database()`;

/** Relations in one schema (or, with `identifier`, the one relation of that name). */
export function relationsQuery(database: string | undefined, schema: string, identifier?: string): string {
  const nameFilter = identifier === undefined ? '' : ` and lower(table_name) = lower(${quoteLiteral(identifier)})`;
  return `select table_schema as "schema", table_name as "identifier", case when table_type = 'VIEW' then 'view' else 'table' end as "type" from information_schema.tables where ${catalogFilter(database, 'table_catalog')} and lower(table_schema) = lower(${quoteLiteral(schema)})${nameFilter} order by table_name`;
}

/** Columns of a relation, in order: `name`, `data_type`, `char_size`, `numeric_precision`, `numeric_scale`. */
export function columnsQuery(relation: RelationRef): string {
  return `select column_name as "name", data_type as "data_type", character_maximum_length as "char_size", numeric_precision as "numeric_precision", numeric_scale as "numeric_scale" from information_schema.columns where ${catalogFilter(relation.database, 'table_catalog')} and lower(table_schema) = lower(${quoteLiteral(relation.schema)}) and lower(table_name) = lower(${quoteLiteral(relation.identifier)}) order by ordinal_position`;
}

/** Whether a schema exists: one row when it does. */
export function schemaExistsQuery(database: string | undefined, schema: string): string {
  return `select 1 as "exists" from information_schema.schemata where ${catalogFilter(database, 'catalog_name')} and lower(schema_name) = lower(${quoteLiteral(schema)})`;
}

/** `create schema if not exists`. */
export function createSchemaSql(schema: string): string {
  return `create schema if not exists ${quoteIdentifier(schema)}`;
}

/** `drop schema if exists ... cascade`. */
export function dropSchemaSql(schema: string): string {
  return `drop schema if exists ${quoteIdentifier(schema)} cascade`;
}

/**
 * `drop table|view if exists ... cascade`: the SQL of `adapter.drop_relation` / `drop_relation`
 * called from a project's macros. This cascades on purpose, as dbt does: dbt-postgres (and
 * dbt-duckdb) use dbt-adapters' default `drop_table` / `drop_view` macros
 * (`macros/relations/table/drop.sql`, `macros/relations/view/drop.sql` in dbt-adapters' global
 * project: `drop table if exists {{ relation }} cascade`),
 * https://docs.getdbt.com/reference/dbt-jinja-functions/adapter#drop_relation. On PostgreSQL the
 * views reading the relation are dropped with it and not re-created (a macro that drops a relation
 * asks for exactly that); dops' own replacements keep them instead ({@link Dialect.keepDependentViews}).
 */
export function dropRelationSql(kind: 'table' | 'view', rendered: string): string {
  return `drop ${kind} if exists ${rendered} cascade`;
}

/** Renames a table or view within its schema. */
export function renameRelationSql(kind: 'table' | 'view', from: string, toIdentifier: string): string {
  return `alter ${kind} ${from} rename to ${quoteIdentifier(toIdentifier)}`;
}
