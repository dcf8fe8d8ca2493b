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

/** A column of a relation or query result: its name and the engine's type name. */
export interface ColumnType {
  name: string;
  /** The engine's type name as DDL accepts it (`BIGINT`, `VARCHAR`, `numeric(18,3)`, ...). */
  type: string;
}

/** One column of the database, as {@link Connection.listColumns} reports it for the docs catalog. */
export interface DatabaseColumn extends ColumnType {
  schema: string;
  identifier: string;
  kind: RelationKind;
  /** 1-based position in its relation. */
  index: number;
}

/** What an engine can do; materializations and the parser check these instead of the engine's name. */
export interface Capabilities {
  /** DDL (create, drop, rename) rolls back with the transaction. */
  transactionalDdl: boolean;
  /** `MERGE INTO` is available (incremental strategy `merge`). */
  merge: boolean;
  /** The engine reads and writes files itself: external models, file sources (`external_location`). */
  files: boolean;
  /**
   * What the engine does with each constraint type in a table's DDL (dbt's `CONSTRAINT_SUPPORT`):
   * `enforced` rejects violating rows; `not_enforced` is accepted in the DDL but checks nothing;
   * `not_supported` is left out of the DDL. Views enforce none.
   */
  constraints: Record<'check' | 'not_null' | 'unique' | 'primary_key' | 'foreign_key', ConstraintSupport>;
}

/** See {@link Capabilities.constraints}. */
export type ConstraintSupport = 'enforced' | 'not_enforced' | 'not_supported';

/** An engine error reduced to what dops reports: its first line, and the 1-based line of the SQL it points at. */
export interface EngineMessage {
  text: string;
  line?: number;
}

/** A seed's CSV, read and typed, for engines that do not read files themselves. */
export interface SeedData {
  columns: ColumnType[];
  /** Rows as text (`undefined` for an empty field: NULL), in file order. */
  rows: (string | undefined)[][];
}

/**
 * The SQL that differs between engines, as pure functions from relations and queries to
 * statements. Materializations build their plans through it (DuckDB and PostgreSQL docs,
 * "CREATE TABLE AS", "CREATE VIEW", "MERGE").
 */
export interface Dialect {
  /** The profile `type` this dialect belongs to (`duckdb`, `postgres`). */
  readonly type: string;
  /** `DROP` of a relation that is now a `kind` (PostgreSQL: with the views reading it). */
  dropRelation(relation: Relation, kind: RelationKind): string;
  /**
   * For engines whose `DROP` of a replaced relation also drops the views reading it (PostgreSQL's
   * CASCADE): `save` runs before the drop and records those views, `restore` runs in the same
   * transaction once the new relation has the name and re-creates them, so a build killed between
   * two nodes' commits never leaves a view of the previous run missing. Absent on DuckDB.
   */
  keepDependentViews?(relation: Relation): { save: string; restore: string };
  /**
   * For engines whose {@link Dialect.dropRelation} cascades (PostgreSQL): a `DROP` of a relation
   * that is not replaced (nothing takes its name), which fails, dropping nothing, while other
   * objects such as views read it (`RESTRICT`: https://www.postgresql.org/docs/15/sql-droptable.html),
   * since those views could not be re-created. Absent on DuckDB, whose `DROP` does not cascade.
   */
  dropUnlessRead?(relation: Relation, kind: RelationKind): string;
  /**
   * Makes another database file readable under `alias` (DuckDB `ATTACH ... (READ_ONLY)`, for
   * `--defer` to a state built in another file); absent for engines without database files.
   */
  attachReadOnly?(file: string, alias: string): string;
  /** Statements that create `relation` from a query, replacing a table of that name. */
  createTableAs(relation: Relation, sql: string): string[];
  /** Statements that create a connection-local temp table `name` from a query, replacing one of that name. */
  createTempTableAs(name: string, sql: string): string[];
  /** Statements that (re)create a view; `existing` is what the relation is now. */
  replaceView(relation: Relation, sql: string, existing: RelationKind | undefined): string[];
  /** SQL giving a timestamp expression's value as seconds since the Unix epoch (source freshness). */
  epochSeconds(expression: string): string;
  /**
   * The SELECT reading a seed CSV file, for engines that read files; undefined otherwise (see {@link Dialect.seedInserts}).
   * @param types every column's type, in the header's order
   */
  seedSelect?(csvPath: string, types: string[], delimiter: string): string;
  /** Statements that load parsed seed rows into an existing empty table (engines without file access). */
  seedInserts?(relation: Relation, data: SeedData): string[];
  /**
   * A contract's `data_type` with dbt's type aliases applied (`alias_types`, default on), e.g.
   * `string` -> `text` on PostgreSQL (dbt's `Column.translate_type`); other names unchanged.
   */
  translateType(type: string): string;
  /**
   * The form a contract compares an engine-resolved type name in: upper case, single spaces, and
   * size, precision and scale left out (dbt compares neither: https://docs.getdbt.com/reference/resource-configs/contract).
   */
  contractType(type: string): string;
  /** The engine's type for a seed column whose values all look like `kind`. */
  seedType?(kind: 'integer' | 'bigint' | 'float' | 'boolean' | 'date' | 'timestamp' | 'text'): string;
  /**
   * The statement that writes the changes of committed transactions into the database file
   * (DuckDB `CHECKPOINT`, https://duckdb.org/docs/stable/sql/statements/checkpoint), which an
   * embedded engine otherwise does when it closes, on the JS thread. A run sends it as its last
   * statement so the engine writes while dops writes its artifacts; absent for servers.
   */
  checkpoint?: string;
}

/**
 * A query's result as a table (what templates' `run_query` / `statement` read): column names and
 * types in order, rows as arrays of plain JS values (integers and decimals as numbers when they
 * fit, dates and times as their ISO text, lists as arrays, structs as objects).
 */
export interface TableData {
  columnNames: string[];
  /** The database's type names, e.g. `INTEGER`, `VARCHAR`. */
  columnTypes: string[];
  rows: unknown[][];
}

/**
 * One database connection. Statements on a connection run one at a time; use several connections
 * for parallel work.
 */
export interface Connection {
  /** The engine's SQL dialect. */
  readonly dialect: Dialect;
  /** What the engine can do. */
  readonly capabilities: Capabilities;
  /** True once the connection to the server is gone (the server stopped or ended the session); it cannot run anything more. */
  readonly lost: boolean;
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
  /**
   * Runs a query and returns its columns and rows (column names kept even with no rows).
   * @throws Error with DuckDB's message when the query fails
   */
  queryTable(sql: string): Promise<TableData>;
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
  /**
   * The columns of a relation or temp table, in order.
   * @param rendered the relation as SQL (quoted), or a quoted temp table name
   */
  describeColumns(rendered: string): Promise<ColumnType[]>;
  /**
   * The columns a query would return and their types as the engine resolves them (DDL spelling,
   * e.g. `INTEGER`, `DECIMAL(10,2)`, `numeric(10,2)`), without running it. Model contracts compare
   * these with the YAML `data_type`s.
   * @throws Error with the engine's message when the query does not bind
   */
  describeQuery(sql: string): Promise<ColumnType[]>;
  /** Every column of every table and view of the default database (docs catalog), in relation and column order. */
  listColumns(): Promise<DatabaseColumn[]>;
  /** Reduces an engine error to one line and the SQL line it points at (`lineOffset` lines were added before the user's SQL). */
  describeError(error: unknown, lineOffset?: number): EngineMessage;
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

/** The narrow interface the runner uses to reach the database, one per engine (chosen by the profile's `type`). */
export interface Adapter {
  /** The profile `type` (`duckdb`, `postgres`). */
  readonly type: string;
  readonly capabilities: Capabilities;
  readonly dialect: Dialect;
  /** Opens a new connection (one per runner thread). */
  connect(): Promise<Connection>;
  /** Closes every connection and the database. */
  close(): Promise<void>;
}

/** A failed `dops debug` check of an engine: the engine's one-line message and how to fix it. */
export class EngineCheckError extends Error {
  constructor(message: string, readonly fix?: string) {
    super(message);
    this.name = 'EngineCheckError';
  }
}
