/**
 * The query that counts a test's failing rows (a test fails when its SQL returns rows; dbt docs,
 * "Data tests").
 * @param sql the compiled test query
 */
export function failureCountQuery(sql: string): string {
  return `select count(*) as failures from (\n${sql}\n) dbt_internal_test`;
}
