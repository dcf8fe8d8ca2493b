/**
 * The form a contract compares a type name in (see Dialect.contractType): upper case, one space
 * between words, and `(size)` / `(precision, scale)` left out, as dbt compares neither
 * (https://docs.getdbt.com/reference/resource-configs/contract, "Size, precision, and scale").
 */
export function comparableType(type: string): string {
  return type.replace(/\(\s*\d+\s*(,\s*\d+\s*)?\)/g, '').replace(/\s+/g, ' ').trim().toUpperCase();
}
