import { CompilationError } from '../errors.js';
import { callableWithMembers } from './callable-members.js';

/**
 * Python's `re` and `itertools` modules as dbt exposes them to templates (`modules.re`,
 * `modules.itertools`; docs.getdbt.com/reference/dbt-jinja-functions/modules), on JS regular
 * expressions and arrays. Python pattern syntax JS lacks (`(?P<name>...)`, `(?P=name)`, `\A`, `\Z`)
 * is translated; replacement strings take `\1` and `\g<name>`.
 */

function kwargsOf(args: unknown[]): [unknown[], Record<string, unknown>] {
  const last = args[args.length - 1];
  if (typeof last === 'object' && last !== null && (last as { __keywords?: boolean }).__keywords) {
    const { __keywords: _k, ...rest } = last as Record<string, unknown>;
    return [args.slice(0, -1), rest];
  }
  return [args, {}];
}

const FLAG_I = 2;
const FLAG_M = 8;
const FLAG_S = 16;
const FLAG_X = 64;

const INLINE_FLAGS: Record<string, number> = { i: FLAG_I, m: FLAG_M, s: FLAG_S, x: FLAG_X, a: 0, u: 0, L: 0 };

/**
 * Python's global inline flags at the start of a pattern (`(?i)(?s)...`, `(?ms)...`), which
 * JavaScript does not accept: the pattern without them and the flags they set.
 */
function leadingFlags(pattern: string): [string, number] {
  let flags = 0;
  let rest = pattern;
  for (let m = /^\(\?([aiLmsux]+)\)/.exec(rest); m; m = /^\(\?([aiLmsux]+)\)/.exec(rest)) {
    for (const letter of m[1]!) flags |= INLINE_FLAGS[letter] ?? 0;
    rest = rest.slice(m[0].length);
  }
  return [rest, flags];
}

/** Characters JavaScript's unicode mode accepts after a backslash as themselves (`\.`, `\(`, ...). */
const JS_SYNTAX_CHARACTERS = new Set('^$\\.*+?()[]{}|/');

/** One piece of a Python pattern, as {@link patternPieces} splits it. */
interface PatternPiece {
  kind: 'escape' | 'class-open' | 'class-close' | 'quantifier' | 'comment' | 'char';
  /** The piece's text: `\\x` for an escape, `[`, `[^` or `[]` for a class opening. */
  text: string;
  /** Whether the piece is inside a character class. */
  inClass: boolean;
}

/**
 * Splits a Python pattern into escapes, character-class brackets, `{n}` / `{n,}` / `{n,m}`
 * quantifiers and single characters, tracking whether each is inside a class (where `]` right
 * after `[` or `[^` is a literal). With `verbose`, a `#` outside a class starts a comment that
 * runs to the end of the line (docs.python.org/3/library/re.html#re.VERBOSE).
 */
function* patternPieces(pattern: string, verbose: boolean): Generator<PatternPiece> {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      yield { kind: 'escape', text: c + (pattern[i + 1] ?? ''), inClass };
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
      yield { kind: c === ']' ? 'class-close' : 'char', text: c, inClass: c !== ']' };
    } else if (c === '[') {
      let text = c;
      if (pattern[i + 1] === '^') text += pattern[++i];
      if (pattern[i + 1] === ']') text += pattern[++i];
      inClass = true;
      yield { kind: 'class-open', text, inClass: false };
    } else if (verbose && c === '#') {
      const end = pattern.indexOf('\n', i);
      const stop = end < 0 ? pattern.length : end;
      yield { kind: 'comment', text: pattern.slice(i, stop), inClass: false };
      i = stop - 1;
    } else if (c === '{' && i > 0 && /^\{\d+(,\d*)?\}/.test(pattern.slice(i))) {
      const quantifier = /^\{\d+(,\d*)?\}/.exec(pattern.slice(i))![0];
      yield { kind: 'quantifier', text: quantifier, inClass: false };
      i += quantifier.length - 1;
    } else yield { kind: 'char', text: c, inClass: false };
  }
}

/**
 * Escapes the braces Python reads as literal text (`{` not starting a `{n}` / `{n,}` / `{n,m}`
 * quantifier, and a `}` not closing one), which JavaScript's unicode mode rejects; so are escapes
 * of other punctuation (`\#`, `\ `, `\-` outside a class, `\'`), which Python reads as the
 * character itself: they become `\xNN` / `\u{N}` escapes of that character.
 */
function literalBraces(pattern: string): string {
  let out = '';
  for (const piece of patternPieces(pattern, false)) {
    if (piece.kind === 'escape') {
      const next = piece.text.slice(1);
      const literal = next !== '' && !/[\p{L}\p{N}_]/u.test(next) && !JS_SYNTAX_CHARACTERS.has(next) && !(piece.inClass && next === '-');
      out += literal ? hexEscape(next) : piece.text;
    } else if (piece.kind === 'char' && !piece.inClass && (piece.text === '{' || piece.text === '}')) out += `\\${piece.text}`;
    else out += piece.text;
  }
  return out;
}

/** A character as a regex escape JavaScript's unicode mode accepts (`#` -> `\x23`). */
function hexEscape(char: string): string {
  const code = char.codePointAt(0)!;
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

/**
 * Python's verbose mode (`re.X` / `(?x)`, docs.python.org/3/library/re.html#re.VERBOSE): whitespace
 * is dropped, and `#` starts a comment to the end of the line, except inside a character class
 * (`[ #]` keeps both) or after a backslash (`\ `, `\#` are the characters themselves).
 */
function stripVerbose(pattern: string): string {
  let out = '';
  for (const piece of patternPieces(pattern, true)) {
    if (piece.kind === 'comment' || (piece.kind === 'char' && !piece.inClass && /\s/.test(piece.text))) continue;
    out += piece.text;
  }
  return out;
}

function jsSource(pattern: string, flags: number): string {
  let source = pattern.replace(/\(\?P<(\w+)>/g, '(?<$1>').replace(/\(\?P=(\w+)\)/g, '\\k<$1>').replace(/\\A/g, '^').replace(/\\Z/g, '$');
  if (flags & FLAG_X) source = stripVerbose(source);
  return literalBraces(source);
}

function jsFlags(flags: number, extra = ''): string {
  return `${flags & FLAG_I ? 'i' : ''}${flags & FLAG_M ? 'm' : ''}${flags & FLAG_S ? 's' : ''}u${extra}`;
}

/** A Python replacement template (`\\1`, `\\g<name>`, `\\n`) filled from a match. */
function expandTemplate(match: RegExpExecArray, template: string): string {
  return template.replace(/\\(?:g<(\w+)>|(\d+)|(.))/g, (_m, name: string | undefined, index: string | undefined, other: string | undefined) => {
    if (name !== undefined) return (/^\d+$/.test(name) ? match[Number(name)] : match.groups?.[name]) ?? '';
    if (index !== undefined) return match[Number(index)] ?? '';
    return other === 'n' ? '\n' : other === 't' ? '\t' : `\\${other}`;
  });
}

/** A match (Python's `re.Match`): `group()`, `groups()`, `groupdict()`, `start()`, `end()`, `span()`. */
export class PyMatch {
  constructor(private readonly match: RegExpExecArray) {}

  group(...indexes: (number | string)[]): unknown {
    const one = (index: number | string = 0) => (typeof index === 'number' ? this.match[index] : this.match.groups?.[index]) ?? null;
    return indexes.length <= 1 ? one(indexes[0]) : indexes.map(one);
  }

  groups(fallback: unknown = null): unknown[] {
    return this.match.slice(1).map((value) => value ?? fallback);
  }

  groupdict(): Record<string, unknown> {
    return { ...(this.match.groups ?? {}) };
  }

  start(): number {
    return this.match.index;
  }

  end(): number {
    return this.match.index + this.match[0].length;
  }

  span(): number[] {
    return [this.start(), this.end()];
  }

  get string(): string {
    return this.match.input;
  }

  toString(): string {
    return `<re.Match object; span=(${this.start()}, ${this.end()}), match='${this.match[0]}'>`;
  }
}

/** A compiled pattern (Python's `re.Pattern`). */
export class PyPattern {
  /** The pattern without its leading inline flags (see {@link leadingFlags}). */
  private readonly body: string;
  /** Python's `Pattern.flags`: those given plus the pattern's inline ones. */
  readonly flags: number;

  constructor(readonly pattern: string, flags = 0) {
    const [body, inline] = leadingFlags(pattern);
    this.body = body;
    this.flags = flags | inline;
    try {
      new RegExp(jsSource(body, this.flags), jsFlags(this.flags));
    } catch (error) {
      throw new CompilationError(`Invalid regular expression '${pattern}': ${(error as Error).message}`);
    }
  }

  private regex(extra = ''): RegExp {
    return new RegExp(jsSource(this.body, this.flags), jsFlags(this.flags, extra));
  }

  match(text: string): PyMatch | null {
    const regex = this.regex('y');
    const found = regex.exec(String(text));
    return found ? new PyMatch(found) : null;
  }

  fullmatch(text: string): PyMatch | null {
    const found = new RegExp(`^(?:${jsSource(this.body, this.flags)})$`, jsFlags(this.flags)).exec(String(text));
    return found ? new PyMatch(found) : null;
  }

  search(text: string): PyMatch | null {
    const found = this.regex().exec(String(text));
    return found ? new PyMatch(found) : null;
  }

  findall(text: string): unknown[] {
    return [...String(text).matchAll(this.regex('g'))].map((match) => (match.length === 1 ? match[0] : match.length === 2 ? match[1] ?? '' : match.slice(1).map((v) => v ?? '')));
  }

  finditer(text: string): PyMatch[] {
    return [...String(text).matchAll(this.regex('g'))].map((match) => new PyMatch(match as RegExpExecArray));
  }

  sub(repl: unknown, text: string, count = 0): string {
    const input = String(text);
    let output = '';
    let last = 0;
    let done = 0;
    for (const match of input.matchAll(this.regex('g'))) {
      if (count && done >= count) break;
      done++;
      output += input.slice(last, match.index);
      output += typeof repl === 'function' ? String(repl(new PyMatch(match as RegExpExecArray))) : expandTemplate(match as RegExpExecArray, String(repl));
      last = match.index + match[0].length;
    }
    return output + input.slice(last);
  }

  split(text: string, maxsplit = 0): string[] {
    const parts = String(text).split(this.regex('g'));
    if (!maxsplit) return parts;
    return [...parts.slice(0, maxsplit), parts.slice(maxsplit).join('')];
  }
}

const compile = (pattern: unknown, flags = 0): PyPattern => (pattern instanceof PyPattern ? pattern : new PyPattern(String(pattern), Number(flags) || 0));

/** `modules.re`. */
export const reModule = {
  compile: (pattern: string, flags?: number) => compile(pattern, flags),
  match: (pattern: string, text: string, flags?: number) => compile(pattern, flags).match(text),
  fullmatch: (pattern: string, text: string, flags?: number) => compile(pattern, flags).fullmatch(text),
  search: (pattern: string, text: string, flags?: number) => compile(pattern, flags).search(text),
  findall: (pattern: string, text: string, flags?: number) => compile(pattern, flags).findall(text),
  finditer: (pattern: string, text: string, flags?: number) => compile(pattern, flags).finditer(text),
  sub: (...args: unknown[]) => {
    const [p, kw] = kwargsOf(args);
    return compile(p[0], Number(kw.flags ?? p[4] ?? 0)).sub(p[1], String(p[2]), Number(kw.count ?? p[3] ?? 0));
  },
  split: (...args: unknown[]) => {
    const [p, kw] = kwargsOf(args);
    return compile(p[0], Number(kw.flags ?? p[3] ?? 0)).split(String(p[1]), Number(kw.maxsplit ?? p[2] ?? 0));
  },
  escape: (text: string) => String(text).replace(/[.*+?^${}()|[\]\\\-#&~\s]/g, '\\$&'),
  I: FLAG_I,
  IGNORECASE: FLAG_I,
  M: FLAG_M,
  MULTILINE: FLAG_M,
  S: FLAG_S,
  DOTALL: FLAG_S,
  X: FLAG_X,
  VERBOSE: FLAG_X,
};

const list = (value: unknown): unknown[] => {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [...value];
  if (value && typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function') return [...(value as Iterable<unknown>)];
  if (value && typeof value === 'object') return Object.keys(value);
  throw new CompilationError(`'${typeof value}' object is not iterable`);
};

function combinations(items: unknown[], r: number): unknown[][] {
  if (r === 0) return [[]];
  const out: unknown[][] = [];
  items.forEach((item, index) => {
    for (const rest of combinations(items.slice(index + 1), r - 1)) out.push([item, ...rest]);
  });
  return out;
}

function permutations(items: unknown[], r: number): unknown[][] {
  if (r === 0) return [[]];
  const out: unknown[][] = [];
  items.forEach((item, index) => {
    for (const rest of permutations([...items.slice(0, index), ...items.slice(index + 1)], r - 1)) out.push([item, ...rest]);
  });
  return out;
}

/** `modules.itertools`: the finite functions, returning lists (tuples as arrays). */
export const itertoolsModule = {
  chain: callableWithMembers(Object.assign((...iterables: unknown[]) => iterables.flatMap(list), { from_iterable: (iterables: unknown) => list(iterables).flatMap(list) })),
  product: (...args: unknown[]) => {
    const [p, kw] = kwargsOf(args);
    const pools = Array.from({ length: Number(kw.repeat ?? 1) }, () => p.map(list)).flat();
    return pools.reduce<unknown[][]>((acc, pool) => acc.flatMap((prefix) => pool.map((item) => [...prefix, item])), [[]]);
  },
  combinations: (iterable: unknown, r: number) => combinations(list(iterable), Number(r)),
  permutations: (iterable: unknown, r?: number) => {
    const items = list(iterable);
    return permutations(items, r === undefined || r === null ? items.length : Number(r));
  },
  islice: (iterable: unknown, ...bounds: number[]) => {
    const items = list(iterable);
    const [start, stop, step] = bounds.length === 1 ? [0, bounds[0], 1] : [bounds[0] ?? 0, bounds[1] ?? items.length, bounds[2] ?? 1];
    return items.slice(start, stop ?? items.length).filter((_v, index) => index % (step || 1) === 0);
  },
  zip_longest: (...args: unknown[]) => {
    const [p, kw] = kwargsOf(args);
    const lists = p.map(list);
    const length = Math.max(0, ...lists.map((l) => l.length));
    return Array.from({ length }, (_v, index) => lists.map((l) => (index < l.length ? l[index] : kw.fillvalue ?? null)));
  },
  accumulate: (iterable: unknown) => {
    let total: number | undefined;
    return list(iterable).map((value) => (total = total === undefined ? (value as number) : total + (value as number)));
  },
  repeat: (value: unknown, times: number) => Array.from({ length: Number(times) }, () => value),
};

export { list as toList, kwargsOf };
