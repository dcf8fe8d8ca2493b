import nunjucks from 'nunjucks';

/**
 * How templates reach members of the Python-like objects dbt's context hands them:
 *
 * - Objects that are both callable and have attributes (`modules.datetime.datetime(...)` and
 *   `modules.datetime.datetime.now()`, `api.Column.create`) are JS functions with properties.
 *   nunjucks' member lookup returns functions wrapped to bind `this`, which drops those
 *   properties; functions marked with {@link callableWithMembers} are returned as they are.
 * - nunjucks' Jinja compatibility gives every object dict methods (`values()`, `items()`,
 *   `keys()`, `get()`...), which would shadow a class's own methods of those names (an agate
 *   column's `values()`); a class instance's own members win.
 */
const UNBOUND = Symbol('dops.unbound-callable');

type Lookup = (this: unknown, obj: unknown, key: unknown, ...rest: unknown[]) => unknown;
const runtime = (nunjucks as unknown as { runtime: { memberLookup: Lookup } }).runtime;

/** True for instances of classes (not plain objects, arrays or functions). */
function isClassInstance(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto !== null && proto !== Object.prototype && proto !== Array.prototype && proto !== Function.prototype;
}

/**
 * Installs the member lookup described above over nunjucks' (call after
 * `nunjucks.installJinjaCompat()`, so it runs first). Installing twice is a no-op.
 */
export function installMemberLookup(): void {
  const original = runtime.memberLookup;
  if ((original as { [UNBOUND]?: boolean })[UNBOUND]) return;
  const lookup: Lookup = function (this: unknown, obj, key, ...rest) {
    if (rest.length === 0 && obj !== undefined && obj !== null && (typeof obj === 'object' || typeof obj === 'function')) {
      const value = (obj as Record<PropertyKey, unknown>)[key as PropertyKey];
      if (typeof value === 'function') {
        if ((value as { [UNBOUND]?: boolean })[UNBOUND]) return value;
        if (typeof obj === 'object' && isClassInstance(obj)) return (...args: unknown[]) => (value as (...a: unknown[]) => unknown).apply(obj, args);
      }
    }
    return original.call(this, obj, key, ...rest);
  };
  runtime.memberLookup = Object.assign(lookup, { [UNBOUND]: true });
}

/**
 * Marks a callable with attributes so templates reach its attributes (see above).
 * @returns the same function
 */
export function callableWithMembers<T extends (...args: never[]) => unknown>(fn: T): T {
  return Object.assign(fn, { [UNBOUND]: true });
}
