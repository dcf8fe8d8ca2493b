/**
 * Seed values agate reads as numbers but PostgreSQL's input does not take as written (`1,000`,
 * `$5`, `5%`), on a throwaway PostgreSQL 15. dbt-postgres creates the column with agate's type
 * (dbt-adapters dbt/adapters/sql/impl.py `convert_number_type`: `integer` / `float8`) and inserts
 * agate's values as bindings (dbt-adapters global_project macros/materializations/seeds/helpers.sql
 * `default__load_csv_rows`), read by agate's Number (agate agate/data_types/number.py, which strips
 * `%`, currency symbols and `,` groups): the seed loads the numbers.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { seed } from '../../../src/api/commands.js';
import { makeProject, removeProjects, resultFor } from '../helpers.js';
import { addPostgresProfile, pgQuery } from '../../postgres/helpers.js';
import { usePostgres } from '../../postgres/server.js';

const server = usePostgres();
afterAll(removeProjects);

describe('seed numbers as agate reads them, on PostgreSQL', () => {
  it('loads `1,000`, `$5` and `5%` as the numbers dbt-postgres loads, in integer / float8 columns', async () => {
    const dir = makeProject({
      'dops_project.yml': 'name: nums\n',
      'seeds/amounts.csv': 'id,amount,price,share\n1,"1,000",$2.50,5%\n2,7,"$1,234.5",12.5%\n3,,€3,\n',
    });
    const dbname = await addPostgresProfile(server, dir, 'nums');
    const outcome = await seed({ projectDir: dir, target: 'pg' });
    expect(resultFor(outcome, 'amounts').status).toBe('success');
    const types = await pgQuery(server, "select column_name, data_type from information_schema.columns where table_name = 'amounts' order by ordinal_position", dbname);
    expect(types.map((r) => `${r.column_name} ${r.data_type}`)).toEqual(['id integer', 'amount integer', 'price double precision', 'share double precision']);
    const rows = await pgQuery(server, 'select id, amount, price, share from main.amounts order by id', dbname);
    expect(rows).toEqual([
      { id: 1, amount: 1000, price: 2.5, share: 5 },
      { id: 2, amount: 7, price: 1234.5, share: 12.5 },
      { id: 3, amount: null, price: 3, share: null },
    ]);
  });
});
