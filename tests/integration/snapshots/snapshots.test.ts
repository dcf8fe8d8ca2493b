import { afterAll, describe, expect, it } from 'vitest';
import { build, snapshot } from '../../../src/api/commands.js';
import { caught, makeProject, query, removeProjects, resultFor, writeFile } from '../helpers.js';

afterAll(removeProjects);

const RUN_1 = 'id,name,updated_at\n1,ann,2001-01-01\n2,bob,2001-01-01\n3,cat,2001-01-01\n';
/** id 1 deleted, id 2 changed, id 3 unchanged, id 4 new. */
const RUN_2 = 'id,name,updated_at\n2,bobby,2001-02-01\n3,cat,2001-01-01\n4,dan,2001-02-01\n';
/** id 1 back. */
const RUN_3 = `${RUN_2}1,ann,2001-03-01\n`;

function snapshotFile(config: string): string {
  return `-- customers over time
{% snapshot customers_snapshot %}
{{ config(unique_key='id', ${config}) }}
select * from {{ ref('customers') }}
{% endsnapshot %}
`;
}

/** History rows as `id name from..to [deleted]`, with run times shown as RUN. */
async function history(dir: string, since: Date): Promise<string[]> {
  const hasDeleted = (await query(dir, "select count(*) as n from information_schema.columns where table_name = 'customers_snapshot' and column_name = 'dbt_is_deleted'"))[0].n === 1;
  const rows = await query(dir, `select id, name, dbt_valid_from, dbt_valid_to, dbt_updated_at, dbt_scd_id${hasDeleted ? ', dbt_is_deleted' : ''} from customers_snapshot order by id, dbt_valid_from, dbt_valid_to nulls last`);
  const show = (value: unknown) => {
    if (value === null) return 'null';
    const text = String(value);
    return new Date(`${text.replace(' ', 'T')}Z`) >= since ? 'RUN' : text.slice(0, 10);
  };
  for (const row of rows) expect(row.dbt_scd_id).toMatch(/^[0-9a-f]{32}$/);
  return rows.map((r) => `${r.id} ${r.name} ${show(r.dbt_valid_from)}..${show(r.dbt_valid_to)}${r.dbt_is_deleted === 'True' ? ' deleted' : ''}`);
}

/** Snapshots RUN_1, RUN_2 and RUN_3 of the seed; returns the history after each. */
async function threeRuns(config: string) {
  const started = new Date(Date.now() - 1000);
  const dir = makeProject({ 'seeds/customers.csv': RUN_1, 'snapshots/customers.sql': snapshotFile(config) });
  const first = await build({ projectDir: dir });
  expect(first.success).toBe(true);
  expect(resultFor(first, 'customers_snapshot')).toMatchObject({ status: 'success', message: 'created snapshot', rowsAffected: 3 });
  const afterFirst = await history(dir, started);
  writeFile(dir, 'seeds/customers.csv', RUN_2);
  expect((await build({ projectDir: dir })).success).toBe(true);
  const afterSecond = await history(dir, started);
  writeFile(dir, 'seeds/customers.csv', RUN_3);
  expect((await build({ projectDir: dir })).success).toBe(true);
  return { dir, afterFirst, afterSecond, afterThird: await history(dir, started) };
}

describe('snapshots (type 2 slowly changing dimensions)', () => {
  it('timestamp strategy: closes changed rows at their new updated_at, ignores hard deletes by default', async () => {
    const { afterFirst, afterSecond, afterThird } = await threeRuns("strategy='timestamp', updated_at='updated_at'");
    expect(afterFirst).toEqual(['1 ann 2001-01-01..null', '2 bob 2001-01-01..null', '3 cat 2001-01-01..null']);
    expect(afterSecond).toEqual(['1 ann 2001-01-01..null', '2 bob 2001-01-01..2001-02-01', '2 bobby 2001-02-01..null', '3 cat 2001-01-01..null', '4 dan 2001-02-01..null']);
    // id 1 was never closed, so its newer updated_at is a change.
    expect(afterThird).toEqual(['1 ann 2001-01-01..2001-03-01', '1 ann 2001-03-01..null', '2 bob 2001-01-01..2001-02-01', '2 bobby 2001-02-01..null', '3 cat 2001-01-01..null', '4 dan 2001-02-01..null']);
  });

  it('hard_deletes: invalidate closes deleted rows at the run time; a returning key starts afresh', async () => {
    const { afterSecond, afterThird } = await threeRuns("strategy='timestamp', updated_at='updated_at', hard_deletes='invalidate'");
    expect(afterSecond).toEqual(['1 ann 2001-01-01..RUN', '2 bob 2001-01-01..2001-02-01', '2 bobby 2001-02-01..null', '3 cat 2001-01-01..null', '4 dan 2001-02-01..null']);
    expect(afterThird).toEqual(['1 ann 2001-01-01..RUN', '1 ann 2001-03-01..null', '2 bob 2001-01-01..2001-02-01', '2 bobby 2001-02-01..null', '3 cat 2001-01-01..null', '4 dan 2001-02-01..null']);
  });

  it('invalidate_hard_deletes: true (the older key) works like hard_deletes: invalidate', async () => {
    const { afterSecond } = await threeRuns("strategy='timestamp', updated_at='updated_at', invalidate_hard_deletes=true");
    expect(afterSecond[0]).toBe('1 ann 2001-01-01..RUN');
  });

  it('hard_deletes: new_record adds a deletion record, closed when the key returns', async () => {
    const { afterSecond, afterThird } = await threeRuns("strategy='timestamp', updated_at='updated_at', hard_deletes='new_record'");
    expect(afterSecond).toEqual(['1 ann 2001-01-01..RUN', '1 ann RUN..null deleted', '2 bob 2001-01-01..2001-02-01', '2 bobby 2001-02-01..null', '3 cat 2001-01-01..null', '4 dan 2001-02-01..null']);
    expect(afterThird).toEqual(['1 ann 2001-01-01..RUN', '1 ann RUN..RUN deleted', '1 ann RUN..null', '2 bob 2001-01-01..2001-02-01', '2 bobby 2001-02-01..null', '3 cat 2001-01-01..null', '4 dan 2001-02-01..null']);
  });

  it('check strategy: a change in check_cols makes a version at the run time; other columns do not', async () => {
    const { afterSecond, afterThird } = await threeRuns("strategy='check', check_cols=['name']");
    expect(afterSecond).toEqual(['1 ann RUN..null', '2 bob RUN..RUN', '2 bobby RUN..null', '3 cat RUN..null', '4 dan RUN..null']);
    // id 1's updated_at changed but its name did not: no new version.
    expect(afterThird).toEqual(afterSecond);
  });

  it("check_cols: 'all' sees a change in any column", async () => {
    const { afterThird } = await threeRuns("strategy='check', check_cols='all'");
    expect(afterThird).toEqual(['1 ann RUN..RUN', '1 ann RUN..null', '2 bob RUN..RUN', '2 bobby RUN..null', '3 cat RUN..null', '4 dan RUN..null']);
  });

  it('a re-run without changes adds nothing', async () => {
    const dir = makeProject({ 'seeds/customers.csv': RUN_1, 'snapshots/customers.sql': snapshotFile("strategy='check', check_cols='all', hard_deletes='invalidate'") });
    await build({ projectDir: dir });
    const before = await query(dir, 'select * from customers_snapshot order by id');
    // --no-reuse: the snapshot query runs again (a state-aware run would reuse it unchanged).
    const again = await snapshot({ projectDir: dir, reuse: false });
    expect(resultFor(again, 'customers_snapshot')).toMatchObject({ status: 'success', message: 'snapshotted', rowsAffected: 0 });
    expect(await query(dir, 'select * from customers_snapshot order by id')).toEqual(before);
  });

  it('YAML-defined snapshots, schema config, models that ref() a snapshot, and tests on it', async () => {
    const dir = makeProject({
      'seeds/customers.csv': RUN_1,
      'snapshots/_snapshots.yml': `version: 2
snapshots:
  - name: customers_history
    relation: ref('customers')
    config: {unique_key: id, strategy: timestamp, updated_at: updated_at, schema: snapshots}
    columns:
      - name: dbt_scd_id
        data_tests: [unique, not_null]
`,
      'models/current_customers.sql': "select id, name from {{ ref('customers_history') }} where dbt_valid_to is null\n",
    });
    const outcome = await build({ projectDir: dir });
    expect(outcome.success).toBe(true);
    const ran = outcome.results.map((r) => `${r.uniqueId.split('.')[0]}:${outcome.project.manifest.get(r.uniqueId).name}:${r.status}`);
    expect(ran).toEqual([
      'seed:customers:success',
      'snapshot:customers_history:success',
      expect.stringMatching(/^test:(unique|not_null)_customers_history_dbt_scd_id:pass$/),
      expect.stringMatching(/^test:(unique|not_null)_customers_history_dbt_scd_id:pass$/),
      'model:current_customers:success',
    ]);
    expect(await query(dir, 'select count(*) as n from snapshots.customers_history')).toEqual([{ n: 3 }]);
    expect(await query(dir, 'select count(*) as n from current_customers')).toEqual([{ n: 3 }]);
  });

  it('adds columns that appear in the query later', async () => {
    const dir = makeProject({ 'seeds/customers.csv': RUN_1, 'snapshots/customers.sql': snapshotFile("strategy='check', check_cols=['name']") });
    await build({ projectDir: dir });
    writeFile(dir, 'seeds/customers.csv', 'id,name,updated_at,city\n1,ann,2001-01-01,rome\n2,bob,2001-01-01,oslo\n3,cat,2001-01-01,\n');
    await build({ projectDir: dir });
    expect(await query(dir, 'select id, city from customers_snapshot order by id')).toEqual([{ id: 1, city: null }, { id: 2, city: null }, { id: 3, city: null }]);
  });

  it('reports bad config and unclosed blocks with file and line before running', async () => {
    const dir = makeProject({
      'seeds/customers.csv': RUN_1,
      'snapshots/a.sql': "\n{% snapshot a %}\n{{ config(unique_key='id', strategy='timestamp') }}\nselect 1 as id\n{% endsnapshot %}\n",
      'snapshots/b.sql': "{% snapshot b %}\nselect 1\n",
    });
    const error = await caught(() => build({ projectDir: dir }));
    const messages = error.errors.map((e: { message: string; location: { file: string; line: number } }) => `${e.location.file}:${e.location.line} ${e.message}`);
    expect(messages).toEqual(["snapshots/a.sql:2 Snapshot 'a': strategy 'timestamp' needs updated_at", "snapshots/b.sql:1 Snapshot 'b' has no {% endsnapshot %}"]);
  });
});

describe('dops compile and ls with snapshots', () => {
  it('compiles snapshot SQL and lists snapshots', async () => {
    const { compile, list } = await import('../../../src/api/commands.js');
    const dir = makeProject({ 'seeds/customers.csv': RUN_1, 'snapshots/customers.sql': snapshotFile("strategy='check', check_cols='all'") });
    const entries = compile({ projectDir: dir });
    expect(entries.map((e) => [e.name, e.path])).toEqual([['customers_snapshot', 'target/compiled/proj/snapshots/customers.sql']]);
    expect(entries[0].sql).toBe('select * from "main"."customers"');
    expect(list({ projectDir: dir }).map((n) => n.uniqueId)).toEqual(['seed.proj.customers', 'snapshot.proj.customers_snapshot']);
  });
});

describe('snapshot config from the project file', () => {
  it("applies the snapshots: folder tree; target_schema wins over schema", async () => {
    const dir = makeProject({
      'dops_project.yml': "name: proj\nsnapshots:\n  proj:\n    +schema: history\n    +strategy: check\n    +check_cols: all\n    legacy:\n      +target_schema: old_history\n",
      'seeds/customers.csv': RUN_1,
      'snapshots/customers.sql': "{% snapshot a %}\n{{ config(unique_key='id') }}\nselect * from {{ ref('customers') }}\n{% endsnapshot %}\n",
      'snapshots/legacy/customers.sql': "{% snapshot b %}\n{{ config(unique_key='id') }}\nselect * from {{ ref('customers') }}\n{% endsnapshot %}\n",
    });
    expect((await build({ projectDir: dir })).success).toBe(true);
    expect(await query(dir, "select table_schema || '.' || table_name as name from information_schema.tables where table_name in ('a', 'b') order by 1")).toEqual([{ name: 'history.a' }, { name: 'old_history.b' }]);
  });
});
