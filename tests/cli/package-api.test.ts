/**
 * `import('dops')` works as the package's `exports` map says: the built API entry exists, and it
 * exports every command as a function with type declarations beside it.
 * https://nodejs.org/api/packages.html#self-referencing-a-package-using-its-name
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

  // https://www.typescriptlang.org/docs/handbook/modules/reference.html#packagejson-exports
  it("a TypeScript consumer type-checks `import { build, compile, ls } from 'dops'`, and a wrong option type is an error", () => {
    // Self-reference resolves only inside the package's folder: the consumer lives in a temp folder there.
    const dir = join(REPO, `.typecheck-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    const check = (projectDir: string) => {
      writeFileSync(join(dir, 'consumer.ts'), [
        "import { build, compile, ls, type RunOutcome } from 'dops';",
        `const outcome: Promise<RunOutcome> = build({ projectDir: ${projectDir}, select: ['a'] });`,
        "const names: string[] = ls({ projectDir: '.' }).map((node) => node.name);",
        'const sql: string[] = compile({}).map((entry) => entry.sql);',
        'void outcome; void names; void sql;',
        '',
      ].join('\n'));
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: true, types: [] }, files: ['consumer.ts'] }));
      return spawnSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')], { cwd: REPO, encoding: 'utf8' });
    };
    try {
      const good = check("'.'");
      expect(good.stdout + good.stderr).toBe('');
      expect(good.status).toBe(0);
      const bad = check('1');
      expect(bad.status).not.toBe(0);
      expect(bad.stdout).toContain("Type 'number' is not assignable to type 'string'");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
