/**
 * dops' Jinja2 compatibility layer over nunjucks: the one place where nunjucks is made to
 * evaluate templates as Jinja2 (as dbt runs it) does.
 *
 * - ./values.ts: which JS value is which Python type; str()/repr(), truthiness, `==`.
 * - ./operators.ts, ./format.ts: Python's operators, `%` and `.format()` formatting.
 * - ./methods.ts: attribute/item lookup with Python's str, list and dict methods; slices.
 * - ./macros.ts: macro argument binding, `varargs`/`kwargs`, dbt's `return()`, `namespace()`.
 * - ./syntax.ts: lexer, parser and compiler rules nunjucks gets wrong (process-wide, once).
 * - ./runtime.ts: nunjucks' runtime hooks (output, lookup, calls, macros) and the helpers
 *   compiled templates call.
 * - ./filters.ts, ./is-tests.ts, ./do.ts, ./with.ts: Jinja2's built-in filters and tests, `{% do %}`,
 *   `{% with %}`; ./loop-controls.ts: `{% break %}` and `{% continue %}` (dbt enables them).
 *
 * Parser, compiler and runtime rules apply to every nunjucks template in the process (dops only
 * renders Jinja); filters, tests, globals and the `do` tag are added per environment.
 * Reference: jinja.palletsprojects.com/en/3.1.x/templates/
 */
import type nunjucks from 'nunjucks';
import { DoExtension } from './do.js';
import { FILTERS } from './filters.js';
import { TESTS } from './is-tests.js';
import { dict, jinjaReturn, namespace } from './macros.js';
import { installRuntime, markNative } from './runtime.js';
import { installSyntax } from './syntax.js';
import { installWith, WithExtension } from './with.js';
import { installLoopControls, LoopControlsExtension } from './loop-controls.js';

export { JinjaError } from './errors.js';
export { jinjaReturn, MacroReturn, namespace } from './macros.js';
export { markNative } from './runtime.js';
export { pyJson } from './json.js';
export { pyRepr, pyStr, truthy, pyEq } from './values.js';

/** Jinja's global functions that nunjucks lacks (nunjucks has range, cycler and joiner). */
export const GLOBALS: Record<string, (...args: never[]) => unknown> = {
  namespace: markNative(namespace),
  dict: markNative(dict),
  return: markNative(jinjaReturn),
};

/**
 * Makes an environment render Jinja2: installs the process-wide rules (once) and adds Jinja2's
 * filters, tests, globals (`namespace`, `dict`, dbt's `return`) and the `do` tag to `env`.
 */
export function installJinja(env: nunjucks.Environment): void {
  installSyntax();
  installRuntime();
  installWith();
  installLoopControls();
  for (const [name, filter] of Object.entries(FILTERS)) env.addFilter(name, filter as (...args: unknown[]) => unknown);
  for (const [name, test] of Object.entries(TESTS)) (env as unknown as { addTest(name: string, fn: unknown): void }).addTest(name, test);
  for (const [name, value] of Object.entries(GLOBALS)) env.addGlobal(name, value);
  env.addExtension('do', new DoExtension());
  env.addExtension('with', new WithExtension());
  env.addExtension('loopcontrols', new LoopControlsExtension());
}
