/** Name of the CTE an ephemeral model is inlined as (dbt uses `__dbt__cte__<name>`). */
export function cteName(modelName: string): string {
  return `__dops__cte__${modelName}`;
}

const LEADING_WITH = /^((?:\s+|--[^\n]*\n|\/\*[\s\S]*?\*\/)*)with\b(\s+recursive\b)?/i;

/**
 * Removes trailing semicolons and whitespace so the SQL can be wrapped in `create ... as (...)`.
 */
export function stripTrailingSemicolons(sql: string): string {
  return sql.replace(/[\s;]+$/, '');
}

/**
 * Puts CTEs in front of a query: merged into its own `WITH` when it has one, else as a new `WITH`.
 * @param sql the compiled query
 * @param ctes `[name, sql]` pairs, dependencies first
 */
export function injectCtes(sql: string, ctes: [string, string][]): string {
  if (ctes.length === 0) return sql;
  const defs = ctes.map(([name, body]) => `${name} as (\n${body}\n)`).join(',\n');
  const match = LEADING_WITH.exec(sql);
  if (match) {
    const head = match[0];
    return `${head} ${defs},\n${sql.slice(head.length).replace(/^\s+/, '')}`;
  }
  return `with ${defs}\n${sql.replace(/^\s+/, '')}`;
}
