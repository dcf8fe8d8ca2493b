import { accessSync, constants, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { databaseFile, EngineCheckError } from '../adapter.js';
import type { EngineInfo } from '../registry.js';

/** DuckDB in the adapter registry: a database file (`path`) or `:memory:`. */
export const DUCKDB_INFO: EngineInfo = {
  type: 'duckdb',
  // DuckDB docs: DDL is transactional; MERGE INTO since 1.4; COPY and the file readers.
  // Constraints: every type is enforced on tables (checked against DuckDB 1.5; foreign keys only
  // within one schema, and a table another one references cannot be dropped or replaced).
  capabilities: { transactionalDdl: true, merge: true, files: true, constraints: { check: 'enforced', not_null: 'enforced', unique: 'enforced', primary_key: 'enforced', foreign_key: 'enforced' } },
  unitTests: 'memory',
  defaultSchema: 'main',
  macros: 'adapter/duckdb/macros',
  checkTarget: () => undefined,
  databaseFile(target, projectDir) {
    const file = databaseFile(target.path, projectDir);
    return file === ':memory:' ? undefined : file;
  },
  async loadDriver() {
    await import('./index.js');
  },
  async open(target, projectDir) {
    const { DuckDBAdapter } = await import('./index.js');
    // The target carries dbt-duckdb's `settings` and `attach` (see DuckDBSetup).
    return DuckDBAdapter.open(target.path, projectDir, target);
  },
  async checkConnection(target, projectDir) {
    const file = databaseFile(target.path, projectDir);
    try {
      if (file !== ':memory:' && !existsSync(file)) {
        accessSync(existsSync(dirname(file)) ? dirname(file) : projectDir, constants.W_OK);
        return `${file} does not exist yet; its folder is writable (the first build creates it)`;
      }
      const { DuckDBInstance } = await import('@duckdb/node-api');
      const instance = await DuckDBInstance.create(file, file === ':memory:' ? {} : { access_mode: 'READ_ONLY' });
      try {
        const connection = await instance.connect();
        await connection.run('select 1');
        connection.closeSync();
      } finally {
        instance.closeSync();
      }
      return `${file}: test query ran`;
    } catch (error) {
      const message = (error as Error).message.split('\n')[0];
      const fix = /lock/i.test(message) ? 'Another process holds the database: stop it (DuckDB allows one writer), then retry.' : 'Check the target path in profiles.yml (or database-path in the project file).';
      throw new EngineCheckError(message, fix);
    }
  },
  async engineVersion() {
    try {
      const { DuckDBInstance } = await import('@duckdb/node-api');
      const instance = await DuckDBInstance.create(':memory:');
      const connection = await instance.connect();
      const reader = await connection.runAndReadAll('select version() as v');
      const version = String(reader.getRowObjects()[0].v);
      connection.closeSync();
      instance.closeSync();
      return { name: 'duckdb', version };
    } catch (error) {
      throw new EngineCheckError((error as Error).message, 'Reinstall dependencies (npm ci): the DuckDB native module did not load.');
    }
  },
};
