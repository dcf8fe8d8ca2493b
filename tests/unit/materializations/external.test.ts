import { describe, expect, it } from 'vitest';
import { copyStatement, externalReadSql, externalTarget } from '../../../src/materializations/external.js';
import { model } from '../helpers.js';

describe('externalTarget', () => {
  it('defaults to one Parquet file under <lake>/<schema>/<name>.parquet', () => {
    const target = externalTarget(model('m', { config: { materialized: 'external', schema: 'curated' } }), '/p', 'lake');
    expect(target).toEqual({ path: '/p/lake/curated/m.parquet', format: 'parquet', partitioned: false, copyOptions: '(FORMAT parquet)' });
    expect(externalReadSql(target)).toBe("select * from read_parquet('/p/lake/curated/m.parquet')");
  });

  it('writes a Hive-partitioned folder with partition_by, compression and extra options', () => {
    const target = externalTarget(model('m', { config: { materialized: 'external', partition_by: 'year, month', compression: 'zstd', options: { row_group_size: 1000 } } }), '/p', 'lake');
    expect(target.path).toBe('/p/lake/main/m');
    expect(target.copyOptions).toBe(`(FORMAT parquet, COMPRESSION 'zstd', PARTITION_BY ("year", "month"), ROW_GROUP_SIZE 1000)`);
    expect(copyStatement('select 1', '/tmp/x', target)).toBe(`copy (\nselect 1\n) to '/tmp/x' (FORMAT parquet, COMPRESSION 'zstd', PARTITION_BY ("year", "month"), ROW_GROUP_SIZE 1000)`);
    expect(externalReadSql(target)).toBe("select * from read_parquet('/p/lake/main/m/**/*.parquet', hive_partitioning = true)");
  });

  it('takes the format from the location, and rejects an unknown one', () => {
    const target = externalTarget(model('m', { config: { materialized: 'external', location: 'out/m.csv' } }), '/p', 'lake');
    expect(target).toMatchObject({ path: '/p/out/m.csv', format: 'csv', copyOptions: '(FORMAT csv, HEADER true)' });
    expect(() => externalTarget(model('m', { config: { materialized: 'external', format: 'xlsx' } }), '/p', 'lake')).toThrow("External model 'm': unknown format 'xlsx'");
  });
});
