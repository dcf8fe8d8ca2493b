/**
 * dbt's custom generic tests are written as `{% test name(model, column_name, ...) %} ... {% endtest %}`
 * blocks (dbt docs, "Writing custom generic data tests"); dbt turns each into a macro named
 * `test_<name>`. nunjucks has no `test` tag, so the blocks are rewritten to macros before compiling.
 * The rewrite stays on the same lines, so template errors keep their line numbers.
 */
const TEST_OPEN = /\{%(-?)\s*test\s+([A-Za-z_]\w*)\s*\(/g;
const TEST_CLOSE = /\{%(-?)\s*endtest\s*(-?)%\}/g;

/** True when a file defines at least one `{% test %}` block. */
export function hasTestBlocks(contents: string): boolean {
  TEST_OPEN.lastIndex = 0;
  return TEST_OPEN.test(contents);
}

/**
 * Rewrites `{% test name(...) %}` to `{% macro test_name(...) %}` and `{% endtest %}` to
 * `{% endmacro %}`; other text is unchanged.
 */
export function testBlocksToMacros(contents: string): string {
  return contents
    .replace(TEST_OPEN, (_match, dash: string, name: string) => `{%${dash} macro test_${name}(`)
    .replace(TEST_CLOSE, (_match, open: string, close: string) => `{%${open} endmacro ${close}%}`);
}
