import { describe, expect, it } from 'vitest';
import { TemplateRelation } from '../../../src/templating/relation.js';

describe('TemplateRelation', () => {
  const relation = { schema: 'marts', identifier: 'orders' };

  it('prints as the quoted relation and exposes schema, identifier and name', () => {
    const r = new TemplateRelation(relation);
    expect(String(r)).toBe('"marts"."orders"');
    expect([r.schema, r.identifier, r.name]).toEqual(['marts', 'orders', 'orders']);
  });

  it('prints an external source as a reader call', () => {
    expect(String(TemplateRelation.external({ schema: 'lake', identifier: 'flights' }, 'data/flights.parquet'))).toBe("read_parquet('data/flights.parquet')");
  });

  it('prints an ephemeral model as its CTE name', () => {
    const r = TemplateRelation.ephemeral(relation, '__dops__cte__orders');
    expect(`${r}`).toBe('__dops__cte__orders');
    expect(r.name).toBe('orders');
  });
});
