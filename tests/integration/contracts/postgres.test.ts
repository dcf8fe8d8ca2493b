/**
 * Contracts and constraints on PostgreSQL, a throwaway server (dbt-postgres enforces every
 * constraint type on tables).
 * https://docs.getdbt.com/reference/resource-configs/contract
 * https://docs.getdbt.com/reference/resource-properties/constraints
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { removeProjects } from '../helpers.js';
import { addPostgresProfile, pgQuery } from '../../postgres/helpers.js';
import { usePostgres } from '../../postgres/server.js';
import { contractCases } from './cases.js';

const server = usePostgres();
const databases = new Map<string, string>();
afterAll(removeProjects);

describe('contracts and constraints on PostgreSQL', () => {
  contractCases({
    name: 'postgres',
    async prepare(dir) {
      databases.set(dir, await addPostgresProfile(server, dir, 'proj'));
      return 'pg';
    },
    // the profile's schema is `main` (as DuckDB's), outside PostgreSQL's search_path
    query: (dir, sql) => pgQuery(server, sql.replace('where table_name', "where table_schema = 'main' and table_name").replace(/\bfrom (dim|fct)\b/g, 'from main.$1'), databases.get(dir)),
  });
});
