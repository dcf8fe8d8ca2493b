/**
 * Jinja2's built-in tests (`x is defined`, `x is divisibleby 3`, `x is sameas none`...), with
 * Python's types: `number` is int or float (and bool), `integer` excludes bool, `sequence`
 * includes strings, `mapping` is a dict.
 * Reference: jinja.palletsprojects.com/en/3.1.x/templates/#list-of-builtin-tests
 */
import { compare, contains } from './operators.js';
import { isDict, isFloat, plain, PY_MAPPING, PyFloat, SafeStringClass } from './values.js';

type Test = (this: { env: { filters: Record<string, unknown>; tests: Record<string, unknown> } }, value: unknown, ...args: unknown[]) => boolean;

/** Jinja2's built-in tests, by name (aliases included). */
export const TESTS: Record<string, Test> = {
  boolean: (value) => typeof value === 'boolean',
  callable: (value) => typeof value === 'function',
  defined: (value) => value !== undefined,
  undefined: (value) => value === undefined,
  divisibleby: (value, num) => Number(plain(value)) % Number(plain(num)) === 0,
  eq: (value, other) => compare(value, '==', other),
  ne: (value, other) => compare(value, '!=', other),
  lt: (value, other) => compare(value, '<', other),
  le: (value, other) => compare(value, '<=', other),
  gt: (value, other) => compare(value, '>', other),
  ge: (value, other) => compare(value, '>=', other),
  escaped: (value) => value instanceof SafeStringClass,
  even: (value) => Number(plain(value)) % 2 === 0,
  odd: (value) => Math.abs(Number(plain(value)) % 2) === 1,
  false: (value) => value === false,
  true: (value) => value === true,
  none: (value) => value === null,
  float: (value) => isFloat(value),
  integer: (value) => typeof value === 'number' && Number.isInteger(value),
  number: (value) => typeof value === 'number' || value instanceof PyFloat,
  string: (value) => typeof plain(value) === 'string',
  lower: (value) => {
    const v = plain(value);
    return typeof v === 'string' && v === v.toLowerCase();
  },
  upper: (value) => {
    const v = plain(value);
    return typeof v === 'string' && v === v.toUpperCase();
  },
  mapping: (value) => isDict(plain(value)) || value instanceof Map || Boolean(value && (value as Record<symbol, unknown>)[PY_MAPPING]),
  iterable: (value) => {
    const v = plain(value);
    return typeof v === 'string' || (typeof v === 'object' && v !== null && (Array.isArray(v) || isDict(v) || Symbol.iterator in v));
  },
  sequence: (value) => {
    const v = plain(value);
    return typeof v === 'string' || Array.isArray(v) || isDict(v);
  },
  sameas: (value, other) => value === other || (value instanceof PyFloat && other instanceof PyFloat && value.value === other.value),
  in: (value, seq) => contains(value, seq),
  filter(value) {
    return Object.prototype.hasOwnProperty.call(this.env.filters, String(plain(value)));
  },
  test(value) {
    return Object.prototype.hasOwnProperty.call(this.env.tests, String(plain(value)));
  },
};

const ALIASES: Record<string, string> = {
  '==': 'eq',
  equalto: 'eq',
  '!=': 'ne',
  '<': 'lt',
  lessthan: 'lt',
  '<=': 'le',
  '>': 'gt',
  greaterthan: 'gt',
  '>=': 'ge',
};
for (const [alias, name] of Object.entries(ALIASES)) TESTS[alias] = TESTS[name]!;
