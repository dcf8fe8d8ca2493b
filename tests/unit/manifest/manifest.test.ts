import { describe, expect, it } from 'vitest';
import { DependencyNotFoundError } from '../../../src/errors.js';
import { Manifest, describe as describeNode } from '../../../src/manifest/manifest.js';
import type { ModelNode } from '../../../src/manifest/nodes.js';
import { model, seed, source, test } from '../helpers.js';

function shop() {
  return [
    seed('raw_customers'),
    source('raw', 'orders'),
    model('stg_orders', { sources: [['raw', 'orders']] }),
    model('stg_customers', { refs: ['raw_customers'] }),
    model('orders', { refs: ['stg_orders', 'stg_customers', 'stg_orders'] }),
    test('not_null_orders_id', { testName: 'not_null', attachedTo: 'orders', column: 'id' }),
  ];
}

describe('Manifest.link', () => {
  it('resolves refs and sources into dependsOn, deduplicated', () => {
    const manifest = new Manifest(shop());
    expect(manifest.link()).toEqual([]);
    expect((manifest.get('model.shop.orders') as ModelNode).dependsOn.nodes).toEqual(['model.shop.stg_orders', 'model.shop.stg_customers']);
    expect((manifest.get('model.shop.stg_orders') as ModelNode).dependsOn.nodes).toEqual(['source.shop.raw.orders']);
    expect((manifest.get('model.shop.stg_customers') as ModelNode).dependsOn.nodes).toEqual(['seed.shop.raw_customers']);
  });

  it('accepts a two-argument ref naming the project', () => {
    const manifest = new Manifest([model('a'), model('b', { refs: [{ package: 'shop', name: 'a' }] })]);
    expect(manifest.link()).toEqual([]);
    expect((manifest.get('model.shop.b') as ModelNode).dependsOn.nodes).toEqual(['model.shop.a']);
  });

  it('reports an unknown ref with a "Did you mean" hint and the line of the ref call', () => {
    const rawSql = "select *\nfrom {{ ref('stg_orders') }}\n  join {{ ref( 'stg_order' ) }} using (id)";
    const manifest = new Manifest([model('stg_orders'), model('orders', { refs: ['stg_orders', 'stg_order'], rawSql })]);
    const errors = manifest.link();
    expect(errors).toHaveLength(1);
    const [error] = errors;
    expect(error).toBeInstanceOf(DependencyNotFoundError);
    expect(error.message).toBe("Model 'orders' depends on 'stg_order', which was not found");
    expect(error.hint).toBe("Did you mean 'stg_orders'?");
    expect(error.location).toEqual({ file: 'models/orders.sql', line: 3, column: 11 });
    // the resolvable parent is still linked
    expect((manifest.get('model.shop.orders') as ModelNode).dependsOn.nodes).toEqual(['model.shop.stg_orders']);
  });

  it('suggests checking the name when nothing is close', () => {
    const manifest = new Manifest([model('orders', { refs: ['payments'], rawSql: "select * from {{ ref(\"payments\") }}" })]);
    const [error] = manifest.link();
    expect(error.hint).toBe('Check the model or seed name.');
    expect(error.location).toEqual({ file: 'models/orders.sql', line: 1, column: 18 });
  });

  it('rejects a ref to another package', () => {
    const manifest = new Manifest([model('a'), model('b', { refs: [{ package: 'other', name: 'a' }] })]);
    const errors = manifest.link();
    expect(errors.map((e) => e.message)).toEqual(["Model 'b' depends on 'a', which was not found"]);
  });

  it('reports an unknown source with close names', () => {
    const rawSql = "select 1\nfrom {{ source('raw', 'order') }}";
    const manifest = new Manifest([source('raw', 'orders'), model('stg', { sources: [['raw', 'order']], rawSql })]);
    const [error] = manifest.link();
    expect(error).toBeInstanceOf(DependencyNotFoundError);
    expect(error.message).toBe("Model 'stg' depends on source 'raw.order', which was not found");
    expect(error.hint).toBe("Did you mean 'raw.orders'?");
    expect(error.location).toMatchObject({ file: 'models/stg.sql', line: 2 });
  });

  it('points a generic test error at its YAML line', () => {
    const manifest = new Manifest([test('not_null_gone_id', { testName: 'not_null', attachedTo: 'gone', column: 'id' })]);
    const [error] = manifest.link();
    expect(error.message).toBe("Test 'not_null_gone_id' depends on 'gone', which was not found");
    expect(error.location).toEqual({ file: 'models/schema.yml', line: 7 });
  });

  it('does not let a ref reach a source or a test', () => {
    const manifest = new Manifest([source('raw', 'orders'), test('t'), model('m', { refs: ['orders', 't'] })]);
    expect(manifest.link().map((e) => e.message)).toEqual([
      "Model 'm' depends on 'orders', which was not found",
      "Model 'm' depends on 't', which was not found",
    ]);
  });
});

describe('Manifest maps', () => {
  it('builds parentMap and childMap', () => {
    const manifest = new Manifest(shop());
    manifest.link();
    expect(manifest.parentMap()).toEqual({
      'seed.shop.raw_customers': [],
      'source.shop.raw.orders': [],
      'model.shop.stg_orders': ['source.shop.raw.orders'],
      'model.shop.stg_customers': ['seed.shop.raw_customers'],
      'model.shop.orders': ['model.shop.stg_orders', 'model.shop.stg_customers'],
      'test.shop.not_null_orders_id.abc123': ['model.shop.orders'],
    });
    expect(manifest.childMap()).toEqual({
      'seed.shop.raw_customers': ['model.shop.stg_customers'],
      'source.shop.raw.orders': ['model.shop.stg_orders'],
      'model.shop.stg_orders': ['model.shop.orders'],
      'model.shop.stg_customers': ['model.shop.orders'],
      'model.shop.orders': ['test.shop.not_null_orders_id.abc123'],
      'test.shop.not_null_orders_id.abc123': [],
    });
  });

  it('get throws for an unknown id', () => {
    expect(() => new Manifest([]).get('model.shop.x')).toThrow('No node model.shop.x in the manifest');
  });

  it('describes nodes for messages', () => {
    expect(describeNode(model('a'))).toBe("Model 'a'");
    expect(describeNode(seed('s'))).toBe("Seed 's'");
  });
});
