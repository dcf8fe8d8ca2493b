import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, run } from '../../../src/api/commands.js';
import type { RunOutcome } from '../../../src/api/execute.js';
import { CapturingReporter } from '../../../src/reporter/reporter.js';
import { duckdbExec, makeProject, query, readJson, removeProjects, resultFor, statuses } from '../helpers.js';

const SOURCES = `version: 2
sources:
  - name: lake
    tables:
      - name: events
        config:
          external_location: 'lake/events.parquet'
        columns:
          - name: event_id
            data_tests: [unique, not_null]
          - name: kind
            data_tests:
              - accepted_values:
                  values: ['click', 'view']
      - name: users
        config:
          external_location: 'lake/users.csv'
        columns:
          - name: user_id
            data_tests: [unique]
          - name: email
            data_tests: [not_null]
      - name: parts
        config:
          external_location: 'lake/parts/part-*.parquet'
        columns:
          - name: id
            data_tests: [unique, not_null]
      - name: things
        config:
          external_location: 'lake/things.json'
        columns:
          - name: label
            data_tests:
              - not_null
              - accepted_values:
                  values: ['a', 'b']
`;

describe('sources read from lake files (external_location)', () => {
  let dir: string;
  let outcome: RunOutcome;

  beforeAll(async () => {
    dir = makeProject({
      'models/sources.yml': SOURCES,
      'lake/users.csv': 'user_id,email\n1,a@example.com\n2,\n3,c@example.com\n',
      'lake/things.json': JSON.stringify([{ label: 'a', n: 1 }, { label: 'b', n: 2 }, { label: 'c', n: 3 }]),
      'models/event_counts.sql': `{{ config(materialized='table') }}\nselect kind, count(*)::integer as n from {{ source('lake', 'events') }} group by kind order by kind\n`,
      'models/all_parts.sql': `{{ config(materialized='table') }}\nselect id from {{ source('lake', 'parts') }} order by id\n`,
      'models/user_things.sql': `{{ config(materialized='table') }}\nselect u.user_id, t.label from {{ source('lake', 'users') }} u join {{ source('lake', 'things') }} t on u.user_id = t.n\n`,
    });
    mkdirSync(join(dir, 'lake/parts'), { recursive: true });
    const lake = join(dir, 'lake').replace(/'/g, "''");
    await duckdbExec(`
      copy (select * from (values (1, 'click'), (2, 'view'), (3, 'click')) t(event_id, kind)) to '${lake}/events.parquet' (format parquet);
      copy (select * from range(1, 4) t(id)) to '${lake}/parts/part-1.parquet' (format parquet);
      copy (select * from range(3, 6) t(id)) to '${lake}/parts/part-2.parquet' (format parquet);
    `);
    outcome = await build({ projectDir: dir, reporter: new CapturingReporter() });
  });
  afterAll(removeProjects);

  it('a failing source test skips the models reading that source in build', () => {
    expect(resultFor(outcome, 'event_counts').status).toBe('success');
    expect(resultFor(outcome, 'all_parts')).toMatchObject({ status: 'skipped', message: 'Skipped because source_unique_lake_parts_id failed' });
    expect(resultFor(outcome, 'user_things').status).toBe('skipped');
  });

  it('reads parquet, csv, json and globbed parquet files in models (run)', async () => {
    const ran = await run({ projectDir: dir });
    expect(statuses(ran)).toEqual({ event_counts: 'success', all_parts: 'success', user_things: 'success' });
    expect(await query(dir, 'select * from event_counts')).toEqual([{ kind: 'click', n: 2 }, { kind: 'view', n: 1 }]);
    // both files of the glob are read: 1,2,3 and 3,4,5
    expect((await query(dir, 'select id from all_parts')).map((r) => r.id)).toEqual([1, 2, 3, 3, 4, 5]);
    expect(await query(dir, 'select * from user_things order by user_id')).toEqual([
      { user_id: 1, label: 'a' },
      { user_id: 2, label: 'b' },
      { user_id: 3, label: 'c' },
    ]);
    expect(readFileSync(join(dir, 'target/compiled/proj/models/user_things.sql'), 'utf8')).toContain(`from read_csv('${join(dir, 'lake/users.csv')}') u join read_json('${join(dir, 'lake/things.json')}') t`);
  });

  it('runs source tests against the files: parquet passes', () => {
    expect(resultFor(outcome, 'source_unique_lake_events_event_id').status).toBe('pass');
    expect(resultFor(outcome, 'source_not_null_lake_events_event_id').status).toBe('pass');
    expect(resultFor(outcome, 'source_accepted_values_lake_events_kind__click__view').status).toBe('pass');
  });

  it('csv: a missing email fails not_null', () => {
    expect(resultFor(outcome, 'source_unique_lake_users_user_id').status).toBe('pass');
    expect(resultFor(outcome, 'source_not_null_lake_users_email')).toMatchObject({ status: 'fail', failures: 1 });
  });

  it('glob: a value present in two files fails unique', () => {
    expect(resultFor(outcome, 'source_unique_lake_parts_id')).toMatchObject({ status: 'fail', failures: 1 });
    expect(resultFor(outcome, 'source_not_null_lake_parts_id').status).toBe('pass');
  });

  it('json: accepted_values fails for the unexpected label', () => {
    expect(resultFor(outcome, 'source_not_null_lake_things_label').status).toBe('pass');
    expect(resultFor(outcome, 'source_accepted_values_lake_things_label__a__b')).toMatchObject({ status: 'fail', failures: 1 });
  });

  it('does not run sources as nodes', () => {
    expect(outcome.results.some((r) => r.uniqueId.startsWith('source.'))).toBe(false);
    expect(Object.values(statuses(outcome)).filter((s) => s === 'fail')).toHaveLength(3);
  });

  it('compiles the source to a DuckDB reader call', () => {
    const path = resultFor(outcome, 'source_unique_lake_parts_id').compiledPath!;
    expect(path).toBe('target/compiled/proj/models/sources.yml/source_unique_lake_parts_id.sql');
    expect(readFileSync(join(dir, path), 'utf8')).toContain(`from read_parquet('${join(dir, 'lake/parts/part-*.parquet')}')`);
    const manifest = readJson(dir, 'target/manifest.json');
    expect(manifest.sources['source.proj.lake.parts']).toMatchObject({ external_location: 'lake/parts/part-*.parquet', source_name: 'lake' });
  });
});
