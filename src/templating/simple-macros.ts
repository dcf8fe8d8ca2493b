import { splitArgs } from './jinja/args.js';
import { parseSimpleTemplate, renderSimple, type SimpleTemplate } from './simple-template.js';

/**
 * A macro whose body is plain text with `{{ parameter }}` tags only (dbt's `unique` / `not_null`
 * tests, and macros like `{% macro cents(column) %}({{ column }} / 100){% endmacro %}`): such a
 * macro can be called without running its file in nunjucks, which costs a context and frame per
 * render (the largest part of rendering a generic test at thousands of tests).
 */
export interface SimpleMacro {
  /** Parameters in declaration order. */
  params: string[];
  /** Literal defaults of the parameters that declare one. */
  defaults: Map<string, unknown>;
  /** The body, after the macro tags' whitespace control. */
  body: SimpleTemplate;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A macro block: `{%- macro name(params) -%}body{%- endmacro -%}` (the dashes optional). */
const MACRO_BLOCK = /\{%-?\s*macro\s+([A-Za-z_]\w*)\s*\(([^()]*)\)\s*(-?)%\}([\s\S]*?)\{%(-?)\s*endmacro\s*-?%\}/g;

/** A parameter's default when it is a literal (a string without escapes, a number, True/False/None). */
function literal(text: string): { value: unknown } | undefined {
  const template = parseSimpleTemplate(`{{ ${text} }}`);
  const expr = template?.exprs[0];
  if (!template || template.exprs.length !== 1 || template.texts.some((t) => t !== '') || expr?.kind !== 'literal') return undefined;
  return { value: expr.value };
}

function simpleMacro(params: string, trimStart: boolean, body: string, trimEnd: boolean): SimpleMacro | undefined {
  const names: string[] = [];
  const defaults = new Map<string, unknown>();
  for (const part of params.split(',')) {
    if (!part.trim()) {
      if (params.trim()) return undefined;
      continue;
    }
    const equals = part.indexOf('=');
    const name = (equals < 0 ? part : part.slice(0, equals)).trim();
    if (!IDENT.test(name) || name === 'caller' || name === 'varargs' || name === 'kwargs' || names.includes(name)) return undefined;
    if (equals >= 0) {
      const value = literal(part.slice(equals + 1).trim());
      if (!value) return undefined;
      defaults.set(name, value.value);
    } else if (defaults.size) {
      return undefined; // a parameter without default after one with: nunjucks' error, left to it
    }
    names.push(name);
  }
  // nunjucks' whitespace control: `-%}` strips the whitespace after the tag, `{%-` the whitespace before it.
  let text = trimStart ? body.replace(/^\s+/, '') : body;
  if (trimEnd) text = text.replace(/\s+$/, '');
  const template = parseSimpleTemplate(text);
  if (!template || template.called.size) return undefined;
  for (const name of template.names) if (!names.includes(name)) return undefined;
  return { params: names, defaults, body: template };
}

/**
 * The simple macros of a macro file (see {@link SimpleMacro}), by name. A file with anything but
 * macro blocks and plain text at its top level (`{% set %}`, `{% import %}`, `{{ }}`, comments)
 * has none: what its top level defines could be visible inside its macros.
 * @param contents the file's text as nunjucks compiles it (test blocks already turned into macros)
 */
export function simpleMacros(contents: string): Map<string, SimpleMacro> {
  const found = new Map<string, SimpleMacro>();
  let outside = '';
  let from = 0;
  for (const match of contents.matchAll(MACRO_BLOCK)) {
    outside += contents.slice(from, match.index);
    from = match.index + match[0].length;
    const [, name, params, trimStart, body, trimEnd] = match;
    if (name.startsWith('_')) continue;
    const macro = simpleMacro(params, trimStart === '-', body, trimEnd === '-');
    if (macro) found.set(name, macro);
  }
  outside += contents.slice(from);
  if (/\{[{%#]/.test(outside)) return new Map();
  return found;
}

/**
 * Calls a simple macro as dops' nunjucks macros do (jinja/macros.ts): arguments bind by position,
 * then by name, else the literal default; the result is the rendered body as a plain string.
 * @returns undefined when nunjucks must make the call: a parameter left without a value (nunjucks
 *   then looks the name up in the render's context), an argument given twice or a keyword the
 *   macro does not declare (its errors), or more positional arguments than parameters
 */
export function callSimpleMacro(macro: SimpleMacro, args: unknown[]): string | undefined {
  const { pos, kw } = splitArgs(args);
  const { params } = macro;
  if (pos.length > params.length) return undefined;
  const values: Record<string, unknown> = {};
  for (let i = 0; i < pos.length; i++) values[params[i]] = pos[i];
  for (const key in kw) {
    if (key === 'caller') continue;
    if (!params.includes(key) || Object.hasOwn(values, key)) return undefined;
    values[key] = kw[key];
  }
  for (const name of params) {
    if (!Object.hasOwn(values, name) && macro.defaults.has(name)) values[name] = macro.defaults.get(name);
    if (values[name] === undefined) return undefined;
  }
  return renderSimple(macro.body, values);
}
