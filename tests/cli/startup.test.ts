import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ageProjectFiles, makeProject, removeProjects } from '../integration/helpers.js';

const REPO = resolve(import.meta.dirname, '../..');
const PACKAGE = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string; bin: { dops: string } };
/** The executable npm installs as `dops`. */
const BIN = join(REPO, PACKAGE.bin.dops);

function dops(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: REPO, env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8', timeout: 60_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

afterAll(removeProjects);

describe('the dops executable', () => {
  it('answers --version and -V with the package version', () => {
    for (const flag of ['--version', '-V']) {
      const run = dops([flag]);
      expect(run.status).toBe(0);
      expect(run.stdout).toBe(`${PACKAGE.version}\n`);
      expect(run.stderr).toBe('');
    }
  });

  it('runs as an executable, as npm and npx start it (shebang and mode)', () => {
    const result = spawnSync(BIN, ['--version'], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
    expect(result.error).toBeUndefined();
    expect(result.stdout).toBe(`${PACKAGE.version}\n`);
  });

  it('builds a project when started as an executable (the shebang\'s V8 flag reaches no worker thread)', () => {
    const dir = makeProject({ 'seeds/s.csv': 'id\n1\n', 'models/a.sql': "select id from {{ ref('s') }}\n" });
    const result = spawnSync(BIN, ['build', '--project-dir', dir], { cwd: REPO, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(readFileSync(join(dir, 'target', 'run', 'proj', 'models', 'a.sql'), 'utf8')).toContain('select id from');
  });

  it('hands every other command to the program', () => {
    const dir = makeProject({ 'models/a.sql': 'select 1 as id\n' });
    const run = dops(['ls', '--project-dir', dir]);
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe('proj.a');
  });

  it('keeps target/partial_parse.json unless --no-partial-parse is given', () => {
    const dir = makeProject({ 'models/a.sql': 'select 1 as id\n' });
    expect(dops(['compile', '--no-partial-parse', '--project-dir', dir]).status).toBe(0);
    expect(existsSync(join(dir, 'target', 'partial_parse.json'))).toBe(false);
    expect(dops(['compile', '--project-dir', dir]).status).toBe(0);
    expect(existsSync(join(dir, 'target', 'partial_parse.json'))).toBe(true);
  });

  it('answers a compile with nothing changed from the stamp, without rewriting target/', () => {
    const dir = makeProject({ 'models/a.sql': 'select 1 as id\n', 'models/b.sql': "select * from {{ ref('a') }}\n" });
    ageProjectFiles(dir, 60);
    const first = dops(['compile', '--project-dir', dir]);
    expect(first.status).toBe(0);
    expect(first.stdout).toBe('Compiled 2 nodes.\n');
    const manifest = statSync(join(dir, 'target', 'manifest.json')).mtimeMs;
    const second = dops(['compile', '--project-dir', dir]);
    expect(second).toEqual(first);
    expect(statSync(join(dir, 'target', 'manifest.json')).mtimeMs).toBe(manifest);
  });
});
