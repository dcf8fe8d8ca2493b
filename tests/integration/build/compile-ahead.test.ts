import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { build } from '../../../src/api/commands.js';
import { makeProject, removeProjects, resultFor } from '../helpers.js';

afterAll(removeProjects);

const compiled = (dir: string, model: string) => join(dir, 'target', 'compiled', 'proj', 'models', `${model}.sql`);

// Ready nodes are compiled while DuckDB runs earlier statements (runner/compile-ahead.ts); what a
// build reports and writes must not change.
describe('compiling ready nodes ahead', () => {
  for (const threads of [1, 3]) {
    it(`reports a compile error on its own node and compiles nothing downstream of a failure (${threads} thread${threads > 1 ? 's' : ''})`, async () => {
      const dir = makeProject({
        'models/a.sql': "{{ config(materialized='table') }}\nselect no_such_column as v\n",
        'models/b.sql': "select * from {{ ref('a') }}\n",
        'models/c.sql': "{% if execute %}select * from {{ ref('d') }}{% else %}select 1 as v{% endif %}\n",
        'models/d.sql': 'select 1 as v\n',
        ...Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`models/e${i}.sql`, `select ${i} as v\n`])),
      });
      const outcome = await build({ projectDir: dir, threads });
      expect(resultFor(outcome, 'a').status).toBe('error');
      expect(resultFor(outcome, 'b')).toMatchObject({ status: 'skipped', message: 'Skipped because a failed' });
      expect(resultFor(outcome, 'c').status).toBe('error');
      expect(resultFor(outcome, 'c').message).toContain("ref('d') was not seen when the project was parsed");
      expect(existsSync(compiled(dir, 'b'))).toBe(false);
      expect(existsSync(compiled(dir, 'c'))).toBe(false);
      for (let i = 0; i < 8; i++) expect(resultFor(outcome, `e${i}`).status).toBe('success');
      expect(existsSync(compiled(dir, 'e7'))).toBe(true);
    });
  }
});
