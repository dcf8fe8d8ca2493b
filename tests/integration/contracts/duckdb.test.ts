/**
 * Contracts and constraints on DuckDB (dbt-duckdb enforces every constraint type on tables).
 * https://docs.getdbt.com/reference/resource-configs/contract
 * https://docs.getdbt.com/reference/resource-properties/constraints
 */
import { afterAll, describe } from 'vitest';
import { query, removeProjects, writeFile } from '../helpers.js';
import { contractCases } from './cases.js';

afterAll(removeProjects);

describe('contracts and constraints on DuckDB', () => {
  contractCases({
    name: 'duckdb',
    async prepare(dir) {
      writeFile(dir, 'profiles.yml', 'proj:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dops.duckdb\n');
      return undefined;
    },
    query: (dir, sql) => query(dir, sql),
  });
});
