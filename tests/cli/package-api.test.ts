/**
 * `import('dops')` works as the package's `exports` map says: the built API entry exists, and it
 * exports every command as a function with type declarations beside it.
 * https://nodejs.org/api/packages.html#self-referencing-a-package-using-its-name
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = resolve(import.meta.dirname, '../..');
const COMMANDS = ['build', 'run', 'test', 'seed', 'snapshot', 'compile', 'ls', 'list', 'docs', 'generateDocs', 'freshness', 'sourceFreshness', 'retry', 'watch', 'init'];

describe('the package entry point', () => {
  it('package.json main, types and exports point at files the build writes', () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
    for (const path of [pkg.main, pkg.types, pkg.exports['.'].import, pkg.exports['.'].types]) expect(existsSync(join(REPO, path)), path).toBe(true);
  });

  it("import('dops') resolves and exports every command as a function", () => {
    const script = `const api = await import('dops'); console.log(JSON.stringify(Object.fromEntries(${JSON.stringify(COMMANDS)}.map((n) => [n, typeof api[n]]))));`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual(Object.fromEntries(COMMANDS.map((n) => [n, 'function'])));
  });

  it('builds a project through the package entry, in process', async () => {
    const { makeProject, removeProjects } = await import('../integration/helpers.js');
    const dir = makeProject({ 'models/a.sql': 'select 1 as id\n' });
    const script = `const { build } = await import('dops'); const o = await build({ projectDir: ${JSON.stringify(dir)} }); console.log(o.success, o.results.length);`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO, encoding: 'utf8' });
    removeProjects();
    expect(result.stdout.trim()).toBe('true 1');
  });
});
