/**
 * `dops run-operation` with macros written for dbt (docs.getdbt.com/reference/commands/run-operation):
 * dbt runs the queries a macro makes (`run_query`, `statement`, `adapter.create_schema`) and
 * shows its `log(msg, info=True)` output (docs.getdbt.com/reference/dbt-jinja-functions/log); it
 * never runs the text the macro renders. dbt-codegen's `create_source_table` renders
 * `{{ run_query(...) }}` (a query result's string) and its generators return YAML after logging it.
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeProject, query, removeProjects } from '../integration/helpers.js';

const BIN = join(resolve(import.meta.dirname, '../..'), 'dist/cli/main.js');

afterAll(removeProjects);

function dops(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('dops run-operation with dbt-style macros', () => {
  it("runs the macro's queries, shows its log output once, and does not run its rendered text", async () => {
    const dir = makeProject({
      'macros/ops.sql': [
        '{% macro create_things() %}',
        '{% do print("printed once") %}',
        "{% set target_schema = api.Relation.create(database=target.database, schema=target.schema ~ '__extra') %}",
        '{% do adapter.create_schema(target_schema) %}',
        '{{ run_query("create table " ~ target_schema ~ ".things as select 1 as x") }}',
        '{% set rows = run_query("select count(*) as n from " ~ target_schema ~ ".things") %}',
        '{% do log("things: " ~ rows.columns[0].values()[0], info=True) %}',
        '{% endmacro %}',
        '{% macro generate_yaml() %}',
        "{% set text = 'version: 2' %}",
        '{% do log(text, info=True) %}',
        '{{ return(text) }}',
        '{% endmacro %}',
      ].join('\n'),
    });
    const run = dops(['run-operation', 'create_things'], dir);
    expect(run.status, run.stderr).toBe(0);
    // Logged and printed once although the render ran again after each of its 3 queries.
    expect(run.stdout.match(/things: 1/g)).toHaveLength(1);
    expect(run.stdout.match(/printed once/g)).toHaveLength(1);
    expect(run.stdout).toMatch(/Ran macro create_things \(3 queries\)/);
    expect(run.stdout).toContain('the text it rendered was not run as SQL');
    expect(await query(dir, 'select x from main__extra.things')).toEqual([{ x: 1 }]);
    const yaml = dops(['run-operation', 'generate_yaml'], dir);
    expect(yaml.status, yaml.stderr).toBe(0);
    expect(yaml.stdout).toContain('version: 2');
    expect(yaml.stdout).toContain('Macro generate_yaml logged output, so the text it rendered was not run as SQL');
  }, 120_000);
});
