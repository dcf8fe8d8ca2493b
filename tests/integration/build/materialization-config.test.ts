/**
 * Materialization config is checked when the project loads: `dops compile` (which never touches
 * the database) already rejects an unknown `materialized` value, with the file and a did-you-mean,
 * and a snapshot without a strategy.
 * https://docs.getdbt.com/docs/build/materializations
 */
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../../../src/api/commands.js';
import { caught, makeProject, removeProjects } from '../helpers.js';

afterAll(removeProjects);

describe('materialization config at parse time', () => {
  it('an unknown materialized value fails compile with the file and a did-you-mean', async () => {
    const dir = makeProject({ 'models/orders.sql': "{{ config(materialized='tabel') }}\nselect 1 as id\n" });
    const error = await caught(() => compile({ projectDir: dir }));
    expect(error.message).toBe("Unknown materialization 'tabel' for model 'orders'");
    expect(error.location.file).toBe('models/orders.sql');
    expect(error.hint).toBe("Did you mean 'table'? Use one of: view, table, ephemeral, incremental, external.");
  });

  // https://docs.getdbt.com/docs/build/snapshots (strategy is required)
  it('a snapshot without a strategy fails compile, naming its file', async () => {
    const dir = makeProject({ 'seeds/c.csv': 'id\n1\n', 'snapshots/s.sql': "{% snapshot s %}\n{{ config(unique_key='id') }}\nselect * from {{ ref('c') }}\n{% endsnapshot %}\n" });
    const error = await caught(() => compile({ projectDir: dir }));
    expect(error.message).toBe("Snapshot 's': strategy is required");
    expect(error.location.file).toBe('snapshots/s.sql');
  });
});
