import { databaseFile } from '../adapter.js';
import type { EngineInfo } from '../registry.js';

/** DuckDB in the adapter registry: a database file (`path`) or `:memory:`. */
export const DUCKDB_INFO: EngineInfo = {
  type: 'duckdb',
  // DuckDB docs: DDL is transactional; MERGE INTO since 1.4; COPY and the file readers.
  // Constraints: every type is enforced on tables (checked against DuckDB 1.5; foreign keys only
  // within one schema, and a table another one references cannot be dropped or replaced).
  capabilities: { transactionalDdl: true, merge: true, files: true, constraints: { check: 'enforced', not_null: 'enforced', unique: 'enforced', primary_key: 'enforced', foreign_key: 'enforced' } },
  defaultSchema: 'main',
  checkTarget: () => undefined,
  databaseFile(target, projectDir) {
    const file = databaseFile(target.path, projectDir);
    return file === ':memory:' ? undefined : file;
  },
  async open(target, projectDir) {
    const { DuckDBAdapter } = await import('./index.js');
    // The target carries dbt-duckdb's `settings` and `attach` (see DuckDBSetup).
    return DuckDBAdapter.open(target.path, projectDir, target);
  },
};
