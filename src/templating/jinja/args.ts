/** nunjucks passes keyword arguments as one trailing object marked `__keywords`. */
export interface Args {
  pos: unknown[];
  kw: Record<string, unknown>;
}

/** True for the keyword-arguments object nunjucks appends to a call's arguments. */
export function isKeywords(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.prototype.hasOwnProperty.call(value, '__keywords');
}

/** Splits a call's arguments into positional ones and keywords (without the marker). */
export function splitArgs(args: unknown[]): Args {
  const last = args[args.length - 1];
  if (!isKeywords(last)) return { pos: args, kw: {} };
  const { __keywords: _marker, ...kw } = last;
  return { pos: args.slice(0, -1), kw };
}

/**
 * Reads a Python signature: `names` in order, each from the positional arguments or keywords,
 * else its default. Unknown keywords raise TypeError-like errors through `fail`.
 */
export function bind(args: unknown[], names: string[], defaults: Record<string, unknown>, fail: (message: string) => never): Record<string, unknown> {
  const { pos, kw } = splitArgs(args);
  if (pos.length > names.length) fail(`takes at most ${names.length} arguments (${pos.length} given)`);
  const out: Record<string, unknown> = { ...defaults };
  names.forEach((name, i) => {
    if (i < pos.length) out[name] = pos[i];
  });
  for (const [key, value] of Object.entries(kw)) {
    if (!names.includes(key)) fail(`got an unexpected keyword argument '${key}'`);
    out[key] = value;
  }
  return out;
}
