import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { build } from '../../../src/api/commands.js';
import { duckdbExec, makeProject, query, removeProjects, resultFor } from '../helpers.js';

afterAll(removeProjects);

function sourcesYml(tables: string): string {
  return `version: 2\nsources:\n  - name: raw\n    tables:\n${tables}`;
}

describe('sources read from lake files', () => {
  it('reads CSV, TSV, JSON and NDJSON by extension', async () => {
    const dir = makeProject({
      'data/a.csv': 'id,name\n1,x\n2,y\n',
      'data/b.tsv': 'id\tname\n3\tz\n',
      'data/c.json': '[{"id": 4, "name": "w"}]',
      'data/d.ndjson': '{"id": 5, "name": "v"}\n{"id": 6, "name": "u"}\n',
      'models/_sources.yml': sourcesYml(
        ['a', 'b', 'c', 'd'].map((t, i) => `      - name: ${t}\n        config: {external_location: 'data/${t}.${['csv', 'tsv', 'json', 'ndjson'][i]}'}\n`).join(''),
      ),
      'models/everything.sql': "{{ config(materialized='table') }}\n" + ['a', 'b', 'c', 'd'].map((t) => `select id, name from {{ source('raw', '${t}') }}`).join('\nunion all\n'),
    });
    expect((await build({ projectDir: dir })).success).toBe(true);
    expect((await query(dir, 'select id, name from everything order by id')).map((r) => `${r.id}${r.name}`)).toEqual(['1x', '2y', '3z', '4w', '5v', '6u']);
  });

  it('reads Hive-partitioned Parquet folders through a glob, with the partition columns', async () => {
    const dir = makeProject({
      'models/_sources.yml': sourcesYml("      - name: events\n        config: {external_location: 'lake/raw/events/*/*/*.parquet'}\n"),
      'models/monthly.sql': "{{ config(materialized='table') }}\nselect year, month, count(*) as n from {{ source('raw', 'events') }} group by all order by all\n",
    });
    mkdirSync(join(dir, 'lake/raw'), { recursive: true });
    await duckdbExec(`copy (select * from (values (1, 2001, 1), (2, 2001, 1), (3, 2001, 2), (4, 2002, 1)) t(id, year, month)) to '${join(dir, 'lake/raw/events')}' (format parquet, partition_by (year, month))`);
    expect((await build({ projectDir: dir })).success).toBe(true);
    expect(await query(dir, 'select * from monthly')).toEqual([
      { year: 2001, month: 1, n: 2 },
      { year: 2001, month: 2, n: 1 },
      { year: 2002, month: 1, n: 1 },
    ]);
  });

  it('passes reader options: delimiter, header, columns with types, union_by_name', async () => {
    const dir = makeProject({
      'data/noheader/part1.txt': '1;2001-01-05;9.5\n2;2001-01-06;7\n',
      'data/drift/2001.csv': 'id,amount\n1,10\n',
      'data/drift/2002.csv': 'id,currency,amount\n2,EUR,20\n',
      'models/_sources.yml': sourcesYml(`      - name: typed
        config:
          external_location: 'data/noheader/*.txt'
          format: csv
          options: {delimiter: ';', header: false, columns: {id: INTEGER, day: DATE, price: 'DECIMAL(6,2)'}}
      - name: drift
        config:
          external_location: 'data/drift/*.csv'
          options: {union_by_name: true}
`),
      'models/typed.sql': "{{ config(materialized='table') }}\nselect * from {{ source('raw', 'typed') }}\n",
      'models/drift.sql': "{{ config(materialized='table') }}\nselect id, currency, amount from {{ source('raw', 'drift') }} order by id\n",
    });
    const outcome = await build({ projectDir: dir });
    expect(outcome.success).toBe(true);
    const types = await query(dir, "select column_name, data_type from information_schema.columns where table_name = 'typed' order by ordinal_position");
    expect(types).toEqual([
      { column_name: 'id', data_type: 'INTEGER' },
      { column_name: 'day', data_type: 'DATE' },
      { column_name: 'price', data_type: 'DECIMAL(6,2)' },
    ]);
    expect(await query(dir, 'select id, day::varchar as day, price::double as price from typed order by id')).toEqual([
      { id: 1, day: '2001-01-05', price: 9.5 },
      { id: 2, day: '2001-01-06', price: 7 },
    ]);
    expect(await query(dir, 'select * from drift')).toEqual([
      { id: 1, currency: null, amount: 10 },
      { id: 2, currency: 'EUR', amount: 20 },
    ]);
    expect(resultFor(outcome, 'drift').status).toBe('success');
  });
});
