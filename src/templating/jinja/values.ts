/**
 * Python values in JavaScript, as templates see them: which JS value stands for which Python type,
 * and Python's `str()` / `repr()`, truthiness and `==` over them.
 *
 * Mapping: str -> string, int -> integral number, float -> non-integral number or {@link PyFloat}
 * (an integral float such as `5.0`, which JS numbers cannot tell apart from `5`), bool -> boolean,
 * None -> null, list -> array, tuple -> array marked by {@link tuple}, dict -> plain object.
 * `undefined` is Jinja's Undefined (renders as ''). nunjucks' SafeString counts as str.
 * Reference: docs.python.org/3/library/stdtypes.html; jinja.palletsprojects.com/en/3.1.x/templates/
 */
import nunjucks from 'nunjucks';

const SafeString = (nunjucks.runtime as unknown as { SafeString: new (value: string) => { val: string } }).SafeString;

/** nunjucks' SafeString class (what `safe` and `escape` return). */
export const SafeStringClass = SafeString;

/** An integral Python float (`5.0`): renders with its `.0`; arithmetic and comparison see the number. */
export class PyFloat {
  constructor(readonly value: number) {}
  valueOf(): number {
    return this.value;
  }
  toString(): string {
    return floatRepr(this.value);
  }
  toJSON(): number {
    return this.value;
  }
}

const TUPLE = Symbol('tuple');

/** Marks an array as a Python tuple (renders with parentheses). Returns the same array. */
export function tuple<T extends unknown[]>(items: T): T {
  (items as unknown as Record<symbol, boolean>)[TUPLE] = true;
  return items;
}

/** True for arrays made by {@link tuple}. */
export function isTuple(value: unknown): boolean {
  return Array.isArray(value) && (value as unknown as Record<symbol, unknown>)[TUPLE] === true;
}

/** A Python float for `n`: integral values become {@link PyFloat}, others stay numbers. */
export function pyFloat(n: number): number | PyFloat {
  return Number.isInteger(n) ? new PyFloat(n) : n;
}

/** True when a value is a Python float (a non-integral number or a {@link PyFloat}). */
export function isFloat(value: unknown): boolean {
  return value instanceof PyFloat || (typeof value === 'number' && !Number.isInteger(value));
}

/** True for int, float (and bool, as in Python) values. */
export function isNumber(value: unknown): value is number | PyFloat | boolean {
  return typeof value === 'number' || value instanceof PyFloat || typeof value === 'boolean';
}

/** The JS value under a template value: PyFloat -> number, SafeString -> string; others as-is. */
export function plain(value: unknown): unknown {
  if (value instanceof PyFloat) return value.value;
  if (value instanceof SafeString) return value.val;
  return value;
}

/**
 * Marks a class whose instances Jinja's `is mapping` accepts (dbt's Relation is a Mapping); such
 * a class also has a `get(key, default)` method.
 */
export const PY_MAPPING = Symbol.for('dops.py-mapping');

/** True for a plain object (a Python dict), as opposed to arrays and class instances. */
export function isDict(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Keys of a dict as Python sees them (nunjucks' keyword-argument marker left out). */
export function dictKeys(value: Record<string, unknown>): string[] {
  return Object.keys(value).filter((key) => key !== '__keywords');
}

/** Python's repr of a float: shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
export function floatRepr(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(n);
  if (abs >= 1e16 || abs < 1e-4) {
    const [mantissa, exponent] = n.toExponential().split('e');
    const exp = Number(exponent);
    return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const text = String(n);
  if (text.includes('e')) {
    // JS switches to exponents below 1e-6; Python only below 1e-4.
    return n.toFixed(20).replace(/0+$/, '');
  }
  return Number.isInteger(n) ? `${text}.0` : text;
}

/** Python's repr of a str: single quotes unless the text holds one and no double quote. */
export function strRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch < ' ' || ch === '\x7f') out += `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

/** Python's `repr()` of a template value (how containers show their items). */
export function pyRepr(value: unknown): string {
  value = plain(value);
  if (typeof value === 'string') return strRepr(value);
  if (Array.isArray(value)) {
    const items = value.map(pyRepr);
    if (isTuple(value)) return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
    return `[${items.join(', ')}]`;
  }
  if (isDict(value)) return `{${dictKeys(value).map((key) => `${strRepr(key)}: ${pyRepr(value[key])}`).join(', ')}}`;
  if (value instanceof Set) return value.size ? `{${[...value].map(pyRepr).join(', ')}}` : 'set()';
  return pyStr(value);
}

/**
 * Python's `str()` of a template value: what `{{ value }}` prints. undefined (Jinja's Undefined)
 * prints as ''; objects with their own `toString` (relations, ...) print through it.
 */
export function pyStr(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return Number.isInteger(value) ? String(value) : floatRepr(value);
    case 'boolean':
      return value ? 'True' : 'False';
    case 'undefined':
      return '';
    case 'bigint':
      return String(value);
    case 'function':
      return `<function ${value.name || 'macro'}>`;
    default:
      break;
  }
  if (value === null) return 'None';
  if (value instanceof PyFloat) return floatRepr(value.value);
  if (value instanceof SafeString) return value.val;
  if (Array.isArray(value) || isDict(value) || value instanceof Set) return pyRepr(value);
  if (value instanceof Date) return value.toISOString().replace('T', ' ').replace('Z', '');
  return String(value);
}

/** Python truthiness: None, False, 0, 0.0, '', [], (), {} and Undefined are false. */
export function truthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === '' || value === 0) return false;
  if (typeof value !== 'object') return true;
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof PyFloat) return value.value !== 0;
  if (value instanceof SafeString) return value.val.length > 0;
  if (isDict(value)) return dictKeys(value).length > 0;
  if (value instanceof Set || value instanceof Map) return value.size > 0;
  return true;
}

/** Python's `==`: numbers by value (True == 1), containers item by item, others by identity. */
export function pyEq(a: unknown, b: unknown): boolean {
  a = plain(a);
  b = plain(b);
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (typeof a === 'boolean') a = Number(a);
  if (typeof b === 'boolean') b = Number(b);
  if (typeof a === 'number' || typeof b === 'number') return a === b;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length || isTuple(a) !== isTuple(b)) return false;
    return a.every((item, i) => pyEq(item, b[i]));
  }
  if (isDict(a) && isDict(b)) {
    const keys = dictKeys(a);
    if (keys.length !== dictKeys(b).length) return false;
    return keys.every((key) => Object.prototype.hasOwnProperty.call(b, key) && pyEq(a[key], b[key]));
  }
  if (a instanceof Set && b instanceof Set) return a.size === b.size && [...a].every((item) => b.has(item));
  if (typeof a === 'object' && typeof b === 'object' && typeof (a as { toString?: unknown }).toString === 'function' && !isDict(a) && !isDict(b)) {
    // Relations and other objects that render as text compare as equal when they render alike (dbt compares relations by their rendering).
    const own = (value: object) => (value as { toString: () => string }).toString !== Object.prototype.toString;
    if (own(a as object) && own(b as object)) return String(a) === String(b);
  }
  return false;
}

/** Python's type name of a value, for error messages. */
export function typeName(value: unknown): string {
  value = value instanceof PyFloat ? value : plain(value);
  if (value === null) return 'NoneType';
  if (value === undefined) return 'Undefined';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (value instanceof PyFloat) return 'float';
  if (Array.isArray(value)) return isTuple(value) ? 'tuple' : 'list';
  if (isDict(value)) return 'dict';
  if (typeof value === 'function') return 'function';
  return (value as object).constructor?.name ?? 'object';
}
