/**
 * `dops compile` with nothing changed is answered from target/compile_stamp.bin before commander
 * or any command module loads (src/cli/fast-compile.ts). Each kind of change that can change the
 * output must send it to the full compile, which rewrites target/manifest.json: that mtime tells
 * which path ran. A plain compile prints dbt's summary only (dbt lists compiled nodes only for
 * `--select` / `--inline`: https://docs.getdbt.com/reference/commands/compile).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { plainCompileArgs } from '../../src/cli/fast-compile.js';
import { loadsCommander } from './module-hook.js';
import { ageProjectFiles, DEFAULT_PROJECT_FILE, makeProject, removeProjects, writeFile } from '../integration/helpers.js';

const REPO = resolve(import.meta.dirname, '../..');
const BIN = join(REPO, (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { bin: { dops: string } }).bin.dops);
const ENV = 'FAST_COMPILE_TEST_TAG';

afterAll(removeProjects);

const FILES: Record<string, string> = {
  'dbt_project.yml': DEFAULT_PROJECT_FILE,
  'profiles.yml': 'proj:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dops.duckdb\n',
  'models/a.sql': `select 1 as id, '{{ env_var('${ENV}', 'none') }}' as tag, {{ var('factor', 1) }} as factor`,
  'models/b.sql': "select {{ double('id') }} as id from {{ ref('a') }}",
  'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        data_tests: [unique]\n',
  'macros/double.sql': '{% macro double(x) %}{{ x }} * 2{% endmacro %}',
};

describe('dops compile answered from its stamp', () => {
  it('runs the full compile after each kind of change, and answers from the stamp otherwise', () => {
    const dir = makeProject(FILES);
    rmSync(join(dir, 'dops_project.yml'));
    let seconds = 3600;
    const age = () => ageProjectFiles(dir, (seconds -= 10));
    const manifestTime = () => statSync(join(dir, 'target', 'manifest.json'), { throwIfNoEntry: false })?.mtimeMs;
    /** Runs `dops compile`; `full`: whether the full compile ran (manifest.json rewritten). */
    const compile = (extra: string[] = [], env: Record<string, string> = {}) => {
      const before = manifestTime();
      const run = spawnSync(process.execPath, [BIN, 'compile', '--project-dir', dir, ...extra], { cwd: dir, env: { ...process.env, NO_COLOR: '1', ...env }, encoding: 'utf8', timeout: 60_000 });
      return { status: run.status, stdout: run.stdout, stderr: run.stderr, full: before === undefined || manifestTime() !== before };
    };
    /** After a change: the full compile runs, then the same invocation is answered from the stamp with the same output. */
    const changed = (what: string, nodes: number, extra: string[] = [], env: Record<string, string> = {}) => {
      const first = compile(extra, env);
      expect(first, what).toEqual({ status: 0, stdout: `Compiled ${nodes} nodes.\n`, stderr: '', full: true });
      const again = compile(extra, env);
      expect(again, `${what}, again`).toEqual({ ...first, full: false });
    };

    age();
    changed('first compile', 3);
    expect(loadsCommander(['compile'], dir)).toBe(false);
    expect(loadsCommander(['compile', '--threads', '1'], dir)).toBe(true);
    const log = readFileSync(join(dir, 'logs', 'dops.log'), 'utf8');
    expect(log.match(/Running dops compile \(compile /g)).toHaveLength(4);

    writeFile(dir, 'models/a.sql', FILES['models/a.sql'].replace('1 as id', '2 as id'));
    age();
    changed('model SQL edited', 3);

    writeFile(dir, 'models/schema.yml', FILES['models/schema.yml'].replace('data_tests: [unique]', 'data_tests: [unique, not_null]'));
    age();
    changed('YAML edited (a test added)', 4);

    writeFile(dir, 'macros/double.sql', '{% macro double(x) %}{{ x }} * 3{% endmacro %}');
    age();
    changed('macro edited', 4);
    expect(readFileSync(join(dir, 'target/compiled/proj/models/b.sql'), 'utf8')).toContain('id * 3');

    writeFile(dir, 'dbt_project.yml', `${DEFAULT_PROJECT_FILE}vars:\n  factor: 5\n`);
    age();
    changed('dbt_project.yml edited', 4);
    expect(readFileSync(join(dir, 'target/compiled/proj/models/a.sql'), 'utf8')).toContain('5 as factor');

    writeFile(dir, 'profiles.yml', FILES['profiles.yml'].replace('path: dops.duckdb', 'path: other.duckdb'));
    age();
    changed('profiles.yml edited', 4);

    changed('env var read by env_var() set', 4, [], { [ENV]: 'tagged' });
    expect(readFileSync(join(dir, 'target/compiled/proj/models/a.sql'), 'utf8')).toContain("'tagged' as tag");
    changed('env var read by env_var() unset again', 4);

    changed('--vars given', 4, ['--vars', '{factor: 7}']);
    expect(readFileSync(join(dir, 'target/compiled/proj/models/a.sql'), 'utf8')).toContain('7 as factor');
    changed('--vars changed', 4, ['--vars={factor: 8}']);
    changed('--vars dropped', 4);

    changed('a DBT_ flag set (DBT_LOG_PATH moves the log)', 4, [], { DBT_LOG_PATH: join(dir, 'other-logs') });
    expect(readFileSync(join(dir, 'other-logs', 'dops.log'), 'utf8').match(/Running dops compile/g)).toHaveLength(2);
    changed('a DBT_ flag unset', 4);

    writeFile(dir, 'models/c.sql', "select * from {{ ref('b') }}");
    age();
    changed('a new model', 5);

    rmSync(join(dir, 'models/c.sql'));
    age();
    changed('a deleted model', 4);

    for (const file of ['manifest.json', 'partial_parse.json', 'compile_cache.json', 'compiled/proj/models/a.sql']) {
      rmSync(join(dir, 'target', file));
      changed(`target/${file} removed`, 4);
    }

    // DBT_PARTIAL_PARSE=false: the full compile, which leaves no stamp.
    expect(compile([], { DBT_PARTIAL_PARSE: 'false' })).toMatchObject({ status: 0, full: true });
    expect(compile([], { DBT_PARTIAL_PARSE: 'false' })).toMatchObject({ status: 0, full: true });
    changed('partial parsing on again', 4);

    // Flags the fast path does not handle go to the program, which answers from the same stamp.
    expect(compile(['-q'])).toEqual({ status: 0, stdout: '', stderr: '', full: false });
    expect(compile(['--threads', '2'])).toEqual({ status: 0, stdout: 'Compiled 4 nodes.\n', stderr: '', full: false });
  });

  it('hands every other invocation to the program', () => {
    const dir = makeProject({ 'models/a.sql': 'select 1 as id\n' });
    ageProjectFiles(dir, 60);
    const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8', timeout: 60_000 });
    expect(run(['compile']).stdout).toBe('Compiled 1 node.\n');
    const selected = run(['compile', '-s', 'a']);
    expect(selected.stdout).toBe("Compiled node 'a' is:\nselect 1 as id\n\ntarget/compiled/proj/models/a.sql\nCompiled 1 node.\n");
    expect(run(['compile', '--bogus']).status).toBe(2);
  });
});

describe('plainCompileArgs', () => {
  it('accepts compile with --project-dir, --target, --profiles-dir and --vars', () => {
    expect(plainCompileArgs(['compile'])).toEqual({});
    expect(plainCompileArgs(['compile', '--project-dir', 'p', '-t', 'dev', '--profiles-dir=x', '--vars', '{a: 1}'])).toEqual({ projectDir: 'p', target: 'dev', profilesDir: 'x', vars: '{a: 1}' });
  });

  it('leaves anything else to the program', () => {
    for (const args of [['build'], ['compile', '-s', 'a'], ['compile', '--target'], ['compile', '-t', '--debug'], ['compile', '-t', 'a', '-t', 'b'], ['compile', '--help'], ['compile', 'extra'], ['compile', '-tdev'], ['compile', '--constructor', 'x']]) {
      expect(plainCompileArgs(args), args.join(' ')).toBeUndefined();
    }
  });
});
