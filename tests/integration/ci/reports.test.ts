import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create } from 'xmlbuilder2';
import { build } from '../../../src/api/commands.js';
import type { RunOutcome } from '../../../src/api/execute.js';
import { JsonReporter } from '../../../src/reporter/json.js';
import { makeProject, makeTempDir, readRunResults, removeProjects } from '../helpers.js';

/** raw -> good (table) with a passing, a warning and a failing test; broken (SQL error) -> after (skipped). */
const FILES = {
  'seeds/raw.csv': 'id,v\n1,10\n2,\n3,30\n',
  'models/good.sql': "{{ config(materialized='table') }}\nselect * from {{ ref('raw') }}\n",
  'models/broken.sql': "select missing_column from {{ ref('raw') }}\n",
  'models/after.sql': "select * from {{ ref('broken') }}\n",
  'models/schema.yml': `version: 2
models:
  - name: good
    columns:
      - name: id
        data_tests: [unique]
      - name: v
        data_tests:
          - not_null: {config: {severity: warn}}
          - accepted_values: {values: [10, 20], quote: false}
`,
};

type XmlObject = Record<string, any>;
const asList = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

describe('reports for CI', () => {
  let dir: string;
  let junitPath: string;
  let outcome: RunOutcome;
  const lines: string[] = [];

  beforeAll(async () => {
    dir = makeProject(FILES);
    junitPath = join(makeTempDir(), 'reports', 'dops.xml');
    const stream = { write: (text: string) => lines.push(...text.split('\n').filter(Boolean)) };
    outcome = await build({ projectDir: dir, junit: junitPath, reporter: new JsonReporter(stream, 'debug') });
  });
  afterAll(removeProjects);

  it('run_results.json has every node with status, timing, rows, failures, message and thread', () => {
    const { results } = readRunResults(dir);
    expect(results).toHaveLength(outcome.results.length);
    const byId = Object.fromEntries(results.map((r) => [r.unique_id, r]));
    expect(byId['model.proj.good']).toMatchObject({ status: 'success', adapter_response: { rows_affected: 3 }, thread_id: 'Thread-1', relation_name: 'main.good' });
    expect(byId['model.proj.broken'].status).toBe('error');
    expect(byId['model.proj.broken'].message).toContain('missing_column');
    expect(byId['model.proj.after']).toMatchObject({ status: 'skipped', message: 'Skipped because broken failed' });
    const failing = results.find((r) => r.unique_id.startsWith('test.proj.accepted_values_good_v'))!;
    expect(failing).toMatchObject({ status: 'fail', failures: 1 });
    for (const r of results) expect((r as unknown as { timing: { started_at: string }[] }).timing[0].started_at).toMatch(/^\d{4}-/);
  });

  it('--junit writes JUnit XML: one testcase per node, failures and errors with message and failing-row count', () => {
    const doc = create(readFileSync(junitPath, 'utf8')).end({ format: 'object' }) as XmlObject;
    const suites = doc.testsuites;
    expect(suites['@tests']).toBe(String(outcome.results.length));
    expect(suites['@failures']).toBe('1');
    expect(suites['@errors']).toBe('1');
    expect(suites['@skipped']).toBe('1');
    const suite = suites.testsuite;
    expect(suite['@name']).toBe('dops build');
    const cases = asList<XmlObject>(suite.testcase);
    expect(cases.map((c) => c['@name']).sort()).toEqual(outcome.results.map((r) => outcome.project.manifest.get(r.uniqueId).name).sort());
    const byName = Object.fromEntries(cases.map((c) => [c['@name'], c]));
    const failure = byName.accepted_values_good_v__false__10__20.failure;
    expect(failure['@message']).toBe('Got 1 result, configured to fail if != 0');
    expect(failure['#']).toContain('failing rows: 1');
    expect(byName.broken.error['@message']).toContain('missing_column');
    expect(byName.after.skipped['@message']).toBe('Skipped because broken failed');
    expect(byName.good.failure).toBeUndefined();
    expect(byName.good['@classname']).toBe('model.proj');
    expect(byName.not_null_good_v['system-out']).toContain('WARN');
    expect(Number(byName.good['@time'])).toBeGreaterThanOrEqual(0);
  });

  it("--log-format json writes dbt's events, one per line: node events with node_info, the run's summary", () => {
    // dbt-core 1.10's structured log (https://docs.getdbt.com/reference/events-logging); at debug, NodeStart / NodeFinished too.
    const events = lines.map((line) => JSON.parse(line));
    const named = (name: string) => events.filter((e) => e.info.name === name);
    expect(named('ConcurrencyLine')[0].data).toMatchObject({ node_count: outcome.results.length, num_threads: expect.any(Number) });
    const started = named('NodeStart');
    const finished = named('NodeFinished');
    expect(finished).toHaveLength(outcome.results.length);
    // skipped nodes never start
    expect(started).toHaveLength(outcome.results.length - 1);
    expect(started.every((e) => e.info.code === 'Q024' && e.info.level === 'debug' && e.data.node_info.node_status === 'started')).toBe(true);
    const broken = finished.find((e) => e.data.node_info.node_name === 'broken');
    expect(broken.data.run_result).toMatchObject({ status: 'error' });
    expect(broken.data.node_info).toMatchObject({ resource_type: 'model', node_status: 'error', unique_id: 'model.proj.broken' });
    const good = named('LogModelResult').find((e) => e.data.node_info.node_name === 'good');
    expect(good.info).toMatchObject({ code: 'Q012', level: 'info', thread: 'Thread-1' });
    expect(good.data).toMatchObject({ status: 'success', node_info: { materialized: 'table', node_relation: { schema: 'main', alias: 'good', relation_name: 'main.good' } } });
    expect(named('LogModelResult').find((e) => e.data.node_info.node_name === 'broken').info.level).toBe('error');
    expect(named('EndOfRunSummary')[0].data).toMatchObject({ num_errors: 2, num_warnings: 1 });
    expect(events[events.length - 1].info).toMatchObject({ name: 'StatsLine', code: 'Z023' });
    expect(events[events.length - 1].data.stats).toMatchObject({ error: 2, warn: 1, skip: 1, total: outcome.results.length });
    for (const event of events) expect(Date.parse(event.info.ts)).not.toBeNaN();
  });
});
