import type { TemplateContext } from './engine.js';
import { pyStr } from './jinja/values.js';

/**
 * An expression of the simple subset: a literal, a name, a call with simple arguments, or a list
 * or dict literal of simple items (`config(tags=['a', 'b'], meta={'owner': 'x'})`).
 */
export type SimpleExpr =
  | { kind: 'literal'; value: string | number | boolean | null }
  | { kind: 'name'; name: string }
  | { kind: 'call'; name: string; args: SimpleExpr[]; kwargs: [string, SimpleExpr][] }
  | { kind: 'list'; items: SimpleExpr[] }
  | { kind: 'dict'; entries: [string, SimpleExpr][] };

/**
 * A template made only of plain text and `{{ expression }}` tags whose expressions are literals,
 * names and calls such as `ref('orders')`, `config(materialized='table')` or
 * `bucket('id', 10)` — what most model files are. Such a template renders without nunjucks.
 */
export interface SimpleTemplate {
  /** Text before each expression, then the text after the last one (`exprs.length + 1` items). */
  texts: string[];
  exprs: SimpleExpr[];
  /** Every name the expressions look up or call. */
  names: Set<string>;
  /** The names that are called (they must be functions). */
  called: Set<string>;
}

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /[0-9]+(?:\.[0-9]+)?(?![A-Za-z0-9_.])/y;
const SPACE = /[ \t\r\n]*/y;
/** nunjucks' keyword literals (lexer: true/false/none, plus Jinja's capitalised spellings). */
const KEYWORDS: Record<string, boolean | null> = { true: true, false: false, none: null, True: true, False: false, None: null };
/** Words nunjucks' expression parser treats as operators or syntax, never as names. */
const RESERVED = new Set(['and', 'or', 'not', 'in', 'is', 'if', 'else']);

/** A tiny recursive-descent reader over one `{{ ... }}` body; gives up (undefined) on anything else. */
class ExprReader {
  pos: number;

  constructor(private readonly text: string, start: number, private readonly template: SimpleTemplate) {
    this.pos = start;
  }

  private skipSpace(): void {
    SPACE.lastIndex = this.pos;
    SPACE.exec(this.text);
    this.pos = SPACE.lastIndex;
  }

  private match(re: RegExp): string | undefined {
    re.lastIndex = this.pos;
    const found = re.exec(this.text);
    if (!found) return undefined;
    this.pos = re.lastIndex;
    return found[0];
  }

  private string(): string | undefined {
    const quote = this.text[this.pos];
    if (quote !== "'" && quote !== '"') return undefined;
    const end = this.text.indexOf(quote, this.pos + 1);
    if (end < 0) return undefined;
    const value = this.text.slice(this.pos + 1, end);
    // Escapes would need nunjucks' unescaping rules; leave such templates to nunjucks.
    if (value.includes('\\')) return undefined;
    this.pos = end + 1;
    return value;
  }

  /** expr := string | number | keyword | name | name '(' args ')' | '[' items ']' | '{' entries '}' */
  expr(): SimpleExpr | undefined {
    this.skipSpace();
    const text = this.string();
    if (text !== undefined) return { kind: 'literal', value: text };
    const number = this.match(NUMBER);
    if (number !== undefined) {
      // An integral float literal (`1.0`) is a Python float, which only the full engine keeps apart from 1.
      if (number.includes('.') && Number.isInteger(Number(number))) return undefined;
      return { kind: 'literal', value: Number(number) };
    }
    if (this.text[this.pos] === '[') return this.list();
    if (this.text[this.pos] === '{') return this.dict();
    const name = this.match(IDENT);
    if (name === undefined) return undefined;
    if (Object.prototype.hasOwnProperty.call(KEYWORDS, name)) return { kind: 'literal', value: KEYWORDS[name] };
    if (RESERVED.has(name)) return undefined;
    this.skipSpace();
    this.template.names.add(name);
    if (this.text[this.pos] !== '(') return { kind: 'name', name };
    this.pos++;
    this.template.called.add(name);
    return this.callArgs(name);
  }

  /** `[a, b, ]` (a trailing comma allowed, as in Jinja). */
  private list(): SimpleExpr | undefined {
    this.pos++;
    const items: SimpleExpr[] = [];
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === ']') {
        this.pos++;
        return { kind: 'list', items };
      }
      const item = this.expr();
      if (!item) return undefined;
      items.push(item);
      this.skipSpace();
      const next = this.text[this.pos];
      if (next === ',') this.pos++;
      else if (next !== ']') return undefined;
    }
  }

  /** `{'key': value, }` with string keys only. */
  private dict(): SimpleExpr | undefined {
    this.pos++;
    const entries: [string, SimpleExpr][] = [];
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === '}') {
        // `}}` right after the last entry would end the tag for nunjucks' own lexer; leave such text to the full engine.
        this.pos++;
        return { kind: 'dict', entries };
      }
      const key = this.string();
      if (key === undefined) return undefined;
      this.skipSpace();
      if (this.text[this.pos++] !== ':') return undefined;
      const value = this.expr();
      if (!value) return undefined;
      entries.push([key, value]);
      this.skipSpace();
      const next = this.text[this.pos];
      if (next === ',') this.pos++;
      else if (next !== '}') return undefined;
    }
  }

  private callArgs(name: string): SimpleExpr | undefined {
    const call: SimpleExpr & { kind: 'call' } = { kind: 'call', name, args: [], kwargs: [] };
    this.skipSpace();
    if (this.text[this.pos] === ')') {
      this.pos++;
      return call;
    }
    for (;;) {
      this.skipSpace();
      // A trailing comma: `f(a, b,)`.
      if (this.text[this.pos] === ')' && (call.args.length || call.kwargs.length)) {
        this.pos++;
        return call;
      }
      const start = this.pos;
      const key = this.match(IDENT);
      this.skipSpace();
      if (key !== undefined && this.text[this.pos] === '=' && this.text[this.pos + 1] !== '=') {
        this.pos++;
        const value = this.expr();
        if (!value) return undefined;
        call.kwargs.push([key, value]);
      } else {
        // nunjucks rejects a positional argument after a keyword one; so do we (by giving up).
        if (call.kwargs.length) return undefined;
        this.pos = start;
        const value = this.expr();
        if (!value) return undefined;
        call.args.push(value);
      }
      this.skipSpace();
      const next = this.text[this.pos++];
      if (next === ')') return call;
      if (next !== ',') return undefined;
    }
  }
}

/**
 * Reads a template as a {@link SimpleTemplate}.
 * @returns undefined when the template uses anything else (`{% %}` blocks, `{# #}` comments,
 *   whitespace control, filters, operators, attribute access, escapes in strings...), which
 *   nunjucks then renders as usual
 */
export function parseSimpleTemplate(contents: string): SimpleTemplate | undefined {
  if (contents.includes('{%') || contents.includes('{#')) return undefined;
  const template: SimpleTemplate = { texts: [], exprs: [], names: new Set(), called: new Set() };
  let from = 0;
  for (;;) {
    const open = contents.indexOf('{{', from);
    if (open < 0) break;
    if (contents[open + 2] === '-') return undefined;
    const reader = new ExprReader(contents, open + 2, template);
    const expr = reader.expr();
    if (!expr) return undefined;
    SPACE.lastIndex = reader.pos;
    SPACE.exec(contents);
    const close = SPACE.lastIndex;
    if (contents[close] !== '}' || contents[close + 1] !== '}') return undefined;
    template.texts.push(contents.slice(from, open));
    template.exprs.push(expr);
    from = close + 2;
  }
  template.texts.push(contents.slice(from));
  return template;
}

/**
 * True when `context` holds every name the template uses, and a function for every name it
 * calls, so rendering needs nothing nunjucks would add (its globals, its errors for undefined
 * calls).
 */
export function canRenderSimple(template: SimpleTemplate, context: TemplateContext): boolean {
  for (const name of template.names) if (!Object.prototype.hasOwnProperty.call(context, name)) return false;
  for (const name of template.called) if (typeof context[name] !== 'function') return false;
  return true;
}

function evaluate(expr: SimpleExpr, context: TemplateContext): unknown {
  if (expr.kind === 'literal') return expr.value;
  if (expr.kind === 'name') return context[expr.name];
  // Containers are built afresh on every render: the called function may keep or change them.
  if (expr.kind === 'list') return expr.items.map((item) => evaluate(item, context));
  if (expr.kind === 'dict') return Object.fromEntries(expr.entries.map(([key, value]) => [key, evaluate(value, context)]));
  const args = expr.args.map((arg) => evaluate(arg, context));
  if (expr.kwargs.length) {
    // nunjucks passes keyword arguments as a trailing object marked `__keywords` (runtime.makeKeywordArgs).
    const kwargs: Record<string, unknown> = Object.fromEntries(expr.kwargs.map(([key, value]) => [key, evaluate(value, context)]));
    args.push(Object.assign(kwargs, { __keywords: true }));
  }
  return (context[expr.name] as (...a: unknown[]) => unknown)(...args);
}

/**
 * Renders a simple template exactly as the full engine would: text verbatim, each expression's
 * value as Python's str() (see jinja/values.ts: undefined as '', None as 'None').
 * @throws whatever a called function throws (the engine then lets nunjucks render, for its error)
 */
export function renderSimple(template: SimpleTemplate, context: TemplateContext): string {
  let output = template.texts[0];
  for (let i = 0; i < template.exprs.length; i++) {
    const value = evaluate(template.exprs[i], context);
    output += typeof value === 'string' ? value : pyStr(value);
    output += template.texts[i + 1];
  }
  return output;
}
