import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checksum, discoverProjectFiles } from '../../../src/project/files.js';
import { projectConfig } from '../helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dops-'));
  dirs.push(dir);
  for (const [file, contents] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), contents);
  }
  return dir;
}

describe('checksum', () => {
  it('is the sha256 hex digest', () => {
    expect(checksum('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(checksum('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('discoverProjectFiles', () => {
  it('groups files by kind, sorted by path, with forward-slash relative paths', () => {
    const dir = project({
      'models/staging/stg_b.sql': 'select 2',
      'models/staging/stg_a.sql': 'select 1',
      'models/orders.sql': 'select 3',
      'models/schema.yml': 'version: 2',
      'models/staging/props.yaml': 'version: 2',
      'models/notes.md': 'ignored',
      'seeds/countries.csv': 'code\nnl\n',
      'seeds/seeds.yml': 'seeds: []',
      'tests/assert_x.sql': 'select 1 where false',
      'macros/cents.sql': '{% macro cents(c) %}{{ c }}{% endmacro %}',
    });
    const files = discoverProjectFiles(projectConfig({ projectDir: dir }));
    expect(files.models.map((f) => f.path)).toEqual(['models/orders.sql', 'models/staging/stg_a.sql', 'models/staging/stg_b.sql']);
    expect(files.properties.map((f) => f.path)).toEqual(['models/schema.yml', 'models/staging/props.yaml', 'seeds/seeds.yml']);
    expect(files.seeds.map((f) => f.path)).toEqual(['seeds/countries.csv']);
    expect(files.tests.map((f) => f.path)).toEqual(['tests/assert_x.sql']);
    expect(files.macros.map((f) => f.path)).toEqual(['macros/cents.sql']);
    expect(files.models[1]).toEqual({
      path: 'models/staging/stg_a.sql',
      absolutePath: path.join(dir, 'models/staging/stg_a.sql'),
      root: 'models',
      contents: 'select 1',
      checksum: checksum('select 1'),
    });
  });

  it('uses the configured paths and records which one a file came from', () => {
    const dir = project({ 'transform/a.sql': 'select 1', 'marts/b.sql': 'select 2', 'models/ignored.sql': 'select 3' });
    const files = discoverProjectFiles(projectConfig({ projectDir: dir, modelPaths: ['transform', 'marts'] }));
    expect(files.models.map((f) => [f.path, f.root])).toEqual([
      ['transform/a.sql', 'transform'],
      ['marts/b.sql', 'marts'],
    ]);
  });

  it('returns empty groups for missing folders', () => {
    const { fingerprint, ...files } = discoverProjectFiles(projectConfig({ projectDir: project({}) }));
    expect(files).toEqual({ models: [], properties: [], seeds: [], tests: [], macros: [], snapshots: [], docs: [] });
    // Missing folders are stamped as missing, so creating one is noticed.
    expect(Object.values(fingerprint ?? {}).every((stamp) => stamp === null)).toBe(true);
    expect(Object.keys(fingerprint ?? {})).toContain('models');
  });
});
