import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../../src/adapter/adapter.js';
import { DuckDBAdapter } from '../../../src/adapter/duckdb/index.js';
import type { RelationResolver, UpstreamRelation } from '../../../src/lineage/analyze.js';
import { modelLineage, serializeSql } from '../../../src/lineage/model-lineage.js';
import type { ColumnLineage, ModelLineage } from '../../../src/lineage/types.js';

const ORDERS = 'source.shop.raw.orders';
const CUSTOMERS = 'model.shop.customers';
const EVENTS = 'source.shop.lake.events';
const MYSTERY = 'model.shop.mystery';
const EPHEMERAL = 'model.shop.recent_orders';

const TABLES: Record<string, UpstreamRelation> = {
  'raw.orders': { node: ORDERS, columns: ['id', 'customer_id', 'amount', 'status', 'ordered_at'] },
  'main.customers': { node: CUSTOMERS, columns: ['id', 'name', 'country'] },
  'main.mystery': { node: MYSTERY },
  '.__dops__cte__recent_orders': { node: EPHEMERAL, columns: ['id', 'amount'] },
};

const resolver: RelationResolver = {
  table: (schema, name) => TABLES[`${schema}.${name}`],
  tableFunction: (name, args) => (name === 'read_parquet' && args[0] === 'lake/events.parquet' ? { node: EVENTS, columns: ['event_id', 'user_id', 'kind'] } : undefined),
};

let adapter: DuckDBAdapter;
let connection: Connection;

beforeAll(async () => {
  // A real DuckDB parses the SQL (json_serialize_sql); no table needs to exist.
  adapter = await DuckDBAdapter.open(':memory:', tmpdir());
  connection = await adapter.connect();
});
afterAll(() => adapter.close());

async function lineage(sql: string, actualNames?: string[]): Promise<ModelLineage> {
  return modelLineage(await serializeSql(connection, sql), resolver, actualNames);
}

async function columns(sql: string, actualNames?: string[]): Promise<ColumnLineage[]> {
  const result = await lineage(sql, actualNames);
  if (result.status !== 'analysed') throw new Error(`not analysed: ${result.reason}`);
  return result.columns;
}

const pass = (node: string, column: string) => ({ node, column, transform: 'passthrough' as const });
const renamed = (node: string, column: string) => ({ node, column, transform: 'renamed' as const });
const computed = (node: string, column: string) => ({ node, column, transform: 'transformed' as const });
const joinKey = (node: string, column: string) => ({ node, column, transform: 'join-key' as const });

describe('column lineage from DuckDB parse trees', () => {
  it('follows plain columns, aliases (renames) and qualified references', async () => {
    expect(await columns('select orders.id, amount as order_amount, "raw"."orders".status from "raw"."orders"')).toEqual([
      { name: 'id', transform: 'passthrough', sources: [pass(ORDERS, 'id')] },
      { name: 'order_amount', transform: 'renamed', sources: [renamed(ORDERS, 'amount')] },
      { name: 'status', transform: 'passthrough', sources: [pass(ORDERS, 'status')] },
    ]);
  });

  it('follows joins, resolving unqualified columns to the relation that has them', async () => {
    expect(await columns('select o.id as order_id, name, c.id as customer_key from "raw"."orders" o join "main"."customers" c on c.id = o.customer_id')).toEqual([
      { name: 'order_id', transform: 'renamed', sources: [renamed(ORDERS, 'id')] },
      { name: 'name', transform: 'passthrough', sources: [pass(CUSTOMERS, 'name'), joinKey(ORDERS, 'customer_id')] },
      { name: 'customer_key', transform: 'renamed', sources: [renamed(CUSTOMERS, 'id'), joinKey(ORDERS, 'customer_id')] },
    ]);
  });

  it('derives a joined-in column from the join keys that pick its row (a dimension looked up twice)', async () => {
    const sql = `select f.id, o.name as origin_name, d.name as destination_name
      from "raw"."orders" f
      join "main"."customers" o on o.id = f.customer_id
      left join "main"."customers" d on d.country = f.status and d.id > 0`;
    expect(await columns(sql)).toEqual([
      { name: 'id', transform: 'passthrough', sources: [pass(ORDERS, 'id')] },
      { name: 'origin_name', transform: 'renamed', sources: [renamed(CUSTOMERS, 'name'), joinKey(ORDERS, 'customer_id')] },
      { name: 'destination_name', transform: 'renamed', sources: [renamed(CUSTOMERS, 'name'), joinKey(ORDERS, 'status')] },
    ]);
  });

  it('follows CTEs, nested CTEs and subqueries, keeping the transform of each step', async () => {
    const sql = `with base as (select id, amount * 100 as cents from "raw"."orders"),
      renamed as (select id as order_id, cents from base)
      select order_id, cents as amount_cents, x.total from renamed
      cross join (select sum(amount) as total from "raw"."orders") as x`;
    expect(await columns(sql)).toEqual([
      { name: 'order_id', transform: 'renamed', sources: [renamed(ORDERS, 'id')] },
      { name: 'amount_cents', transform: 'transformed', sources: [computed(ORDERS, 'amount')] },
      { name: 'total', transform: 'transformed', sources: [computed(ORDERS, 'amount')] },
    ]);
  });

  it('expands select * and t.* with catalog columns, EXCLUDE, REPLACE and RENAME', async () => {
    expect((await columns('select * exclude (status, ordered_at) from "raw"."orders"')).map((c) => [c.name, c.sources])).toEqual([
      ['id', [pass(ORDERS, 'id')]],
      ['customer_id', [pass(ORDERS, 'customer_id')]],
      ['amount', [pass(ORDERS, 'amount')]],
    ]);
    const sql = 'select c.* replace (upper(name) as name) rename (country as nation), o.id as order_id from "main"."customers" c join "raw"."orders" o on o.customer_id = c.id';
    expect(await columns(sql)).toEqual([
      { name: 'id', transform: 'passthrough', sources: [pass(CUSTOMERS, 'id')] },
      { name: 'name', transform: 'transformed', sources: [computed(CUSTOMERS, 'name')] },
      { name: 'nation', transform: 'renamed', sources: [renamed(CUSTOMERS, 'country')] },
      { name: 'order_id', transform: 'renamed', sources: [renamed(ORDERS, 'id'), joinKey(CUSTOMERS, 'id')] },
    ]);
  });

  it('lists a USING join column once under *, derived from both sides', async () => {
    const result = await columns('select * from (select customer_id as id, amount from "raw"."orders") o join "main"."customers" using (id)');
    expect(result.map((c) => c.name)).toEqual(['id', 'amount', 'name', 'country']);
    expect((await columns('select id from (select customer_id as id from "raw"."orders") o join "main"."customers" using (id)'))[0].sources).toEqual([
      renamed(ORDERS, 'customer_id'),
      pass(CUSTOMERS, 'id'),
    ]);
  });

  it('merges UNION branches column by column (by position, or by name for UNION BY NAME)', async () => {
    expect(await columns('select id, amount from "raw"."orders" union all select id, 0 from "main"."customers"')).toEqual([
      { name: 'id', transform: 'passthrough', sources: [pass(ORDERS, 'id'), pass(CUSTOMERS, 'id')] },
      { name: 'amount', transform: 'passthrough', sources: [pass(ORDERS, 'amount')] },
    ]);
    expect(await columns('select name as label from "main"."customers" union by name select status as label, id from "raw"."orders"')).toEqual([
      { name: 'label', transform: 'renamed', sources: [renamed(CUSTOMERS, 'name'), renamed(ORDERS, 'status')] },
      { name: 'id', transform: 'passthrough', sources: [pass(ORDERS, 'id')] },
    ]);
  });

  it('derives window and aggregate functions from their arguments, partitions and orderings', async () => {
    const sql = `select customer_id, count(*) as orders, sum(amount) as revenue,
      row_number() over (partition by customer_id order by ordered_at) as seq
      from "raw"."orders" group by all`;
    expect(await columns(sql)).toEqual([
      { name: 'customer_id', transform: 'passthrough', sources: [pass(ORDERS, 'customer_id')] },
      { name: 'orders', transform: 'transformed', sources: [] },
      { name: 'revenue', transform: 'transformed', sources: [computed(ORDERS, 'amount')] },
      { name: 'seq', transform: 'transformed', sources: [computed(ORDERS, 'customer_id'), computed(ORDERS, 'ordered_at')] },
    ]);
  });

  it('derives CASE from its conditions and results, and casts from their operand', async () => {
    const sql = `select case when status = 'paid' then amount else 0 end as paid_amount,
      cast(ordered_at as date) as order_date, amount::varchar as amount_text from "raw"."orders"`;
    expect(await columns(sql)).toEqual([
      { name: 'paid_amount', transform: 'transformed', sources: [computed(ORDERS, 'status'), computed(ORDERS, 'amount')] },
      { name: 'order_date', transform: 'transformed', sources: [computed(ORDERS, 'ordered_at')] },
      { name: 'amount_text', transform: 'transformed', sources: [computed(ORDERS, 'amount')] },
    ]);
  });

  it('maps lake-file readers and inlined ephemeral models back to their nodes', async () => {
    expect(await columns("select user_id as customer_id, kind from read_parquet('lake/events.parquet')")).toEqual([
      { name: 'customer_id', transform: 'renamed', sources: [renamed(EVENTS, 'user_id')] },
      { name: 'kind', transform: 'passthrough', sources: [pass(EVENTS, 'kind')] },
    ]);
    const sql = 'with __dops__cte__recent_orders as (select id, amount from "raw"."orders") select amount from __dops__cte__recent_orders';
    expect(await columns(sql)).toEqual([{ name: 'amount', transform: 'passthrough', sources: [pass(EPHEMERAL, 'amount')] }]);
  });

  it('uses lateral select-list aliases, scalar subqueries and lambdas without inventing columns', async () => {
    const sql = `select amount * 2 as doubled, doubled + 1 as plus_one,
      (select max(c.id) from "main"."customers" c where c.id = o.customer_id) as max_customer,
      list_transform([amount], x -> x + 1) as bumped from "raw"."orders" o`;
    expect(await columns(sql)).toEqual([
      { name: 'doubled', transform: 'transformed', sources: [computed(ORDERS, 'amount')] },
      { name: 'plus_one', transform: 'transformed', sources: [computed(ORDERS, 'amount')] },
      { name: 'max_customer', transform: 'transformed', sources: [computed(CUSTOMERS, 'id')] },
      { name: 'bumped', transform: 'transformed', sources: [computed(ORDERS, 'amount')] },
    ]);
  });

  it('names un-aliased expressions from the catalog and follows qualified columns of unknown relations', async () => {
    expect(await columns('select upper(m.label), m.id from "main"."mystery" m', ['upper(m.label)', 'id'])).toEqual([
      { name: 'upper(m.label)', transform: 'transformed', sources: [computed(MYSTERY, 'label')] },
      { name: 'id', transform: 'passthrough', sources: [pass(MYSTERY, 'id')] },
    ]);
  });

  it('falls back to model-level lineage, with the reason, instead of guessing', async () => {
    const cases: [string, RegExp][] = [
      ['select * from "main"."mystery"', /columns are unknown/],
      ['select label from "main"."mystery" join "raw"."orders" on true join "main"."mystery" m2 on true', /cannot tell where column 'label' comes from/],
      ['select id from "raw"."orders" join "main"."customers" on true', /ambiguous/],
      ['with recursive r as (select 1 as n union all select n + 1 from r where n < 3) select n from r', /recursive cte/],
      ['select x from "elsewhere"."table"', /not a model, seed or source/],
      ['select #1 from "raw"."orders"', /positional/],
      ['insert into t values (1)', /could not serialize/],
    ];
    for (const [sql, reason] of cases) {
      const result = await lineage(sql);
      expect(result.status, sql).toBe('model-level');
      if (result.status === 'model-level') expect(result.reason, sql).toMatch(reason);
    }
    const mismatch = await lineage('select id from "raw"."orders"', ['id', 'extra']);
    expect(mismatch).toMatchObject({ status: 'model-level', reason: expect.stringMatching(/1 columns but the database has 2/) });
  });
});
