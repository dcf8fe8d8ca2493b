/**
 * The client-side test that lets a PostgreSQL body skip the server's single-statement check: only
 * bodies that plainly are one query stay on the fast path; anything else goes to the server.
 * https://www.postgresql.org/docs/15/sql-syntax-lexical.html (comments nest, '' escapes, dollar quoting)
 * https://www.postgresql.org/docs/15/protocol-flow.html#id-1.10.6.7.4 (a simple query holds statements separated by ;)
 */
import { describe, expect, it } from 'vitest';
import { plainlySingleQuery } from '../../../src/adapter/postgres/single-query.js';

describe('plainlySingleQuery', () => {
  it('accepts ordinary queries: select, with, parenthesised, with strings, quoted names and comments', () => {
    for (const sql of [
      'select 1 as id',
      "with a as (select 1 as x) select x, 'it''s; (' as s from a",
      '(select 1) union all (select 2)',
      'select "odd;name)" from t -- a comment; with )\nwhere x = 1',
      'select /* outer /* nested ; ) */ still comment */ 1',
      "-- leading comment\nselect 1",
      "SELECT type'2024-01-01' AS d",
    ]) expect(plainlySingleQuery(sql), sql).toBe(true);
  });

  it('leaves to the server: semicolons, parentheses that escape the wrapper, non-queries and unmodelled syntax', () => {
    for (const sql of [
      'select 1 as a;\ndrop table main.victim',
      'select 1) ; drop table x; create table y as (select 1',
      'select 1) union (select 2',
      'select (1',
      'drop table main.victim',
      'insert into t values (1)',
      "select $$;)$$ as s",
      'select $1',
      "select E'\\';' as s",
      "select 'a\\' as s",
      "select 'unterminated",
      'select 1 /* unterminated',
      'select 1 -- no newline at the end',
      "'text' as s",
    ]) expect(plainlySingleQuery(sql), sql).toBe(false);
  });
});
