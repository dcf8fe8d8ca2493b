/**
 * Python's `json.dumps` over template values: `", "` and `": "` separators, non-ASCII escaped
 * as `\uXXXX`, integral floats with `.0`, optional sorted keys and indent.
 * Reference: docs.python.org/3/library/json.html#json.dumps
 */
import { JinjaError } from './errors.js';
import { dictKeys, floatRepr, isDict, plain, PyFloat, typeName } from './values.js';

/** Options of {@link pyJson}, as json.dumps' keywords. */
export interface JsonOptions {
  sortKeys?: boolean;
  indent?: number;
  /** json.dumps' ensure_ascii (default true). */
  ensureAscii?: boolean;
}

function quote(text: string, ascii: boolean): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (code < 0x20 || (ascii && code > 0x7e)) {
      const units = code > 0xffff ? [0xd800 + ((code - 0x10000) >> 10), 0xdc00 + ((code - 0x10000) & 0x3ff)] : [code];
      out += units.map((unit) => `\\u${unit.toString(16).padStart(4, '0')}`).join('');
    } else out += ch;
  }
  return `${out}"`;
}

/**
 * Serializes a value as Python's json.dumps would.
 * @throws JinjaError for values JSON cannot hold (functions, class instances without toJSON)
 */
export function pyJson(value: unknown, options: JsonOptions = {}, depth = 0): string {
  const ascii = options.ensureAscii ?? true;
  const indent = options.indent;
  const newline = (level: number): string => (indent === undefined ? '' : `\n${' '.repeat(indent * level)}`);
  if (value instanceof PyFloat) return floatRepr(value.value);
  const v = plain(value);
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'NaN';
    if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
    return Number.isInteger(v) ? String(v) : floatRepr(v);
  }
  if (typeof v === 'string') return quote(v, ascii);
  const itemSep = indent === undefined ? ', ' : ',';
  if (Array.isArray(v)) {
    if (!v.length) return '[]';
    return `[${v.map((item) => newline(depth + 1) + pyJson(item, options, depth + 1)).join(itemSep)}${newline(depth)}]`;
  }
  if (isDict(v)) {
    const keys = dictKeys(v);
    if (!keys.length) return '{}';
    if (options.sortKeys) keys.sort();
    return `{${keys.map((key) => `${newline(depth + 1)}${quote(key, ascii)}: ${pyJson(v[key], options, depth + 1)}`).join(itemSep)}${newline(depth)}}`;
  }
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return pyJson((v as { toJSON: () => unknown }).toJSON(), options, depth);
  if (v instanceof Date) return quote(v.toISOString(), ascii);
  throw new JinjaError(`Object of type ${typeName(value)} is not JSON serializable`);
}
