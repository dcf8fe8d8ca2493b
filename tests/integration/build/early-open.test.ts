import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { build } from '../../../src/api/commands.js';
import { ConfigError, ParseError } from '../../../src/errors.js';
import { caught, holdDatabase, makeProject, query, removeProjects, writeFile } from '../helpers.js';

afterAll(removeProjects);

const FILES = { 'models/a.sql': "{{ config(materialized='table') }}\nselect 1 as v\n", 'models/b.sql': "select * from {{ ref('a') }}\n" };
const BROKEN_YAML = 'version: 2\nmodels:\n  - name: a\n    columns: [\n';


// executeSelection opens an existing database while the project loads (api/early-database.ts);
// what a build reports must not change.
describe('opening the database while the project loads', () => {
  it('a project that fails to load reports its error and leaves the existing database as it was', async () => {
    const dir = makeProject(FILES);
    expect((await build({ projectDir: dir })).success).toBe(true);
    const before = statSync(join(dir, 'dops.duckdb'));
    writeFile(dir, 'models/a.yml', BROKEN_YAML);
    expect(await caught(() => build({ projectDir: dir }))).toBeInstanceOf(ParseError);
    expect(statSync(join(dir, 'dops.duckdb')).mtimeMs).toBe(before.mtimeMs);
    expect(existsSync(join(dir, 'dops.duckdb.wal'))).toBe(false);
    expect(await query(dir, 'select v from b')).toEqual([{ v: 1 }]);
  });

  it('a database held by another process: the project error first, else the lock error', async () => {
    const dir = makeProject(FILES);
    expect((await build({ projectDir: dir })).success).toBe(true);
    const holder = await holdDatabase(dir);
    try {
      const locked = await caught(() => build({ projectDir: dir }));
      expect(locked).toBeInstanceOf(ConfigError);
      expect(locked.message).toBe('The database dops.duckdb is in use by another process');
      writeFile(dir, 'models/a.yml', BROKEN_YAML);
      expect(await caught(() => build({ projectDir: dir }))).toBeInstanceOf(ParseError);
    } finally {
      holder.kill();
    }
  });
});
