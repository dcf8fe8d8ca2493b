import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ParseError } from '../../../src/errors.js';
import { checkSeedCsv } from '../../../src/materializations/seed-check.js';
import { thrown } from '../helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function seedDir(csv: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dops-'));
  dirs.push(dir);
  fs.mkdirSync(path.join(dir, 'seeds'));
  fs.writeFileSync(path.join(dir, 'seeds/countries.csv'), csv);
  return dir;
}

describe('checkSeedCsv', () => {
  it('accepts a well-formed CSV, quoted fields and blank lines included', () => {
    expect(() => checkSeedCsv(seedDir('code,name\nnl,"Netherlands, the"\n\nbe,Belgium\n'), 'seeds/countries.csv')).not.toThrow();
  });

  it('accepts another delimiter', () => {
    expect(() => checkSeedCsv(seedDir('code;name\nnl;Netherlands\n'), 'seeds/countries.csv', ';')).not.toThrow();
  });

  it('rejects a ragged row with its line', () => {
    const error = thrown(() => checkSeedCsv(seedDir('code,name\nnl,Netherlands\nbe\n'), 'seeds/countries.csv'));
    expect(error).toBeInstanceOf(ParseError);
    expect(error.message).toMatch(/^Bad CSV: /);
    expect(error.location).toEqual({ file: 'seeds/countries.csv', line: 3 });
  });

  it('rejects an unclosed quote', () => {
    const error = thrown(() => checkSeedCsv(seedDir('code,name\nnl,"Netherlands\n'), 'seeds/countries.csv'));
    expect(error).toBeInstanceOf(ParseError);
    expect(error.message).toMatch(/^Bad CSV: /);
    expect(error.location.file).toBe('seeds/countries.csv');
  });

  it('rejects an empty file as missing its header', () => {
    const error = thrown(() => checkSeedCsv(seedDir(''), 'seeds/countries.csv'));
    expect(error).toBeInstanceOf(ParseError);
    expect(error.message).toBe('Bad CSV: a seed needs a header row');
    expect(error.location).toEqual({ file: 'seeds/countries.csv', line: 1 });
  });
});
