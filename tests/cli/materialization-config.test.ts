/**
 * An unknown `materialized` value or `incremental_strategy` is a project error caught when the
 * project loads: `dops compile` (which never opens the database) exits 2 with one line naming the
 * model's file and a did-you-mean, and no stack trace.
 * https://docs.getdbt.com/docs/build/materializations
 * https://docs.getdbt.com/docs/build/incremental-strategy
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeProject, removeProjects } from '../integration/helpers.js';

const CLI = join(resolve(import.meta.dirname, '../..'), 'dist/cli/index.js');

function dops(args: string[], cwd: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

afterAll(removeProjects);

describe('materialization config on the command line', () => {
  it("materialized='tabel' makes compile exit 2 naming the file, with a did-you-mean", () => {
    const dir = makeProject({ 'models/orders.sql': "{{ config(materialized='tabel') }}\nselect 1 as id\n" });
    const run = dops(['compile'], dir);
    expect(run.status, run.output).toBe(2);
    expect(run.output).toContain('models/orders.sql');
    expect(run.output).toContain("Unknown materialization 'tabel'");
    expect(run.output).toContain("Did you mean 'table'?");
    expect(run.output).not.toMatch(/^\s{4}at /m);
    expect(existsSync(join(dir, 'dops.duckdb'))).toBe(false);
  });

  it("incremental_strategy='mrege' makes compile exit 2 naming the file, with a did-you-mean", () => {
    const dir = makeProject({ 'models/inc.sql': "{{ config(materialized='incremental', unique_key='id', incremental_strategy='mrege') }}\nselect 1 as id\n" });
    const run = dops(['compile'], dir);
    expect(run.status, run.output).toBe(2);
    expect(run.output).toContain('models/inc.sql');
    expect(run.output).toContain("unknown incremental_strategy 'mrege'");
    expect(run.output).toContain("Did you mean 'merge'?");
    expect(run.output).not.toMatch(/^\s{4}at /m);
  });

  it('ls reports the same error and lists nothing', () => {
    const dir = makeProject({ 'models/orders.sql': "{{ config(materialized='viw') }}\nselect 1 as id\n" });
    const run = dops(['ls'], dir);
    expect(run.status, run.output).toBe(2);
    expect(run.output).toContain("Did you mean 'view'?");
    expect(run.output).not.toContain('proj.orders');
  });
});
