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

  // dbt's BaseRelation.information_schema(view_name): https://docs.getdbt.com/reference/dbt-classes#relation
  it('gives the information schema view of its database (audit_helper reads relation.information_schema(\'columns\'))', () => {
    const r = new TemplateRelation(relation, undefined, { database: 'warehouse' });
    expect(String(r.information_schema('columns'))).toBe('information_schema."columns"');
    expect(String(r.information_schema({ __keywords: true, view_name: 'tables' }))).toBe('information_schema."tables"');
    expect(String(r.information_schema())).toBe('information_schema');
    expect(r.information_schema('columns').database).toBe('warehouse');
  });

  it('prints an ephemeral model as its CTE name', () => {
    const r = TemplateRelation.ephemeral(relation, '__dops__cte__orders');
    expect(`${r}`).toBe('__dops__cte__orders');
    expect(r.name).toBe('orders');
  });
});
