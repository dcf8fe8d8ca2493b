import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { evaluateSelectors, selectNodes } from '../../../src/graph/selector.js';
import { linked, model, seed, source, test, thrown } from '../helpers.js';

/**
 * raw.raw_orders ─ stg_orders ─┐
 * stripe.payments ─ stg_payments ─ int_orders (ephemeral) ─ orders (table) ─ customers
 * raw.raw_customers ─ stg_customers ───────────────────────────┘──────────────────┘
 * countries (seed) ────────────────────────────────────────┘
 * tests: unique_stg_orders_id, not_null_orders_id, relationships_orders_customer_id (orders + customers),
 *        assert_positive (singular, on orders), source_not_null_raw_raw_orders_id
 */
function fixture() {
  return linked([
    source('raw', 'raw_orders'),
    source('raw', 'raw_customers'),
    source('stripe', 'payments'),
    seed('countries'),
    model('stg_orders', { path: 'models/staging/stg_orders.sql', sources: [['raw', 'raw_orders']], config: { tags: ['staging'] } }),
    model('stg_customers', { path: 'models/staging/stg_customers.sql', sources: [['raw', 'raw_customers']], config: { tags: ['staging', 'pii'] } }),
    model('stg_payments', { path: 'models/staging/stripe/stg_payments.sql', sources: [['stripe', 'payments']], config: { tags: 'staging' } }),
    model('int_orders', { path: 'models/intermediate/int_orders.sql', refs: ['stg_orders', 'stg_payments'], config: { materialized: 'ephemeral' } }),
    model('orders', { path: 'models/marts/orders.sql', refs: ['int_orders', 'stg_customers', 'countries'], config: { materialized: 'table', tags: ['nightly'] } }),
    model('customers', { path: 'models/marts/customers.sql', refs: ['orders', 'stg_customers'], config: { materialized: 'table', tags: ['nightly', 'pii'] } }),
    test('unique_stg_orders_id', { testName: 'unique', attachedTo: 'stg_orders', column: 'id' }),
    test('not_null_orders_id', { testName: 'not_null', attachedTo: 'orders', column: 'id' }),
    test('relationships_orders_customer_id', { testName: 'relationships', attachedTo: 'orders', refs: ['orders', 'customers'], column: 'customer_id' }),
    test('assert_positive', { refs: ['orders'] }),
    {
      ...test('source_not_null_raw_raw_orders_id', { testName: 'not_null', column: 'id', refs: [] }),
      sources: [{ sourceName: 'raw', tableName: 'raw_orders' }],
    },
  ]);
}

const { manifest, dag } = fixture();
const names = (ids: Iterable<string>) => [...ids].map((id) => manifest.get(id).name).sort();
const select = (...expressions: string[]) => names(evaluateSelectors(expressions, manifest, dag));

describe('evaluateSelectors: methods', () => {
  it('selects by name', () => {
    expect(select('orders')).toEqual(['orders']);
    expect(select('stg_*')).toEqual(['stg_customers', 'stg_orders', 'stg_payments']);
  });

  it('selects by fqn with the project name', () => {
    expect(select('shop.staging')).toEqual(['stg_customers', 'stg_orders', 'stg_payments']);
    expect(select('shop.staging.stripe')).toEqual(['stg_payments']);
    expect(select('shop.marts.orders')).toEqual(['orders']);
  });

  it('selects by fqn without the project name, as dbt does', () => {
    expect(select('staging')).toEqual(['stg_customers', 'stg_orders', 'stg_payments']);
    expect(select('staging.stripe')).toEqual(['stg_payments']);
    expect(select('marts.orders')).toEqual(['orders']);
    expect(select('marts.cust*')).toEqual(['customers']);
    expect(select('shop.*.stg_orders')).toEqual(['stg_orders']);
    // a partial folder name is no match
    expect(select('stag')).toEqual([]);
  });

  it('selects by tag, with globs', () => {
    expect(select('tag:staging')).toEqual(['stg_customers', 'stg_orders', 'stg_payments']);
    expect(select('tag:pii')).toEqual(['customers', 'stg_customers']);
    expect(select('tag:n*')).toEqual(['customers', 'orders']);
  });

  it('selects by path: folder, file, glob, and plain values with a slash', () => {
    expect(select('path:models/staging')).toEqual(['stg_customers', 'stg_orders', 'stg_payments']);
    expect(select('path:models/staging/')).toEqual(['stg_customers', 'stg_orders', 'stg_payments']);
    expect(select('path:models/marts/orders.sql')).toEqual(['orders']);
    expect(select('path:models/staging/stg_c*.sql')).toEqual(['stg_customers']);
    expect(select('models/marts')).toEqual(['customers', 'orders']);
    expect(select('path:models/stag')).toEqual([]);
  });

  it('keeps * inside one folder in path globs, and ** crosses folders', () => {
    expect(select('path:models/*/stg_*.sql')).toEqual(['stg_customers', 'stg_orders']);
    expect(select('path:models/**/stg_*.sql')).toEqual(['stg_customers', 'stg_orders', 'stg_payments']);
  });

  it('selects by resource_type', () => {
    expect(select('resource_type:seed')).toEqual(['countries']);
    expect(select('resource_type:source')).toEqual(['payments', 'raw_customers', 'raw_orders']);
  });

  it('selects by config.KEY', () => {
    expect(select('config.materialized:table')).toEqual(['customers', 'orders']);
    expect(select('config.materialized:ephemeral')).toEqual(['int_orders']);
    expect(select('config.tags:pii')).toEqual(['customers', 'stg_customers']);
  });

  it('selects sources by source name or source.table', () => {
    expect(select('source:raw')).toEqual(['raw_customers', 'raw_orders']);
    expect([...evaluateSelectors(['source:raw.raw_orders'], manifest, dag)]).toEqual(['source.shop.raw.raw_orders']);
    expect(select('source:raw.*_orders')).toEqual(['raw_orders']);
    expect(select('source:stripe+1')).toEqual(['payments', 'stg_payments']);
  });

  it('selects tests by test_type and test_name', () => {
    expect(select('test_type:singular')).toEqual(['assert_positive']);
    expect(select('test_type:generic')).toEqual(['not_null_orders_id', 'relationships_orders_customer_id', 'source_not_null_raw_raw_orders_id', 'unique_stg_orders_id']);
    expect(select('test_name:not_null')).toEqual(['not_null_orders_id', 'source_not_null_raw_raw_orders_id']);
    expect(select('test_name:assert_*')).toEqual(['assert_positive']);
  });

  it('rejects an unknown method with a ConfigError listing the known ones', () => {
    const error = thrown(() => select('owner:me'));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe("Unknown selector method 'owner'");
    expect(error.hint).toBe('Known methods: fqn, tag, path, resource_type, source, test_type, unit_test, test_name, state, result, source_status, group, access, version, config.KEY');
  });

  it('rejects @ combined with +', () => {
    const error = thrown(() => select('@orders+'));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe("Selector '@orders+' cannot combine @ with +");
  });
});

describe('evaluateSelectors: graph operators', () => {
  it('+m adds all ancestors', () => {
    expect(select('+orders')).toEqual(['countries', 'int_orders', 'orders', 'payments', 'raw_customers', 'raw_orders', 'stg_customers', 'stg_orders', 'stg_payments']);
  });

  it('m+ adds all descendants', () => {
    expect(select('stg_orders+')).toEqual(
      ['assert_positive', 'customers', 'int_orders', 'not_null_orders_id', 'orders', 'relationships_orders_customer_id', 'stg_orders', 'unique_stg_orders_id'].sort(),
    );
  });

  it('N+m limits ancestors to N generations', () => {
    expect(select('1+orders')).toEqual(['countries', 'int_orders', 'orders', 'stg_customers']);
    expect(select('2+orders')).toEqual(['countries', 'int_orders', 'orders', 'raw_customers', 'stg_customers', 'stg_orders', 'stg_payments']);
  });

  it('m+N limits descendants to N generations', () => {
    expect(select('stg_orders+1')).toEqual(['int_orders', 'stg_orders', 'unique_stg_orders_id']);
    expect(select('stg_orders+2')).toEqual(['int_orders', 'orders', 'stg_orders', 'unique_stg_orders_id']);
  });

  it('+m+ adds both directions', () => {
    expect(select('1+int_orders+1')).toEqual(['int_orders', 'orders', 'stg_orders', 'stg_payments']);
  });

  it('@m adds descendants and all ancestors of those', () => {
    // stg_payments' descendants reach customers, whose ancestors include stg_customers and countries
    expect(select('@stg_payments')).toEqual(
      [
        'stg_payments', 'payments', 'int_orders', 'orders', 'customers', 'not_null_orders_id', 'relationships_orders_customer_id', 'assert_positive',
        'stg_orders', 'raw_orders', 'stg_customers', 'raw_customers', 'countries',
      ].sort(),
    );
  });

  it('applies graph operators to every node a method matches', () => {
    expect(select('tag:nightly+')).toEqual(['assert_positive', 'customers', 'not_null_orders_id', 'orders', 'relationships_orders_customer_id']);
  });
});

describe('evaluateSelectors: set operations', () => {
  it('treats space-separated terms and separate expressions as a union', () => {
    expect(select('orders customers')).toEqual(['customers', 'orders']);
    expect(select('orders', 'countries')).toEqual(['countries', 'orders']);
    expect(select('  orders   customers ')).toEqual(['customers', 'orders']);
  });

  it('treats comma-joined terms as an intersection', () => {
    expect(select('tag:staging,tag:pii')).toEqual(['stg_customers']);
    expect(select('+customers,resource_type:source')).toEqual(['payments', 'raw_customers', 'raw_orders']);
    expect(select('tag:nightly,tag:staging')).toEqual([]);
  });

  it('combines unions of intersections', () => {
    expect(select('tag:staging,tag:pii config.materialized:ephemeral')).toEqual(['int_orders', 'stg_customers']);
  });
});

describe('selectNodes', () => {
  const pick = (options: { select?: string[]; exclude?: string[] }, types: string[]) => names(selectNodes(manifest, dag, options, types));

  it('selects every node of the given types without --select', () => {
    expect(pick({}, ['seed'])).toEqual(['countries']);
    expect(pick({}, ['model'])).toEqual(['customers', 'int_orders', 'orders', 'stg_customers', 'stg_orders', 'stg_payments']);
  });

  it('adds tests on any selected parent (eager indirect selection)', () => {
    expect(pick({ select: ['orders'] }, ['model', 'test'])).toEqual(['assert_positive', 'not_null_orders_id', 'orders', 'relationships_orders_customer_id']);
    expect(pick({ select: ['customers'] }, ['model', 'test'])).toEqual(['customers', 'relationships_orders_customer_id']);
  });

  it('adds source tests when the source is selected', () => {
    expect(pick({ select: ['source:raw.raw_orders'] }, ['source', 'test'])).toEqual(['raw_orders', 'source_not_null_raw_raw_orders_id']);
  });

  it('does not add tests when the command does not run tests', () => {
    expect(pick({ select: ['orders'] }, ['model'])).toEqual(['orders']);
  });

  it('removes --exclude from the selection', () => {
    expect(pick({ select: ['orders+'], exclude: ['test_type:singular'] }, ['model', 'test'])).toEqual([
      'customers',
      'not_null_orders_id',
      'orders',
      'relationships_orders_customer_id',
    ]);
    expect(pick({ exclude: ['tag:staging', 'resource_type:source'] }, ['model'])).toEqual(['customers', 'int_orders', 'orders']);
  });

  it('also excludes the tests on an excluded node, even when another parent is selected', () => {
    expect(pick({ select: ['orders+'], exclude: ['customers'] }, ['model', 'test'])).toEqual(['assert_positive', 'not_null_orders_id', 'orders']);
    expect(pick({ exclude: ['stg_orders'] }, ['test'])).toEqual([
      'assert_positive',
      'not_null_orders_id',
      'relationships_orders_customer_id',
      'source_not_null_raw_raw_orders_id',
    ]);
  });

  it('keeps only the resource types of the command', () => {
    expect(pick({ select: ['+orders'] }, ['seed'])).toEqual(['countries']);
  });

  it('propagates selector errors', () => {
    expect(() => selectNodes(manifest, dag, { exclude: ['bogus:x'] }, ['model'])).toThrow(ConfigError);
  });
});
