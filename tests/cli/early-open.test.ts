/**
 * A command line that will run nodes starts opening the target's DuckDB file before commander and
 * the command modules load (src/cli/early-open.ts, src/api/early-database.ts). What the command
 * reports and leaves behind must not change: usage errors, project errors and a database held by
 * another process read as before, and a database opened for nothing is closed unchanged.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { opensTarget, targetArgs } from '../../src/cli/early-open.js';
import { ageProjectFiles, holdDatabase, makeProject, query, removeProjects, writeFile } from '../integration/helpers.js';

const REPO = resolve(import.meta.dirname, '../..');
const BIN = join(REPO, (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { bin: { dops: string } }).bin.dops);

afterAll(removeProjects);

function dops(args: string[], dir: string) {
  const run = spawnSync(process.execPath, [BIN, ...args, '--project-dir', dir], { cwd: dir, env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8', timeout: 120_000 });
  if (run.error) throw run.error;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}


const FILES = {
  'models/a.sql': "{{ config(materialized='table') }}\nselect 1 as v\n",
  'models/b.sql': "select * from {{ ref('a') }}\n",
};

describe('which command lines open the target before the program loads', () => {
  it('reads --project-dir, --target / -t and --profiles-dir in both spellings, the last one winning', () => {
    expect(targetArgs(['build', '--no-reuse', '--project-dir', 'p', '-s', 'a', '--target=dev', '--profiles-dir', 'q'])).toEqual({ projectDir: 'p', target: 'dev', profilesDir: 'q' });
    expect(targetArgs(['run', '-t', 'ci', '--project-dir=one', '--project-dir', 'two'])).toEqual({ target: 'ci', projectDir: 'two' });
    // A missing value, or one that is a flag, is commander's to report.
    expect(targetArgs(['build', '--project-dir', '--no-reuse'])).toEqual({});
    expect(targetArgs(['build', '--', '--project-dir', 'p'])).toEqual({});
  });

  it('runs of nodes only; never help or watch; build and run only when no stamp can answer them', () => {
    const dir = makeProject(FILES);
    expect(opensTarget(['test', '--project-dir', dir], false)).toBe(true);
    expect(opensTarget(['seed', '--project-dir', dir], false)).toBe(true);
    expect(opensTarget(['ls', '--project-dir', dir], false)).toBe(false);
    expect(opensTarget(['compile', '--project-dir', dir], false)).toBe(false);
    expect(opensTarget(['build', '--help'], false)).toBe(false);
    expect(opensTarget(['build', '--watch', '--no-reuse'], false)).toBe(false);
    // No stamp file: nothing can answer the build without the database.
    expect(opensTarget(['build', '--project-dir', dir], false)).toBe(true);
    writeFile(dir, 'target/build_stamp.json', '{}');
    expect(opensTarget(['build', '--project-dir', dir], false)).toBe(false);
    expect(opensTarget(['build', '--project-dir', dir, '-s', 'a'], false)).toBe(false);
    expect(opensTarget(['build', '--project-dir', dir], true)).toBe(true);
    for (const flag of ['--no-reuse', '--full-refresh', '--no-partial-parse', '--empty', '--state=prod']) expect(opensTarget(['run', flag, '--project-dir', dir], false)).toBe(true);
  });
});

describe('the executable opening the database early', () => {
  it('builds as before, and a rebuild with --no-reuse runs every node again', () => {
    const dir = makeProject(FILES);
    const first = dops(['build'], dir);
    expect(first.status).toBe(0);
    const again = dops(['build', '--no-reuse'], dir);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/PASS=2 WARN=0 ERROR=0 SKIP=0 TOTAL=2/);
    expect(again.stderr).toBe('');
  });

  it('a usage error exits 2 and leaves the database as it was', async () => {
    const dir = makeProject(FILES);
    expect(dops(['build'], dir).status).toBe(0);
    ageProjectFiles(dir, 60);
    const before = statSync(join(dir, 'dops.duckdb')).mtimeMs;
    const run = dops(['build', '--no-reuse', '--no-such-flag'], dir);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/unknown option '--no-such-flag'/);
    expect(statSync(join(dir, 'dops.duckdb')).mtimeMs).toBe(before);
    expect(existsSync(join(dir, 'dops.duckdb.wal'))).toBe(false);
    expect(await query(dir, 'select v from b')).toEqual([{ v: 1 }]);
  });

  it('a project that fails to load reports its error (exit 2) and leaves the database as it was', async () => {
    const dir = makeProject(FILES);
    expect(dops(['build'], dir).status).toBe(0);
    const before = statSync(join(dir, 'dops.duckdb')).mtimeMs;
    writeFile(dir, 'models/c.sql', "select * from {{ ref('missing') }}\n");
    const run = dops(['build', '--no-reuse'], dir);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/missing/);
    expect(statSync(join(dir, 'dops.duckdb')).mtimeMs).toBe(before);
    expect(existsSync(join(dir, 'dops.duckdb.wal'))).toBe(false);
    expect(await query(dir, 'select v from b')).toEqual([{ v: 1 }]);
  });

  it('a database held by another process: the one-line lock error, exit 2', async () => {
    const dir = makeProject(FILES);
    expect(dops(['build'], dir).status).toBe(0);
    const holder = await holdDatabase(dir);
    try {
      const run = dops(['build', '--no-reuse'], dir);
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/The database dops.duckdb is in use by another process/);
    } finally {
      holder.kill();
    }
  });
});
