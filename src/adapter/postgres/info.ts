import { ConfigError, DopsError } from '../../errors.js';
import { EngineCheckError } from '../adapter.js';
import type { EngineInfo } from '../registry.js';
import type { Target } from '../../config/profiles.js';

/** Runs `select version()` on the target's server, turning a refused connection into an EngineCheckError. */
async function serverVersion(target: Target): Promise<string> {
  const { PostgresAdapter } = await import('./index.js');
  let adapter;
  try {
    adapter = await PostgresAdapter.open(target);
  } catch (error) {
    if (error instanceof DopsError) throw new EngineCheckError(error.message, 'Check host, port, user, password and dbname of the output in profiles.yml.');
    throw error;
  }
  try {
    const connection = await adapter.connect();
    const [row] = await connection.query('select version() as v');
    return String(row?.v ?? '');
  } finally {
    await adapter.close();
  }
}

/** Keys a `type: postgres` output may set (dbt-postgres's: https://docs.getdbt.com/docs/core/connect-data-platform/postgres-setup). */
export const POSTGRES_KEYS = ['host', 'port', 'user', 'password', 'pass', 'dbname', 'database', 'schema', 'threads', 'sslmode', 'connect_timeout', 'keepalives_idle', 'search_path', 'role', 'application_name'];

const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];

/** PostgreSQL in the adapter registry: a server reached with dbt-postgres's connection keys. */
export const POSTGRES_INFO: EngineInfo = {
  type: 'postgres',
  // PostgreSQL docs: DDL is transactional; MERGE since 15; the server cannot read the project's files.
  // Constraints: PostgreSQL enforces every type on tables (as dbt-postgres declares).
  capabilities: { transactionalDdl: true, merge: true, files: false, constraints: { check: 'enforced', not_null: 'enforced', unique: 'enforced', primary_key: 'enforced', foreign_key: 'enforced' } },
  unitTests: 'target',
  defaultSchema: 'public',
  macros: 'adapter/postgres/macros',
  checkTarget(target, file) {
    const keys = target.credentials ?? {};
    const fail = (message: string, hint?: string) => new ConfigError(`Target '${target.name}' (postgres): ${message}`, { location: { file }, hint });
    for (const key of ['host', 'user']) if (keys[key] === undefined || keys[key] === '') throw fail(`'${key}' is required`, 'A postgres output needs host, user, password, port, dbname and schema, as in dbt-postgres.');
    if (keys.dbname === undefined && keys.database === undefined) throw fail("'dbname' is required");
    const port = Number(keys.port ?? 5432);
    if (!Number.isInteger(port) || port <= 0 || port > 65535) throw fail(`bad port '${String(keys.port)}'`);
    if (keys.sslmode !== undefined && !SSL_MODES.includes(String(keys.sslmode))) throw fail(`unknown sslmode '${String(keys.sslmode)}'`, `Use one of: ${SSL_MODES.join(', ')}.`);
    for (const key of Object.keys(keys)) if (!POSTGRES_KEYS.includes(key) && key !== 'path') throw fail(`unknown key '${key}'`, `Known keys: ${POSTGRES_KEYS.join(', ')}.`);
  },
  databaseFile: () => undefined,
  async open(target) {
    const { PostgresAdapter } = await import('./index.js');
    return PostgresAdapter.open(target);
  },
  async checkConnection(target) {
    const version = await serverVersion(target);
    const keys = target.credentials ?? {};
    return `${String(keys.host)}:${String(keys.port ?? 5432)}/${String(keys.dbname ?? keys.database)}: test query ran (${version.split(' ').slice(0, 2).join(' ')})`;
  },
  // The server's version is part of the connection check; this names the driver's without connecting.
  async engineVersion() {
    const { createRequire } = await import('node:module');
    return { name: 'pg driver', version: String(createRequire(import.meta.url)('pg/package.json').version) };
  },
};
