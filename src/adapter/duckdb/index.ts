import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { DuckDBConnection, DuckDBMaterializedResult } from '@duckdb/node-api';
import { scrubSecrets } from '../../config/secrets.js';
import { ConfigError } from '../../errors.js';
import { makeFolder } from '../../project/make-folder.js';
import type { Relation } from '../../manifest/nodes.js';
import { databaseFile, NotASingleSelectError, type Adapter, type CatalogEntry, type ColumnType, type Connection, type DatabaseColumn, type EngineMessage, type RelationKind, type Row, type StatementResult, type TableData } from '../adapter.js';
import { quoteIdentifier, quoteLiteral, renderRelation } from '../quoting.js';
import { duckdbDialect } from './dialect.js';
import { DUCKDB_INFO } from './info.js';

// Loaded with require(): an ESM import of this CommonJS package makes Node lex its ~180 files for
// named exports, about 200 ms of CPU at every start (twice what loading it costs).
const { DuckDBInstance, ResultReturnType } = createRequire(import.meta.url)('@duckdb/node-api') as typeof import('@duckdb/node-api');
type DuckDBInstance = InstanceType<typeof DuckDBInstance>;

/**
 * Shortens DuckDB's message to its first line and re-points its `LINE n:` at the user's SQL
 * (`lineOffset` lines were added before it).
 */
export function duckdbMessage(error: unknown, lineOffset = 0): EngineMessage {
  const message = String((error as Error)?.message ?? error);
  const line = /LINE (\d+):/.exec(message);
  return { text: message.split('\n')[0].trim(), line: line ? Math.max(1, Number(line[1]) - lineOffset) : undefined };
}


function toJs(value: unknown): unknown {
  return typeof value === 'bigint' && value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value;
}

/**
 * The rows of a result DuckDB has materialized, read chunk by chunk on the JS thread. Reading it
 * with `fetchChunk` (runAndReadAll) costs two extra trips to DuckDB's worker thread per query.
 * Each column's vector is read once per chunk and the rows built straight from them (the values
 * `getRowObjects` gives, without its per-row calls into the binding and its interim objects): most
 * queries of a build (single-SELECT checks, tests) answer one row.
 */
function rowsOf(result: DuckDBMaterializedResult): Row[] {
  const names = result.deduplicatedColumnNames();
  const rows: Row[] = [];
  for (let index = 0, count = result.chunkCount; index < count; index++) {
    const chunk = result.getChunk(index);
    const size = chunk.rowCount;
    if (size === 0) continue;
    const vectors = names.map((_, column) => chunk.getColumnVector(column));
    for (let at = 0; at < size; at++) {
      const row: Row = {};
      for (let column = 0; column < names.length; column++) row[names[column]] = toJs(vectors[column].getItem(at));
      rows.push(row);
    }
  }
  return rows;
}

/** A DuckDB value as plain JS: numbers when exact, decimals as numbers, lists/structs unpacked, other values as text. */
function plainValue(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return toJs(value);
  const special = value as { toDouble?: () => number; items?: unknown[]; entries?: Record<string, unknown> };
  if (typeof special.toDouble === 'function') return special.toDouble();
  if (Array.isArray(special.items)) return special.items.map(plainValue);
  if (special.entries && typeof special.entries === 'object') return Object.fromEntries(Object.entries(special.entries).map(([key, item]) => [key, plainValue(item)]));
  return String(value);
}

/** A materialized result as a {@link TableData}. */
function tableOf(result: DuckDBMaterializedResult): TableData {
  const rows: unknown[][] = [];
  for (let index = 0, count = result.chunkCount; index < count; index++) {
    for (const row of result.getChunk(index).getRows()) rows.push(row.map(plainValue));
  }
  return { columnNames: result.columnNames(), columnTypes: result.columnTypes().map((type) => type.toString()), rows };
}

/** The row count a statement's result reports (see {@link StatementResult.rowCount}). */
function rowCountOf(result: DuckDBMaterializedResult): number | undefined {
  // INSERT / UPDATE / DELETE answer CHANGED_ROWS: a one-row `Count` column whose value DuckDB's C
  // API already reads into rows_changed (duckdb_rows_changed), so no chunk or vector is built for it.
  if (result.returnType === ResultReturnType.CHANGED_ROWS) return result.rowsChanged;
  // CREATE TABLE AS reports its row count in a single `Count` column rather than rowsChanged.
  if (result.columnCount === 1 && result.columnName(0) === 'Count') {
    const chunk = result.chunkCount ? result.getChunk(0) : undefined;
    return chunk?.rowCount ? Number(chunk.getColumnVector(0).getItem(0)) : undefined;
  }
  // Any other result reports no rows changed (rows_changed is 0 but for CHANGED_ROWS); asking would
  // copy the whole result into the C API's deprecated column arrays just to answer 0.
  return undefined;
}

/**
 * Where the top-level statements of `sql` end: the offsets of its `;` outside string literals,
 * quoted identifiers, dollar-quoted strings and comments.
 */
function statementEnds(sql: string): number[] {
  const ends: number[] = [];
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      i = sql.indexOf(c, i + 1);
      while (i !== -1 && sql[i + 1] === c) i = sql.indexOf(c, i + 2);
      if (i === -1) break;
    } else if (c === '-' && sql[i + 1] === '-') {
      i = sql.indexOf('\n', i);
      if (i === -1) break;
    } else if (c === '/' && sql[i + 1] === '*') {
      i = sql.indexOf('*/', i + 2);
      if (i === -1) break;
      i++;
    } else if (c === '$') {
      const tag = /^\$[A-Za-z_]*\$/.exec(sql.slice(i))?.[0];
      if (tag) {
        i = sql.indexOf(tag, i + tag.length);
        if (i === -1) break;
        i += tag.length - 1;
      }
    } else if (c === ';') ends.push(i);
  }
  return ends;
}

/**
 * A lone PIVOT / UNPIVOT statement (DuckDB's simplified syntax): its parser expands one with pivot
 * values taken from the data into several statements, so json_serialize_sql refuses it, yet it is
 * one query (https://duckdb.org/docs/stable/sql/statements/pivot). True when `sql` starts with the
 * keyword and holds no `;` except a trailing one.
 */
function isPivotStatement(sql: string): boolean {
  if (!/^(\s|--[^\n]*\n|\/\*[\s\S]*?\*\/|\()*(un)?pivot\b/i.test(sql)) return false;
  const ends = statementEnds(sql);
  return ends.length === 0 || (ends.length === 1 && sql.slice(ends[0] + 1).trim() === '');
}

class DuckDBConnectionWrapper implements Connection {
  readonly dialect = duckdbDialect;
  readonly capabilities = DUCKDB_INFO.capabilities;
  /** An embedded database never goes away. */
  readonly lost = false;
  /** The database this connection reads by default (asked once, for {@link relationKind}). */
  private catalog: string | undefined;

  constructor(private readonly connection: DuckDBConnection) {}

  async execute(sql: string): Promise<number | undefined> {
    return rowCountOf(await this.connection.run(sql));
  }

  /** The result stays materialized in DuckDB until read: reading it does not touch the connection. */
  async run(sql: string): Promise<StatementResult> {
    const result = await this.connection.run(sql);
    return { rowCount: () => rowCountOf(result) };
  }

  async query(sql: string): Promise<Row[]> {
    return rowsOf(await this.connection.run(sql));
  }

  async queryTable(sql: string): Promise<TableData> {
    return tableOf(await this.connection.run(sql));
  }

  /**
   * Two cheap look-ups instead of information_schema.tables: that view reads duckdb_tables(),
   * which sizes every table in the database (~10 ms per call with hundreds of tables, once per
   * model in a build). Views come from duckdb_views(); a table is found by binding its name.
   * Callers ask outside transactions (a failed bind would abort one).
   */
  async relationKind(relation: Relation): Promise<RelationKind | undefined> {
    const [schema, name] = [quoteLiteral(relation.schema), quoteLiteral(relation.identifier)];
    const views = await this.query(`select 1 from duckdb_views() where database_name = current_database() and schema_name = ${schema} and view_name = ${name}`);
    if (views.length) return 'view';
    this.catalog ??= String((await this.query('select current_database() as name'))[0].name);
    try {
      await this.connection.run(`select 1 from ${quoteIdentifier(this.catalog)}.${renderRelation(relation)} limit 0`);
      return 'table';
    } catch (error) {
      if (/does not exist/i.test((error as Error).message)) return undefined;
      throw error;
    }
  }

  /**
   * One query over duckdb_tables() and duckdb_views(): it sizes every table, which costs ~10 ms
   * with hundreds of tables, so it is asked once per run rather than once per node.
   */
  async listRelations(): Promise<CatalogEntry[]> {
    const rows = await this.query(
      `select schema_name as s, table_name as i, 'table' as k from duckdb_tables() where database_name = current_database()
       union all
       select schema_name, view_name, 'view' from duckdb_views() where database_name = current_database() and not internal`,
    );
    return rows.map((row) => ({ schema: String(row.s), identifier: String(row.i), kind: row.k as RelationKind }));
  }

  /**
   * DuckDB's `json_serialize_sql()` parses without binding and serializes SELECT statements only
   * (https://duckdb.org/docs/stable/data/json/sql_to_and_from_json): its answer tells one SELECT
   * from several statements, other kinds of statement and syntax errors. DuckDB answers with one
   * short text: the number of statements, or the error object (small). The whole serialized
   * syntax tree (kilobytes per model) is not sent back to be decoded and parsed on the JS thread.
   */
  async assertSingleSelect(sql: string): Promise<void> {
    const [row] = await this.query(`select if(j->>'$.error' = 'true', j::varchar, coalesce(json_array_length(j, '$.statements'), 0)::varchar) as r from (select json_serialize_sql(${quoteLiteral(sql)}) as j)`);
    const answer = String(row.r);
    if (answer.startsWith('{')) {
      const parsed = JSON.parse(answer) as { error_type?: string; error_message?: string; position?: string };
      if (parsed.error_type === 'parser') {
        const position = Number(parsed.position);
        const line = Number.isInteger(position) ? sql.slice(0, position).split('\n').length : undefined;
        throw new NotASingleSelectError(true, `Parser Error: ${parsed.error_message ?? 'syntax error'}`, line);
      }
      if (isPivotStatement(sql)) return;
      const count = (await this.connection.extractStatements(sql)).count;
      throw new NotASingleSelectError(false, count > 1 ? `it holds ${count} statements` : 'it is not a SELECT statement');
    }
    const count = Number(answer);
    if (count !== 1) throw new NotASingleSelectError(false, count ? `it holds ${count} statements` : 'it holds no statement');
  }

  /** DuckDB's `DESCRIBE`: column names and types in order. */
  async describeColumns(rendered: string): Promise<ColumnType[]> {
    const rows = await this.query(`describe ${rendered}`);
    return rows.map((row) => ({ name: String(row.column_name), type: String(row.column_type) }));
  }

  /** `DESCRIBE <query>` binds the query and reports its columns without running it. */
  async describeQuery(sql: string): Promise<ColumnType[]> {
    const rows = await this.query(`describe (\n${sql}\n)`);
    return rows.map((row) => ({ name: String(row.column_name), type: String(row.column_type) }));
  }

  async listColumns(): Promise<DatabaseColumn[]> {
    const rows = await this.query(`
      select c.table_schema, c.table_name, c.column_name, c.data_type, c.ordinal_position, t.table_type
      from information_schema.columns c
      join information_schema.tables t using (table_catalog, table_schema, table_name)
      where c.table_catalog = current_database()
      order by c.table_schema, c.table_name, c.ordinal_position`);
    return rows.map((row) => ({
      schema: String(row.table_schema),
      identifier: String(row.table_name),
      kind: row.table_type === 'VIEW' ? 'view' : 'table',
      name: String(row.column_name),
      type: String(row.data_type),
      index: Number(row.ordinal_position),
    }));
  }

  describeError(error: unknown, lineOffset = 0): EngineMessage {
    return duckdbMessage(error, lineOffset);
  }

  close(): void {
    this.connection.closeSync();
  }
}

/** What a target adds when its database opens: dbt-duckdb's `settings` and `attach`. */
export interface DuckDBSetup {
  settings?: Record<string, string | number | boolean>;
  attach?: { path: string; alias?: string; readOnly?: boolean; type?: string }[];
}

/**
 * The DuckDB adapter: one database instance, any number of connections. Relative file paths in SQL
 * (lake files, seeds) resolve against the project dir through DuckDB's `file_search_path` setting.
 */
export class DuckDBAdapter implements Adapter {
  readonly type = 'duckdb';
  readonly capabilities = DUCKDB_INFO.capabilities;
  readonly dialect = duckdbDialect;
  private readonly connections: Connection[] = [];

  private constructor(private readonly instance: DuckDBInstance, private readonly projectDir: string, private readonly setup: DuckDBSetup = {}) {}

  /**
   * Opens (creating if needed) the target's database.
   * @param path database file relative to the project dir, absolute, or `:memory:`
   * @param setup the target's `settings` (SET on every connection) and `attach` (ATTACHed once)
   * @throws ConfigError when the file is locked by another process (DuckDB allows one writer), or
   *   an attach or setting DuckDB rejects
   */
  static async open(path: string, projectDir: string, setup: DuckDBSetup = {}): Promise<DuckDBAdapter> {
    const file = databaseFile(path, projectDir);
    if (file !== ':memory:') makeFolder(dirname(file), `the database ${scrubSecrets(path)}`);
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(file);
    } catch (error) {
      const message = (error as Error).message;
      if (/lock/i.test(message)) {
        throw new ConfigError(`The database ${scrubSecrets(path)} is in use by another process`, {
          hint: 'DuckDB allows one writer at a time: stop the other dops (or DuckDB client) holding it, then retry.',
          cause: error,
        });
      }
      throw new ConfigError(scrubSecrets(`Cannot open the database ${path}: ${message.split('\n')[0]}`), { cause: error });
    }
    if (setup.attach?.length) {
      const connection = await instance.connect();
      try {
        for (const spec of setup.attach) {
          const options = [spec.type ? `TYPE ${spec.type}` : '', spec.readOnly ? 'READ_ONLY' : ''].filter(Boolean).join(', ');
          const location = /^[a-z][a-z0-9+.-]*:/i.test(spec.path) ? spec.path : databaseFile(spec.path, projectDir);
          await connection.run(`ATTACH IF NOT EXISTS ${quoteLiteral(location)}${spec.alias ? ` AS ${quoteIdentifier(spec.alias)}` : ''}${options ? ` (${options})` : ''}`);
        }
      } catch (error) {
        connection.closeSync();
        instance.closeSync();
        throw new ConfigError(`Cannot attach a database of the profile: ${(error as Error).message.split('\n')[0]}`, { cause: error });
      }
      connection.closeSync();
    }
    return new DuckDBAdapter(instance, projectDir, setup);
  }

  async connect(): Promise<Connection> {
    const connection = await this.instance.connect();
    await connection.run(`SET file_search_path = ${quoteLiteral(this.projectDir)}`);
    for (const [key, value] of Object.entries(this.setup.settings ?? {})) {
      try {
        await connection.run(`SET ${quoteIdentifier(key)} = ${typeof value === 'string' ? quoteLiteral(value) : String(value)}`);
      } catch (error) {
        connection.closeSync();
        throw new ConfigError(`Cannot apply the profile's setting '${key}': ${(error as Error).message.split('\n')[0]}`, { cause: error });
      }
    }
    const wrapped = new DuckDBConnectionWrapper(connection);
    this.connections.push(wrapped);
    return wrapped;
  }

  async close(): Promise<void> {
    for (const connection of this.connections.splice(0)) connection.close();
    this.instance.closeSync();
  }
}
