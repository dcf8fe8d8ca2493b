import { afterAll, describe, expect, it } from 'vitest';
import { build } from '../../../src/api/commands.js';
import { makeProject, query, removeProjects, resultFor, writeFile } from '../helpers.js';

afterAll(removeProjects);

// The seed's whole numbers are INTEGER, as dbt-duckdb types them (dbt-adapters' SQLAdapter.convert_number_type).
const SEED_1 = 'id,amount\n1,10\n2,20\n';
const SEED_2 = `${SEED_1}3,30\n`;

function model(mode: string, columns: string): string {
  return `{{ config(materialized='incremental', unique_key='id', on_schema_change='${mode}') }}
select ${columns} from {{ ref('src') }}
{% if is_incremental() %} where id > (select max(id) from {{ this }}) {% endif %}
`;
}

/** Builds with `id, amount`, then with `columns` and a new seed row; returns the second result. */
async function changeColumns(mode: string, columns: string) {
  const dir = makeProject({ 'seeds/src.csv': SEED_1, 'models/inc.sql': model(mode, 'id, amount') });
  expect((await build({ projectDir: dir })).success).toBe(true);
  writeFile(dir, 'seeds/src.csv', SEED_2);
  writeFile(dir, 'models/inc.sql', model(mode, columns));
  const outcome = await build({ projectDir: dir });
  const described = await query(dir, 'select column_name, data_type from information_schema.columns where table_name = \'inc\' order by ordinal_position');
  return { dir, result: resultFor(outcome, 'inc'), columns: described.map((r) => `${r.column_name} ${r.data_type}`) };
}

describe('on_schema_change', () => {
  it('ignore (default): new columns are not added, rows still arrive', async () => {
    const { dir, result, columns } = await changeColumns('ignore', "id, amount, 'x' as note");
    expect(result.status).toBe('success');
    expect(columns).toEqual(['id INTEGER', 'amount INTEGER']);
    expect(await query(dir, 'select id, amount from inc order by id')).toEqual([{ id: 1, amount: 10 }, { id: 2, amount: 20 }, { id: 3, amount: 30 }]);
  });

  it('ignore: a column missing from the new rows is filled with NULL', async () => {
    const { dir, result } = await changeColumns('ignore', 'id');
    expect(result.status).toBe('success');
    expect(await query(dir, 'select id, amount from inc order by id')).toEqual([{ id: 1, amount: 10 }, { id: 2, amount: 20 }, { id: 3, amount: null }]);
  });

  it('fail: stops with the differences named and leaves the table alone', async () => {
    const { dir, result, columns } = await changeColumns('fail', "id, amount, 'x' as note");
    expect(result.status).toBe('error');
    expect(result.message).toContain("The columns of incremental model 'inc' changed: new columns note");
    expect(columns).toEqual(['id INTEGER', 'amount INTEGER']);
    expect(await query(dir, 'select count(*) as n from inc')).toEqual([{ n: 2 }]);
  });

  it('append_new_columns: adds the new column (old rows NULL) and keeps missing ones', async () => {
    const { dir, result, columns } = await changeColumns('append_new_columns', "id, 'x' as note");
    expect(result.status).toBe('success');
    expect(columns).toEqual(['id INTEGER', 'amount INTEGER', 'note VARCHAR']);
    expect(await query(dir, 'select id, amount, note from inc order by id')).toEqual([
      { id: 1, amount: 10, note: null },
      { id: 2, amount: 20, note: null },
      { id: 3, amount: null, note: 'x' },
    ]);
  });

  it('sync_all_columns: adds new, drops missing and retypes changed columns', async () => {
    const { dir, result, columns } = await changeColumns('sync_all_columns', "id, amount::varchar as amount, 'x' as note");
    expect(result.status).toBe('success');
    expect(columns).toEqual(['id INTEGER', 'amount VARCHAR', 'note VARCHAR']);
    expect(await query(dir, 'select id, amount, note from inc order by id')).toEqual([
      { id: 1, amount: '10', note: null },
      { id: 2, amount: '20', note: null },
      { id: 3, amount: '30', note: 'x' },
    ]);
    const dropped = await changeColumns('sync_all_columns', 'id');
    expect(dropped.columns).toEqual(['id INTEGER']);
    expect(await query(dropped.dir, 'select id from inc order by id')).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
  });
});
