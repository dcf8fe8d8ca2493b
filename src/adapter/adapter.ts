import { isAbsolute, join } from 'node:path';
import type { Relation } from '../manifest/nodes.js';

/** What a relation currently is in the database. */
export type RelationKind = 'table' | 'view';

/** One relation of the database, as {@link Connection.listRelations} reports it. */
export interface CatalogEntry {
  schema: string;
  identifier: string;
  kind: RelationKind;
}

/** A statement's result, kept by DuckDB until read. */
export interface StatementResult {
  /**
   * The row count DuckDB reports for CREATE TABLE AS / INSERT / UPDATE / DELETE, else undefined.
   * Reading it costs tens of microseconds, so a caller may read it later, e.g. while the
   * connection runs its next statement.
   */
  rowCount(): number | undefined;
}

/** A row as returned by a query: column name -> JS value (BIGINTs as bigint). */
export type Row = Record<string, unknown>;

/**
 * One database connection. Statements on a connection run one at a time; use several connections
 * for parallel work.
 */
export interface Connection {
  /**
   * Runs one statement.
   * @returns the row count DuckDB reports for CREATE TABLE AS / INSERT / UPDATE / DELETE, else undefined
   * @throws Error with DuckDB's message when the statement fails
   */
  execute(sql: string): Promise<number | undefined>;
  /**
   * Runs one statement without reading its result.
   * @returns the result, whose row count can be read afterwards
   * @throws Error with DuckDB's message when the statement fails
   */
  run(sql: string): Promise<StatementResult>;
  /**
   * Runs a query and returns all its rows.
   * @throws Error with DuckDB's message when the query fails
   */
  query(sql: string): Promise<Row[]>;
  /** What the relation is now, or undefined when it does not exist. */
  relationKind(relation: Relation): Promise<RelationKind | undefined>;
  /**
   * Every table and view of the connection's default database (not temp tables, not attached
   * databases), in one query: the run-wide catalog snapshot (runner/catalog.ts).
   */
  listRelations(): Promise<CatalogEntry[]>;
  /**
   * Checks with the engine's own parser (no binding, nothing runs) that `sql` is exactly one
   * SELECT statement (WITH, VALUES, FROM-first, set operations included), as a model's or test's
   * body must be: the body is wrapped in `create table ... as (...)` and similar, where a `)` and a
   * `;` inside it would otherwise run further statements.
   * @throws NotASingleSelectError saying what the SQL is instead
   */
  assertSingleSelect(sql: string): Promise<void>;
  /** Releases the connection. */
  close(): void;
}

/** A model or test body that is not exactly one SELECT statement (see {@link Connection.assertSingleSelect}). */
export class NotASingleSelectError extends Error {
  /**
   * @param syntax true when the SQL does not parse (then `reason` is the parser's message)
   * @param reason what the SQL is instead, e.g. `it holds 3 statements`, or the parser's message
   * @param line 1-based line of the parser's error in the checked SQL, when it gave a position
   */
  constructor(readonly syntax: boolean, readonly reason: string, readonly line?: number) {
    super(reason);
    this.name = 'NotASingleSelectError';
  }
}

/**
 * The database file a target's `path` names.
 * @param path relative to the project dir, absolute, or `:memory:` (returned as is)
 * @returns an absolute path, or `:memory:`
 */
export function databaseFile(path: string, projectDir: string): string {
  return path === ':memory:' || isAbsolute(path) ? path : join(projectDir, path);
}

/** The narrow interface the runner uses to reach the database. */
export interface Adapter {
  /** Opens a new connection (one per runner thread). */
  connect(): Promise<Connection>;
  /** Closes every connection and the database. */
  close(): Promise<void>;
}
