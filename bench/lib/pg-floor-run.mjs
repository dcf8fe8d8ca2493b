// The floor of `dops build --target pg`: one pg client to the same database runs the statements a
// build sent (recorded by record-statements.mjs), one after another, with nothing else.
// Usage: node pg-floor-run.mjs <statements.json>   (connection from PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE)
import { readFileSync } from 'node:fs';
import pg from 'pg';

const { statements } = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const client = new pg.Client();
await client.connect();
for (const sql of statements) await client.query(sql);
await client.end();
