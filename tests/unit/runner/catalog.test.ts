import { describe, expect, it } from 'vitest';
import { RelationCatalog } from '../../../src/runner/catalog.js';

describe('RelationCatalog', () => {
  const catalog = () =>
    RelationCatalog.of([
      { schema: 'main', identifier: 'orders', kind: 'table' },
      { schema: 'Staging', identifier: 'Stg_Orders', kind: 'view' },
    ]);

  it('answers what a relation is, matching names case-insensitively as DuckDB does', () => {
    const c = catalog();
    expect(c.kindOf({ schema: 'main', identifier: 'orders' })).toBe('table');
    expect(c.kindOf({ schema: 'MAIN', identifier: 'Orders' })).toBe('table');
    expect(c.kindOf({ schema: 'staging', identifier: 'stg_orders' })).toBe('view');
    expect(c.kindOf({ schema: 'main', identifier: 'stg_orders' })).toBeUndefined();
    expect(c.kindOf({ schema: 'staging', identifier: 'orders' })).toBeUndefined();
  });

  it('keeps schema and name apart (no clash between "a.b"."c" and "a"."b.c")', () => {
    const c = RelationCatalog.of([{ schema: 'a.b', identifier: 'c', kind: 'table' }]);
    expect(c.kindOf({ schema: 'a', identifier: 'b.c' })).toBeUndefined();
  });

  it('records what a committed build left: a new kind, or nothing after a drop', () => {
    const c = catalog();
    c.record({ schema: 'main', identifier: 'orders' }, 'view');
    expect(c.kindOf({ schema: 'main', identifier: 'orders' })).toBe('view');
    c.record({ schema: 'marts', identifier: 'daily' }, 'table');
    expect(c.kindOf({ schema: 'MARTS', identifier: 'daily' })).toBe('table');
    c.record({ schema: 'STAGING', identifier: 'stg_orders' }, undefined);
    expect(c.kindOf({ schema: 'staging', identifier: 'Stg_Orders' })).toBeUndefined();
  });
});
