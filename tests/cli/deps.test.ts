import { execSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, makeTempDir, removeProjects, writeFile } from '../integration/helpers.js';

const REPO = resolve(import.meta.dirname, '../..');
/** Its own build of the binary, so this file never races other CLI tests writing dist/. */
const BUILD = join(REPO, 'node_modules/.cache/dops-cli-deps');
const CLI = join(BUILD, 'dist/cli/index.js');

function dops(args: string[], cwd: string, env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, encoding: 'utf8', timeout: 60_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  mkdirSync(BUILD, { recursive: true });
  copyFileSync(join(REPO, 'package.json'), join(BUILD, 'package.json'));
  execSync(`npx tsc -p . --outDir ${JSON.stringify(join(BUILD, 'dist'))}`, { cwd: REPO, stdio: 'pipe' });
}, 120_000);
afterAll(removeProjects);

// https://docs.getdbt.com/reference/commands/deps and https://docs.getdbt.com/reference/commands/clean
describe('dops deps / dops clean (CLI)', () => {
  it('installs hub packages from DOPS_PACKAGE_INDEX, exits 2 with one line naming an unlisted one, and clean removes them', () => {
    const index = makeTempDir();
    writeFile(index, 'pkg/dbt_project.yml', 'name: my_pkg\n');
    writeFile(index, 'index.yml', 'packages:\n  - hub: acme/my_pkg\n    name: my_pkg\n    version: 1.0.0\n    path: pkg\n');
    const dir = makeProject({ 'packages.yml': 'packages:\n  - package: acme/my_pkg\n    version: 1.0.0\n' });
    const ok = dops(['deps'], dir, { DOPS_PACKAGE_INDEX: index });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('Installed my_pkg from acme/my_pkg@1.0.0');
    expect(existsSync(join(dir, 'dbt_packages/my_pkg/dbt_project.yml'))).toBe(true);

    const missing = dops(['deps'], dir, { DOPS_PACKAGE_INDEX: '' });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^Error: packages\.yml:2: Package 'acme\/my_pkg' is a hub package/);
    expect(missing.stderr).not.toContain('    at ');

    const clean = dops(['clean'], dir);
    expect(clean.status).toBe(0);
    expect(clean.stdout).toContain('Removed dbt_packages');
    expect(existsSync(join(dir, 'dbt_packages'))).toBe(false);
  });
});
