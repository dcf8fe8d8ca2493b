import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeProject, removeProjects } from '../integration/helpers.js';

const REPO = resolve(import.meta.dirname, '../..');
const CLI = join(REPO, 'dist/cli/index.js');

/** Runs the built `dops` binary (npm test compiles dist/ before vitest runs). */
function dops(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8', timeout: 60_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const PROJECT = {
  'seeds/raw_orders.csv': 'id,amount,customer\n1,10,a\n2,20,b\n',
  'models/stg_orders.sql': "select id as order_id, amount * 100 as cents, customer from {{ ref('raw_orders') }}\n",
  'models/orders.sql': "{{ config(materialized='table') }}\nselect * from {{ ref('stg_orders') }}\n",
};

afterAll(removeProjects);

describe('dops docs and dops lineage', () => {
  it('build --docs builds, then writes the artifacts and the site', () => {
    const dir = makeProject(PROJECT);
    const run = dops(['build', '--docs', '--project-dir', dir]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/Done\. PASS=3/);
    expect(run.stdout).toMatch(/docs site .*target\/docs\/index\.html \(column lineage for 2 of 2 models\)/);
    for (const file of ['manifest.json', 'catalog.json', 'lineage.json', 'docs/index.html', 'docs/app.js', 'docs/data.js']) expect(existsSync(join(dir, 'target', file)), file).toBe(true);
  });

  it('lineage prints the upstream chain, or the downstream one', () => {
    const dir = makeProject(PROJECT);
    const up = dops(['lineage', 'orders.order_id', '--project-dir', dir]);
    expect(up.status).toBe(0);
    expect(up.stdout).toBe(['orders.order_id (model)', '└─ ← stg_orders.order_id (model) [passed through]', '   └─ ← raw_orders.id (seed) [renamed]', ''].join('\n'));
    const down = dops(['lineage', 'raw_orders.amount', '--downstream', '--project-dir', dir]);
    expect(down.stdout).toBe(['raw_orders.amount (seed)', '└─ → stg_orders.cents (model) [transformed]', '   └─ → orders.cents (model) [passed through]', ''].join('\n'));
  });

  it('lineage of an unknown column exits 2 with one short message', () => {
    const dir = makeProject(PROJECT);
    const run = dops(['lineage', 'orders.nope', '--project-dir', dir]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/orders has no column 'nope'/);
    expect(run.stderr).not.toMatch(/^\s{4}at /m);
  });

  it('docs serve serves the generated site until stopped', async () => {
    const dir = makeProject(PROJECT);
    expect(dops(['docs', 'generate', '--project-dir', dir]).status).toBe(0);
    const child = spawn(process.execPath, [CLI, 'docs', 'serve', '--port', '0', '--project-dir', dir], { env: { ...process.env, NO_COLOR: '1' } });
    try {
      const url = await new Promise<string>((resolveUrl, reject) => {
        let out = '';
        child.stdout.on('data', (chunk) => {
          out += chunk;
          const match = /Serving the docs at (\S+)/.exec(out);
          if (match) resolveUrl(match[1]);
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('dops docs');
    } finally {
      const exited = new Promise((done) => child.on('exit', done));
      child.kill('SIGINT');
      await exited;
    }
    expect(child.exitCode).toBe(0);
  });
});
