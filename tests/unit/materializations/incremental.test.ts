import { describe, expect, it } from 'vitest';
import { CompilationError } from '../../../src/errors.js';
import { incrementalConfig, planIncremental, wantsFullRefresh } from '../../../src/materializations/incremental.js';
import { diffColumns, planSchemaChange } from '../../../src/materializations/schema-change.js';
import { model, thrown } from '../helpers.js';

const relation = { schema: 'main', identifier: 'inc' };
const cols = (...specs: string[]) => specs.map((s) => ({ name: s.split(' ')[0], type: s.split(' ')[1] }));

describe('incrementalConfig', () => {
  it('defaults to merge with a unique_key and append without', () => {
    expect(incrementalConfig(model('inc', { config: { materialized: 'incremental', unique_key: 'id' } })).strategy).toBe('merge');
    expect(incrementalConfig(model('inc', { config: { materialized: 'incremental' } }))).toMatchObject({ strategy: 'append', uniqueKey: [], onSchemaChange: 'ignore' });
  });

  it('rejects unknown modes with the choices', () => {
    const error = thrown(() => incrementalConfig(model('inc', { config: { materialized: 'incremental', on_schema_change: 'adapt' } })));
    expect(error).toBeInstanceOf(CompilationError);
    expect(error.hint).toBe('Use one of: ignore, fail, append_new_columns, sync_all_columns.');
  });
});

describe('wantsFullRefresh', () => {
  it('follows the flag unless the model config decides', () => {
    expect(wantsFullRefresh({ materialized: 'incremental', tags: [], enabled: true }, true)).toBe(true);
    expect(wantsFullRefresh({ materialized: 'incremental', tags: [], enabled: true, full_refresh: false }, true)).toBe(false);
    expect(wantsFullRefresh({ materialized: 'incremental', tags: [], enabled: true, full_refresh: true }, false)).toBe(true);
  });
});

describe('planIncremental', () => {
  const state = { staging: 'inc__dops_incr', tableColumns: cols('id BIGINT', 'v VARCHAR'), stagingColumns: cols('id BIGINT', 'v VARCHAR') };

  it('merge: MERGE INTO on the key, updating the other columns', () => {
    const plan = planIncremental(model('inc', { config: { materialized: 'incremental', unique_key: 'id' } }), relation, state);
    expect(plan.statements).toEqual([
      'merge into "main"."inc" as dbt_target\nusing "inc__dops_incr" as dbt_source\non (dbt_target."id" = dbt_source."id")\nwhen matched then update set "v" = dbt_source."v"\nwhen not matched then insert ("id", "v") values (dbt_source."id", dbt_source."v")',
    ]);
  });

  it('delete+insert: deletes matching keys, then inserts', () => {
    const plan = planIncremental(model('inc', { config: { materialized: 'incremental', unique_key: ['id'], incremental_strategy: 'delete+insert' } }), relation, state);
    expect(plan.statements).toEqual([
      'delete from "main"."inc" where exists (select 1 from "inc__dops_incr" as dbt_source where dbt_source."id" = "main"."inc"."id")',
      'insert into "main"."inc" ("id", "v")\nselect "id", "v" from "inc__dops_incr"',
    ]);
    expect(plan.rowCountStatement).toBe(1);
  });

  it('names a unique_key column the rows do not have', () => {
    const error = thrown(() => planIncremental(model('inc', { config: { materialized: 'incremental', unique_key: 'key' } }), relation, state));
    expect(error.message).toBe("Model 'inc': unique_key column key not found in both the table and the new rows");
  });
});

describe('planSchemaChange', () => {
  it('compares names case-insensitively and reports new, missing and retyped columns', () => {
    expect(diffColumns(cols('ID BIGINT', 'a INTEGER', 'gone DATE'), cols('id BIGINT', 'a VARCHAR', 'new DATE'))).toEqual({
      added: cols('new DATE'),
      removed: cols('gone DATE'),
      retyped: cols('a VARCHAR'),
    });
  });

  it('sync_all_columns adds, drops and retypes', () => {
    const plan = planSchemaChange(relation, cols('id BIGINT', 'a INTEGER', 'gone DATE'), cols('id BIGINT', 'a VARCHAR', 'new DATE'), 'sync_all_columns', 'inc');
    expect(plan).toEqual({
      statements: [
        'alter table "main"."inc" add column "new" DATE',
        'alter table "main"."inc" drop column "gone"',
        'alter table "main"."inc" alter column "a" set data type VARCHAR',
      ],
      columns: ['id', 'a', 'new'],
    });
  });
});
