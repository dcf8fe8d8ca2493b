// The floor of `dops build`: opens the project's DuckDB file and runs the statements a build sent
// (recorded by record-statements.mjs) one after another on one connection, with nothing else.
// Usage: node floor-run.mjs <projectDir> <statements.json>
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const [projectDir, file] = process.argv.slice(2);
const { database, statements, memory = [] } = JSON.parse(readFileSync(file, 'utf8'));
const instance = await DuckDBInstance.create(isAbsolute(database) ? database : join(projectDir, database));
const connection = await instance.connect();
// dops sets this on every connection so relative lake/seed paths resolve against the project.
await connection.run(`SET file_search_path = '${projectDir.replaceAll("'", "''")}'`);
for (const sql of statements) await connection.run(sql);
connection.closeSync();
instance.closeSync();
// Unit tests: each one's statements on its own connection to one in-memory database, as dops runs them.
if (memory.length) {
  const scratch = await DuckDBInstance.create(':memory:');
  for (const list of memory) {
    const unit = await scratch.connect();
    for (const sql of list) await unit.run(sql);
    unit.closeSync();
  }
  scratch.closeSync();
}
