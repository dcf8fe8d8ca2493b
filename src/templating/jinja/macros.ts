/**
 * Macro calls with Jinja's binding rules and dbt's `return()`.
 *
 * - Arguments bind by position, then by name; missing ones are Undefined (as Jinja's macros are).
 * - Extra positional arguments become `varargs`, extra keywords `kwargs` (jinja.palletsprojects.com/en/3.1.x/templates/#macros).
 * - `return(value)` inside a macro ends it, and the call evaluates to `value` instead of the
 *   rendered text (docs.getdbt.com/reference/dbt-jinja-functions/return).
 * - A macro's rendered text is a plain string (dbt's macros return str).
 */
import { splitArgs } from './args.js';
import { JinjaError } from './errors.js';
import { tuple } from './values.js';

/** Thrown by `return()`; caught by the macro call it ends. */
export class MacroReturn {
  constructor(readonly value: unknown) {}
}

/**
 * dbt's `return(value)`: ends the current macro; the macro call evaluates to `value`.
 * Exposed as the global `return` (reuse it in other contexts).
 * @throws MacroReturn always (the macro call catches it)
 */
export function jinjaReturn(...args: unknown[]): never {
  // `return(undefined_name)` returns Undefined (iterates as empty), `return()` None.
  throw new MacroReturn(args.length ? args[0] : null);
}

/** Extra arguments of one call, read by the compiled macro body as `varargs` and `kwargs`. */
export interface MacroExtras {
  varargs: unknown[];
  kwargs: Record<string, unknown>;
}

const EXTRAS = Symbol('macro extras');

/** Marks functions made by {@link makeMacro}, so calls to them keep Python values as they are. */
export const IS_MACRO = Symbol('macro');

type MacroBody = (...args: unknown[]) => unknown;

/**
 * Replaces `runtime.makeMacro`: returns the callable macro for a compiled body taking the
 * positional parameters then one object of the parameters with defaults (and `caller`).
 * @param argNames parameters without defaults, in order
 * @param kwargNames parameters with defaults, in order
 */
export function makeMacro(argNames: string[], kwargNames: string[], body: MacroBody): MacroBody {
  const params = [...argNames, ...kwargNames];
  const macro = function (this: unknown, ...callArgs: unknown[]): unknown {
    const { pos, kw } = splitArgs(callArgs);
    const values = new Map<string, unknown>();
    params.forEach((name, i) => {
      if (i < pos.length) values.set(name, pos[i]);
    });
    const extras: MacroExtras = { varargs: tuple(pos.slice(params.length)), kwargs: {} };
    const named: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(kw)) {
      if (key === 'caller') named.caller = value;
      else if (params.includes(key)) {
        if (values.has(key)) throw new JinjaError(`macro got multiple values for argument '${key}'`);
        values.set(key, value);
      } else extras.kwargs[key] = value;
    }
    for (const name of kwargNames) if (values.has(name)) named[name] = values.get(name);
    (named as Record<symbol, unknown>)[EXTRAS] = extras;
    try {
      const output = body.apply(this, [...argNames.map((name) => values.get(name)), named]);
      return output === undefined || output === null ? '' : String(output);
    } catch (error) {
      if (error instanceof MacroReturn) return error.value;
      throw error;
    }
  };
  (macro as unknown as Record<symbol, boolean>)[IS_MACRO] = true;
  return macro;
}

/** The `varargs` and `kwargs` of the call a compiled macro body runs for. */
export function macroExtras(named: unknown): MacroExtras {
  return ((named as Record<symbol, MacroExtras> | undefined)?.[EXTRAS]) ?? { varargs: tuple([]), kwargs: {} };
}

/** Jinja's `namespace(...)`: an object whose attributes `{% set ns.x = ... %}` can change across scopes. */
export class Namespace {
  [key: string]: unknown;
}

/** The `namespace()` global: a {@link Namespace} holding the given dict and keywords. */
export function namespace(...args: unknown[]): Namespace {
  const { pos, kw } = splitArgs(args);
  return Object.assign(new Namespace(), ...(pos as object[]), kw);
}

/** Jinja's `dict(...)` global: a dict of the given mapping and keywords. */
export function dict(...args: unknown[]): Record<string, unknown> {
  const { pos, kw } = splitArgs(args);
  const out: Record<string, unknown> = {};
  for (const source of pos) {
    if (Array.isArray(source)) for (const pair of source) out[String((pair as unknown[])[0])] = (pair as unknown[])[1];
    else Object.assign(out, source);
  }
  return Object.assign(out, kw);
}
