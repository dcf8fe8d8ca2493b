import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { build, init, TEMPLATE_DIR } from '../../../src/api/commands.js';
import { ConfigError } from '../../../src/errors.js';
import { caught, makeTempDir, query, removeProjects, writeFile } from '../helpers.js';

afterAll(removeProjects);

function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(dir, join(prefix, entry.name)) : [join(prefix, entry.name)],
  );
}

describe('init', () => {
  it('copies project-template/ into a new directory', () => {
    const dir = join(makeTempDir(), 'new_project');
    const created = init(dir);
    expect(created).toBe(dir);
    expect(filesUnder(dir).sort()).toEqual(filesUnder(TEMPLATE_DIR).sort());
    expect(existsSync(join(dir, 'dbt_project.yml'))).toBe(true);
  });

  it('accepts an existing empty directory', () => {
    const dir = makeTempDir();
    expect(init(dir)).toBe(dir);
    expect(existsSync(join(dir, 'dbt_project.yml'))).toBe(true);
  });

  it('refuses a directory that is not empty', async () => {
    const dir = makeTempDir();
    writeFile(dir, 'keep.txt', 'mine');
    const error = await caught(() => init(dir));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(`${dir} is not empty`);
    expect(existsSync(join(dir, 'dbt_project.yml'))).toBe(false);
  });

  it('the new project builds with every node passing', async () => {
    const dir = init(join(makeTempDir(), 'starter'));
    const outcome = await build({ projectDir: dir });
    expect(outcome.success).toBe(true);
    expect(outcome.summary.error).toBe(0);
    expect(outcome.summary.skip).toBe(0);
    expect(outcome.summary.warn).toBe(0);
    expect(outcome.summary.total).toBeGreaterThan(0);
    for (const result of outcome.results) expect(['success', 'pass'], `${result.uniqueId}: ${result.message}`).toContain(result.status);
    const kinds = new Set(outcome.results.map((r) => r.uniqueId.split('.')[0]));
    expect(kinds).toEqual(new Set(['seed', 'model', 'test']));
    expect((await query(dir, 'select count(*) as n from customer_revenue'))[0].n).toBeGreaterThan(0);
  });
});
