// Runs `dops build` in-process (one thread) with every statement and query dops sends to DuckDB
// recorded (Connection.execute, .run and .query: materializations and test queries), except the
// catalog look-ups of Connection.relationKind and .listRelations, which are dops' own bookkeeping;
// then writes them as JSON: the work a plain script replays as the floor (bench/lib/floor-run.mjs).
// Unit tests' statements (in-memory DuckDB, one connection each) are kept apart in `memory`.
// Usage: node record-statements.mjs <projectDir> <out.json> [target]  (target: a profiles.yml target, e.g. a postgres one)
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './measure.mjs';

const [projectDir, out, target] = process.argv.slice(2);
const { DuckDBAdapter } = await import(join(ROOT, 'dist', 'adapter', 'duckdb', 'index.js'));
const { PostgresAdapter } = await import(join(ROOT, 'dist', 'adapter', 'postgres', 'index.js'));
const { build } = await import(join(ROOT, 'dist', 'api', 'commands.js'));

const statements = [];
// Unit tests run on an in-memory DuckDB, each on its own connection (their temp tables share names):
// one list of statements per such connection, replayed on fresh connections to an in-memory database.
const memory = [];
const memoryAdapters = new WeakSet();
const open = DuckDBAdapter.open;
DuckDBAdapter.open = async function recordingOpen(path, ...rest) {
  const adapter = await open.call(this, path, ...rest);
  if (path === ':memory:') memoryAdapters.add(adapter);
  return adapter;
};
// The API loads these same modules (same URL), so wrapping the prototypes records their connections.
for (const Adapter of [DuckDBAdapter, PostgresAdapter]) {
  const connect = Adapter.prototype.connect;
  Adapter.prototype.connect = async function recordingConnect() {
    const connection = await connect.call(this);
    let lookingUp = false;
    const into = memoryAdapters.has(this) ? [] : statements;
    if (into !== statements) memory.push(into);
    for (const method of ['execute', 'run', 'query']) {
      const original = connection[method].bind(connection);
      connection[method] = (sql) => {
        if (!lookingUp) into.push(sql);
        return original(sql);
      };
    }
    for (const method of ['relationKind', 'listRelations']) {
      const lookUp = connection[method].bind(connection);
      connection[method] = async (...args) => {
        lookingUp = true;
        try {
          return await lookUp(...args);
        } finally {
          lookingUp = false;
        }
      };
    }
    return connection;
  };
}
const outcome = await build({ projectDir, threads: 1, target, reuse: false }); // every statement of a full rebuild
if (!outcome.success) throw new Error(`the recorded build failed: ${outcome.summary.error} error(s)`);
writeFileSync(out, JSON.stringify({ database: outcome.project.target.path, statements, memory }));
