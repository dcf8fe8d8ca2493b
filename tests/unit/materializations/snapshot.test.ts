import { duckdbDialect } from '../../../src/adapter/duckdb/dialect.js';
import { describe, expect, it } from 'vitest';
import { finalizeConfig } from '../../../src/config/node-config.js';
import { planSnapshotUpdate, snapshotConfig, snapshotCreateStatement, timestampLiteral } from '../../../src/materializations/snapshot.js';

const config = (raw: Record<string, unknown>) => finalizeConfig(raw, 'snapshot');
const relation = { schema: 'snapshots', identifier: 's' };
const cols = (...names: string[]) => names.map((name) => ({ name, type: 'VARCHAR' }));

describe('snapshotConfig', () => {
  it('reads keys, strategies and hard delete modes', () => {
    expect(snapshotConfig(config({ unique_key: ['a', 'b'], strategy: 'check', check_cols: 'all', invalidate_hard_deletes: true }), 's')).toEqual({
      uniqueKey: ['a', 'b'], strategy: 'check', updatedAt: undefined, checkCols: 'all', hardDeletes: 'invalidate',
    });
  });

  it('names what is missing', () => {
    expect(() => snapshotConfig(config({ strategy: 'check' }), 's')).toThrow("Snapshot 's': unique_key is required");
    expect(() => snapshotConfig(config({ unique_key: 'id', strategy: 'check' }), 's')).toThrow("strategy 'check' needs check_cols");
    expect(() => snapshotConfig(config({ unique_key: 'id', strategy: 'timestamp', updated_at: 'u', hard_deletes: 'drop' }), 's')).toThrow("unknown hard_deletes 'drop'");
  });
});

describe('snapshot SQL', () => {
  const now = timestampLiteral(new Date('2026-01-02T03:04:05.678Z'));

  it('renders the run time as a UTC TIMESTAMP literal', () => {
    expect(now).toBe("TIMESTAMP '2026-01-02 03:04:05.678'");
  });

  it('first run: every row is a current version from its updated_at', () => {
    const cfg = snapshotConfig(config({ unique_key: 'id', strategy: 'timestamp', updated_at: 'u' }), 's');
    expect(snapshotCreateStatement(relation, 'select 1', cfg, now)).toBe(
      `create table "snapshots"."s" as\nselect dbt_snapshot_source.*, md5(concat_ws('|', cast(dbt_snapshot_source."id" as varchar), cast(cast(dbt_snapshot_source."u" as timestamp) as varchar))) as dbt_scd_id, cast(dbt_snapshot_source."u" as timestamp) as dbt_updated_at, cast(dbt_snapshot_source."u" as timestamp) as dbt_valid_from, cast(null as timestamp) as dbt_valid_to\nfrom (\nselect 1\n) as dbt_snapshot_source`,
    );
  });

  it('later runs: adds new columns, closes changed versions and inserts new ones; check compares check_cols', () => {
    const cfg = snapshotConfig(config({ unique_key: 'id', strategy: 'check', check_cols: ['name'] }), 's');
    const plan = planSnapshotUpdate(relation, cfg, { staging: 'stg', tableColumns: cols('id', 'name', 'dbt_scd_id', 'dbt_updated_at', 'dbt_valid_from', 'dbt_valid_to'), stagingColumns: cols('id', 'name', 'city') }, now, duckdbDialect);
    expect(plan.statements[0]).toBe('alter table "snapshots"."s" add column "city" VARCHAR');
    expect(plan.statements[1]).toContain('where source."name" is distinct from snapshotted."name"');
    expect(plan.statements[3]).toBe(`update "snapshots"."s" set dbt_valid_to = ${now} from "stg_changed" as source where "snapshots"."s"."id" = source."id" and "snapshots"."s".dbt_valid_to is null`);
    // Explicit column lists (no DuckDB-only BY NAME), so the same plan runs on PostgreSQL.
    expect(plan.statements[plan.rowCountStatement]).toMatch(/^insert into "snapshots"."s" \("id", "name", "city", dbt_scd_id, dbt_updated_at, dbt_valid_from, dbt_valid_to\)\nselect source."id", source."name", source."city", /);
    expect(plan.statements.slice(-3)).toEqual(['drop table "stg_changed"', 'drop table "stg_new"', 'drop table "stg"']);
  });
});
