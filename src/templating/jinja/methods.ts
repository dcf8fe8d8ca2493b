/**
 * Attribute and item lookup with Python's rules (`runtime.memberLookup`): negative indexes,
 * slices with steps, and Python's str, list and dict methods, which win over JavaScript's
 * same-named ones (`split` with maxsplit, `replace` of every occurrence, `index` raising...).
 * Dicts give their own keys first, then their methods. Other objects (relations, context
 * helpers) keep their JavaScript members.
 * Reference: docs.python.org/3/library/stdtypes.html (str, list, dict methods).
 */
import { splitArgs } from './args.js';
import { JinjaError } from './errors.js';
import { formatSpec, strFormat } from './format.js';
import { compare } from './operators.js';
import { dictKeys, isDict, isTuple, plain, pyEq, pyRepr, pyStr, PyFloat, tuple, typeName } from './values.js';

type Method = (self: never, ...args: unknown[]) => unknown;

const WHITESPACE = ' \t\n\r\x0b\x0c';

function chars(value: unknown): string {
  return value === undefined || value === null ? WHITESPACE : pyStr(value);
}

function stripLeft(text: string, set: string): string {
  let i = 0;
  while (i < text.length && set.includes(text[i]!)) i++;
  return text.slice(i);
}

function stripRight(text: string, set: string): string {
  let i = text.length;
  while (i > 0 && set.includes(text[i - 1]!)) i--;
  return text.slice(0, i);
}

function str(value: unknown, what: string): string {
  const v = plain(value);
  if (typeof v !== 'string') throw new JinjaError(`${what} must be str, not ${typeName(value)}`);
  return v;
}

function int(value: unknown, fallback: number): number {
  const v = plain(value);
  return v === undefined || v === null ? fallback : Number(v);
}

/** Python's split: on runs of whitespace when `sep` is None, at most `maxsplit` times. */
function split(text: string, sep: unknown, maxsplit: number, fromRight: boolean): string[] {
  if (sep === undefined || sep === null) {
    const words: string[] = [];
    let rest = fromRight ? text.trimEnd() : text.trimStart();
    while (rest.length) {
      if (maxsplit >= 0 && words.length === maxsplit) {
        words.push(rest);
        break;
      }
      const match = fromRight ? /\s+(?=\S*$)/.exec(rest) : /\s+/.exec(rest);
      if (!match) {
        words.push(rest);
        break;
      }
      if (fromRight) {
        words.push(rest.slice(match.index + match[0].length));
        rest = rest.slice(0, match.index).trimEnd();
      } else {
        words.push(rest.slice(0, match.index));
        rest = rest.slice(match.index + match[0].length).trimStart();
      }
    }
    return fromRight ? words.reverse() : words;
  }
  const s = str(sep, 'separator');
  if (!s) throw new JinjaError('empty separator');
  const parts = text.split(s);
  if (maxsplit < 0 || parts.length - 1 <= maxsplit) return parts;
  if (fromRight) return [parts.slice(0, parts.length - maxsplit).join(s), ...parts.slice(parts.length - maxsplit)];
  return [...parts.slice(0, maxsplit), parts.slice(maxsplit).join(s)];
}

function startsOrEnds(text: string, prefix: unknown, start: unknown, end: unknown, atEnd: boolean): boolean {
  const from = int(start, 0);
  const to = int(end, text.length);
  const part = text.slice(from < 0 ? text.length + from : from, to < 0 ? text.length + to : to);
  const options = Array.isArray(plain(prefix)) ? (plain(prefix) as unknown[]) : [prefix];
  return options.some((option) => (atEnd ? part.endsWith(str(option, 'suffix')) : part.startsWith(str(option, 'prefix'))));
}

function find(text: string, sub: unknown, start: unknown, end: unknown, last: boolean): number {
  const from = Math.max(0, resolveIndex(int(start, 0), text.length));
  const to = end === undefined || end === null ? text.length : resolveIndex(int(end, text.length), text.length);
  const part = text.slice(0, to);
  const s = str(sub, 'substring');
  const at = last ? part.lastIndexOf(s) : part.indexOf(s, from);
  return at >= from && at + s.length <= to ? at : -1;
}

function resolveIndex(index: number, length: number): number {
  return index < 0 ? Math.max(0, length + index) : Math.min(index, length);
}

function titleCase(text: string): string {
  return text.toLowerCase().replace(/(^|[^A-Za-z])([a-z])/g, (_m, before: string, letter: string) => before + letter.toUpperCase());
}

function pad(text: string, width: unknown, fill: unknown, where: 'left' | 'right' | 'center'): string {
  const w = int(width, 0);
  const f = fill === undefined ? ' ' : str(fill, 'fill character');
  if (text.length >= w) return text;
  const total = w - text.length;
  if (where === 'right') return text + f.repeat(total);
  if (where === 'left') return f.repeat(total) + text;
  // Python puts the odd padding character on the left only when the width is odd too.
  const left = Math.floor(total / 2) + (total % 2 && w % 2 ? 1 : 0);
  return f.repeat(left) + text + f.repeat(total - left);
}

/** Python's str methods, by name. `self` is the string. */
export const STR_METHODS: Record<string, Method> = {
  upper: (s: string) => s.toUpperCase(),
  lower: (s: string) => s.toLowerCase(),
  casefold: (s: string) => s.toLowerCase(),
  swapcase: (s: string) => [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(''),
  title: (s: string) => titleCase(s),
  capitalize: (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1).toLowerCase() : s),
  strip: (s: string, set?: unknown) => stripRight(stripLeft(s, chars(set)), chars(set)),
  lstrip: (s: string, set?: unknown) => stripLeft(s, chars(set)),
  rstrip: (s: string, set?: unknown) => stripRight(s, chars(set)),
  split: (s: string, ...args: unknown[]) => {
    const { pos, kw } = splitArgs(args);
    return split(s, pos[0] ?? kw.sep, int(pos[1] ?? kw.maxsplit, -1), false);
  },
  rsplit: (s: string, ...args: unknown[]) => {
    const { pos, kw } = splitArgs(args);
    return split(s, pos[0] ?? kw.sep, int(pos[1] ?? kw.maxsplit, -1), true);
  },
  splitlines: (s: string, keepends?: unknown) => {
    const lines = s.match(/[^\r\n]*(\r\n|\r|\n)|[^\r\n]+$/g) ?? [];
    return keepends ? lines : lines.map((line) => line.replace(/(\r\n|\r|\n)$/, ''));
  },
  join: (s: string, items: unknown) => iterate(items).map((item) => str(item, 'sequence item')).join(s),
  replace: (s: string, old: unknown, value: unknown, count?: unknown) => {
    const o = str(old, 'replace() argument 1');
    const n = str(value, 'replace() argument 2');
    const max = int(count, -1);
    if (max < 0) return s.split(o).join(n);
    const parts = s.split(o);
    return parts.slice(0, max + 1).join(n) + (parts.length > max + 1 ? o + parts.slice(max + 1).join(o) : '');
  },
  startswith: (s: string, prefix: unknown, start?: unknown, end?: unknown) => startsOrEnds(s, prefix, start, end, false),
  endswith: (s: string, suffix: unknown, start?: unknown, end?: unknown) => startsOrEnds(s, suffix, start, end, true),
  find: (s: string, sub: unknown, start?: unknown, end?: unknown) => find(s, sub, start, end, false),
  rfind: (s: string, sub: unknown, start?: unknown, end?: unknown) => find(s, sub, start, end, true),
  index: (s: string, sub: unknown, start?: unknown, end?: unknown) => {
    const at = find(s, sub, start, end, false);
    if (at < 0) throw new JinjaError('ValueError: substring not found');
    return at;
  },
  rindex: (s: string, sub: unknown, start?: unknown, end?: unknown) => {
    const at = find(s, sub, start, end, true);
    if (at < 0) throw new JinjaError('ValueError: substring not found');
    return at;
  },
  count: (s: string, sub: unknown) => {
    const x = str(sub, 'substring');
    return x ? s.split(x).length - 1 : s.length + 1;
  },
  format: (s: string, ...args: unknown[]) => {
    const { pos, kw } = splitArgs(args);
    return strFormat(s, pos, kw);
  },
  format_map: (s: string, mapping: unknown) => strFormat(s, [], mapping as Record<string, unknown>),
  isdigit: (s: string) => /^[0-9]+$/.test(s),
  isdecimal: (s: string) => /^[0-9]+$/.test(s),
  isnumeric: (s: string) => /^\p{N}+$/u.test(s),
  isalpha: (s: string) => /^\p{L}+$/u.test(s),
  isalnum: (s: string) => /^[\p{L}\p{N}]+$/u.test(s),
  isspace: (s: string) => /^\s+$/.test(s),
  islower: (s: string) => /\p{Ll}/u.test(s) && s === s.toLowerCase(),
  isupper: (s: string) => /\p{Lu}/u.test(s) && s === s.toUpperCase(),
  istitle: (s: string) => /\p{L}/u.test(s) && s === titleCase(s),
  isidentifier: (s: string) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(s),
  zfill: (s: string, width: unknown) => {
    const sign = /^[-+]/.test(s) ? s[0]! : '';
    return sign + s.slice(sign.length).padStart(int(width, 0) - sign.length, '0');
  },
  ljust: (s: string, width: unknown, fill?: unknown) => pad(s, width, fill, 'right'),
  rjust: (s: string, width: unknown, fill?: unknown) => pad(s, width, fill, 'left'),
  center: (s: string, width: unknown, fill?: unknown) => pad(s, width, fill, 'center'),
  partition: (s: string, sep: unknown) => {
    const x = str(sep, 'separator');
    const at = s.indexOf(x);
    return tuple(at < 0 ? [s, '', ''] : [s.slice(0, at), x, s.slice(at + x.length)]);
  },
  rpartition: (s: string, sep: unknown) => {
    const x = str(sep, 'separator');
    const at = s.lastIndexOf(x);
    return tuple(at < 0 ? ['', '', s] : [s.slice(0, at), x, s.slice(at + x.length)]);
  },
  removeprefix: (s: string, prefix: unknown) => (s.startsWith(str(prefix, 'prefix')) ? s.slice(str(prefix, 'prefix').length) : s),
  removesuffix: (s: string, suffix: unknown) => {
    const x = str(suffix, 'suffix');
    return x && s.endsWith(x) ? s.slice(0, -x.length) : s;
  },
  expandtabs: (s: string, size?: unknown) => {
    const tab = int(size, 8);
    let column = 0;
    let out = '';
    for (const ch of s) {
      if (ch === '\t') {
        const spaces = tab > 0 ? tab - (column % tab) : 0;
        out += ' '.repeat(spaces);
        column += spaces;
      } else {
        out += ch;
        column = ch === '\n' || ch === '\r' ? 0 : column + 1;
      }
    }
    return out;
  },
  encode: (s: string) => s,
  __format__: (s: string, spec: unknown) => formatSpec(s, pyStr(spec)),
};

/** The items of an iterable as an array: a list/tuple, a str's characters, a dict's keys, a Set's members. */
export function iterate(value: unknown): unknown[] {
  const v = plain(value);
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return [...v];
  if (isDict(v)) return dictKeys(v);
  if (v instanceof Set || v instanceof Map) return [...v.keys()];
  if (v !== null && typeof v === 'object' && Symbol.iterator in v) return [...(v as Iterable<unknown>)];
  throw new JinjaError(`'${typeName(value)}' object is not iterable`);
}

function indexOf(list: unknown[], item: unknown): number {
  return list.findIndex((value) => pyEq(value, item));
}

function sortKey(key: unknown): (value: unknown) => unknown {
  return typeof key === 'function' ? (value) => (key as (v: unknown) => unknown)(value) : (value) => value;
}

/** Python's list methods, by name. `self` is the array (mutated in place where Python does). */
export const LIST_METHODS: Record<string, Method> = {
  append: (list: unknown[], item: unknown) => {
    list.push(item);
    return null;
  },
  extend: (list: unknown[], items: unknown) => {
    list.push(...iterate(items));
    return null;
  },
  insert: (list: unknown[], index: unknown, item: unknown) => {
    const i = int(index, 0);
    list.splice(i < 0 ? Math.max(0, list.length + i) : i, 0, item);
    return null;
  },
  pop: (list: unknown[], index?: unknown) => {
    if (!list.length) throw new JinjaError('IndexError: pop from empty list');
    const i = index === undefined ? list.length - 1 : int(index, 0);
    const at = i < 0 ? list.length + i : i;
    if (at < 0 || at >= list.length) throw new JinjaError('IndexError: pop index out of range');
    return list.splice(at, 1)[0];
  },
  remove: (list: unknown[], item: unknown) => {
    const at = indexOf(list, item);
    if (at < 0) throw new JinjaError(`ValueError: list.remove(x): ${pyRepr(item)} not in list`);
    list.splice(at, 1);
    return null;
  },
  index: (list: unknown[], item: unknown) => {
    const at = indexOf(list, item);
    if (at < 0) throw new JinjaError(`ValueError: ${pyRepr(item)} is not in list`);
    return at;
  },
  count: (list: unknown[], item: unknown) => list.filter((value) => pyEq(value, item)).length,
  sort: (list: unknown[], ...args: unknown[]) => {
    const { kw } = splitArgs(args);
    const key = sortKey(kw.key);
    list.sort((a, b) => (compare(key(a), '<', key(b)) ? -1 : compare(key(b), '<', key(a)) ? 1 : 0));
    if (kw.reverse) list.reverse();
    return null;
  },
  reverse: (list: unknown[]) => {
    list.reverse();
    return null;
  },
  copy: (list: unknown[]) => [...list],
  clear: (list: unknown[]) => {
    list.length = 0;
    return null;
  },
};

/** Python's tuple methods (the read-only list ones). */
const TUPLE_METHODS: Record<string, Method> = { index: LIST_METHODS.index!, count: LIST_METHODS.count! };

const MISSING = Symbol('missing');

/** Python's dict methods, by name. `self` is the plain object. */
export const DICT_METHODS: Record<string, Method> = {
  items: (d: Record<string, unknown>) => dictKeys(d).map((key) => tuple([key, d[key]])),
  keys: (d: Record<string, unknown>) => dictKeys(d),
  values: (d: Record<string, unknown>) => dictKeys(d).map((key) => d[key]),
  get: (d: Record<string, unknown>, key: unknown, fallback: unknown = null) => {
    const k = pyStr(key);
    return Object.prototype.hasOwnProperty.call(d, k) ? d[k] : fallback;
  },
  update: (d: Record<string, unknown>, ...args: unknown[]) => {
    const { pos, kw } = splitArgs(args);
    const other = plain(pos[0]);
    if (isDict(other)) for (const key of dictKeys(other)) d[key] = other[key];
    else if (Array.isArray(other)) for (const pair of other) d[pyStr((pair as unknown[])[0])] = (pair as unknown[])[1];
    Object.assign(d, kw);
    return null;
  },
  pop: (d: Record<string, unknown>, key: unknown, fallback: unknown = MISSING) => {
    const k = pyStr(key);
    if (!Object.prototype.hasOwnProperty.call(d, k)) {
      if (fallback === MISSING) throw new JinjaError(`KeyError: ${pyRepr(key)}`);
      return fallback;
    }
    const value = d[k];
    delete d[k];
    return value;
  },
  popitem: (d: Record<string, unknown>) => {
    const keys = dictKeys(d);
    if (!keys.length) throw new JinjaError("KeyError: 'popitem(): dictionary is empty'");
    const key = keys[keys.length - 1]!;
    const value = d[key];
    delete d[key];
    return tuple([key, value]);
  },
  setdefault: (d: Record<string, unknown>, key: unknown, fallback: unknown = null) => {
    const k = pyStr(key);
    if (!Object.prototype.hasOwnProperty.call(d, k)) d[k] = fallback;
    return d[k];
  },
  copy: (d: Record<string, unknown>) => Object.fromEntries(dictKeys(d).map((key) => [key, d[key]])),
  clear: (d: Record<string, unknown>) => {
    for (const key of dictKeys(d)) delete d[key];
    return null;
  },
};

function bound(method: Method, self: unknown): (...args: unknown[]) => unknown {
  return (...args: unknown[]) => method(self as never, ...args);
}

/** `seq[start:stop:step]` with Python's rules (negative bounds count from the end). */
export function slice(value: unknown, start: unknown, stop: unknown, step: unknown): unknown {
  const v = plain(value);
  if (v === undefined || v === null) return undefined;
  const seq = typeof v === 'string' ? [...v] : Array.isArray(v) ? v : iterate(v);
  const s = step === undefined || step === null ? 1 : Number(plain(step));
  if (s === 0) throw new JinjaError('ValueError: slice step cannot be zero');
  const n = seq.length;
  const clamp = (bound: unknown, fallback: number): number => {
    if (bound === undefined || bound === null) return fallback;
    let i = Number(plain(bound));
    if (i < 0) i += n;
    return s > 0 ? Math.min(Math.max(i, 0), n) : Math.min(Math.max(i, -1), n - 1);
  };
  const from = clamp(start, s > 0 ? 0 : n - 1);
  const to = clamp(stop, s > 0 ? n : -1);
  const out: unknown[] = [];
  for (let i = from; s > 0 ? i < to : i > to; i += s) out.push(seq[i]);
  if (typeof v === 'string') return out.join('');
  return isTuple(v) ? tuple(out) : out;
}

/**
 * `obj.name` / `obj[key]` as Jinja evaluates it on Python values.
 * @returns the member (methods bound to `obj`), or undefined (Jinja's Undefined) when there is none
 */
export function memberLookup(obj: unknown, key: unknown): unknown {
  if (obj === undefined || obj === null) return undefined;
  const target = plain(obj);
  const k = key instanceof PyFloat ? key.value : key;
  if (typeof target === 'string') {
    if (typeof k === 'number') return target[k < 0 ? target.length + k : k];
    return Object.prototype.hasOwnProperty.call(STR_METHODS, k as string) ? bound(STR_METHODS[k as string]!, target) : undefined;
  }
  if (Array.isArray(target)) {
    if (typeof k === 'number') return target[k < 0 ? target.length + k : k];
    // Named fields of tuples such as groupby's (grouper, list).
    if (k !== 'length' && Object.prototype.hasOwnProperty.call(target, k as string)) return (target as unknown as Record<string, unknown>)[k as string];
    const methods = isTuple(target) ? TUPLE_METHODS : LIST_METHODS;
    if (Object.prototype.hasOwnProperty.call(methods, k as string)) return bound(methods[k as string]!, target);
    return undefined;
  }
  if (isDict(target)) {
    const name = typeof k === 'string' ? k : pyStr(k);
    if (Object.prototype.hasOwnProperty.call(target, name)) {
      const value = target[name];
      return typeof value === 'function' ? value.bind(target) : value;
    }
    if (Object.prototype.hasOwnProperty.call(DICT_METHODS, name)) return bound(DICT_METHODS[name]!, target);
    return undefined;
  }
  if (target instanceof Map) return target.get(k);
  const value = (target as Record<string, unknown>)[k as string];
  if (typeof value === 'function') return (...args: unknown[]) => (value as (...a: unknown[]) => unknown).apply(target, args);
  return value;
}
