import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { build } from '../../../src/api/commands.js';
import { makeProject, query, relations, removeProjects, resultFor, writeFile } from '../helpers.js';

afterAll(removeProjects);

const SALES = 'id,year,region,amount\n1,2001,north,10\n2,2001,south,20\n3,2002,north,30\n';

/** Every file under a folder, relative to it, sorted. */
function filesUnder(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();
}

describe('external models (materialized=external)', () => {
  it('writes Parquet under lake/<schema>/<name>.parquet with a view over it that ref() reads', async () => {
    const dir = makeProject({
      'seeds/sales.csv': SALES,
      'models/curated_sales.sql': "{{ config(materialized='external') }}\nselect * from {{ ref('sales') }}\n",
      'models/totals.sql': "select sum(amount) as total from {{ ref('curated_sales') }}\n",
    });
    const outcome = await build({ projectDir: dir });
    expect(outcome.success).toBe(true);
    expect(resultFor(outcome, 'curated_sales')).toMatchObject({ status: 'success', message: 'wrote parquet', rowsAffected: 3 });
    const file = join(dir, 'lake/main/curated_sales.parquet');
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file).subarray(0, 4).toString()).toBe('PAR1');
    expect((await relations(dir))['main.curated_sales']).toBe('VIEW');
    expect(await query(dir, 'select total from totals')).toEqual([{ total: 60 }]);
    expect(await query(dir, `select count(*) as n from read_parquet('${file}')`)).toEqual([{ n: 3 }]);
  });

  it('partition_by writes a Hive-partitioned folder; the view restores the partition columns', async () => {
    const dir = makeProject({
      'dops_project.yml': 'name: proj\nlake-path: data/lake\n',
      'seeds/sales.csv': SALES,
      'models/by_year.sql': "{{ config(materialized='external', schema='curated', partition_by=['year', 'region'], compression='zstd') }}\nselect * from {{ ref('sales') }}\n",
    });
    expect((await build({ projectDir: dir })).success).toBe(true);
    const folder = join(dir, 'data/lake/curated/by_year');
    expect(filesUnder(folder).map((f) => f.replace(/[^/]+\.parquet$/, '*.parquet'))).toEqual([
      'year=2001/region=north/*.parquet',
      'year=2001/region=south/*.parquet',
      'year=2002/region=north/*.parquet',
    ]);
    expect(await query(dir, 'select id, year, region, amount from curated.by_year order by id')).toEqual([
      { id: 1, year: 2001, region: 'north', amount: 10 },
      { id: 2, year: 2001, region: 'south', amount: 20 },
      { id: 3, year: 2002, region: 'north', amount: 30 },
    ]);
  });

  it('writes CSV and JSON at a given location', async () => {
    const dir = makeProject({
      'seeds/sales.csv': SALES,
      'models/as_csv.sql': "{{ config(materialized='external', location='exports/sales.csv') }}\nselect id, amount from {{ ref('sales') }}\n",
      'models/as_json.sql': "{{ config(materialized='external', format='json', location='exports/sales_json') }}\nselect id, region from {{ ref('sales') }} where id = 1\n",
    });
    expect((await build({ projectDir: dir })).success).toBe(true);
    expect(readFileSync(join(dir, 'exports/sales.csv'), 'utf8')).toBe('id,amount\n1,10\n2,20\n3,30\n');
    expect(readFileSync(join(dir, 'exports/sales_json'), 'utf8').trim()).toBe('{"id":1,"region":"north"}');
    expect(await query(dir, 'select * from as_json')).toEqual([{ id: 1, region: 'north' }]);
  });

  it('a failing write keeps the previous files and view; a rebuild replaces them without leftovers', async () => {
    const dir = makeProject({
      'seeds/sales.csv': SALES,
      'models/curated.sql': "{{ config(materialized='external', partition_by='year') }}\nselect * from {{ ref('sales') }}\n",
    });
    await build({ projectDir: dir });
    const folder = join(dir, 'lake/main/curated');
    const before = filesUnder(folder);
    writeFile(dir, 'models/curated.sql', "{{ config(materialized='external', partition_by='year') }}\nselect id, year, case when id = 3 then error('disk full') end as x from {{ ref('sales') }}\n");
    const failed = await build({ projectDir: dir });
    expect(resultFor(failed, 'curated').status).toBe('error');
    expect(resultFor(failed, 'curated').message).toContain('disk full');
    expect(filesUnder(folder)).toEqual(before);
    expect(await query(dir, 'select count(*) as n from curated')).toEqual([{ n: 3 }]);
    // `curated` links to the one live version, `curated.__dops_v<id>` (no window without files on a rebuild)
    expect(readdirSync(join(dir, 'lake/main')).sort()).toEqual(['curated', expect.stringMatching(/^curated\.__dops_v[0-9a-z]+$/)]);
    writeFile(dir, 'models/curated.sql', "{{ config(materialized='external', partition_by='year') }}\nselect id, year from {{ ref('sales') }} where year = 2002\n");
    expect((await build({ projectDir: dir })).success).toBe(true);
    expect(filesUnder(folder).map((f) => f.split('/')[0])).toEqual(['year=2002']);
    // `curated` links to the one live version, `curated.__dops_v<id>` (no window without files on a rebuild)
    expect(readdirSync(join(dir, 'lake/main')).sort()).toEqual(['curated', expect.stringMatching(/^curated\.__dops_v[0-9a-z]+$/)]);
    expect(await query(dir, 'select id, year from curated')).toEqual([{ id: 3, year: 2002 }]);
  });

  // Issue 16 item 4: what a build killed between writing its new version and re-pointing the view
  // leaves (an unreferenced `__dops_v<id>` version, a half-made link) must neither show in the
  // view nor survive the next build. https://github.com/duckdb/dbt-duckdb#writing-to-external-files
  for (const partitioned of [false, true]) {
    it(`${partitioned ? 'partitioned' : 'plain'}: a killed build's leftovers never reach the view and the next build removes them`, async () => {
      const config = partitioned ? "{{ config(materialized='external', partition_by='year') }}" : "{{ config(materialized='external') }}";
      const dir = makeProject({ 'seeds/sales.csv': SALES, 'models/curated.sql': `${config}\nselect id, year from {{ ref('sales') }}\n` });
      expect((await build({ projectDir: dir })).success).toBe(true);
      const lake = join(dir, 'lake/main');
      const [live] = readdirSync(lake).filter((name) => name.includes('.__dops_v'));
      // the leftovers of a killed build: a complete new version no view reads, and the temp link
      const stray = partitioned ? 'curated.__dops_vzz0' : 'curated.__dops_vzz0.parquet';
      cpSync(join(lake, live), join(lake, stray), { recursive: true });
      writeFileSync(join(lake, partitioned ? 'curated.__dops_link' : 'curated.parquet.__dops_link'), 'half-made link');
      if (partitioned) writeFileSync(join(lake, stray, 'year=2001', 'extra.parquet'), 'not parquet');
      expect(await query(dir, 'select count(*) as n from curated')).toEqual([{ n: 3 }]);
      writeFile(dir, 'models/curated.sql', `${config}\nselect id, year from {{ ref('sales') }} where id = 1\n`);
      expect((await build({ projectDir: dir })).success).toBe(true);
      expect(await query(dir, 'select id from curated')).toEqual([{ id: 1 }]);
      const names = readdirSync(lake).sort();
      expect(names).toHaveLength(2);
      expect(names).toContain(partitioned ? 'curated' : 'curated.parquet');
      expect(names.filter((name) => (partitioned ? /^curated\.__dops_v[0-9a-z]+$/ : /^curated\.__dops_v[0-9a-z]+\.parquet$/).test(name))).toHaveLength(1);
      expect(names).not.toContain(stray);
      expect(names.find((name) => name.includes('.__dops_v'))).not.toBe(live);
    });
  }

  it('rejects partition_by with a single-file location', async () => {
    const dir = makeProject({
      'seeds/sales.csv': SALES,
      'models/bad.sql': "{{ config(materialized='external', location='out/x.parquet', partition_by='year') }}\nselect * from {{ ref('sales') }}\n",
    });
    const outcome = await build({ projectDir: dir });
    expect(resultFor(outcome, 'bad').message).toContain("partition_by writes a folder, but location 'out/x.parquet' names a file");
  });
});

describe('external models with no rows', () => {
  it('a partitioned model that selects nothing fails and keeps the previous files', async () => {
    const dir = makeProject({
      'seeds/sales.csv': SALES,
      'models/curated.sql': "{{ config(materialized='external', partition_by='year') }}\nselect * from {{ ref('sales') }}\n",
    });
    await build({ projectDir: dir });
    writeFile(dir, 'models/curated.sql', "{{ config(materialized='external', partition_by='year') }}\nselect * from {{ ref('sales') }} where false\n");
    const outcome = await build({ projectDir: dir });
    expect(resultFor(outcome, 'curated').status).toBe('error');
    expect(resultFor(outcome, 'curated').message).toContain('The write produced no files');
    expect(await query(dir, 'select count(*) as n from curated')).toEqual([{ n: 3 }]);
    // `curated` links to the one live version, `curated.__dops_v<id>` (no window without files on a rebuild)
    expect(readdirSync(join(dir, 'lake/main')).sort()).toEqual(['curated', expect.stringMatching(/^curated\.__dops_v[0-9a-z]+$/)]);
  });
});
