/** Letters, digits and `_`: characters of an identifier or keyword (PostgreSQL docs, 4.1.1; `$` is left to the server). */
const WORD = /[A-Za-z0-9_\u0080-\uffff]/;

/**
 * True when `sql` is plainly one query that stays inside the parentheses a materialization wraps it
 * in, so the server need not be asked (see `assertSingleSelect`): it starts with `select`, `with` or
 * `(`; outside string literals, quoted identifiers and comments it has no `;` and its parentheses
 * never close more than they opened and all close by the end. PostgreSQL splits a query string
 * into statements only at a `;` outside those (docs, 4.1 "Lexical Structure" and 55.2.2 "Simple
 * Query"), so such a body cannot run a second statement, and a body that does not parse fails the
 * build's own statement before anything of it runs. False (ask the server) for anything this
 * lexer does not model: `$` (dollar quoting, parameters), `E'...'` strings and backslashes
 * (escapes), an unterminated literal or comment.
 * @param sql a compiled model, snapshot or test body
 */
export function plainlySingleQuery(sql: string): boolean {
  let depth = 0;
  let first = '';
  for (let i = 0; i < sql.length; ) {
    const c = sql[i];
    const next = sql[i + 1];
    if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      if (end < 0) return false;
      i = end + 1;
    } else if (c === '/' && next === '*') {
      // Block comments nest in PostgreSQL.
      let nesting = 1;
      i += 2;
      while (nesting > 0) {
        if (i >= sql.length) return false;
        if (sql[i] === '/' && sql[i + 1] === '*') (nesting++, (i += 2));
        else if (sql[i] === '*' && sql[i + 1] === '/') (nesting--, (i += 2));
        else i++;
      }
    } else if (c === "'" || c === '"') {
      if (c === "'" && i > 0 && /[eE]/.test(sql[i - 1]) && (i === 1 || !WORD.test(sql[i - 2]))) return false;
      // '' (or "") inside is an escaped quote; the literal ends at a lone quote.
      for (i++; ; i++) {
        if (i >= sql.length) return false;
        // A backslash escapes in a string when standard_conforming_strings is off.
        if (sql[i] === '\\' && c === "'") return false;
        if (sql[i] === c) {
          if (sql[i + 1] === c) i++;
          else break;
        }
      }
      i++;
      if (!first) return false;
    } else if (c === '$' || c === ';' || c === '\\') {
      return false;
    } else if (c === '(') {
      depth++;
      first ||= '(';
      i++;
    } else if (c === ')') {
      if (--depth < 0) return false;
      i++;
    } else if (WORD.test(c)) {
      let end = i + 1;
      while (end < sql.length && WORD.test(sql[end])) end++;
      first ||= sql.slice(i, end).toLowerCase();
      i = end;
    } else {
      if (!first && !/\s/.test(c)) return false;
      i++;
    }
  }
  return depth === 0 && (first === 'select' || first === 'with' || first === '(');
}
