/**
 * A plain `dops build` / `dops run` with nothing changed since a build that reused every node is
 * answered from target/build_stamp.json before commander loads (src/cli/fast-build.ts). It must
 * print what the program's own answer from the stamp prints (src/cli/commands/node-commands.ts),
 * with the same flags from `DBT_*` env vars and the project file's `flags:`
 * (https://docs.getdbt.com/reference/global-configs/about-global-configs), and give way to the
 * full build after a change. References: dbt Fusion's state-aware orchestration
 * https://docs.getdbt.com/docs/deploy/state-aware-about.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadsCommander } from './module-hook.js';
import { ageProjectFiles, DEFAULT_PROJECT_FILE, makeProject, removeProjects, writeFile } from '../integration/helpers.js';

const REPO = resolve(import.meta.dirname, '../..');
const BIN = join(REPO, (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { bin: { dops: string } }).bin.dops);

afterAll(removeProjects);

function dops(args: string[], dir: string, env: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, [BIN, ...args, '--project-dir', dir], { cwd: dir, env: { ...process.env, NO_COLOR: '1', ...env }, encoding: 'utf8', timeout: 120_000 });
  if (run.error) throw run.error;
  // Times differ from run to run.
  return { status: run.status, stdout: run.stdout.replace(/\d+\.\d+s/g, 'Ts').replace(/\d\d:\d\d:\d\d/g, 'T'), stderr: run.stderr };
}

const FILES = {
  'seeds/people.csv': 'id,name\n1,ann\n2,bob\n',
  'models/stg.sql': "select id, upper(name) as name from {{ ref('people') }}\n",
  'models/agg.sql': "{{ config(materialized='table') }}\nselect count(*) as n from {{ ref('stg') }}\n",
  'models/schema.yml': 'version: 2\nmodels:\n  - name: agg\n    columns:\n      - name: n\n        data_tests: [not_null]\n',
};

describe('dops build answered from its stamp before commander loads', () => {
  it('prints what the program prints from the stamp, and builds in full after a change', () => {
    const dir = makeProject(FILES);
    ageProjectFiles(dir, 600);
    const first = dops(['build'], dir);
    expect(first.status, first.stdout + first.stderr).toBe(0);
    const manifest = () => statSync(join(dir, 'target', 'manifest.json')).mtimeMs;
    const built = manifest();

    // The fast path (plain flags) and the program (a flag the fast path leaves to it) answer alike.
    const fast = dops(['build'], dir);
    const program = dops(['build', '--log-format', 'text'], dir);
    expect(fast.status).toBe(0);
    expect(fast.stdout).toMatch(/REUSED=4/);
    expect(fast).toEqual(program);
    expect(manifest()).toBe(built);
    expect(loadsCommander(['build'], dir)).toBe(false);
    expect(loadsCommander(['build', '--log-format', 'text'], dir)).toBe(true);
    const log = readFileSync(join(dir, 'logs', 'dops.log'), 'utf8');
    expect(log.match(/Running dops build/g)).toHaveLength(5);

    // Flags from DBT_ env vars apply as in the program: quiet prints nothing but errors.
    const quiet = dops(['build'], dir, { DBT_QUIET: 'true' });
    expect(quiet).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(dops(['build', '--log-format', 'text'], dir, { DBT_QUIET: 'true' })).toEqual(quiet);

    // A seed row changed: the full build runs (and rewrites manifest.json).
    writeFile(dir, 'seeds/people.csv', 'id,name\n1,ann\n2,bob\n3,cy\n');
    ageProjectFiles(dir, 300);
    const changed = dops(['build'], dir);
    expect(changed.status).toBe(0);
    expect(changed.stdout).not.toMatch(/REUSED=4/);
    expect(manifest()).not.toBe(built);
  });

  it("applies the project file's flags as the program does", () => {
    const dir = makeProject({ ...FILES, 'dops_project.yml': `${DEFAULT_PROJECT_FILE}flags:\n  log_format: json\n` });
    ageProjectFiles(dir, 600);
    expect(dops(['build'], dir).status).toBe(0);
    const fast = dops(['build'], dir);
    const program = dops(['build', '--threads', '1'], dir);
    expect(fast.status).toBe(0);
    expect(fast.stdout.split('\n')[0]).toMatch(/^\{/);
    // --threads is part of the stamp's key: the program builds (reusing every node) instead.
    expect(program.status).toBe(0);
    expect(JSON.parse(fast.stdout.trim().split('\n').at(-1)!)).toMatchObject({ info: { name: 'StatsLine' }, data: { stats: { reused: 4 } } });
  });
});
