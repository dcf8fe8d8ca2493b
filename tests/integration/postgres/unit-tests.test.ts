/**
 * dbt unit tests on a PostgreSQL target run on PostgreSQL, as dbt runs them on the warehouse
 * (https://docs.getdbt.com/docs/build/unit-tests): a model written in PostgreSQL-only SQL
 * (`to_char`, `::` casts to `text`, `generate_series` over timestamps) and a macro whose
 * `postgres__` implementation `adapter.dispatch` picks at compile time
 * (https://docs.getdbt.com/reference/dbt-jinja-functions/dispatch) pass there; a wrong expectation
 * fails with the diff of rows. The fixtures live in a transaction that is rolled back, so the
 * database holds nothing of them afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, test } from '../../../src/api/commands.js';
import { makeProject, readRunResults, removeProjects, statuses } from '../helpers.js';
import { addPostgresProfile, pgQuery } from '../../postgres/helpers.js';
import { usePostgres } from '../../postgres/server.js';

const server = usePostgres();
afterAll(removeProjects);

const FILES = {
  'dops_project.yml': 'name: calendar\nmodels:\n  calendar:\n    +materialized: table\n',
  'seeds/raw_events.csv': 'id,name,happened_on\n1,launch,2024-02-29\n2,review,2024-03-03\n',
  // dbt's dispatch: the default is DuckDB's strftime, PostgreSQL's is to_char.
  'macros/month_of.sql': `{% macro month_of(column) %}{{ return(adapter.dispatch('month_of')(column)) }}{% endmacro %}
{% macro default__month_of(column) %}strftime({{ column }}, '%Y-%m'){% endmacro %}
{% macro postgres__month_of(column) %}to_char({{ column }}, 'YYYY-MM'){% endmacro %}
`,
  // PostgreSQL-only: to_char with 'Dy', `::text ||`, generate_series over timestamps with an interval step.
  'models/event_calendar.sql': `select id,
  {{ month_of('happened_on') }} as month,
  to_char(happened_on, 'Dy') as weekday,
  name || '#' || id::text as label,
  (select count(*) from generate_series(happened_on::timestamp, (happened_on + 6)::timestamp, interval '1 day') as g(day)
    where date_part('dow', g.day) in (0, 6))::int as weekend_days_in_week
from {{ ref('raw_events') }}
`,
};

const UNIT = (month: string) => `version: 2
unit_tests:
  - name: calendar_fields
    model: event_calendar
    given:
      - input: ref('raw_events')
        rows:
          - {id: 1, name: launch, happened_on: 2024-02-29}
          - {id: 2, name: review, happened_on: '2024-03-03'}
    expect:
      rows:
        - {id: 1, month: '${month}', weekday: Thu, label: 'launch#1', weekend_days_in_week: 2}
        - {id: 2, month: '2024-03', weekday: Sun, label: 'review#2', weekend_days_in_week: 2}
`;

describe('unit tests on a PostgreSQL target', () => {
  it('run on PostgreSQL: PostgreSQL-only SQL and postgres__ macros pass, alone and in build, and leave nothing behind', async () => {
    const dir = makeProject({ ...FILES, 'models/unit.yml': UNIT('2024-02') });
    const dbname = await addPostgresProfile(server, dir, 'calendar');

    // Only unit tests: fixture types inferred (no relation yet), run on the target.
    const alone = await test({ projectDir: dir, target: 'pg', select: ['test_type:unit'] });
    expect(alone.results.map((r) => `${r.status} ${r.message}`)).toEqual(['pass PASS']);
    // No schemas, seeds or models were built for them, and their temp tables went with the rollback.
    expect(await pgQuery(server, "select schema_name from information_schema.schemata where schema_name = 'main'", dbname)).toEqual([]);

    // In build: the unit test runs before its model, with the seed's column types read from PostgreSQL.
    const built = await build({ projectDir: dir, target: 'pg' });
    expect(statuses(built)).toEqual({ raw_events: 'success', calendar_fields: 'pass', event_calendar: 'success' });
    const relations = await pgQuery(server, "select relname from pg_class where relname like '\\_\\_dops\\_unit%'", dbname);
    expect(relations).toEqual([]);
    // Alone again, now that raw_events exists: its column types (integer, text, date) come from PostgreSQL.
    const again = await test({ projectDir: dir, target: 'pg', select: ['test_type:unit'] });
    expect(again.results.map((r) => r.status)).toEqual(['pass']);
  }, 120_000);

  it('a wrong expectation fails with the differing rows', async () => {
    const dir = makeProject({ ...FILES, 'models/unit.yml': UNIT('2024-01') });
    await addPostgresProfile(server, dir, 'calendar');
    const outcome = await test({ projectDir: dir, target: 'pg', select: ['test_type:unit'] });
    const [result] = outcome.results;
    expect(result.status).toBe('fail');
    expect(result.message).toContain('1 missing, 1 unexpected');
    expect(result.message).toMatch(/\| ---\s+\|\s+1\s+\|\s+2024-01\s+\|\s+Thu\s+\|\s+launch#1/);
    expect(result.message).toMatch(/\| \+\+\+\s+\|\s+1\s+\|\s+2024-02\s+\|\s+Thu\s+\|\s+launch#1/);
    expect(readRunResults(dir).results[0]).toMatchObject({ status: 'fail', unique_id: 'unit_test.calendar.event_calendar.calendar_fields' });
  }, 120_000);

  it('the same project on DuckDB still runs its unit tests on the in-memory DuckDB, with default__ macros', async () => {
    // The dev target is DuckDB: month_of renders default__ (strftime) and runs in memory; pg renders postgres__ (to_char) on PostgreSQL.
    const dir = makeProject({ ...FILES, 'models/event_calendar.sql': `select id, {{ month_of('happened_on') }} as month from {{ ref('raw_events') }}\n`, 'models/unit.yml': `version: 2
unit_tests:
  - name: month_only
    model: event_calendar
    given:
      - input: ref('raw_events')
        rows: [{id: 1, name: launch, happened_on: 2024-02-29}]
    expect:
      rows: [{id: 1, month: '2024-02'}]
` });
    await addPostgresProfile(server, dir, 'calendar');
    for (const target of ['dev', 'pg']) {
      const outcome = await test({ projectDir: dir, target, select: ['test_type:unit'] });
      expect(outcome.results.map((r) => r.status), target).toEqual(['pass']);
    }
  }, 120_000);
});
