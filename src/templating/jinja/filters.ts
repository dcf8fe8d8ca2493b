/**
 * Jinja2's built-in filters with Python's semantics, replacing nunjucks' same-named ones.
 * Each takes the value and the filter's arguments (keywords as nunjucks' trailing object).
 * Reference: jinja.palletsprojects.com/en/3.1.x/templates/#list-of-builtin-filters
 */
import nunjucks from 'nunjucks';
import { bind, splitArgs } from './args.js';
import { JinjaError } from './errors.js';
import { pyJson } from './json.js';
import { DICT_METHODS, iterate, memberLookup, STR_METHODS } from './methods.js';
import { add, compare } from './operators.js';
import { percentFormat, toFixed } from './format.js';
import { dictKeys, isDict, plain, pyEq, pyFloat, pyRepr, pyStr, PyFloat, truthy, tuple, typeName } from './values.js';

type Filter = (this: FilterContext, value: unknown, ...args: unknown[]) => unknown;
interface FilterContext {
  env: { getFilter(name: string): Filter; tests: Record<string, (...args: unknown[]) => unknown> };
}

const SafeString = (nunjucks.runtime as unknown as { SafeString: new (value: string) => object }).SafeString;
const escapeHtml = (nunjucks.lib as unknown as { escape: (text: string) => string }).escape;

function fail(name: string): (message: string) => never {
  return (message: string) => {
    throw new JinjaError(`filter ${name}: ${message}`);
  };
}

function args(name: string, raw: unknown[], names: string[], defaults: Record<string, unknown> = {}): Record<string, unknown> {
  return bind(raw, names, defaults, fail(name));
}

/** `attribute` of Jinja's attribute filters: a dotted path (`a.b`, `items.0`) looked up item-first. */
function getter(attribute: unknown, fallback?: unknown): (item: unknown) => unknown {
  if (attribute === undefined || attribute === null) return (item) => item;
  const parts = typeof attribute === 'number' ? [attribute] : String(attribute).split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  return (item) => {
    let value = item;
    for (const part of parts) value = memberLookup(value, part);
    return value === undefined ? fallback : value;
  };
}

function lowerIfText(value: unknown, caseSensitive: unknown): unknown {
  const v = plain(value);
  return !caseSensitive && typeof v === 'string' ? v.toLowerCase() : value;
}

function sortItems(items: unknown[], key: (value: unknown) => unknown, reverse: unknown): unknown[] {
  const sorted = [...items].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return compare(x, '<', y) ? -1 : compare(y, '<', x) ? 1 : 0;
  });
  return reverse ? sorted.reverse() : sorted;
}

/** A test or filter given by name to select/reject/map. */
function callByName(context: FilterContext, kind: 'test' | 'filter', name: unknown, value: unknown, rest: unknown[]): unknown {
  if (kind === 'filter') return context.env.getFilter(String(name)).call(context, value, ...rest);
  const test = context.env.tests[String(name)];
  if (!test) throw new JinjaError(`No test named '${pyStr(name)}'`);
  return test.call(context, value, ...rest);
}

function selectOrReject(context: FilterContext, value: unknown, rest: unknown[], keep: boolean, byAttribute: boolean): unknown[] {
  const items = iterate(value ?? []);
  let read = (item: unknown) => item;
  let testArgs = rest;
  if (byAttribute) {
    read = getter(rest[0]);
    testArgs = rest.slice(1);
  }
  const [testName, ...more] = testArgs;
  const check = testName === undefined ? (item: unknown) => truthy(item) : (item: unknown) => truthy(callByName(context, 'test', testName, item, more));
  return items.filter((item) => check(read(item)) === keep);
}

function wordwrap(text: string, width: number, breakLong: boolean, wrapstring: string): string {
  const lines: string[] = [];
  for (const paragraph of text.split(/\r?\n/)) {
    let line = '';
    for (let word of paragraph.split(/\s+/).filter(Boolean)) {
      while (breakLong && word.length > width) {
        if (line) {
          lines.push(line);
          line = '';
        }
        lines.push(word.slice(0, width));
        word = word.slice(width);
      }
      if (!line) line = word;
      else if (line.length + 1 + word.length <= width) line += ` ${word}`;
      else {
        lines.push(line);
        line = word;
      }
    }
    lines.push(line);
  }
  return lines.join(wrapstring);
}

function toInt(value: unknown, fallback: unknown, base: number): unknown {
  const v = plain(value);
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : fallback;
  if (typeof v === 'boolean') return Number(v);
  if (typeof v === 'string') {
    const text = v.trim().replace(/_/g, '');
    if (base === 10 && /^[-+]?\d+$/.test(text)) return Number(text);
    if (base !== 10) {
      const parsed = parseInt(text.replace(/^0[xob]/i, ''), base);
      return Number.isNaN(parsed) ? fallback : parsed;
    }
    // Jinja's int filter also accepts '0x1A'-style prefixes and float text ('3.7' -> 3).
    if (/^[-+]?0[xX][0-9a-fA-F]+$/.test(text)) return parseInt(text, 16);
    const float = Number(text);
    return text !== '' && !Number.isNaN(float) ? Math.trunc(float) : fallback;
  }
  return fallback;
}

function toFloat(value: unknown, fallback: unknown): unknown {
  const v = plain(value);
  if (typeof v === 'number' || typeof v === 'boolean') return pyFloat(Number(v));
  if (typeof v === 'string') {
    const text = v.trim().toLowerCase();
    if (text === 'nan') return NaN;
    if (text === 'inf' || text === 'infinity') return Infinity;
    if (text === '-inf' || text === '-infinity') return -Infinity;
    const parsed = Number(text);
    return text !== '' && !Number.isNaN(parsed) ? pyFloat(parsed) : fallback;
  }
  return fallback;
}

function urlQuote(value: unknown): string {
  return encodeURIComponent(pyStr(value)).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%2F/g, '/');
}

/** Jinja2's built-in filters, by name. */
export const FILTERS: Record<string, Filter> = {
  abs(value) {
    const v = plain(value);
    if (typeof v !== 'number' && typeof v !== 'boolean') throw new JinjaError(`bad operand type for abs(): '${typeName(value)}'`);
    return value instanceof PyFloat ? pyFloat(Math.abs(v as number)) : Math.abs(Number(v));
  },
  attr(value, name) {
    // An attribute only, never an item: a dict's keys are not attributes.
    const v = plain(value);
    const key = String(name);
    if (isDict(v)) return Object.prototype.hasOwnProperty.call(DICT_METHODS, key) ? (...a: unknown[]) => DICT_METHODS[key]!(v as never, ...a) : undefined;
    return memberLookup(value, name);
  },
  batch(value, ...rest) {
    const { linecount, fill_with } = args('batch', rest, ['linecount', 'fill_with'], { fill_with: undefined });
    const size = Number(plain(linecount));
    const out: unknown[][] = [];
    for (const item of iterate(value)) {
      if (!out.length || out[out.length - 1]!.length === size) out.push([]);
      out[out.length - 1]!.push(item);
    }
    if (fill_with !== undefined && out.length) while (out[out.length - 1]!.length < size) out[out.length - 1]!.push(fill_with);
    return out;
  },
  capitalize: (value) => STR_METHODS.capitalize!(pyStr(value) as never),
  center(value, ...rest) {
    const { width } = args('center', rest, ['width'], { width: 80 });
    return STR_METHODS.center!(pyStr(value) as never, width);
  },
  default(value, ...rest) {
    const { default_value, boolean } = args('default', rest, ['default_value', 'boolean'], { default_value: '', boolean: false });
    return value === undefined || (boolean && !truthy(value)) ? default_value : value;
  },
  dictsort(value, ...rest) {
    const { case_sensitive, by, reverse } = args('dictsort', rest, ['case_sensitive', 'by', 'reverse'], { case_sensitive: false, by: 'key', reverse: false });
    const v = plain(value);
    if (!isDict(v)) throw new JinjaError('filter dictsort: a dict is required');
    const pos = by === 'value' ? 1 : by === 'key' ? 0 : fail('dictsort')("You can only sort by either 'key' or 'value'");
    const items = dictKeys(v).map((key) => tuple([key, v[key]]));
    return sortItems(items, (item) => lowerIfText((item as unknown[])[pos], case_sensitive), reverse);
  },
  escape: (value) => (value instanceof SafeString ? value : new SafeString(escapeHtml(pyStr(value)))),
  filesizeformat(value, ...rest) {
    const { binary } = args('filesizeformat', rest, ['binary'], { binary: false });
    const bytes = Number(plain(value));
    const base = binary ? 1024 : 1000;
    const units = binary ? ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'] : ['kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
    if (bytes === 1) return '1 Byte';
    if (bytes < base) return `${bytes} Bytes`;
    let unit = 0;
    while (unit < units.length - 1 && bytes >= base ** (unit + 2)) unit++;
    return `${(bytes / base ** (unit + 1)).toFixed(1)} ${units[unit]}`;
  },
  first(value) {
    const items = iterate(value);
    return items.length ? items[0] : undefined;
  },
  float(value, ...rest) {
    const { default: fallback } = args('float', rest, ['default'], { default: pyFloat(0) });
    return toFloat(value, fallback);
  },
  forceescape: (value) => new SafeString(escapeHtml(pyStr(value))),
  format(value, ...rest) {
    const { pos, kw } = splitArgs(rest);
    if (pos.length && dictKeys(kw).length) throw new JinjaError("filter format: can't handle positional and keyword arguments at the same time");
    return percentFormat(pyStr(value), dictKeys(kw).length ? kw : tuple(pos));
  },
  groupby(value, ...rest) {
    const { attribute, default: fallback, case_sensitive } = args('groupby', rest, ['attribute', 'default', 'case_sensitive'], { default: undefined, case_sensitive: false });
    const read = getter(attribute, fallback);
    const groups: { grouper: unknown; list: unknown[] }[] = [];
    for (const item of sortItems(iterate(value), (item) => lowerIfText(read(item), case_sensitive), false)) {
      const key = read(item);
      const last = groups[groups.length - 1];
      if (last && pyEq(lowerIfText(last.grouper, case_sensitive), lowerIfText(key, case_sensitive))) last.list.push(item);
      else groups.push({ grouper: key, list: [item] });
    }
    // Each group is a (grouper, list) tuple with those two names as attributes.
    return groups.map((group) => Object.assign(tuple([group.grouper, group.list]), group));
  },
  indent(value, ...rest) {
    const { width, first, blank } = args('indent', rest, ['width', 'first', 'blank'], { width: 4, first: false, blank: false });
    const pad = typeof plain(width) === 'string' ? (plain(width) as string) : ' '.repeat(Number(plain(width)));
    const lines = pyStr(value).split('\n');
    return lines.map((line, i) => ((i === 0 && !first) || (!blank && line.trim() === '') ? line : pad + line)).join('\n');
  },
  int(value, ...rest) {
    const { default: fallback, base } = args('int', rest, ['default', 'base'], { default: 0, base: 10 });
    return toInt(value, fallback, Number(plain(base)));
  },
  items(value) {
    if (value === undefined) return [];
    const v = plain(value);
    if (!isDict(v)) throw new JinjaError(`filter items: can only get item pairs from a mapping, not ${typeName(value)}`);
    return dictKeys(v).map((key) => tuple([key, v[key]]));
  },
  join(value, ...rest) {
    const { d, attribute } = args('join', rest, ['d', 'attribute'], { d: '', attribute: undefined });
    return iterate(value ?? []).map(getter(attribute)).map(pyStr).join(pyStr(d));
  },
  last(value) {
    const items = iterate(value);
    return items.length ? items[items.length - 1] : undefined;
  },
  length(value) {
    const v = plain(value);
    if (v === undefined) return 0;
    if (typeof v === 'string' || Array.isArray(v)) return v.length;
    if (isDict(v)) return dictKeys(v).length;
    if (v instanceof Set || v instanceof Map) return v.size;
    throw new JinjaError(`object of type '${typeName(value)}' has no len()`);
  },
  list(value) {
    return [...iterate(value)];
  },
  lower: (value) => pyStr(value).toLowerCase(),
  map(value, ...rest) {
    const { pos, kw } = splitArgs(rest);
    const items = iterate(value ?? []);
    if (kw.attribute !== undefined || (!pos.length && dictKeys(kw).length)) return items.map(getter(kw.attribute, kw.default));
    if (!pos.length) throw new JinjaError('filter map: give a filter name or attribute=');
    const [name, ...more] = pos;
    const extra = dictKeys(kw).length ? [...more, { ...kw, __keywords: true }] : more;
    return items.map((item) => callByName(this, 'filter', name, item, extra));
  },
  max(value, ...rest) {
    const { case_sensitive, attribute } = args('max', rest, ['case_sensitive', 'attribute'], { case_sensitive: false });
    const items = iterate(value);
    if (!items.length) return undefined;
    const read = getter(attribute);
    return items.reduce((best, item) => (compare(lowerIfText(read(item), case_sensitive), '>', lowerIfText(read(best), case_sensitive)) ? item : best));
  },
  min(value, ...rest) {
    const { case_sensitive, attribute } = args('min', rest, ['case_sensitive', 'attribute'], { case_sensitive: false });
    const items = iterate(value);
    if (!items.length) return undefined;
    const read = getter(attribute);
    return items.reduce((best, item) => (compare(lowerIfText(read(item), case_sensitive), '<', lowerIfText(read(best), case_sensitive)) ? item : best));
  },
  pprint: (value) => pyRepr(value),
  random(value) {
    const items = iterate(value);
    return items[Math.floor(Math.random() * items.length)];
  },
  reject(value, ...rest) {
    return selectOrReject(this, value, rest, false, false);
  },
  rejectattr(value, ...rest) {
    return selectOrReject(this, value, rest, false, true);
  },
  replace(value, ...rest) {
    const { old, new: replacement, count } = args('replace', rest, ['old', 'new', 'count'], { count: undefined });
    return STR_METHODS.replace!(pyStr(value) as never, pyStr(old), pyStr(replacement), count ?? -1);
  },
  reverse(value) {
    const v = plain(value);
    if (typeof v === 'string') return [...v].reverse().join('');
    return [...iterate(value)].reverse();
  },
  round(value, ...rest) {
    const { precision, method } = args('round', rest, ['precision', 'method'], { precision: 0, method: 'common' });
    const n = Number(plain(value));
    const p = Number(plain(precision));
    const factor = 10 ** p;
    if (method === 'ceil') return pyFloat(Math.ceil(n * factor) / factor);
    if (method === 'floor') return pyFloat(Math.floor(n * factor) / factor);
    if (method !== 'common') throw new JinjaError('filter round: method must be common, ceil or floor');
    // Python's round(): the nearest value to the float's exact binary value, ties to even.
    if (p === 0 && Math.abs(n % 1) === 0.5) return pyFloat(2 * Math.round(n / 2));
    if (p < 0) {
      const unit = 10 ** -p;
      const scaled = n / unit;
      const whole = Math.abs(scaled % 1) === 0.5 ? 2 * Math.round(scaled / 2) : Math.round(scaled);
      return pyFloat(whole * unit);
    }
    return pyFloat(Number(toFixed(n, Math.max(0, Math.min(60, p)))));
  },
  safe: (value) => (value instanceof SafeString ? value : new SafeString(pyStr(value))),
  select(value, ...rest) {
    return selectOrReject(this, value, rest, true, false);
  },
  selectattr(value, ...rest) {
    return selectOrReject(this, value, rest, true, true);
  },
  slice(value, ...rest) {
    const { slices, fill_with } = args('slice', rest, ['slices', 'fill_with'], { fill_with: undefined });
    const items = iterate(value);
    const count = Number(plain(slices));
    const per = Math.floor(items.length / count);
    const extra = items.length % count;
    const out: unknown[][] = [];
    let offset = 0;
    for (let i = 0; i < count; i++) {
      const size = per + (i < extra ? 1 : 0);
      const part = items.slice(offset, offset + size);
      offset += size;
      if (fill_with !== undefined && i >= extra && extra > 0) part.push(fill_with);
      out.push(part);
    }
    return out;
  },
  sort(value, ...rest) {
    const { reverse, case_sensitive, attribute } = args('sort', rest, ['reverse', 'case_sensitive', 'attribute'], { reverse: false, case_sensitive: false });
    // attribute='city,age' sorts by several attributes in turn.
    const reads = typeof attribute === 'string' && attribute.includes(',') ? attribute.split(',').map((part) => getter(part.trim())) : [getter(attribute)];
    const key = (item: unknown) => (reads.length === 1 ? lowerIfText(reads[0]!(item), case_sensitive) : tuple(reads.map((read) => lowerIfText(read(item), case_sensitive))));
    return sortItems(iterate(value), key, reverse);
  },
  string: (value) => pyStr(value),
  striptags(value) {
    return pyStr(value)
      .replace(/<!--[\s\S]*?-->|<[^>]*>/g, '')
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&');
  },
  sum(value, ...rest) {
    const { attribute, start } = args('sum', rest, ['attribute', 'start'], { start: 0 });
    return iterate(value).map(getter(attribute)).reduce((total, item) => add(total, item), start);
  },
  // Jinja's title capitalizes words split at whitespace, hyphens and opening brackets (not str.title()).
  title: (value) =>
    pyStr(value)
      .split(/([-\s({[<]+)/)
      .filter(Boolean)
      .map((part) => part[0]!.toUpperCase() + part.slice(1).toLowerCase())
      .join(''),
  tojson(value, ...rest) {
    const { indent } = args('tojson', rest, ['indent'], { indent: null });
    // Jinja's tojson sorts keys and escapes <, >, & and ' for HTML.
    const json = pyJson(value, { sortKeys: true, indent: indent === null || indent === undefined ? undefined : Number(plain(indent)) });
    return new SafeString(json.replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/'/g, '\\u0027'));
  },
  trim(value, ...rest) {
    const { chars } = args('trim', rest, ['chars'], { chars: null });
    return STR_METHODS.strip!(pyStr(value) as never, chars);
  },
  truncate(value, ...rest) {
    const { length, killwords, end, leeway } = args('truncate', rest, ['length', 'killwords', 'end', 'leeway'], { length: 255, killwords: false, end: '...', leeway: 5 });
    const text = pyStr(value);
    const max = Number(plain(length));
    const tail = pyStr(end);
    if (text.length <= max + Number(plain(leeway))) return text;
    if (killwords) return text.slice(0, max - tail.length) + tail;
    const cut = text.slice(0, max - tail.length);
    const space = cut.lastIndexOf(' ');
    return (space >= 0 ? cut.slice(0, space) : cut) + tail;
  },
  unique(value, ...rest) {
    const { case_sensitive, attribute } = args('unique', rest, ['case_sensitive', 'attribute'], { case_sensitive: false });
    const read = getter(attribute);
    const seen: unknown[] = [];
    const out: unknown[] = [];
    for (const item of iterate(value)) {
      const key = lowerIfText(read(item), case_sensitive);
      if (!seen.some((other) => pyEq(other, key))) {
        seen.push(key);
        out.push(item);
      }
    }
    return out;
  },
  upper: (value) => pyStr(value).toUpperCase(),
  urlencode(value) {
    const v = plain(value);
    if (typeof v === 'string') return urlQuote(v);
    const pairs = isDict(v) ? dictKeys(v).map((key) => [key, v[key]] as const) : iterate(value).map((pair) => [(pair as unknown[])[0], (pair as unknown[])[1]] as const);
    // Query-string quoting: nothing kept safe, spaces as '+'.
    const q = (part: unknown) => urlQuote(part).replace(/\//g, '%2F').replace(/%20/g, '+');
    return pairs.map(([key, item]) => `${q(key)}=${q(item)}`).join('&');
  },
  urlize(value) {
    return pyStr(value).replace(/\b(https?:\/\/[^\s<]+[^\s<.,:;"')\]])/g, '<a href="$1" rel="noopener">$1</a>');
  },
  wordcount: (value) => (pyStr(value).match(/\w+/g) ?? []).length,
  wordwrap(value, ...rest) {
    const { width, break_long_words, wrapstring } = args('wordwrap', rest, ['width', 'break_long_words', 'wrapstring', 'break_on_hyphens'], {
      width: 79,
      break_long_words: true,
      wrapstring: '\n',
    });
    return wordwrap(pyStr(value), Number(plain(width)), truthy(break_long_words), pyStr(wrapstring));
  },
  xmlattr(value, ...rest) {
    const { autospace } = args('xmlattr', rest, ['autospace'], { autospace: true });
    const v = plain(value) as Record<string, unknown>;
    const parts = dictKeys(v)
      .filter((key) => v[key] !== undefined && v[key] !== null)
      .map((key) => `${key}="${escapeHtml(pyStr(v[key]))}"`);
    const text = parts.join(' ');
    return new SafeString(text && autospace ? ` ${text}` : text);
  },
};

// dbt's filters for native rendering; when rendering text (models, macros) they pass the value through
// (github.com/dbt-labs/dbt-common, dbt_common/clients/jinja.py TEXT_FILTERS).
for (const name of ['as_text', 'as_bool', 'as_native', 'as_number']) FILTERS[name] = (value) => value;

FILTERS.d = FILTERS.default!;
FILTERS.e = FILTERS.escape!;
FILTERS.count = FILTERS.length!;

