/**
 * Python's operators over template values: `+ - * / // % **`, `~`, comparisons and `in`.
 * `/` always gives a float, `//` floors, `%` takes the divisor's sign (or formats a string),
 * `+` joins lists and strings, `*` repeats them.
 * Reference: docs.python.org/3/reference/expressions.html; jinja.palletsprojects.com/en/3.1.x/templates/#math
 */
import { JinjaError } from './errors.js';
import { percentFormat } from './format.js';
import { dictKeys, isDict, isFloat, isTuple, plain, pyEq, pyFloat, pyStr, PyFloat, tuple, typeName } from './values.js';

type Num = number | PyFloat;

function num(value: unknown, op: string, other: unknown): number {
  const v = plain(value);
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return Number(v);
  throw new JinjaError(`unsupported operand type(s) for ${op}: '${typeName(value)}' and '${typeName(other)}'`);
}

/** An arithmetic result: a float when either operand was one (or `float` is set), else an int. */
function result(n: number, a: unknown, b: unknown, float = false): Num {
  return float || isFloat(a) || isFloat(b) ? pyFloat(n) : n;
}

function sameSequence(a: unknown, b: unknown): boolean {
  return Array.isArray(a) && Array.isArray(b) && isTuple(a) === isTuple(b);
}

/**
 * Python's binary operator protocol for objects that implement it (`modules.datetime` dates,
 * datetimes and timedeltas): `a.__add__(b)`, then `b.__radd__(a)` (for `+`; `-` likewise). A method
 * answering undefined is Python's NotImplemented.
 * @returns the result, or NOT_IMPLEMENTED when neither operand handles the pair
 */
function dunder(a: unknown, b: unknown, method: string, reflected: string): unknown {
  const call = (target: unknown, name: string, arg: unknown): unknown => {
    if (target === null || typeof target !== 'object') return NOT_IMPLEMENTED;
    const fn = (target as Record<string, unknown>)[name];
    if (typeof fn !== 'function') return NOT_IMPLEMENTED;
    const out = (fn as (x: unknown) => unknown).call(target, arg);
    return out === undefined ? NOT_IMPLEMENTED : out;
  };
  const direct = call(a, method, b);
  return direct !== NOT_IMPLEMENTED ? direct : call(b, reflected, a);
}

const NOT_IMPLEMENTED = Symbol('NotImplemented');

/** `a + b` */
export function add(a: unknown, b: unknown): unknown {
  const x = plain(a);
  const y = plain(b);
  const custom = dunder(x, y, '__add__', '__radd__');
  if (custom !== NOT_IMPLEMENTED) return custom;
  if (typeof x === 'string' && typeof y === 'string') return x + y;
  if (sameSequence(x, y)) {
    const joined = [...(x as unknown[]), ...(y as unknown[])];
    return isTuple(x) ? tuple(joined) : joined;
  }
  if (typeof x === 'string' || typeof y === 'string') {
    throw new JinjaError(`unsupported operand type(s) for +: '${typeName(a)}' and '${typeName(b)}' (use ~ to join text)`);
  }
  return result(num(a, '+', b) + num(b, '+', a), a, b);
}

/** `a - b` */
export function sub(a: unknown, b: unknown): unknown {
  const custom = dunder(plain(a), plain(b), '__sub__', '__rsub__');
  if (custom !== NOT_IMPLEMENTED) return custom;
  return result(num(a, '-', b) - num(b, '-', a), a, b);
}

/** `a * b` (numbers, or a str/list repeated) */
export function mul(a: unknown, b: unknown): unknown {
  const x = plain(a);
  const y = plain(b);
  const repeat = (seq: unknown, times: unknown): unknown => {
    const n = Math.max(0, num(times, '*', seq));
    if (typeof seq === 'string') return seq.repeat(n);
    const out: unknown[] = [];
    for (let i = 0; i < n; i++) out.push(...(seq as unknown[]));
    return isTuple(seq) ? tuple(out) : out;
  };
  if ((typeof x === 'string' || Array.isArray(x)) && typeof y !== 'string' && !Array.isArray(y)) return repeat(x, b);
  if ((typeof y === 'string' || Array.isArray(y)) && typeof x !== 'string' && !Array.isArray(x)) return repeat(y, a);
  return result(num(a, '*', b) * num(b, '*', a), a, b);
}

function nonZero(n: number, op: string): number {
  if (n === 0) throw new JinjaError(op === '/' ? 'division by zero' : 'integer division or modulo by zero');
  return n;
}

/** `a / b`: always a float, as in Python 3. */
export function div(a: unknown, b: unknown): unknown {
  return pyFloat(num(a, '/', b) / nonZero(num(b, '/', a), '/'));
}

/** `a // b`: floor division. */
export function floorDiv(a: unknown, b: unknown): unknown {
  return result(Math.floor(num(a, '//', b) / nonZero(num(b, '//', a), '//')), a, b);
}

/** `a % b`: string formatting when `a` is a string, else modulo with the divisor's sign. */
export function mod(a: unknown, b: unknown): unknown {
  const x = plain(a);
  if (typeof x === 'string') return percentFormat(x, b);
  const n = num(a, '%', b);
  const d = nonZero(num(b, '%', a), '%');
  return result(((n % d) + d) % d, a, b);
}

/** `a ** b` */
export function pow(a: unknown, b: unknown): unknown {
  const exponent = num(b, '**', a);
  return result(num(a, '**', b) ** exponent, a, b, exponent < 0);
}

/** `-a` */
export function neg(a: unknown): unknown {
  return result(-num(a, 'unary -', a), a, a);
}

/** `+a` */
export function pos(a: unknown): unknown {
  return result(num(a, 'unary +', a), a, a);
}

/** `a ~ b`: both as text. */
export function concat(a: unknown, b: unknown): string {
  return pyStr(a) + pyStr(b);
}

function order(a: unknown, b: unknown, op: string): number {
  const x = plain(a);
  const y = plain(b);
  if (typeof x === 'string' && typeof y === 'string') return x < y ? -1 : x > y ? 1 : 0;
  if (Array.isArray(x) && Array.isArray(y)) {
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      if (!pyEq(x[i], y[i])) return order(x[i], y[i], op);
    }
    return x.length - y.length;
  }
  const xn = typeof x === 'boolean' ? Number(x) : x;
  const yn = typeof y === 'boolean' ? Number(y) : y;
  if (typeof xn === 'number' && typeof yn === 'number') return xn - yn;
  if (x instanceof Date && y instanceof Date) return x.getTime() - y.getTime();
  // Objects of one Python type that order by a number (modules.datetime dates, datetimes, timedeltas).
  if (x !== null && y !== null && typeof x === 'object' && typeof y === 'object' && typeName(x) === typeName(y) && !Array.isArray(x) && !isDict(x)) {
    const xv = (x as { valueOf(): unknown }).valueOf();
    const yv = (y as { valueOf(): unknown }).valueOf();
    if (typeof xv === 'number' && typeof yv === 'number') return xv - yv;
  }
  throw new JinjaError(`'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}

/** One comparison `a op b` for op in == != < > <= >=. */
export function compare(a: unknown, op: string, b: unknown): boolean {
  switch (op) {
    case '==':
    case '===':
      return pyEq(a, b);
    case '!=':
    case '!==':
      return !pyEq(a, b);
    case '<':
      return order(a, b, op) < 0;
    case '>':
      return order(a, b, op) > 0;
    case '<=':
      return order(a, b, op) <= 0;
    case '>=':
      return order(a, b, op) >= 0;
    default:
      throw new JinjaError(`unknown comparison '${op}'`);
  }
}

/** A chain `a < b <= c`: every adjacent pair holds. */
export function compareChain(values: unknown[], ops: string[]): boolean {
  for (let i = 0; i < ops.length; i++) if (!compare(values[i], ops[i]!, values[i + 1])) return false;
  return true;
}

/** `item in container`: substring, list/tuple item, dict key or set member. */
export function contains(item: unknown, container: unknown): boolean {
  const c = plain(container);
  if (typeof c === 'string') {
    const i = plain(item);
    if (typeof i !== 'string') throw new JinjaError(`'in <string>' requires string as left operand, not ${typeName(item)}`);
    return c.includes(i);
  }
  if (Array.isArray(c)) return c.some((value) => pyEq(value, item));
  if (c instanceof Set) return c.has(plain(item));
  if (c instanceof Map) return c.has(plain(item));
  if (isDict(c)) return typeof plain(item) === 'string' && dictKeys(c).includes(plain(item) as string);
  if (c !== null && typeof c === 'object') return String(plain(item)) in c;
  throw new JinjaError(`argument of type '${typeName(container)}' is not iterable`);
}
