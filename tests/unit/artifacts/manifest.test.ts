import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { manifestJson, writeManifest } from '../../../src/artifacts/manifest.js';
import { Manifest } from '../../../src/manifest/manifest.js';
import { model, seed, source, test } from '../helpers.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function shop(): Manifest {
  const manifest = new Manifest([
    seed('raw_customers'),
    source('raw', 'orders'),
    model('stg_orders', { sources: [['raw', 'orders']] }),
    model('orders', { refs: ['stg_orders', 'raw_customers'], rawSql: 'select "quoted \\u00e9" as x -- ü\n' }),
    test('not_null_orders_id', { testName: 'not_null', attachedTo: 'orders', column: 'id' }),
  ]);
  expect(manifest.link()).toEqual([]);
  manifest.macros.set('macro.shop.m', { uniqueId: 'macro.shop.m', name: 'm', packageName: 'shop', originalFilePath: 'macros/m.sql', macroSql: '{% macro m() %}1{% endmacro %}', checksum: 'abc' });
  return manifest;
}

describe('writeManifest', () => {
  it('streams exactly the JSON of manifestJson, on one line, with nothing left aside', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dops-manifest-'));
    dirs.push(dir);
    const manifest = shop();
    const compiled = new Map([['model.shop.orders', 'select 1']]);
    const path = join(dir, 'target', 'manifest.json');
    writeManifest(path, manifest, { target: { name: 'dev' } }, compiled);
    const text = readFileSync(path, 'utf8');
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.trimEnd()).not.toContain('\n');
    const written = JSON.parse(text);
    const expected = JSON.parse(JSON.stringify(manifestJson(manifest, { target: { name: 'dev' } }, compiled)));
    expect({ ...written, metadata: undefined }).toEqual({ ...expected, metadata: undefined });
    expect(Object.keys(written)).toEqual(Object.keys(expected));
    expect(written.metadata.target).toEqual({ name: 'dev' });
    expect(written.nodes['model.shop.orders'].compiled_code).toBe('select 1');
    expect(Object.keys(written.sources)).toEqual(['source.shop.raw.orders']);
    expect(readdirSync(join(dir, 'target'))).toEqual(['manifest.json']);
  });
});
