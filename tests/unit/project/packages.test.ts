import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readPackageSpecs, versionSatisfies } from '../../../src/project/packages.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'dops-pkg-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

// https://docs.getdbt.com/docs/build/packages#hub-packages-recommended: an exact version or ranges.
describe('versionSatisfies', () => {
  it('reads exact versions, range strings and lists of ranges', () => {
    expect(versionSatisfies('1.4.1', undefined)).toBe(true);
    expect(versionSatisfies('1.4.1', '1.4.1')).toBe(true);
    expect(versionSatisfies('1.4.1', '1.4.0')).toBe(false);
    expect(versionSatisfies('1.4.1', ['>=0.9.0', '<2.0.0'])).toBe(true);
    expect(versionSatisfies('2.0.0', ['>=0.9.0', '<2.0.0'])).toBe(false);
    expect(versionSatisfies('0.10.9', '>=0.9.0, <1.0.0')).toBe(true);
  });
});

describe('readPackageSpecs', () => {
  it('reads local, git and hub entries with their lines', () => {
    const dir = project({ 'packages.yml': 'packages:\n  - local: ../x\n  - git: https://example.com/r.git\n    revision: 1.0\n    subdirectory: sub\n  - package: a/b\n    version: [">=1"]\n' });
    const { specs, hash } = readPackageSpecs(dir);
    expect(specs).toMatchObject([
      { local: '../x', file: 'packages.yml', line: 2 },
      { git: 'https://example.com/r.git', revision: '1', subdirectory: 'sub', line: 3 },
      { package: 'a/b', version: ['>=1'], line: 6 },
    ]);
    expect(hash).toMatch(/^[0-9a-f]{40}$/);
  });

  it('rejects entries without a source and packages listed in both files', () => {
    expect(() => readPackageSpecs(project({ 'packages.yml': 'packages:\n  - version: 1\n' }))).toThrow(/needs 'local:', 'git:' or 'package:'/);
    expect(() => readPackageSpecs(project({ 'packages.yml': 'packages:\n  - local: a\n', 'dependencies.yml': 'packages:\n  - local: b\n' }))).toThrow(/both/);
    expect(readPackageSpecs(project({})).specs).toEqual([]);
  });
});
