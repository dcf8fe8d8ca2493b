// A throwaway PostgreSQL server, shared by the bench and the tests (tests/postgres/server.ts adds types):
// initdb into a temp dir, pg_ctl on a free port on 127.0.0.1, as the `postgres` user when root
// (PostgreSQL refuses to run as root).
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** The newest installed `/usr/lib/postgresql/<version>/bin`, or undefined. */
export function postgresBin() {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0], 'bin') : undefined;
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

/**
 * Starts a server with a superuser `dops` (scram auth on TCP); `stop()` stops it and deletes its dir.
 * JIT is off unless asked for: tables just built by CREATE TABLE AS have no statistics yet (autovacuum
 * analyzes them later), so the planner's row estimates for a query over a few layers of joined
 * models reach billions, cross jit_above_cost / jit_optimize_above_cost, and LLVM then compiles each
 * statement for seconds on a busy machine (measured: 9 s of a 9.2 s CREATE TABLE over 50 rows, 43 ms
 * without JIT); the bench would time the JIT compiler, and a 1,000-model build took hours.
 * https://www.postgresql.org/docs/15/jit-decision.html
 * @param {{password?: string, maxConnections?: number, jit?: boolean}} [options] the superuser's
 *   password (default `dops-bench`), the server's max_connections (default PostgreSQL's) and
 *   whether JIT compilation is on (default off)
 * @returns its host, port, user, password, kill(), restart() and stop(), or undefined when PostgreSQL is not installed
 */
export async function startPostgres({ password = 'dops-bench', maxConnections, jit = false } = {}) {
  const bin = postgresBin();
  if (!bin) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'dops-bench-pg-'));
  chmodSync(dir, 0o755);
  const data = join(dir, 'data');
  const pwfile = join(dir, 'pw');
  writeFileSync(pwfile, `${password}\n`);
  const root = userInfo().uid === 0;
  if (root) {
    const [uid, gid] = ['-u', '-g'].map((flag) => Number(execFileSync('id', [flag, 'postgres']).toString()));
    chownSync(dir, uid, gid);
    chownSync(pwfile, uid, gid);
  }
  const as = (file, args) => execFileSync(root ? 'runuser' : file, root ? ['-u', 'postgres', '--', file, ...args] : args, { stdio: 'pipe' });
  const settings = ['listen_addresses=127.0.0.1', `unix_socket_directories=${dir}`, 'fsync=off', 'synchronous_commit=off', 'full_page_writes=off', `jit=${jit ? 'on' : 'off'}`];
  if (maxConnections) settings.push(`max_connections=${maxConnections}`);
  let port;
  const start = () => as(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'log'), '-o', [...settings, `port=${port}`].map((setting) => `-c ${setting}`).join(' '), '-w', '-t', '60', 'start']);
  try {
    as(join(bin, 'initdb'), ['-D', data, '-U', 'dops', '--pwfile', pwfile, '--auth-host=scram-sha-256', '--auth-local=trust', '-E', 'UTF8', '--locale=C']);
    port = await freePort();
    start();
  } catch (error) {
    // A server that did not start leaves nothing behind: stop whatever pg_ctl started, delete the dir.
    try {
      if (existsSync(join(data, 'postmaster.pid'))) as(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } catch {
      // not running
    }
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    host: '127.0.0.1',
    port,
    user: 'dops',
    password,
    /** Stops the server at once, as a crash would (no shutdown checkpoint), keeping its data dir. */
    kill() {
      as(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
    },
    /** Starts a killed server again on the same port (it recovers from its WAL). */
    restart() {
      start();
    },
    stop() {
      try {
        as(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
