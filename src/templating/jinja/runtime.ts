/**
 * What compiled templates call at run time: nunjucks' runtime hooks replaced with Python's
 * rules (rendering a value, member lookup, calls, macros), and `runtime.jinja`, the helpers the
 * compiler rules of ./syntax.ts emit calls to. Installed once per process by ./index.ts.
 * Reference: jinja.palletsprojects.com/en/3.1.x/templates/ (expressions, for loops, assignments).
 */
import nunjucks from 'nunjucks';
import { splitArgs } from './args.js';
import { JinjaError } from './errors.js';
import { iterate, memberLookup, slice } from './methods.js';
import { IS_MACRO, macroExtras, makeMacro, Namespace } from './macros.js';
import { add, compare, compareChain, concat, contains, div, floorDiv, mod, mul, neg, pos, pow, sub } from './operators.js';
import { dictKeys, isDict, plain, pyStr, pyEq, pyFloat, PyFloat, truthy, tuple, typeName } from './values.js';

/** Marks a JS function as taking template values as they are (floats not unwrapped to numbers). */
export function markNative<T extends (...args: never[]) => unknown>(fn: T): T {
  (fn as unknown as Record<symbol, boolean>)[IS_MACRO] = true;
  return fn;
}

/** The `loop` variable of a for loop (jinja.palletsprojects.com/en/3.1.x/templates/#for). */
export class LoopContext {
  index0 = 0;
  readonly depth = 1;
  readonly depth0 = 0;
  private last_changed: unknown[] | undefined;

  constructor(private readonly items: unknown[]) {}

  get length(): number {
    return this.items.length;
  }
  get index(): number {
    return this.index0 + 1;
  }
  get revindex(): number {
    return this.items.length - this.index0;
  }
  get revindex0(): number {
    return this.items.length - this.index0 - 1;
  }
  get first(): boolean {
    return this.index0 === 0;
  }
  get last(): boolean {
    return this.index0 === this.items.length - 1;
  }
  get previtem(): unknown {
    return this.index0 > 0 ? this.items[this.index0 - 1] : undefined;
  }
  get nextitem(): unknown {
    return this.index0 < this.items.length - 1 ? this.items[this.index0 + 1] : undefined;
  }
  /** `loop.cycle('odd', 'even')`: the argument for this iteration, in turn. */
  cycle(...args: unknown[]): unknown {
    if (!args.length) throw new JinjaError('no items for cycling given');
    return args[this.index0 % args.length];
  }
  /** `loop.changed(value)`: true on the first call and whenever the value differs from the last call's. */
  changed(...args: unknown[]): boolean {
    if (this.last_changed !== undefined && pyEq(tuple(this.last_changed), tuple(args))) return false;
    this.last_changed = args;
    return true;
  }
}

class SplatArg {
  constructor(readonly value: unknown, readonly double: boolean) {}
}

function unwrap(value: unknown): unknown {
  if (value instanceof PyFloat) return value.value;
  if (typeof value === 'object' && value !== null && Object.prototype.hasOwnProperty.call(value, '__keywords')) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = item instanceof PyFloat ? item.value : item;
    return out;
  }
  return value;
}

/** The helpers compiled templates call as `runtime.jinja.<name>` (see ./syntax.ts). */
export const helpers = {
  /** Holds the left operand of `and` / `or` between its test and its use (synchronous). */
  slot: undefined as unknown,
  pyFloat,
  tuple,
  truthy,
  add,
  sub,
  mul,
  div,
  floorDiv,
  mod,
  pow,
  neg,
  pos,
  concat,
  contains,
  compare,
  compareChain,
  slice,
  macroExtras,
  /** A dict literal from `[key, value]` pairs; keys are stringified as dops' dicts are JS objects. */
  dict(pairs: [unknown, unknown][]): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, value] of pairs) out[typeof key === 'string' ? key : pyStr(key)] = value;
    return out;
  },
  /** `value is name(args)`. @throws when no test has that name */
  test(env: nunjucks.Environment, name: string, context: unknown, value: unknown, args: unknown[]): boolean {
    const test = (env as unknown as { tests: Record<string, (...a: unknown[]) => unknown> }).tests[name];
    if (!test) throw new JinjaError(`No test named '${name}'`);
    return truthy(test.call(context, value, ...args));
  },
  splat: (value: unknown) => new SplatArg(value, false),
  kwsplat: (value: unknown) => new SplatArg(value, true),
  /** A call's arguments with `*items` and `**mapping` spread, in nunjucks' calling convention. */
  spreadArgs(items: unknown[]): unknown[] {
    const positional: unknown[] = [];
    const keywords: Record<string, unknown> = {};
    for (const item of items) {
      if (item instanceof SplatArg) {
        if (!item.double) positional.push(...iterate(item.value));
        else if (isDict(plain(item.value))) Object.assign(keywords, plain(item.value));
        else throw new JinjaError(`argument after ** must be a mapping, not ${typeName(item.value)}`);
      } else if (typeof item === 'object' && item !== null && Object.prototype.hasOwnProperty.call(item, '__keywords')) {
        Object.assign(keywords, splitArgs([item]).kw);
      } else positional.push(item);
    }
    if (dictKeys(keywords).length) positional.push(Object.assign(keywords, { __keywords: true }));
    return positional;
  },
  /** `{% set ns.name = value %}`. @throws JinjaError unless `target` is a namespace() */
  setAttribute(target: unknown, key: unknown, value: unknown): void {
    if (!(target instanceof Namespace)) throw new JinjaError(`cannot assign attribute on non-namespace object (${typeName(target)}); use namespace()`);
    target[String(key)] = value;
  },
  /** `a, b = value`: the `count` items of a sequence. @throws JinjaError on a length mismatch */
  unpack(value: unknown, count: number): unknown[] {
    const items = iterate(value);
    if (items.length !== count) throw new JinjaError(`cannot unpack ${items.length} values into ${count} names`);
    return items;
  },
  /** What a for loop iterates: a copy of a list, a str's characters, a dict's keys (its items for `for k, v in dict`). */
  loopItems(value: unknown, names: number): unknown[] {
    // Undefined iterates as empty; None is not iterable (TypeError in Jinja2).
    if (value === undefined) return [];
    const v = plain(value);
    if (names === 2 && isDict(v)) return dictKeys(v).map((key) => tuple([key, v[key]]));
    return [...iterate(value)];
  },
  loop: (items: unknown[]) => new LoopContext(items),
};

let installed = false;

/** Replaces nunjucks' runtime hooks with Python's rules (once per process). */
export function installRuntime(): void {
  if (installed) return;
  installed = true;
  const runtime = nunjucks.runtime as unknown as Record<string, unknown>;
  const escape = (nunjucks.lib as unknown as { escape: (s: string) => string }).escape;
  const SafeString = runtime.SafeString as new (s: string) => object;
  runtime.jinja = helpers;
  runtime.suppressValue = (value: unknown, autoescape: boolean): string => {
    const text = pyStr(value);
    return autoescape && !(value instanceof SafeString) ? escape(text) : text;
  };
  runtime.memberLookup = memberLookup;
  runtime.makeMacro = makeMacro;
  runtime.callWrap = (fn: unknown, name: string, context: unknown, args: unknown[]): unknown => {
    if (!fn) throw new Error(`Unable to call \`${name}\`, which is undefined or falsey`);
    if (typeof fn !== 'function') throw new Error(`Unable to call \`${name}\`, which is not a function`);
    if ((fn as unknown as Record<symbol, unknown>)[IS_MACRO]) return fn.apply(context, args);
    // Functions of the context (ref, config, ...) get plain numbers.
    return fn.apply(context, args.map(unwrap));
  };
}
