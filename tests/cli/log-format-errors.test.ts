/**
 * Errors raised before a run starts follow the log format, however it is set.
 *
 * dbt resolves `log_format` from `--log-format`, then `DBT_LOG_FORMAT`, then `flags:` in
 * dbt_project.yml (https://docs.getdbt.com/reference/global-configs/logs#log-formatting,
 * https://docs.getdbt.com/reference/global-configs/project-flags), and sets up its logger before it
 * loads the profile and project (dbt-core 1.11, core/dbt/cli/requires.py: `preflight` calls
 * `setup_event_logger`, then `postflight` fires any error as `MainEncounteredError`, an error-level
 * event (Z002), and the CLI exits 2). So with the JSON format every line on stdout is a JSON event
 * of dbt's shape (https://docs.getdbt.com/reference/events-logging): `MainReportVersion`, then the
 * error. Click's usage errors are printed before that logger exists (plain text on stderr, exit
 * 2); dops prints those on stderr too and, in the JSON format, also as a `MainEncounteredError`
 * event on stdout, so stdout always says why nothing ran.
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeProject, makeTempDir, removeProjects } from '../integration/helpers.js';

const CLI = join(resolve(import.meta.dirname, '../..'), 'dist/cli/main.js');

afterAll(removeProjects);

function dops(args: string[], cwd: string, env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('DBT_') && !name.startsWith('DOPS_ENV_SECRET_')));
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, env: { ...base, HOME: makeTempDir(), NO_COLOR: '1', ...env }, encoding: 'utf8', timeout: 60_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Every stdout line parsed as JSON (throws on a line that is not). */
function events(stdout: string): Array<Record<string, unknown>> {
  return stdout.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line));
}

type Event = { info: Record<string, unknown>; data: Record<string, unknown> };

/**
 * The one error event of a stopped command: every line is a dbt event, the only error-level one
 * is `MainEncounteredError` (Z002) and any other is the `MainReportVersion` header.
 */
function errorEvent(stdout: string): Event {
  const lines = events(stdout) as Event[];
  const errors = lines.filter((e) => e.info.level === 'error');
  expect(errors).toHaveLength(1);
  expect(errors[0].info).toMatchObject({ name: 'MainEncounteredError', code: 'Z002', level: 'error' });
  for (const e of lines) if (e !== errors[0]) expect(e.info.name).toBe('MainReportVersion');
  return errors[0];
}

const BAD_REF = { 'models/bad.sql': "select * from {{ ref('nope') }}\n" };
const NO_STACK = /\n\s+at /;

describe('pre-run errors follow the log format', () => {
  it('DBT_LOG_FORMAT=json: a project error is one error event on stdout, exit 2, no stack', () => {
    const dir = makeProject(BAD_REF);
    const run = dops(['build'], dir, { DBT_LOG_FORMAT: 'json' });
    expect(run.status).toBe(2);
    const error = errorEvent(run.stdout);
    expect(error.data).toEqual({ exc: "models/bad.sql:1: Model 'bad' depends on 'nope', which was not found" });
    expect(error.info.msg).toContain("Encountered an error:\nmodels/bad.sql:1: Model 'bad' depends on 'nope'");
    expect(run.stdout + run.stderr).not.toMatch(NO_STACK);
  });

  it("flags: {log_format: json} in the project file: a profile error is an error event (exit 2)", () => {
    const dir = makeProject({ 'dops_project.yml': 'name: proj\nprofile: missing\nflags:\n  log_format: json\n', 'models/a.sql': 'select 1 as x\n' });
    const run = dops(['run'], dir);
    expect(run.status).toBe(2);
    const error = errorEvent(run.stdout);
    expect(error.data.exc).toMatch(/^dops_project\.yml(:\d+)?: /);
    expect(error.data.exc).toContain("Profile 'missing' not found");
    // --project-dir from elsewhere finds the same project flags.
    const elsewhere = dops(['run', '--project-dir', dir], makeTempDir());
    expect(elsewhere.status).toBe(2);
    expect(errorEvent(elsewhere.stdout).data.exc).toMatch(/^dops_project\.yml/);
  });

  it('--log-format text on the command line wins over DBT_LOG_FORMAT=json', () => {
    const dir = makeProject(BAD_REF);
    const run = dops(['build', '--log-format', 'text'], dir, { DBT_LOG_FORMAT: 'json' });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain("depends on 'nope'");
  });

  it('a usage error in the JSON format: an error event on stdout, the usage text on stderr, exit 2', () => {
    const dir = makeProject(BAD_REF);
    for (const [args, env] of [[['build', '--log-format=json', '--bogus'], {}], [['test', '--bogus'], { DBT_LOG_FORMAT: 'json' }]] as const) {
      const run = dops([...args], dir, env);
      expect(run.status).toBe(2);
      expect(events(run.stdout)).toHaveLength(1);
      expect(errorEvent(run.stdout).data).toEqual({ exc: "unknown option '--bogus'" });
      expect(run.stderr).toContain("unknown option '--bogus'");
    }
    // Help is not an error.
    const help = dops(['build', '--help'], dir, { DBT_LOG_FORMAT: 'json' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage:');
  });

  it('secret values are masked in JSON error events, even where JSON escaping changes them', () => {
    const dir = makeProject({ 'models/bad.sql': "select * from {{ ref('tok3nvalue') }}\n" });
    const quoted = dops(['build', '--log-format', 'json', '--threads', 'hun"ter2'], dir, { DBT_ENV_SECRET_PW: 'hun"ter2' });
    expect(quoted.status).toBe(2);
    expect(quoted.stdout).not.toContain('hun');
    expect(errorEvent(quoted.stdout).data.exc).toContain('*****');
    const project = dops(['build'], dir, { DBT_LOG_FORMAT: 'json', DBT_ENV_SECRET_TOKEN: 'tok3nvalue' });
    expect(project.status).toBe(2);
    expect(project.stdout + project.stderr).not.toContain('tok3nvalue');
    expect(errorEvent(project.stdout).data.exc).toBe("models/bad.sql:1: Model 'bad' depends on '*****', which was not found");
  });
});
