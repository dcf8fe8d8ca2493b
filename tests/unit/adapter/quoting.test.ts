import { describe, expect, it } from 'vitest';
import { renderExternalLocation } from '../../../src/adapter/duckdb/files.js';
import { quoteIdentifier, quoteLiteral, renderRelation } from '../../../src/adapter/quoting.js';

describe('quoting', () => {
  it('quotes identifiers, doubling embedded double quotes', () => {
    expect(quoteIdentifier('orders')).toBe('"orders"');
    expect(quoteIdentifier('we"ird')).toBe('"we""ird"');
  });

  it('quotes literals, doubling embedded single quotes', () => {
    expect(quoteLiteral("it's")).toBe("'it''s'");
  });

  it('renders a relation as "schema"."identifier"', () => {
    expect(renderRelation({ schema: 'main', identifier: 'Orders' })).toBe('"main"."Orders"');
  });
});

describe('renderExternalLocation', () => {
  it.each([
    ['data/flights/*.parquet', "read_parquet('data/flights/*.parquet')"],
    ['data/a.PARQUET', "read_parquet('data/a.PARQUET')"],
    ['data/a.csv', "read_csv('data/a.csv')"],
    ['data/a.tsv.gz', "read_csv('data/a.tsv.gz', delim = '\t')"],
    ['data/a.txt', "read_csv('data/a.txt')"],
    ['data/a.ndjson', "read_ndjson('data/a.ndjson')"],
    ['data/a.jsonl.zst', "read_ndjson('data/a.jsonl.zst')"],
    ['data/a.json', "read_json('data/a.json')"],
    ['data/a.json.gz', "read_json('data/a.json.gz')"],
    ['data/a.xlsx', "'data/a.xlsx'"],
    ["data/o'hare.parquet", "read_parquet('data/o''hare.parquet')"],
  ])('%s -> %s', (location, sql) => {
    expect(renderExternalLocation(location)).toBe(sql);
  });
});

describe('renderExternalLocation with reader options', () => {
  it('passes named options through as DuckDB literals, mapping delimiter to delim', () => {
    expect(renderExternalLocation('raw/*.csv', { delimiter: ';', header: false, columns: { id: 'INTEGER', name: 'VARCHAR' }, union_by_name: true })).toBe(
      "read_csv('raw/*.csv', delim = ';', header = false, columns = {'id': 'INTEGER', 'name': 'VARCHAR'}, union_by_name = true)",
    );
  });

  it('lets format pick the reader whatever the extension', () => {
    expect(renderExternalLocation('raw/events.log', { format: 'ndjson' })).toBe("read_ndjson('raw/events.log')");
    expect(renderExternalLocation('raw/a.txt', { format: 'tsv', header: true })).toBe("read_csv('raw/a.txt', header = true, delim = '\t')");
    expect(renderExternalLocation('lake/**/*.parquet', { hive_partitioning: true })).toBe("read_parquet('lake/**/*.parquet', hive_partitioning = true)");
  });
});
