import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { create } from 'xmlbuilder2';
import { makeProject, makeTempDir, removeProjects, writeFile } from '../integration/helpers.js';

const REPO = resolve(import.meta.dirname, '../..');
const CLI = join(REPO, 'dist/cli/index.js');

function dops(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8', timeout: 60_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const FILES = {
  'seeds/raw.csv': 'id,v\n1,10\n2,\n',
  'models/clean.sql': "{{ config(materialized='table') }}\nselect * from {{ ref('raw') }}\n",
  'models/schema.yml': 'version: 2\nmodels:\n  - name: clean\n    columns:\n      - name: v\n        data_tests:\n          - not_null: {config: {severity: warn}}\n',
};

afterAll(removeProjects);

describe('CI flags on the command line', () => {
  it('exit codes: 0 with warnings, 1 with --warn-error, 2 for a usage error', () => {
    const dir = makeProject(FILES);
    const ok = dops(['build'], dir);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('WARN=1');
    const strict = dops(['build', '--warn-error'], dir);
    expect(strict.status).toBe(1);
    expect(strict.stdout).toContain('(--warn-error)');
    const usage = dops(['build', '--indirect-selection', 'sometimes'], dir);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("Allowed choices are eager, cautious, buildable, empty");
    const noState = dops(['build', '-s', 'state:modified'], dir);
    expect(noState.status).toBe(2);
    expect(noState.stderr).toContain('The state: method needs --state DIR');
  });

  it('exit 1 when a node fails; --fail-fast and --junit still write their reports', () => {
    const dir = makeProject({ ...FILES, 'models/broken.sql': "select nope from {{ ref('clean') }}\n", 'models/later.sql': "select * from {{ ref('broken') }}\n" });
    const junit = join(makeTempDir(), 'junit.xml');
    const run = dops(['build', '--fail-fast', '--junit', junit], dir);
    expect(run.status).toBe(1);
    const doc = create(readFileSync(junit, 'utf8')).end({ format: 'object' }) as Record<string, any>;
    expect(doc.testsuites['@errors']).toBe('1');
    expect(existsSync(join(dir, 'target/run_results.json'))).toBe(true);
  });

  it('--log-format json prints one JSON event per line and nothing else', () => {
    const dir = makeProject(FILES);
    const run = dops(['build', '--log-format', 'json'], dir);
    expect(run.status).toBe(0);
    // dbt's structured events (https://docs.getdbt.com/reference/events-logging).
    const events = run.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(events.map((e) => e.info.name)).toEqual(['MainReportVersion', 'FoundStats', 'ConcurrencyLine', 'LogStartLine', 'LogSeedResult', 'LogStartLine', 'LogModelResult', 'LogStartLine', 'LogTestResult', 'FinishedRunningStats', 'EndOfRunSummary', 'RunResultWarning', 'RunResultWarningMessage', 'SQLCompiledPath', 'StatsLine']);
  });

  it('--log-format json reports a project error as an error event too (exit 2)', () => {
    const dir = makeProject({ ...FILES, 'models/bad.sql': "select * from {{ ref('nope') }}\n" });
    const run = dops(['build', '--log-format', 'json'], dir);
    expect(run.status).toBe(2);
    const events = run.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(events.map((e) => e.info.name)).toEqual(['MainReportVersion', 'MainEncounteredError']);
    expect(events[1].info).toMatchObject({ code: 'Z002', level: 'error' });
    expect(events[1].data.exc).toBe("models/bad.sql:1: Model 'bad' depends on 'nope', which was not found");
    expect(run.stderr).toContain("depends on 'nope'");
  });

  it('ls --output json and --selector, retry after a fix', () => {
    const dir = makeProject({ ...FILES, 'selectors.yml': "selectors:\n  - name: cleaned\n    definition: 'clean'\n" });
    const listed = dops(['ls', '--selector', 'cleaned', '--output', 'json'], dir);
    expect(listed.status).toBe(0);
    const nodes = listed.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(nodes.map((n) => [n.resource_type, n.name])).toEqual([['model', 'clean'], ['test', 'not_null_clean_v']]);
    expect(nodes[0]).toMatchObject({ unique_id: 'model.proj.clean', original_file_path: 'models/clean.sql', depends_on: { nodes: ['seed.proj.raw'] } });
    expect(dops(['build'], dir).status).toBe(0);
    writeFile(dir, 'models/broken.sql', 'select nope\n');
    expect(dops(['run'], dir).status).toBe(1);
    writeFile(dir, 'models/broken.sql', 'select 1 as nope\n');
    const retried = dops(['retry'], dir);
    expect(retried.status).toBe(0);
    expect(retried.stdout).toContain('1 of 1 START');
    expect(retried.stdout).toContain('OK created view main.broken');
  });

  it('state:modified+ with --defer from the command line', () => {
    const dir = makeProject({ ...FILES, 'profiles.yml': 'proj:\n  target: prod\n  outputs:\n    prod: {type: duckdb, path: prod.duckdb}\n    ci: {type: duckdb, path: ci.duckdb}\n' });
    expect(dops(['build'], dir).status).toBe(0);
    const state = makeTempDir();
    cpSync(join(dir, 'target'), state, { recursive: true });
    writeFile(dir, 'models/report.sql', "select count(*) as n from {{ ref('clean') }}\n");
    const run = dops(['build', '-t', 'ci', '-s', 'state:modified+', '--defer', '--state', state], dir);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('1 of 1 START');
    expect(run.stdout).toContain('OK created view main.report');
  });
});
