/**
 * Python's string formatting: `'%s-%d' % (a, b)` (printf-style) and `'{}-{:>4}'.format(a, b)`
 * (the format-spec mini-language).
 * Reference: docs.python.org/3/library/stdtypes.html#printf-style-string-formatting and
 * docs.python.org/3/library/string.html#formatstrings
 */
import { JinjaError } from './errors.js';
import { floatRepr, isDict, isTuple, plain, pyRepr, pyStr, PyFloat } from './values.js';

/**
 * `n.toFixed(digits)` with Python's rounding: JavaScript rounds an exact tie (2.25 to one digit)
 * up, Python to the even digit (2.2).
 */
export function toFixed(n: number, digits: number): string {
  const text = n.toFixed(digits);
  if (!Number.isFinite(n) || digits > 60) return text;
  const exact = Math.abs(n).toFixed(Math.min(100, digits + 40));
  const rest = exact.slice(exact.length - 40);
  if (!/^50*$/.test(rest)) return text;
  // An exact tie: keep the truncated digits when their last one is even.
  const truncated = exact.slice(0, exact.length - 40).replace(/\.$/, '');
  const last = Number(truncated.replace('.', '').slice(-1));
  return last % 2 === 0 ? (n < 0 ? '-' : '') + truncated : text;
}

function toNumber(value: unknown, spec: string): number {
  const v = plain(value);
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return Number(v);
  throw new JinjaError(`%${spec} format: a real number is required, not ${pyRepr(value)}`);
}

/** Python's `%e` exponent: at least two digits. */
function exponential(n: number, precision: number): string {
  const [mantissa, exp] = n.toExponential(precision).split('e');
  const e = Number(exp);
  return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

/** Python's `%g`: fixed or exponent by magnitude, trailing zeros dropped unless `alt`. */
function general(n: number, precision: number, alt: boolean): string {
  const p = precision === 0 ? 1 : precision;
  if (n === 0) return alt ? (0).toFixed(p - 1) : '0';
  const exp = Math.floor(Math.log10(Math.abs(Number(n.toPrecision(p)))));
  let text = exp < -4 || exp >= p ? exponential(n, p - 1) : n.toFixed(Math.max(0, p - 1 - exp));
  if (!alt) text = text.replace(/\.?0+(e|$)/, '$1').replace(/(\.\d*?)0+(e|$)/, '$1$2');
  return text;
}

/** Formats a number for conversion type `type` (d i f F e E g G x X o %) with a precision. */
function formatNumber(value: unknown, type: string, precision: number | undefined, alt: boolean): string {
  const n = toNumber(value, type);
  switch (type) {
    case 'd':
    case 'i':
    case 'u':
      return String(Math.trunc(n));
    case 'f':
    case 'F':
      return Number.isFinite(n) ? toFixed(n, precision ?? 6) : floatRepr(n);
    case 'e':
    case 'E': {
      const text = exponential(n, precision ?? 6);
      return type === 'E' ? text.toUpperCase() : text;
    }
    case 'g':
    case 'G': {
      const text = general(n, precision ?? 6, alt);
      return type === 'G' ? text.toUpperCase() : text;
    }
    case 'x':
    case 'X': {
      const text = (alt ? '0x' : '') + Math.trunc(Math.abs(n)).toString(16);
      return (n < 0 ? '-' : '') + (type === 'X' ? text.toUpperCase() : text);
    }
    case 'o':
      return (n < 0 ? '-' : '') + (alt ? '0o' : '') + Math.trunc(Math.abs(n)).toString(8);
    case '%':
      return `${toFixed(n * 100, precision ?? 6)}%`;
    default:
      throw new JinjaError(`unsupported format character '${type}'`);
  }
}

const PRINTF = /%(?:\(([^)]*)\))?([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])/g;

/**
 * Python's `format % values`.
 * @param values one value, a tuple/list of values, or a dict for `%(name)s` keys
 * @throws JinjaError for too few/many arguments or an unknown conversion
 */
export function percentFormat(format: string, values: unknown): string {
  const raw = plain(values);
  const list = Array.isArray(raw) && isTuple(raw) ? raw : [values];
  let next = 0;
  const take = (): unknown => {
    if (next >= list.length) throw new JinjaError('not enough arguments for format string');
    return list[next++];
  };
  let usedMapping = false;
  const out = format.replace(PRINTF, (_all, key: string | undefined, flags: string, width: string | undefined, precision: string | undefined, type: string) => {
    if (type === '%' && key === undefined && !flags && !width && precision === undefined) return '%';
    const w = width === '*' ? Number(take()) : width ? Number(width) : 0;
    const p = precision === '*' ? Number(take()) : precision !== undefined ? Number(precision) : undefined;
    let value: unknown;
    if (key !== undefined) {
      if (!isDict(raw)) throw new JinjaError('format requires a mapping');
      usedMapping = true;
      value = raw[key];
    } else value = take();
    let text: string;
    if (type === 's') text = pyStr(value);
    else if (type === 'r' || type === 'a') text = pyRepr(value);
    else if (type === 'c') text = typeof plain(value) === 'number' ? String.fromCodePoint(Number(plain(value))) : pyStr(value);
    else {
      text = formatNumber(value, type, p, flags.includes('#'));
      if (!text.startsWith('-')) {
        if (flags.includes('+')) text = `+${text}`;
        else if (flags.includes(' ')) text = ` ${text}`;
      }
    }
    if ((type === 's' || type === 'r' || type === 'a') && p !== undefined) text = text.slice(0, p);
    if (text.length < w) {
      if (flags.includes('-')) text = text.padEnd(w);
      else if (flags.includes('0') && type !== 's' && type !== 'r') {
        const sign = /^[-+ ]/.test(text) ? text[0] : '';
        text = sign + text.slice(sign.length).padStart(w - sign.length, '0');
      } else text = text.padStart(w);
    }
    return text;
  });
  if (!usedMapping && next < list.length && !(list.length === 1 && isDict(raw))) {
    throw new JinjaError('not all arguments converted during string formatting');
  }
  return out;
}

const SPEC = /^(?:(.)?([<>=^]))?([-+ ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/;

/** Applies a format spec (`>10`, `.2f`, `,d`, `05d`...) to one value, as `format(value, spec)`. */
export function formatSpec(value: unknown, spec: string): string {
  const match = SPEC.exec(spec);
  if (!match) throw new JinjaError(`Invalid format specifier '${spec}'`);
  const [, fillChar, alignChar, sign, alt, zero, width, grouping, precision, type] = match;
  const v = plain(value);
  const numeric = typeof v === 'number' || typeof v === 'boolean';
  let text: string;
  if (type === 's' || (!type && !numeric)) {
    text = pyStr(value);
    if (precision !== undefined) text = text.slice(0, Number(precision));
  } else if (type === 'b') text = Math.trunc(toNumber(value, 'b')).toString(2);
  else if (type === 'c') text = String.fromCodePoint(toNumber(value, 'c'));
  else if (!type) {
    const n = toNumber(value, '');
    text = precision !== undefined ? general(n, Number(precision), false) : value instanceof PyFloat || !Number.isInteger(n) ? floatRepr(n) : String(n);
  } else text = formatNumber(value, type === 'n' ? 'g' : type, precision !== undefined ? Number(precision) : undefined, Boolean(alt));
  if (numeric || type) {
    if (grouping) text = text.replace(/^(-?)(\d+)/, (_m, s: string, digits: string) => s + digits.replace(/\B(?=(\d{3})+(?!\d))/g, grouping));
    if (!text.startsWith('-')) {
      if (sign === '+') text = `+${text}`;
      else if (sign === ' ') text = ` ${text}`;
    }
  }
  const w = width ? Number(width) : 0;
  const fill = fillChar ?? (zero && !alignChar ? '0' : ' ');
  const align = alignChar ?? (zero ? '=' : numeric && type !== 's' ? '>' : '<');
  if (text.length >= w) return text;
  const pad = w - text.length;
  if (align === '<') return text + fill.repeat(pad);
  if (align === '>') return fill.repeat(pad) + text;
  if (align === '^') return fill.repeat(Math.floor(pad / 2)) + text + fill.repeat(pad - Math.floor(pad / 2));
  const signPart = /^[-+ ]/.test(text) ? text[0] : '';
  return signPart + fill.repeat(pad) + text.slice(signPart.length);
}

/**
 * Python's `str.format(*args, **kwargs)`: `{}`, `{0}`, `{name}`, `{0[key]}`, `{x.attr}`,
 * conversions `!r`/`!s` and format specs; `{{` and `}}` are literal braces.
 */
export function strFormat(format: string, args: unknown[], kwargs: Record<string, unknown>): string {
  let auto = 0;
  return format.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (all, field: string | undefined) => {
    if (all === '{{') return '{';
    if (all === '}}') return '}';
    const body = field ?? '';
    const colon = body.indexOf(':');
    const head = colon < 0 ? body : body.slice(0, colon);
    const spec = colon < 0 ? '' : body.slice(colon + 1);
    const bang = head.indexOf('!');
    const ref = bang < 0 ? head : head.slice(0, bang);
    const conversion = bang < 0 ? '' : head.slice(bang + 1);
    const parts = ref.match(/^[^.[]*|\.[^.[]+|\[[^\]]*\]/g) ?? [''];
    const first = parts[0] ?? '';
    let value: unknown;
    if (first === '') value = args[auto++];
    else if (/^\d+$/.test(first)) value = args[Number(first)];
    else {
      if (!Object.prototype.hasOwnProperty.call(kwargs, first)) throw new JinjaError(`KeyError: '${first}' in format string`);
      value = kwargs[first];
    }
    for (const part of parts.slice(1)) {
      const key = part.startsWith('.') ? part.slice(1) : part.slice(1, -1);
      const container = plain(value) as Record<string, unknown>;
      value = Array.isArray(container) && /^\d+$/.test(key) ? container[Number(key)] : container?.[key];
    }
    if (value === undefined && first === '' && auto > args.length) throw new JinjaError('Replacement index out of range for positional args tuple');
    const converted = conversion === 'r' ? pyRepr(value) : conversion === 's' ? pyStr(value) : value;
    return formatSpec(converted, spec);
  });
}
