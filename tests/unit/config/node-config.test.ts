import { describe, expect, it } from 'vitest';
import { finalizeConfig, folderConfigLayers, mergeConfig } from '../../../src/config/node-config.js';

describe('mergeConfig', () => {
  it('lets later layers win key by key', () => {
    expect(mergeConfig({ materialized: 'view', schema: 'a' }, { materialized: 'table' }, { alias: 'x' })).toEqual({
      materialized: 'table',
      schema: 'a',
      alias: 'x',
      tags: [],
    });
  });

  it('accumulates tags across layers, dedupes them and accepts a single string', () => {
    expect(mergeConfig({ tags: ['nightly', 'core'] }, { tags: 'core' }, { tags: ['finance', 'nightly'] }).tags).toEqual(['nightly', 'core', 'finance']);
  });

  it('ignores undefined values but lets other falsy values override', () => {
    expect(mergeConfig({ schema: 'a', enabled: true }, { schema: undefined, enabled: false })).toEqual({ schema: 'a', enabled: false, tags: [] });
  });

  it('does not modify its inputs', () => {
    const first = { tags: ['a'], materialized: 'view' };
    const second = { tags: ['b'], materialized: 'table' };
    mergeConfig(first, second);
    expect(first).toEqual({ tags: ['a'], materialized: 'view' });
    expect(second).toEqual({ tags: ['b'], materialized: 'table' });
  });
});

describe('folderConfigLayers', () => {
  it('walks a tree keyed by project name, outermost first', () => {
    const tree = {
      '+tags': ['root'],
      shop: {
        '+materialized': 'view',
        staging: {
          '+schema': 'staging',
          '+tags': 'stg',
          stg_orders: { '+alias': 'orders' },
        },
        marts: { '+materialized': 'table' },
      },
    };
    expect(folderConfigLayers(tree, 'shop', ['staging', 'stg_orders'])).toEqual([
      { tags: ['root'] },
      { materialized: 'view' },
      { schema: 'staging', tags: 'stg' },
      { alias: 'orders' },
    ]);
  });

  it('walks a tree keyed by folder directly when the project name is absent', () => {
    const tree = { '+materialized': 'view', marts: { '+materialized': 'table', finance: { '+schema': 'fin' } } };
    expect(folderConfigLayers(tree, 'shop', ['marts', 'finance', 'revenue'])).toEqual([
      { materialized: 'view' },
      { materialized: 'table' },
      { schema: 'fin' },
    ]);
  });

  it('stops at the first folder the tree does not mention', () => {
    const tree = { shop: { staging: { '+schema': 'stg' } } };
    expect(folderConfigLayers(tree, 'shop', ['marts', 'staging', 'x'])).toEqual([{}, {}]);
  });

  it('takes known keys without a + as config and treats other keys as subfolders', () => {
    const tree = {
      shop: {
        materialized: 'table',
        tags: ['a'],
        enabled: false,
        column_types: { id: 'bigint' },
        // a folder named like a known key: a mapping, so a subfolder
        schema: { '+alias': 'inner' },
        // not a known key: a subfolder, never config
        owner: 'someone',
      },
    };
    const layers = folderConfigLayers(tree, 'shop', ['schema', 'm']);
    expect(layers[1]).toEqual({ materialized: 'table', tags: ['a'], enabled: false, column_types: { id: 'bigint' } });
    expect(layers[2]).toEqual({ alias: 'inner' });
  });

  it('feeds mergeConfig so the deepest folder wins', () => {
    const tree = { shop: { '+materialized': 'view', '+tags': ['x'], marts: { '+materialized': 'table', '+tags': ['y'] } } };
    expect(mergeConfig(...folderConfigLayers(tree, 'shop', ['marts', 'm']))).toEqual({ materialized: 'table', tags: ['x', 'y'] });
  });
});

describe('finalizeConfig', () => {
  it('fills defaults', () => {
    expect(finalizeConfig({}, 'view')).toEqual({
      materialized: 'view',
      schema: undefined,
      alias: undefined,
      tags: [],
      enabled: true,
      severity: undefined,
      where: undefined,
    });
  });

  it('keeps given values and unknown keys', () => {
    const config = finalizeConfig({ materialized: 'table', schema: 'marts', alias: 'orders_v2', tags: 'daily', unique_key: 'id' }, 'view');
    expect(config).toMatchObject({ materialized: 'table', schema: 'marts', alias: 'orders_v2', tags: ['daily'], unique_key: 'id' });
  });

  it.each([
    [undefined, true],
    [true, true],
    [false, false],
    ['false', false],
    ['true', true],
    [null, true],
  ])('enabled %j -> %j', (enabled, expected) => {
    expect(finalizeConfig(enabled === undefined ? {} : { enabled }, 'view').enabled).toBe(expected);
  });

  it.each([
    ['warn', 'warn'],
    ['WARN', 'warn'],
    ['Warn', 'warn'],
    ['error', 'error'],
    ['ERROR', 'error'],
    ['anything', 'error'],
  ])('severity %j -> %j', (severity, expected) => {
    expect(finalizeConfig({ severity }, 'test').severity).toBe(expected);
  });

  it('stringifies schema, alias and where and drops nulls', () => {
    expect(finalizeConfig({ schema: 1, alias: null, where: 'id > 0' }, 'test')).toMatchObject({ schema: '1', alias: undefined, where: 'id > 0' });
  });
});
