/**
 * Helpers for tests that run projects on PostgreSQL: a profiles.yml with a DuckDB `dev` target and
 * a `pg` target (password read with env_var), databases created per project, and relation contents
 * read from either engine in one normalised, sorted form for row-for-row comparison.
 */
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { query } from '../integration/helpers.js';
import type { TestPostgres } from './server.js';

/** The env var the test profiles read the password from. */
export const PASSWORD_ENV = 'DOPS_TEST_PG_PASSWORD';

let databases = 0;

/** Runs SQL on the server's `postgres` database (or `database`). */
export async function pgQuery(server: TestPostgres, sql: string, database = 'postgres'): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ host: server.host, port: server.port, user: server.user, password: server.password, database });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

/**
 * Creates a fresh database and writes `profiles.yml` into the project: `dev` (DuckDB, default) and
 * `pg` (postgres, schema `main` like DuckDB's so relation names match).
 * @param profile the project's profile name
 * @returns the database name
 */
export async function addPostgresProfile(server: TestPostgres, dir: string, profile: string, overrides: Record<string, string | number> = {}): Promise<string> {
  const dbname = `dops_test_${process.pid}_${++databases}`;
  await pgQuery(server, `create database ${dbname}`);
  process.env[PASSWORD_ENV] = server.password;
  const keys = { host: server.host, port: server.port, user: server.user, password: `"{{ env_var('${PASSWORD_ENV}') }}"`, dbname, schema: 'main', threads: 2, ...overrides };
  const pgOutput = Object.entries(keys).map(([k, v]) => `      ${k}: ${v}`).join('\n');
  writeFileSync(join(dir, 'profiles.yml'), `${profile}:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dops.duckdb\n    pg:\n      type: postgres\n${pgOutput}\n`);
  return dbname;
}

/** Copies a folder (e.g. project-template) into `dir`. */
export function copyInto(from: string, dir: string): void {
  cpSync(from, dir, { recursive: true });
}

/**
 * A value as text both engines agree on: numbers by value to 12 significant digits (DuckDB sums
 * doubles where PostgreSQL sums exact numerics: 64.99000000000001 vs 64.99), dates and timestamps
 * as UTC ISO strings.
 */
function normalise(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  const text = value instanceof Date ? value.toISOString() : String(value);
  if (/^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text)) return String(Number(Number(text).toPrecision(12)));
  if (/^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}:\d{2}(\.\d+)?)?$/.test(text)) return new Date(`${text.length === 10 ? `${text}T00:00:00` : text.replace(' ', 'T')}Z`).toISOString();
  return text;
}

/** Rows as `col=value|...` lines, sorted; values normalised across engines (numbers by value). */
function canonical(rows: Record<string, unknown>[], skip: string[]): string[] {
  return rows.map((row) => Object.keys(row).filter((k) => !skip.includes(k)).sort().map((k) => `${k}=${normalise(row[k])}`).join('|')).sort();
}

/** A relation's rows on DuckDB (the project's file), canonical. */
export async function duckdbRows(dir: string, relation: string, skip: string[] = []): Promise<string[]> {
  return canonical(await query(dir, `select * from ${relation}`), skip);
}

/** A relation's rows on PostgreSQL, canonical. */
export async function postgresRows(server: TestPostgres, dbname: string, relation: string, skip: string[] = []): Promise<string[]> {
  return canonical(await pgQuery(server, `select * from ${relation}`, dbname), skip);
}
