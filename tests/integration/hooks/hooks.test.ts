import { afterAll, describe, expect, it } from 'vitest';
import { build } from '../../../src/api/commands.js';
import { CapturingReporter } from '../../../src/reporter/reporter.js';
import { makeProject, query, removeProjects, resultFor } from '../helpers.js';

afterAll(removeProjects);

const AUDIT = 'create table if not exists main.audit (event varchar, node varchar)';

describe('hooks', () => {
  it('runs pre/post hooks (config() and project tree; string, list and {sql, transaction}) and on-run-start/end with results and schemas', async () => {
    // https://docs.getdbt.com/reference/resource-configs/pre-hook-post-hook: hooks accumulate from
    // the project file, then the model; `this` is the node's relation, rendered at run time.
    // https://docs.getdbt.com/reference/project-configs/on-run-start-on-run-end: on-run-end sees
    // `results` and `schemas`.
    const dir = makeProject({
      'dops_project.yml': `name: proj
on-run-start:
  - "${AUDIT}"
  - "insert into main.audit values ('start', null)"
on-run-end: "{% for r in results %}insert into main.audit values ('end-{{ r.status }}', '{{ r.node.name }}');{% endfor %}insert into main.audit values ('schemas', '{{ schemas | join(',') }}')"
models:
  proj:
    +post-hook: "insert into main.audit values ('project-post', '{{ this.identifier }}')"
seeds:
  proj:
    +post-hook:
      - "insert into main.audit select 'seed-rows', count(*)::varchar from {{ this }}"
`,
      'seeds/s.csv': 'id\n1\n2\n3\n',
      'models/m.sql': `{{ config(materialized='table', schema='extra',
  pre_hook="insert into main.audit values ('pre', '{{ this }}')",
  post_hook=["insert into main.audit select 'post-rows', count(*)::varchar from {{ this }}", {"sql": "insert into main.audit values ('post-outside', 'm')", "transaction": false}]) }}
select * from {{ ref('s') }}
`,
      'models/v.sql': "select * from {{ ref('m') }}\n",
    });
    const reporter = new CapturingReporter();
    const outcome = await build({ projectDir: dir, reporter });
    expect(outcome.success).toBe(true);
    const rows = await query(dir, 'select event, node from main.audit');
    expect(rows).toEqual([
      { event: 'start', node: null },
      { event: 'seed-rows', node: '3' },
      { event: 'pre', node: '"extra"."m"' },
      { event: 'project-post', node: 'm' },
      { event: 'post-rows', node: '3' }, // inside the transaction: the new table is visible
      { event: 'post-outside', node: 'm' },
      { event: 'project-post', node: 'v' },
      { event: 'end-success', node: 's' },
      { event: 'end-success', node: 'm' },
      { event: 'end-success', node: 'v' },
      { event: 'schemas', node: 'extra,main' },
    ]);
  });

  it('a failing post-hook fails its model (rolled back with its transaction) and skips its children; exit 1', async () => {
    const dir = makeProject({
      'models/m.sql': "{{ config(materialized='table', post_hook='insert into main.no_such_table values (1)') }}\nselect 1 as id\n",
      'models/v.sql': "select * from {{ ref('m') }}\n",
    });
    const outcome = await build({ projectDir: dir });
    expect(outcome.success).toBe(false);
    expect(resultFor(outcome, 'm').status).toBe('error');
    expect(resultFor(outcome, 'm').message).toContain('no_such_table');
    expect(resultFor(outcome, 'v').status).toBe('skipped');
    expect(await query(dir, "select count(*) as n from duckdb_tables() where table_name = 'm'")).toEqual([{ n: 0 }]);
  });

  it('a failing on-run-start hook skips every node and fails the run', async () => {
    const dir = makeProject({
      'dops_project.yml': 'name: proj\non-run-start: "select * from main.missing"\non-run-end: ["' + AUDIT + '", "insert into main.audit values (\'end\', \'{{ results | length }}\')"]\n',
      'models/m.sql': 'select 1 as id\n',
    });
    const outcome = await build({ projectDir: dir });
    expect(outcome.success).toBe(false);
    expect(resultFor(outcome, 'm')).toMatchObject({ status: 'skipped', message: 'Skipped because an on-run-start hook failed' });
    expect(await query(dir, 'select event, node from main.audit')).toEqual([{ event: 'end', node: '1' }]);
  });
});
