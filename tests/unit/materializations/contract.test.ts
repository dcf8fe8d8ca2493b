/**
 * The pure parts of model contracts: type comparison, dbt's mismatch table, foreign key targets.
 * https://docs.getdbt.com/reference/resource-configs/contract
 * https://docs.getdbt.com/reference/resource-properties/constraints
 */
import { describe, expect, it } from 'vitest';
import { duckdbDialect } from '../../../src/adapter/duckdb/dialect.js';
import { postgresDialect } from '../../../src/adapter/postgres/dialect.js';
import { comparableType } from '../../../src/adapter/types.js';
import { contractErrorMessage, contractMismatches, contractProblem } from '../../../src/materializations/contract.js';
import { foreignKeyTarget } from '../../../src/parser/constraints.js';

describe('contract type comparison', () => {
  it('leaves out size, precision and scale, and case', () => {
    expect(comparableType('DECIMAL(10,2)')).toBe('DECIMAL');
    expect(comparableType('numeric( 18 , 3 )')).toBe('NUMERIC');
    expect(comparableType('timestamp(3)  without time zone')).toBe('TIMESTAMP WITHOUT TIME ZONE');
    expect(comparableType('INTEGER[]')).toBe('INTEGER[]');
  });

  it('translates string to text on PostgreSQL only (dbt alias_types)', () => {
    expect(postgresDialect.translateType('STRING')).toBe('text');
    expect(duckdbDialect.translateType('string')).toBe('string');
  });
});

describe('contract mismatches', () => {
  it('lists missing, extra and retyped columns sorted by name, as dbt', () => {
    const declared = [{ name: 'id', type: 'INTEGER' }, { name: 'b', type: 'VARCHAR' }, { name: 'amount', type: 'DECIMAL(10,2)' }];
    const actual = [{ name: 'ID', type: 'BIGINT' }, { name: 'amount', type: 'DECIMAL(38,2)' }, { name: 'extra', type: 'DATE' }];
    const rows = contractMismatches(declared, actual, duckdbDialect);
    expect(rows).toEqual([
      { column_name: 'b', definition_type: '', contract_type: 'VARCHAR', mismatch_reason: 'missing in definition' },
      { column_name: 'extra', definition_type: 'DATE', contract_type: '', mismatch_reason: 'missing in contract' },
      { column_name: 'ID', definition_type: 'BIGINT', contract_type: 'INTEGER', mismatch_reason: 'data type mismatch' },
    ].sort((a, b) => (a.column_name < b.column_name ? -1 : 1)));
    const message = contractErrorMessage(rows);
    expect(message.split('\n')[0]).toBe('This model has an enforced contract that failed.');
    expect(message).toContain('| column_name | definition_type | contract_type | mismatch_reason       |');
    expect(contractMismatches(declared.slice(0, 1), [{ name: 'id', type: 'INTEGER' }], duckdbDialect)).toEqual([]);
  });
});

describe('contract config and foreign key targets', () => {
  it('accepts {enforced, alias_types} booleans only', () => {
    expect(contractProblem({ enforced: true, alias_types: false })).toBeUndefined();
    expect(contractProblem(true)).toMatch(/must be a mapping/);
    expect(contractProblem({ enforced: 'maybe' })).toMatch(/true or false/);
    expect(contractProblem({ enforce: true })).toMatch(/unknown key 'enforce'/);
  });

  it('reads ref() and source() statically', () => {
    expect(foreignKeyTarget("ref('dim')", 'f.yml')).toEqual({ ref: { name: 'dim' } });
    expect(foreignKeyTarget('{{ ref("pkg", "dim", v=2) }}', 'f.yml')).toEqual({ ref: { package: 'pkg', name: 'dim', version: '2' } });
    expect(foreignKeyTarget("source('raw', 'orders')", 'f.yml')).toEqual({ source: { sourceName: 'raw', tableName: 'orders' } });
    expect(() => foreignKeyTarget('dim', 'f.yml', 3)).toThrow(/Invalid 'ref' or 'source' syntax/);
  });
});
