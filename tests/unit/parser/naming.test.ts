import { describe, expect, it } from 'vitest';
import { folderSegments, fqnFor, genericTestName, nodeName } from '../../../src/parser/naming.js';
import { checksum } from '../../../src/project/files.js';
import { projectFile } from '../helpers.js';

describe('genericTestName', () => {
  it('builds dbt-like names for model column tests', () => {
    expect(genericTestName('unique', 'orders', false, 'order_id', {})).toBe('unique_orders_order_id');
    expect(genericTestName('not_null', 'orders', false, 'order_id', {})).toBe('not_null_orders_order_id');
  });

  it('appends argument values, sorted by argument name, after a double underscore', () => {
    expect(genericTestName('accepted_values', 'orders', false, 'status', { values: ['placed', 'shipped'] })).toBe('accepted_values_orders_status__placed__shipped');
    expect(genericTestName('relationships', 'orders', false, 'customer_id', { to: "ref('customers')", field: 'id' })).toBe(
      'relationships_orders_customer_id__id__ref_customers_',
    );
  });

  it('replaces characters that are not letters, digits or underscores', () => {
    expect(genericTestName('accepted_values', 'orders', false, 'status', { values: ["it's ok", 'a-b'] })).toBe('accepted_values_orders_status__it_s_ok__a_b');
  });

  it('prefixes source tests with source_', () => {
    expect(genericTestName('not_null', 'raw_payments', true, 'id', {})).toBe('source_not_null_raw_payments_id');
  });

  it('leaves out a missing column', () => {
    expect(genericTestName('row_count', 'orders', false, undefined, { min: 1 })).toBe('row_count_orders__1');
  });

  it('cuts names longer than 80 characters and suffixes a hash', () => {
    const values = Array.from({ length: 12 }, (_, i) => `value_number_${i}`);
    const full = `accepted_values_orders_status__${values.join('__')}`;
    const name = genericTestName('accepted_values', 'orders', false, 'status', { values });
    expect(name).toBe(`${full.slice(0, 60)}_${checksum(full).slice(0, 10)}`);
    expect(name.length).toBe(71);
    expect(name.length).toBeLessThanOrEqual(80);
  });

  it('keeps long names that differ only at the end distinct', () => {
    const a = genericTestName('accepted_values', 'orders', false, 'status', { values: [...Array(12).fill('x'.repeat(10)), 'a'] });
    const b = genericTestName('accepted_values', 'orders', false, 'status', { values: [...Array(12).fill('x'.repeat(10)), 'b'] });
    expect(a).not.toBe(b);
    expect(a.slice(0, 60)).toBe(b.slice(0, 60));
  });

  it('does not cut a name of exactly 80 characters', () => {
    const column = 'c'.repeat(80 - 'unique_orders_'.length);
    expect(genericTestName('unique', 'orders', false, column, {})).toBe(`unique_orders_${column}`);
  });
});

describe('nodeName / fqnFor / folderSegments', () => {
  it('names a node after its file', () => {
    expect(nodeName('models/staging/stg_orders.sql')).toBe('stg_orders');
    expect(nodeName('seeds/countries.csv')).toBe('countries');
  });

  it('builds the fqn from the folders below the resource path', () => {
    const file = projectFile('models/staging/shop/stg_orders.sql', 'select 1');
    expect(fqnFor('shop', file)).toEqual(['shop', 'staging', 'shop', 'stg_orders']);
    expect(folderSegments(file)).toEqual(['staging', 'shop', 'stg_orders']);
  });

  it('handles a file directly under the resource path', () => {
    const file = projectFile('models/orders.sql', 'select 1');
    expect(fqnFor('shop', file)).toEqual(['shop', 'orders']);
    expect(folderSegments(file)).toEqual(['orders']);
  });

  it('handles a nested resource path', () => {
    const file = projectFile('transform/models/marts/orders.sql', 'select 1', 'transform/models');
    expect(fqnFor('shop', file)).toEqual(['shop', 'marts', 'orders']);
    expect(folderSegments(file)).toEqual(['marts', 'orders']);
  });
});
