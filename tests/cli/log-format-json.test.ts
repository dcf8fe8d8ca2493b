/**
 * `--log-format json` prints dbt's structured log: one event per stdout line, shaped
 * `{"info": {name, code, msg, level, invocation_id, pid, thread, ts, category, extra}, "data": {...}}`
 * with dbt-core 1.10's event names and codes, on every command, also set by `DBT_LOG_FORMAT`
 * (https://docs.getdbt.com/reference/events-logging,
 * https://docs.getdbt.com/reference/global-configs/logs#log-formatting). Secret env values are
 * masked (https://docs.getdbt.com/reference/dbt-jinja-functions/env_var#secrets).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, makeTempDir, removeProjects } from '../integration/helpers.js';

const CLI = join(resolve(import.meta.dirname, '../..'), 'dist/cli/main.js');

afterAll(removeProjects);

type Event = { info: Record<string, any>; data: Record<string, any> };

function dops(args: string[], cwd: string, env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('DBT_') && !name.startsWith('DOPS_ENV_SECRET_')));
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, env: { ...base, HOME: makeTempDir(), NO_COLOR: '1', ...env }, encoding: 'utf8', timeout: 60_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Every stdout line parsed as a dbt event (fails on a line that is not one). */
function events(stdout: string): Event[] {
  const lines = stdout.split('\n').filter((line) => line !== '');
  expect(lines.length).toBeGreaterThan(0);
  return lines.map((line) => {
    const event = JSON.parse(line) as Event;
    expect(Object.keys(event).sort()).toEqual(['data', 'info']);
    expect(Object.keys(event.info).sort()).toEqual(['category', 'code', 'extra', 'invocation_id', 'level', 'msg', 'name', 'pid', 'thread', 'ts']);
    expect(event.info).toMatchObject({ category: '', extra: {}, pid: expect.any(Number) });
    expect(['debug', 'info', 'warn', 'error']).toContain(event.info.level);
    expect(Date.parse(event.info.ts)).not.toBeNaN();
    return event;
  });
}

const SECRET = 'hun"ter2';

const FILES = {
  'seeds/people.csv': 'id,name\n1,a\n2,b\n',
  'models/people_view.sql': `{{ log('log says hi; the password is ${SECRET}', info=True) }}{{ exceptions.warn('mind the gap') }}{{ print('print says hi') }}\nselect * from {{ ref('people') }}\n`,
  'models/schema.yml': 'version: 2\nmodels:\n  - name: people_view\n    config:\n      meta: {owner: ana}\n',
  'tests/no_people.sql': "select * from {{ ref('people_view') }} where id > 0\n",
};

/** A node line as the text reporter prints it, its time and dots made comparable. */
const comparable = (line: string) => line.replace(/\d+\.\d\ds/g, 'Ts').replace(/\.{3,}/g, '...');

describe('dops build --log-format json', () => {
  let dir: string;
  let run: ReturnType<typeof dops>;
  let all: Event[];
  const named = (name: string) => all.filter((e) => e.info.name === name);

  beforeAll(() => {
    dir = makeProject(FILES);
    run = dops(['build', '--log-format', 'json', '--log-level', 'debug'], dir, { DBT_ENV_SECRET_PW: SECRET });
    all = events(run.stdout);
  });

  it('starts with MainReportVersion; every event carries the invocation_id of the artifacts', () => {
    expect(run.status).toBe(1); // the test fails
    expect(all[0].info).toMatchObject({ name: 'MainReportVersion', code: 'A001', level: 'info' });
    expect(all[0].info.msg).toMatch(/^Running with dops=\d/);
    const runResults = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8'));
    expect(new Set(all.map((e) => e.info.invocation_id))).toEqual(new Set([runResults.metadata.invocation_id]));
    expect(named('FoundStats')[0]).toMatchObject({ info: { code: 'W006', msg: 'Found 1 model, 1 data test, 1 seed' }, data: { stat_line: '1 model, 1 data test, 1 seed' } });
    expect(named('ConcurrencyLine')[0]).toMatchObject({ info: { code: 'Q027' }, data: { num_threads: expect.any(Number), target_name: 'dev', node_count: 3 } });
  });

  it('NodeStart / NodeFinished (debug) and the per-kind result events carry node_info', () => {
    expect(named('NodeStart').map((e) => e.info.code)).toEqual(['Q024', 'Q024', 'Q024']);
    expect(named('NodeStart').every((e) => e.info.level === 'debug' && e.data.node_info.node_status === 'started' && /^Thread-\d+$/.test(e.info.thread))).toBe(true);
    const finished = named('NodeFinished');
    expect(finished).toHaveLength(3);
    const view = finished.find((e) => e.data.node_info.unique_id === 'model.proj.people_view')!;
    expect(view.info).toMatchObject({ code: 'Q025', level: 'debug', msg: 'Finished running node model.proj.people_view' });
    expect(view.data.node_info).toMatchObject({
      node_path: 'people_view.sql',
      node_name: 'people_view',
      resource_type: 'model',
      materialized: 'view',
      node_status: 'success',
      meta: { owner: 'ana' },
      node_relation: { schema: 'main', alias: 'people_view', relation_name: 'main.people_view' },
    });
    expect(Date.parse(view.data.node_info.node_started_at)).toBeLessThanOrEqual(Date.parse(view.data.node_info.node_finished_at));
    expect(view.data.run_result).toMatchObject({ status: 'success', thread: view.info.thread, execution_time: expect.any(Number) });

    const model = named('LogModelResult');
    expect(model).toHaveLength(1);
    expect(model[0]).toMatchObject({ info: { code: 'Q012', level: 'info' }, data: { status: 'success', index: 2, total: 3, execution_time: expect.any(Number), node_info: { unique_id: 'model.proj.people_view' } } });
    const seed = named('LogSeedResult');
    expect(seed).toHaveLength(1);
    expect(seed[0]).toMatchObject({ info: { code: 'Q016', level: 'info' }, data: { status: 'success', index: 1, total: 3, schema: 'main', relation: 'people', node_info: { resource_type: 'seed' } } });
    const test = named('LogTestResult');
    expect(test).toHaveLength(1);
    expect(test[0]).toMatchObject({ info: { code: 'Q007', level: 'error' }, data: { name: 'no_people', status: 'fail', num_failures: 2, index: 3, num_models: 3, node_info: { node_status: 'fail', resource_type: 'test' } } });
    expect(named('LogStartLine').map((e) => e.data.index)).toEqual([1, 2, 3]);
  });

  it("each event's msg is the text line the terminal prints, uncolored", () => {
    const text = dops(['build', '--no-reuse'], dir, { DBT_ENV_SECRET_PW: SECRET });
    const lines = text.stdout.split('\n').map(comparable);
    for (const name of ['LogStartLine', 'LogSeedResult', 'LogModelResult', 'LogTestResult', 'FoundStats', 'ConcurrencyLine', 'EndOfRunSummary', 'StatsLine', 'JinjaLogInfo']) {
      const events = named(name);
      expect(events.length, name).toBeGreaterThan(0);
      for (const event of events) expect(lines, `${name}: ${event.info.msg}`).toContain(comparable(event.info.msg));
    }
    expect(run.stdout).not.toContain('\u001b[');
  });

  it('warnings, log() and print() are JinjaLogWarning, JinjaLogInfo and PrintEvent; secrets are masked', () => {
    expect(named('JinjaLogWarning')[0]).toMatchObject({ info: { code: 'I061', level: 'warn', msg: 'mind the gap' }, data: { msg: 'mind the gap' } });
    expect(named('JinjaLogInfo')[0]).toMatchObject({ info: { code: 'I062', level: 'info', msg: 'log says hi; the password is *****' } });
    expect(named('PrintEvent')[0]).toMatchObject({ info: { code: 'Z052', msg: 'print says hi' }, data: { msg: 'print says hi' } });
    // In order among the node events: while the model runs, between its start and its result.
    const at = (name: string, id = 'model.proj.people_view') => all.findIndex((e) => e.info.name === name && (e.data.node_info?.unique_id ?? id) === id);
    expect(at('LogStartLine')).toBeLessThan(all.lastIndexOf(named('PrintEvent').at(-1)!));
    expect(all.lastIndexOf(named('PrintEvent').at(-1)!)).toBeLessThan(at('LogModelResult'));
    // The secret holds a quote: JSON would escape it to hun\"ter2, past a scrubber of the finished line.
    expect(run.stdout).not.toContain('hun');
  });

  it('ends with FinishedRunningStats, EndOfRunSummary, the failure and StatsLine', () => {
    const tail = all.slice(all.findIndex((e) => e.info.name === 'FinishedRunningStats')).map((e) => `${e.info.name} ${e.info.code} ${e.info.level}`);
    expect(tail).toEqual([
      'FinishedRunningStats E047 info',
      'EndOfRunSummary Z030 error',
      'RunResultFailure Z022 error',
      'RunResultError Z024 error',
      'SQLCompiledPath Z026 info',
      'StatsLine Z023 info',
    ]);
    expect(named('EndOfRunSummary')[0].data).toEqual({ num_errors: 1, num_warnings: 0, keyboard_interrupt: false, num_partial_success: 0 });
    expect(named('RunResultFailure')[0].data).toMatchObject({ resource_type: 'test', node_name: 'no_people', path: 'tests/no_people.sql' });
    expect(named('StatsLine')[0]).toMatchObject({ info: { msg: 'Done. PASS=2 WARN=0 ERROR=1 SKIP=0 TOTAL=3' }, data: { stats: { pass: 2, warn: 0, error: 1, skip: 0, total: 3 } } });
  });

  it('at the default log level the debug events are left out', () => {
    const info = events(dops(['build', '--log-format', 'json', '--no-reuse'], dir).stdout);
    expect(info.some((e) => e.info.level === 'debug')).toBe(false);
    expect(info.filter((e) => e.info.name === 'LogStartLine')).toHaveLength(3);
  });
});

describe('--log-format json for snapshots', () => {
  it('a snapshot ends with LogSnapshotResult (Q015) carrying node_info', () => {
    const dir = makeProject({
      'seeds/customers.csv': 'id,name,updated_at\n1,ann,2001-01-01\n',
      'snapshots/customers.sql': "{% snapshot customers_snapshot %}\n{{ config(unique_key='id', strategy='timestamp', updated_at='updated_at') }}\nselect * from {{ ref('customers') }}\n{% endsnapshot %}\n",
    });
    expect(dops(['seed'], dir).status).toBe(0);
    const run = dops(['snapshot', '--log-format', 'json'], dir);
    expect(run.status, run.stderr).toBe(0);
    const result = events(run.stdout).filter((e) => e.info.name === 'LogSnapshotResult');
    expect(result).toHaveLength(1);
    expect(result[0]).toMatchObject({
      info: { code: 'Q015', level: 'info' },
      data: { status: 'success', index: 1, total: 1, node_info: { resource_type: 'snapshot', node_name: 'customers_snapshot', materialized: 'snapshot', node_relation: { alias: 'customers_snapshot' } } },
    });
    expect(result[0].info.msg).toMatch(/^1 of 1 OK .*customers_snapshot/);
  });
});

describe('--log-format json for source freshness', () => {
  it('one LogFreshnessResult (Q018) per source, its level by status, then StatsLine', () => {
    const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000).toISOString().replace('T', ' ').slice(0, 19);
    const dir = makeProject({
      'data/fresh.csv': `id,loaded_at\n1,${hoursAgo(0.5)}\n`,
      'data/stale.csv': `id,loaded_at\n1,${hoursAgo(72)}\n`,
      'models/_sources.yml': 'version: 2\nsources:\n  - name: raw\n    loaded_at_field: loaded_at\n    freshness:\n      error_after: {count: 1, period: day}\n    tables:\n      - name: fresh\n        config: {external_location: data/fresh.csv}\n      - name: stale\n        config: {external_location: data/stale.csv}\n',
    });
    const run = dops(['source', 'freshness', '--log-format', 'json'], dir);
    expect(run.status, run.stderr).toBe(1);
    const all = events(run.stdout);
    const results = all.filter((e) => e.info.name === 'LogFreshnessResult');
    expect(results.map((e) => [e.data.table_name, e.data.status, e.info.level, e.info.code])).toEqual([
      ['fresh', 'pass', 'info', 'Q018'],
      ['stale', 'error', 'error', 'Q018'],
    ]);
    expect(results[1].data).toMatchObject({ source_name: 'raw', index: 2, total: 2, node_info: { unique_id: 'source.proj.raw.stale' } });
    expect(results[1].info.msg).toMatch(/^2 of 2 ERROR freshness of raw\.stale \.+ \[ERROR 3d old in \d+\.\d\ds\]$/);
    expect(all.at(-1)).toMatchObject({ info: { name: 'StatsLine', msg: 'Done. PASS=1 WARN=0 ERROR=1 TOTAL=2' }, data: { stats: { pass: 1, error: 1, total: 2 } } });
  });
});

describe('--log-format json on the other commands', () => {
  it('ls prints a PrintEvent per node, compile -s CompiledNode, show ShowNode; DBT_LOG_FORMAT works the same', () => {
    const dir = makeProject({ 'models/a.sql': 'select 1 as x\n', 'models/b.sql': "select * from {{ ref('a') }}\n" });
    const ls = dops(['ls', '--log-format', 'json'], dir);
    expect(ls.status).toBe(0);
    const listed = events(ls.stdout);
    expect(listed.map((e) => e.info.name)).toEqual(['MainReportVersion', 'PrintEvent', 'PrintEvent']);
    expect(listed.slice(1).map((e) => e.data.msg)).toEqual(['proj.a', 'proj.b']);
    const compiled = events(dops(['compile', '-s', 'b'], dir, { DBT_LOG_FORMAT: 'json' }).stdout);
    expect(compiled.map((e) => e.info.name)).toEqual(['MainReportVersion', 'CompiledNode']);
    expect(compiled[1]).toMatchObject({ info: { code: 'Q042', msg: "Compiled node 'b' is:\nselect * from \"main\".\"a\"" }, data: { node_name: 'b', unique_id: 'model.proj.b', is_inline: false } });
    expect(compiled[1].data.compiled).toContain('"main"."a"');
    const shown = events(dops(['show', '-s', 'a', '--log-format', 'json'], dir).stdout);
    expect(shown.map((e) => e.info.name)).toEqual(['MainReportVersion', 'ShowNode']);
    expect(shown[1]).toMatchObject({ info: { code: 'Q041', msg: dops(['show', '-s', 'a'], dir).stdout.trimEnd() }, data: { node_name: 'a', is_inline: false } });
  });

  it('every command accepts --log-format and --log-level, and prints only events', () => {
    const dir = makeProject({ 'models/a.sql': 'select 1 as x\n' });
    for (const args of [['parse'], ['deps'], ['debug'], ['docs', 'generate'], ['source', 'freshness'], ['compile'], ['seed'], ['clean']]) {
      const run = dops([...args, '--log-format', 'json', '--log-level', 'info'], dir);
      expect(run.status, `${args.join(' ')}: ${run.stderr}`).toBe(0);
      expect(events(run.stdout)[0].info.name, args.join(' ')).toBe('MainReportVersion');
    }
  });

  it('the stamp-answered compile leaves DBT_LOG_FORMAT=json to the full program', () => {
    const dir = makeProject({ 'models/a.sql': 'select 1 as x\n' });
    expect(dops(['compile'], dir).stdout).toBe('Compiled 1 node.\n');
    const again = dops(['compile'], dir, { DBT_LOG_FORMAT: 'json' });
    expect(again.status).toBe(0);
    const lines = events(again.stdout);
    expect(lines.at(-1)).toMatchObject({ info: { name: 'Note', code: 'Z050', msg: 'Compiled 1 node.' } });
  });

  it('a bad project stops compile with one MainEncounteredError line, exit 2', () => {
    const dir = makeProject({ 'models/bad.sql': "select * from {{ ref('nope') }}\n" });
    const run = dops(['compile', '--log-format', 'json'], dir);
    expect(run.status).toBe(2);
    const lines = events(run.stdout);
    const errors = lines.filter((e) => e.info.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ info: { name: 'MainEncounteredError', code: 'Z002' }, data: { exc: "models/bad.sql:1: Model 'bad' depends on 'nope', which was not found" } });
    expect(lines.map((e) => e.info.name)).toEqual(['MainReportVersion', 'MainEncounteredError']);
  });
});
