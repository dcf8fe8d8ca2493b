import pg from 'pg';
import type { Target } from '../../config/profiles.js';
import { ConfigError } from '../../errors.js';
import type { Relation } from '../../manifest/nodes.js';
import { NotASingleSelectError, type Adapter, type CatalogEntry, type ColumnType, type Connection, type DatabaseColumn, type EngineMessage, type RelationKind, type Row, type StatementResult, type TableData } from '../adapter.js';
import { quoteLiteral } from '../quoting.js';
import { postgresDialect } from './dialect.js';
import { POSTGRES_INFO } from './info.js';
import { plainlySingleQuery } from './single-query.js';

/** Type OIDs whose text form dops keeps as is (pg's defaults would turn them into JS Dates in local time). */
const TEXT_TYPES = [1082 /* date */, 1114 /* timestamp */, 1184 /* timestamptz */];
const INT8 = 20;

/** pg's type parsers, except: int8 as a number when safe, dates and timestamps as their text. */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (TEXT_TYPES.includes(oid)) return (value: string) => value;
    if (oid === INT8) return (value: string) => (Number.isSafeInteger(Number(value)) ? Number(value) : BigInt(value));
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

/** Commands whose `rowCount` is the node's `rows affected` (CREATE TABLE AS reports `SELECT n`). */
const COUNTED = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE', 'SELECT']);

/** The SQL a failed statement ran, kept on the error to map the server's character position to a line. */
const failedSql = new WeakMap<object, string>();

/** The pg client options for a target's dbt-postgres keys. */
export function clientConfig(target: Target): pg.ClientConfig {
  const keys = target.credentials ?? {};
  const sslmode = String(keys.sslmode ?? 'prefer');
  const options: string[] = [];
  if (keys.search_path !== undefined) options.push(`-c search_path=${String(keys.search_path).replace(/\s/g, '')}`);
  if (keys.role !== undefined) options.push(`-c role=${String(keys.role)}`);
  return {
    host: String(keys.host),
    port: Number(keys.port ?? 5432),
    user: String(keys.user),
    password: keys.password ?? keys.pass ? String(keys.password ?? keys.pass) : undefined,
    database: String(keys.dbname ?? keys.database),
    ssl: sslmode === 'require' || sslmode === 'verify-ca' ? { rejectUnauthorized: false } : sslmode === 'verify-full' ? { rejectUnauthorized: true } : false,
    connectionTimeoutMillis: keys.connect_timeout !== undefined ? Number(keys.connect_timeout) * 1000 : 10_000,
    keepAlive: true,
    keepAliveInitialDelayMillis: keys.keepalives_idle !== undefined ? Number(keys.keepalives_idle) * 1000 : 0,
    application_name: keys.application_name !== undefined ? String(keys.application_name) : 'dops',
    options: options.length ? options.join(' ') : undefined,
    types,
  };
}

class PostgresConnection implements Connection {
  readonly dialect = postgresDialect;
  readonly capabilities = POSTGRES_INFO.capabilities;
  private broken: Error | undefined;

  get lost(): boolean {
    return this.broken !== undefined;
  }

  constructor(private readonly client: pg.Client) {
    // A server that goes away mid-run surfaces as an 'error' event; the next statement reports it.
    client.on('error', (error) => (this.broken = error));
  }

  private async send(sql: string): Promise<pg.QueryResult> {
    if (this.broken) throw this.broken;
    try {
      return await this.client.query({ text: sql, types });
    } catch (error) {
      if (error && typeof error === 'object') failedSql.set(error, sql);
      // Admin shutdown, crash, terminated backend, or the socket closed: the session is over.
      const code = String((error as { code?: string })?.code ?? '');
      if (code.startsWith('57P') || /Connection terminated|ECONNRESET|EPIPE/i.test(String((error as Error)?.message))) this.broken ??= error as Error;
      throw error;
    }
  }

  async execute(sql: string): Promise<number | undefined> {
    const result = await this.send(sql);
    return COUNTED.has(result.command) && result.rowCount !== null ? result.rowCount : undefined;
  }

  async run(sql: string): Promise<StatementResult> {
    const result = await this.send(sql);
    return { rowCount: () => (COUNTED.has(result.command) && result.rowCount !== null ? result.rowCount : undefined) };
  }

  async query(sql: string): Promise<Row[]> {
    return (await this.send(sql)).rows as Row[];
  }

  /** Columns in order (kept with no rows) and rows as arrays; types are PostgreSQL type OIDs. */
  async queryTable(sql: string): Promise<TableData> {
    const result = await this.send(sql);
    const names = (result.fields ?? []).map((field) => field.name);
    const rows = (result.rows as Row[]).map((row) => names.map((name) => row[name]));
    return { columnNames: names, columnTypes: (result.fields ?? []).map((field) => String(field.dataTypeID)), rows };
  }

  async relationKind(relation: Relation): Promise<RelationKind | undefined> {
    const rows = await this.query(
      `select c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = ${quoteLiteral(relation.schema)} and c.relname = ${quoteLiteral(relation.identifier)} and c.relkind in ('r', 'p', 'v', 'm')`,
    );
    if (!rows.length) return undefined;
    return rows[0].relkind === 'v' || rows[0].relkind === 'm' ? 'view' : 'table';
  }

  /**
   * PostgreSQL has no parse-only call: the body is wrapped as a subquery (`limit 0`, nothing is
   * read) and sent through the extended protocol, which refuses more than one command
   * (https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-EXT-QUERY); a
   * statement that is no query is a syntax error there. Other errors (an unknown column) are left
   * to the build, which reports them. A body that is plainly one query ({@link plainlySingleQuery}:
   * the common case) skips that round trip: if it does not parse, the build's own statement fails.
   */
  async assertSingleSelect(sql: string): Promise<void> {
    if (this.broken) throw this.broken;
    if (plainlySingleQuery(sql)) return;
    const prefix = 'select 1 from (\n';
    try {
      await this.client.query({ text: `${prefix}${sql}\n) as dops_single_select limit 0`, queryMode: 'extended' } as pg.QueryConfig);
    } catch (error) {
      const { code, message, position } = error as { code?: string; message?: string; position?: string };
      if (/multiple commands/i.test(String(message))) throw new NotASingleSelectError(false, 'it holds more than one statement');
      if (code === '42601') {
        const at = Number(position) - 1 - prefix.length;
        throw new NotASingleSelectError(true, `syntax error: ${message}`, at >= 0 ? sql.slice(0, at).split('\n').length : undefined);
      }
    }
  }

  /** Tables and views of the database's own schemas (not pg_catalog, information_schema or temp schemas). */
  async listRelations(): Promise<CatalogEntry[]> {
    const rows = await this.query(
      `select n.nspname as s, c.relname as i, case when c.relkind in ('v', 'm') then 'view' else 'table' end as k
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where c.relkind in ('r', 'p', 'v', 'm') and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'`,
    );
    return rows.map((row) => ({ schema: String(row.s), identifier: String(row.i), kind: row.k as RelationKind }));
  }

  /** Columns from pg_attribute, typed with `format_type` (e.g. `numeric(18,3)`, `character varying(20)`). */
  async describeColumns(rendered: string): Promise<ColumnType[]> {
    const rows = await this.query(
      `select attname as name, format_type(atttypid, atttypmod) as type from pg_attribute where attrelid = ${quoteLiteral(rendered)}::regclass and attnum > 0 and not attisdropped order by attnum`,
    );
    return rows.map((row) => ({ name: String(row.name), type: String(row.type) }));
  }

  /**
   * The query wrapped as `select * from (<sql>) limit 0` (planned, no row read): its fields' type
   * OIDs and modifiers, named by `format_type` (e.g. `integer`, `numeric(10,2)`, `text`).
   */
  async describeQuery(sql: string): Promise<ColumnType[]> {
    const fields = (await this.send(`select * from (\n${sql}\n) as dops_describe limit 0`)).fields ?? [];
    if (!fields.length) return [];
    const oids = fields.map((field) => field.dataTypeID).join(', ');
    const mods = fields.map((field) => field.dataTypeModifier).join(', ');
    const rows = await this.query(`select format_type(t.oid, t.mod) as type from unnest(array[${oids}]::oid[], array[${mods}]::int[]) with ordinality as t(oid, mod, i) order by t.i`);
    return fields.map((field, index) => ({ name: field.name, type: String(rows[index].type) }));
  }

  async listColumns(): Promise<DatabaseColumn[]> {
    const rows = await this.query(
      `select n.nspname as s, c.relname as i, case when c.relkind in ('v', 'm') then 'view' else 'table' end as k,
              a.attname as name, format_type(a.atttypid, a.atttypmod) as type, a.attnum as idx
       from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
       where c.relkind in ('r', 'p', 'v', 'm') and a.attnum > 0 and not a.attisdropped
         and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'
       order by n.nspname, c.relname, a.attnum`,
    );
    return rows.map((row) => ({ schema: String(row.s), identifier: String(row.i), kind: row.k as RelationKind, name: String(row.name), type: String(row.type), index: Number(row.idx) }));
  }

  /** The server's message; its `position` (1-based character offset) mapped to a line of the statement. */
  describeError(error: unknown, lineOffset = 0): EngineMessage {
    const text = String((error as Error)?.message ?? error).split('\n')[0].trim();
    const position = Number((error as { position?: string })?.position);
    const sql = error && typeof error === 'object' ? failedSql.get(error) : undefined;
    if (!sql || !Number.isInteger(position) || position <= 0) return { text };
    return { text, line: Math.max(1, sql.slice(0, position - 1).split('\n').length - lineOffset) };
  }

  close(): void {
    void this.end();
  }

  /** Ends the session with the server (resolves once the socket is closed). */
  end(): Promise<void> {
    return this.client.end().catch(() => undefined);
  }
}

/**
 * The PostgreSQL adapter (the `pg` package): one client per runner thread. Opening it connects
 * once, so a wrong host, port, password or database fails before anything runs.
 */
export class PostgresAdapter implements Adapter {
  readonly type = 'postgres';
  readonly capabilities = POSTGRES_INFO.capabilities;
  readonly dialect = postgresDialect;
  private readonly connections: PostgresConnection[] = [];
  private spare: pg.Client | undefined;

  private constructor(private readonly config: pg.ClientConfig) {}

  /**
   * Connects to the target's server.
   * @throws ConfigError naming the target and the server's message when it cannot connect
   */
  static async open(target: Target): Promise<PostgresAdapter> {
    const adapter = new PostgresAdapter(clientConfig(target));
    try {
      adapter.spare = await adapter.newClient();
    } catch (error) {
      const config = adapter.config;
      const reason = String((error as Error).message ?? error).split('\n')[0] || (error as { code?: string }).code || 'connection failed';
      throw new ConfigError(`Cannot connect to target '${target.name}' (postgres ${config.host}:${config.port}/${config.database} as ${config.user}): ${reason}`, { cause: error });
    }
    return adapter;
  }

  private async newClient(): Promise<pg.Client> {
    const client = new pg.Client(this.config);
    client.on('error', () => undefined); // reported by the connection's next statement
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    return client;
  }

  async connect(): Promise<Connection> {
    const client = this.spare ?? (await this.newClient());
    this.spare = undefined;
    const connection = new PostgresConnection(client);
    this.connections.push(connection);
    return connection;
  }

  async close(): Promise<void> {
    await this.spare?.end().catch(() => undefined);
    this.spare = undefined;
    await Promise.all(this.connections.splice(0).map((connection) => connection.end()));
  }
}
