/**
 * A throwaway PostgreSQL server for tests: `initdb` into a temp dir, `pg_ctl start` on a free port
 * listening on 127.0.0.1 only, `stop()` removes it. The server itself is started by the bench's
 * plain-JS helper (one implementation for both); this file gives it types and fails loudly, and
 * {@link usePostgres} is the fixture test files use: one server per file (or describe block).
 */
import { afterAll, beforeAll } from 'vitest';
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

/**
 * The fixture of a test file (or a describe block) that runs on PostgreSQL: registers, in the
 * calling scope, a `beforeAll` that starts its own server ({@link startPostgres}) and an `afterAll`
 * that stops it and deletes its data dir, however the tests ended. Should the process exit without
 * running `afterAll` (a file cut short), the server is stopped on exit instead of outliving it.
 * Call it at the top of the scope, before hooks that use the server (vitest runs `beforeAll` hooks
 * in the order they are registered).
 * @param options.when start a server only when true (default true): for files whose tests are
 *   all skipped without some input
 * @returns the server, usable inside tests and the hooks registered after this call (its members
 *   are read from the running server)
 * @throws Error (from the returned object's members) when used before the server started or
 *   after it stopped; from `beforeAll` when PostgreSQL is not installed or does not start
 */
export function usePostgres(options: { when?: boolean } = {}): TestPostgres {
  let started: TestPostgres | undefined;
  const stop = (): void => {
    const server = started;
    started = undefined;
    process.off('exit', stop);
    server?.stop();
  };
  beforeAll(async () => {
    if (options.when === false) return;
    started = await startPostgres();
    process.on('exit', stop);
  }, 120_000);
  afterAll(stop);
  const running = (): TestPostgres => {
    if (!started) throw new Error('the test PostgreSQL server is not running (used outside the tests of the scope that called usePostgres?)');
    return started;
  };
  return {
    get host() {
      return running().host;
    },
    get port() {
      return running().port;
    },
    get user() {
      return running().user;
    },
    get password() {
      return running().password;
    },
    kill: () => running().kill(),
    restart: () => running().restart(),
    stop,
  };
}
