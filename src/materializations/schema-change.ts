import { quoteIdentifier, renderRelation } from '../adapter/quoting.js';
import { CompilationError } from '../errors.js';
import type { Relation } from '../manifest/nodes.js';

/** A column of a relation as DuckDB describes it. */
export interface ColumnSpec {
  name: string;
  /** DuckDB type, e.g. `INTEGER`, `VARCHAR`, `TIMESTAMP`. */
  type: string;
}

/** dbt's `on_schema_change` modes for incremental models. */
export const ON_SCHEMA_CHANGE = ['ignore', 'fail', 'append_new_columns', 'sync_all_columns'] as const;

/** One of {@link ON_SCHEMA_CHANGE}. */
export type OnSchemaChange = (typeof ON_SCHEMA_CHANGE)[number];

/** How the new rows' columns differ from the existing table's. Names compare case-insensitively (DuckDB's rule). */
export interface SchemaDiff {
  /** In the new rows only. */
  added: ColumnSpec[];
  /** In the table only. */
  removed: ColumnSpec[];
  /** In both, with another type in the new rows (`type` is the new one). */
  retyped: ColumnSpec[];
}

const key = (name: string) => name.toLowerCase();

/** Compares the existing table's columns with the new rows' columns. */
export function diffColumns(table: ColumnSpec[], incoming: ColumnSpec[]): SchemaDiff {
  const inTable = new Map(table.map((c) => [key(c.name), c]));
  const inIncoming = new Map(incoming.map((c) => [key(c.name), c]));
  return {
    added: incoming.filter((c) => !inTable.has(key(c.name))),
    removed: table.filter((c) => !inIncoming.has(key(c.name))),
    retyped: incoming.filter((c) => inTable.has(key(c.name)) && inTable.get(key(c.name))!.type !== c.type),
  };
}

/** True when the two column lists differ in names or types. */
export function hasChanges(diff: SchemaDiff): boolean {
  return diff.added.length + diff.removed.length + diff.retyped.length > 0;
}

/** What applying `on_schema_change` to the table needs: DDL first, then the columns to write. */
export interface SchemaPlan {
  /** `ALTER TABLE` statements run before the new rows are written. */
  statements: string[];
  /** Columns the new rows are written into (present in the table after the DDL and in the new rows). */
  columns: string[];
}

function describeDiff(diff: SchemaDiff): string {
  const parts = [
    diff.added.length ? `new columns ${diff.added.map((c) => c.name).join(', ')}` : '',
    diff.removed.length ? `missing columns ${diff.removed.map((c) => c.name).join(', ')}` : '',
    diff.retyped.length ? `changed types ${diff.retyped.map((c) => `${c.name} (${c.type})`).join(', ')}` : '',
  ];
  return parts.filter(Boolean).join('; ');
}

/**
 * Applies dbt's `on_schema_change` rule (dbt docs, "Incremental models: what if the columns of my
 * incremental model change?"): `ignore` writes only the table's columns that the new rows have;
 * `fail` stops; `append_new_columns` adds new columns (keeps missing ones, filled with NULL);
 * `sync_all_columns` adds new, drops missing and retypes changed columns.
 * @param modelName for the error message
 * @throws CompilationError for `fail` when the columns differ
 */
export function planSchemaChange(relation: Relation, table: ColumnSpec[], incoming: ColumnSpec[], mode: OnSchemaChange, modelName: string): SchemaPlan {
  const diff = diffColumns(table, incoming);
  const target = renderRelation(relation);
  const tableNames = new Set(table.map((c) => key(c.name)));
  const shared = incoming.filter((c) => tableNames.has(key(c.name))).map((c) => c.name);
  if (!hasChanges(diff) || mode === 'ignore') return { statements: [], columns: shared };
  if (mode === 'fail') {
    throw new CompilationError(`The columns of incremental model '${modelName}' changed: ${describeDiff(diff)}`, {
      hint: "Set on_schema_change to 'append_new_columns' or 'sync_all_columns', or rebuild with --full-refresh.",
    });
  }
  const add = diff.added.map((c) => `alter table ${target} add column ${quoteIdentifier(c.name)} ${c.type}`);
  if (mode === 'append_new_columns') return { statements: add, columns: [...shared, ...diff.added.map((c) => c.name)] };
  const drop = diff.removed.map((c) => `alter table ${target} drop column ${quoteIdentifier(c.name)}`);
  const retype = diff.retyped.map((c) => `alter table ${target} alter column ${quoteIdentifier(c.name)} set data type ${c.type}`);
  return { statements: [...add, ...drop, ...retype], columns: incoming.map((c) => c.name) };
}
