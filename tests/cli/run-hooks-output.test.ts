/**
 * The project's on-run-start / on-run-end hooks reach the screen as dbt prints them
 * (https://docs.getdbt.com/reference/project-configs/on-run-start-on-run-end, dbt-core 1.10's
 * `LogHookStartLine` Q032 / `LogHookEndLine` Q033, https://docs.getdbt.com/reference/events-logging):
 * after the run's `Concurrency:` header, `1 of 1 START hook: <project>.on-run-start.0 ... [RUN]`
 * and `1 of 1 OK hook: ... [OK in 0.01s]` before the first node, the on-run-end ones after the
 * last node; with `--log-format json` as events, and in the file log (logs/dops.log, dbt's
 * logs/dbt.log). A failing on-run-start hook prints its error, skips every node and exits 1.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_PROJECT_FILE, makeProject, makeTempDir, removeProjects } from '../integration/helpers.js';

const CLI = join(resolve(import.meta.dirname, '../..'), 'dist/cli/main.js');

afterAll(removeProjects);

function dops(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('DBT_')));
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, env: { ...base, HOME: makeTempDir(), NO_COLOR: '1' }, encoding: 'utf8', timeout: 120_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A project with the given on-run-start and on-run-end hooks (YAML values) and two models (`v` reads `m`). */
function hookedProject(onRunStart: string, onRunEnd = '"insert into audit values (1)"'): string {
  return makeProject({
    'dops_project.yml': `${DEFAULT_PROJECT_FILE}on-run-start: ${onRunStart}\non-run-end: ${onRunEnd}\n`,
    'models/m.sql': 'select 1 as id\n',
    'models/v.sql': "select * from {{ ref('m') }}\n",
  });
}

/** Index of the one line matching `pattern` (fails when none or several match). */
function lineOf(lines: string[], pattern: RegExp): number {
  const found = lines.flatMap((line, index) => (pattern.test(line) ? [index] : []));
  expect(found, `one line matching ${pattern} in:\n${lines.join('\n')}`).toHaveLength(1);
  return found[0];
}

type Event = { info: Record<string, any>; data: Record<string, any> };

describe('on-run hooks in the output of dops build', () => {
  it('prints START and OK lines for each hook: on-run-start after the header and before the nodes, on-run-end after them', () => {
    const dir = hookedProject('"create table if not exists audit (x int)"');
    const run = dops(['build'], dir);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const lines = run.stdout.split('\n');
    // dbt's format_fancy_output_line: the line padded with dots to the node lines' width, then the status.
    expect(lines).toContain(`1 of 1 START hook: proj.on-run-start.0 ${'.'.repeat(35)} [RUN]`);
    expect(lines).toContainEqual(expect.stringMatching(/^1 of 1 OK hook: proj\.on-run-start\.0 \.{30} \[OK in \d\.\d\ds\]$/));
    const concurrency = lineOf(lines, /^Concurrency: /);
    const startHook = lineOf(lines, /START hook: proj\.on-run-start\.0 /);
    const startHookOk = lineOf(lines, /OK hook: proj\.on-run-start\.0 /);
    const firstNode = lineOf(lines, /^1 of 2 START sql view model main\.m /);
    const lastNode = lineOf(lines, /^2 of 2 OK created view main\.v /);
    const endHook = lineOf(lines, /^1 of 1 START hook: proj\.on-run-end\.0 /);
    const endHookOk = lineOf(lines, /^1 of 1 OK hook: proj\.on-run-end\.0 \.+ \[OK in \d\.\d\ds\]$/);
    const finished = lineOf(lines, /^Finished running 2 nodes/);
    expect([concurrency, startHook, startHookOk, firstNode, lastNode, endHook, endHookOk, finished]).toEqual(
      [concurrency, startHook, startHookOk, firstNode, lastNode, endHook, endHookOk, finished].slice().sort((a, b) => a - b),
    );
    // dbt 1.10's layout: an empty line after the on-run-start hooks and one before the on-run-end hooks.
    expect(lines[startHookOk + 1]).toBe('');
    expect(lines[endHook - 1]).toBe('');
    expect(lines.at(-2)).toBe('Done. PASS=2 WARN=0 ERROR=0 SKIP=0 TOTAL=2');

    // The file log has the same hook events, in the same order among the nodes'.
    const log = readFileSync(join(dir, 'logs/dops.log'), 'utf8').split('\n');
    const logged = [
      lineOf(log, /\[info \] \[main {6}\]: 1 of 1 START hook: proj\.on-run-start\.0$/),
      lineOf(log, /\[info \] \[main {6}\]: 1 of 1 OK hook: proj\.on-run-start\.0 in \d\.\d\ds$/),
      lineOf(log, /: 1 of 2 success model\.proj\.m /),
      lineOf(log, /: 2 of 2 success model\.proj\.v /),
      lineOf(log, /\[info \] \[main {6}\]: 1 of 1 START hook: proj\.on-run-end\.0$/),
      lineOf(log, /\[info \] \[main {6}\]: 1 of 1 OK hook: proj\.on-run-end\.0 in \d\.\d\ds$/),
      lineOf(log, /: Done\. PASS=2 /),
    ];
    expect(logged).toEqual(logged.slice().sort((a, b) => a - b));
  });

  it('--log-format json emits LogHookStartLine (Q032) and LogHookEndLine (Q033) per hook, around the node events', () => {
    const dir = hookedProject('"create table if not exists audit (x int)"');
    const run = dops(['build', '--log-format', 'json'], dir);
    expect(run.status).toBe(0);
    const events = run.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Event);
    const names = events.map((event) => event.info.name);
    const hooks = events.filter((event) => /^LogHook/.test(event.info.name));
    expect(hooks.map((event) => [event.info.name, event.info.code, event.info.level, event.data.statement])).toEqual([
      ['LogHookStartLine', 'Q032', 'info', 'proj.on-run-start.0'],
      ['LogHookEndLine', 'Q033', 'info', 'proj.on-run-start.0'],
      ['LogHookStartLine', 'Q032', 'info', 'proj.on-run-end.0'],
      ['LogHookEndLine', 'Q033', 'info', 'proj.on-run-end.0'],
    ]);
    expect(hooks[0].data).toEqual({ statement: 'proj.on-run-start.0', index: 1, total: 1 });
    expect(hooks[1].data).toMatchObject({ statement: 'proj.on-run-start.0', status: 'success', index: 1, total: 1, execution_time: expect.any(Number) });
    expect(hooks[0].info.msg).toBe(`1 of 1 START hook: proj.on-run-start.0 ${'.'.repeat(35)} [RUN]`);
    expect(hooks[3].info.msg).toMatch(/^1 of 1 OK hook: proj\.on-run-end\.0 \.+ \[OK in \d\.\d\ds\]$/);
    // Order: header, on-run-start hooks, the nodes, on-run-end hooks, the summary.
    const at = (event: Event) => events.indexOf(event);
    expect(names.indexOf('ConcurrencyLine')).toBeLessThan(at(hooks[0]));
    expect(at(hooks[1])).toBeLessThan(names.indexOf('LogStartLine'));
    expect(names.lastIndexOf('LogModelResult')).toBeLessThan(at(hooks[2]));
    expect(at(hooks[3])).toBeLessThan(names.indexOf('FinishedRunningStats'));
  });

  it('a failing on-run-start hook prints its error line, skips the hooks after it and every node, and exits 1', () => {
    const dir = hookedProject('["select * from no_such_table", "create table if not exists audit (x int)"]', '"create table if not exists audit (x int)"');
    const run = dops(['build'], dir);
    expect(run.status).toBe(1);
    const lines = run.stdout.split('\n');
    const error = lineOf(lines, /^1 of 2 ERROR hook: proj\.on-run-start\.0 \.+ \[ERROR in \d\.\d\ds\]$/);
    expect(lines[error + 1]).toMatch(/^ {2}Hook failed in proj\.on-run-start\.0: .*no_such_table/);
    expect(lineOf(lines, /^1 of 2 START hook: proj\.on-run-start\.0 /)).toBe(error - 1);
    // dbt's safe_run_hooks: the hooks after the failed one do not run (no START), each is a SKIP line.
    expect(lines[error + 2]).toBe(`2 of 2 SKIP hook: proj.on-run-start.1 ${'.'.repeat(26)} [SKIP in 0.00s]`);
    expect(lines[error + 3]).toBe('');
    expect(lines.filter((line) => /START hook: proj\.on-run-start\.1/.test(line))).toEqual([]);
    // The nodes never start: each is a SKIP line, after the hook's error.
    expect(lines.filter((line) => / START sql /.test(line))).toEqual([]);
    expect(lineOf(lines, /^1 of 2 SKIP main\.m \.+ \[SKIP\]$/)).toBeGreaterThan(error);
    expect(lineOf(lines, /^2 of 2 SKIP main\.v \.+ \[SKIP\]$/)).toBeGreaterThan(error);
    // The on-run-end hooks still run (dbt runs them after skipped nodes too).
    expect(lineOf(lines, /^1 of 1 OK hook: proj\.on-run-end\.0 /)).toBeGreaterThan(error);
    expect(lines).toContain('Completed with 1 hook error');
    expect(lines).toContain('Done. PASS=0 WARN=0 ERROR=0 SKIP=2 TOTAL=2');
    // The file log records the failure at error level.
    const log = readFileSync(join(dir, 'logs/dops.log'), 'utf8');
    expect(log).toMatch(/\[error\] \[main {6}\]: 1 of 2 ERROR hook: proj\.on-run-start\.0 in \d\.\d\ds: Hook failed in proj\.on-run-start\.0: .*no_such_table/);
    expect(log).toMatch(/\[info \] \[main {6}\]: 2 of 2 SKIP hook: proj\.on-run-start\.1 in 0\.00s\n/);

    // In JSON the end line is an error-level LogHookEndLine with status error, and no node starts.
    const json = dops(['build', '--log-format', 'json'], dir);
    expect(json.status).toBe(1);
    const events = json.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Event);
    const end = events.filter((event) => event.info.name === 'LogHookEndLine' && /on-run-start/.test(event.data.statement));
    expect(end.map((event) => [event.data.statement, event.data.status, event.info.level, event.data.index, event.data.total])).toEqual([
      ['proj.on-run-start.0', 'error', 'error', 1, 2],
      ['proj.on-run-start.1', 'skipped', 'info', 2, 2],
    ]);
    expect(events.filter((event) => event.info.name === 'LogStartLine')).toEqual([]);
  });
});
