/**
 * A throwaway PostgreSQL server for tests: `initdb` into a temp dir, `pg_ctl start` on a free port
 * listening on 127.0.0.1 only, `stop()` removes it. The server itself is started by the bench's
 * plain-JS helper (one implementation for both); this file gives it types and fails loudly.
 */
// @ts-expect-error: a plain .mjs module without type declarations
import { postgresBin as findBin, startPostgres as start } from '../../bench/lib/postgres-server.mjs';

/** A running test server. */
export interface TestPostgres {
  host: string;
  port: number;
  user: string;
  password: string;
  /** Stops the server at once (`pg_ctl stop -m immediate`, as a crash), keeping its data dir. */
  kill(): void;
  /** Starts a killed server again on the same port; it recovers from its WAL. */
  restart(): void;
  /** Stops the server and deletes its data dir. */
  stop(): void;
}

/** The newest installed `/usr/lib/postgresql/<version>/bin`, or undefined. */
export function postgresBin(): string | undefined {
  return findBin();
}

/**
 * Starts a server with a superuser `dops` (password `dops-secret`, scram auth on TCP, 60 connections).
 * @throws Error when PostgreSQL is not installed or does not start
 */
export async function startPostgres(): Promise<TestPostgres> {
  const server = (await start({ password: 'dops-secret', maxConnections: 60 })) as TestPostgres | undefined;
  if (!server) throw new Error('PostgreSQL is not installed (/usr/lib/postgresql/*/bin/initdb)');
  return server;
}
