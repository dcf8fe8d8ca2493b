import nunjucks from 'nunjucks';

/**
 * Python objects that are both callable and have attributes (`modules.datetime.datetime(...)` and
 * `modules.datetime.datetime.now()`, `api.Column.create`) are JS functions with properties. nunjucks'
 * member lookup returns functions wrapped to bind `this`, which drops those properties; functions
 * marked here are returned as they are (they never use `this`).
 */
const UNBOUND = Symbol('dops.unbound-callable');

type Lookup = (obj: unknown, key: unknown) => unknown;
const runtime = (nunjucks as unknown as { runtime: { memberLookup: Lookup } }).runtime;
const original = runtime.memberLookup;
if (!(original as { [UNBOUND]?: boolean })[UNBOUND]) {
  const lookup: Lookup = (obj, key) => {
    if (obj !== undefined && obj !== null) {
      const value = (obj as Record<PropertyKey, unknown>)[key as PropertyKey];
      if (typeof value === 'function' && (value as { [UNBOUND]?: boolean })[UNBOUND]) return value;
    }
    return original(obj, key);
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
