import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Document, LineCounter } from 'yaml';
import { load as loadFast, Schema, Type, type LoaderState } from 'js-yaml';
import { ParseError } from '../errors.js';

/*
 * Which YAML dops reads: YAML 1.2 with the core schema, as the `yaml` package
 * (https://eemeli.org/yaml/) reads it with its defaults and `uniqueKeys: true`:
 * - scalars resolve by the 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution):
 *   `true/True/TRUE/false/False/FALSE` are booleans, `~`, `null`, `Null`, `NULL` and empty values
 *   are null, `12`, `0o17`, `0x1F` are integers, `1.5`, `1e3`, `.inf`, `-.inf`, `.nan` are floats;
 *   everything else is a string: `yes`/`no`/`on`/`off`, `2001-01-01` (no timestamps), `017`
 *   (no 1.1 octal), `1_000`.
 * - `<<` is an ordinary key (no merge keys); anchors and aliases work; duplicate keys are an error;
 *   a file holding several documents is an error; a key that is a number or boolean becomes its
 *   string form, a null key becomes ''.
 * dbt reads YAML with PyYAML's safe_load (YAML 1.1: `yes`/`no` booleans, timestamps, merge keys);
 * dops keeps the 1.2 rules above, which it has always followed.
 *
 * Speed: the `yaml` package is slow on large property files (a 10,000-model project spends about a
 * second in it), so files are read with js-yaml (https://github.com/nodeca/js-yaml) through a schema
 * that mirrors the rules above, and js-yaml's node events record where each entry starts. A file
 * that uses anything outside the common subset (anchors, aliases, tags, directives, a null or
 * collection key, empty sequence entries, `? ` keys without value, lone CR line breaks), or that
 * js-yaml rejects, is read by the `yaml` package instead, so values and errors are always its.
 */

// ---------------------------------------------------------------------------------------------
// Reference reader: the `yaml` package (values, positions and error messages)

/**
 * The `yaml` package, loaded (with require: it is CommonJS under Node) on first use: most projects'
 * files stay in the fast subset, and loading it costs a run ~40 ms before its first statement.
 */
let yamlPackage: typeof import('yaml') | undefined;
function yamlLib(): typeof import('yaml') {
  return (yamlPackage ??= createRequire(import.meta.url)('yaml') as typeof import('yaml'));
}

function parseChecked(text: string, file: string): { doc: Document; lineCounter: LineCounter } {
  const { LineCounter, parseDocument } = yamlLib();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  const problem = doc.errors[0];
  if (problem) {
    const pos = problem.linePos?.[0];
    const message = problem.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new ParseError(`Malformed YAML: ${message}`, { location: { file, line: pos?.line, column: pos?.col } });
  }
  return { doc, lineCounter };
}

/**
 * Parses YAML with the `yaml` package only: the reference every faster path must equal (values,
 * lines and errors). Used for files outside the fast subset and for lines the fast path cannot answer.
 * @throws ParseError on malformed YAML, with the 1-based line and column of the first problem
 */
export function parseYamlReference(text: string, file: string): YamlWithLines {
  const { doc, lineCounter } = parseChecked(text, file);
  const { isMap } = yamlLib();
  return {
    value: doc.toJS(),
    lineOf(path) {
      if (!isMap(doc.contents)) return undefined;
      const last = path[path.length - 1];
      if (typeof last === 'string') {
        // a mapping entry: the line of its key (its value may start on the next line)
        const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
        if (isMap(parent)) {
          const pair = parent.items.find((item) => (item.key as { value?: unknown } | null)?.value === last);
          const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
          if (range) return lineCounter.linePos(range[0]).line;
        }
      }
      const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
      return node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Fast reader: js-yaml with the core schema of the `yaml` package, positions from node events

// One implicit type per tag (js-yaml keeps the last type of a tag); private tag names so that an
// explicit `!!int` finds no type and the file goes to the reference reader.
const CORE_NULL = /^(?:~|[Nn]ull|NULL)?$/;
const CORE_BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const CORE_INT = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/;
const CORE_FLOAT = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+|[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*))$/;

const FAST_SCHEMA = new Schema({
  implicit: [
    new Type('dops:null', { kind: 'scalar', resolve: (s) => CORE_NULL.test(s as string), construct: () => null }),
    new Type('dops:bool', { kind: 'scalar', resolve: (s) => CORE_BOOL.test(s as string), construct: (s) => (s as string)[0] === 't' || (s as string)[0] === 'T' }),
    new Type('dops:int', {
      kind: 'scalar',
      resolve: (s) => CORE_INT.test(s as string),
      construct: (s) => {
        const str = s as string;
        if (str[0] === '0' && str[1] === 'o') return parseInt(str.substring(2), 8);
        if (str[0] === '0' && str[1] === 'x') return parseInt(str.substring(2), 16);
        return parseInt(str, 10);
      },
    }),
    new Type('dops:float', {
      kind: 'scalar',
      resolve: (s) => CORE_FLOAT.test(s as string),
      construct: (s) => {
        const str = s as string;
        if (/^[-+]?\.(?:inf|Inf|INF)$/.test(str)) return str[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
        if (/^\.(?:nan|NaN|NAN)$/.test(str)) return NaN;
        return parseFloat(str);
      },
    }),
  ],
  explicit: [],
});

/**
 * Text the fast reader leaves to the `yaml` package: directives (`%YAML 1.1` changes the schema),
 * document end markers, content on a `---` line, and a comment right after a quote or a flow
 * indicator (an error for `yaml`, accepted by js-yaml).
 */
const OUTSIDE_TEXT = /^(?:%|\.\.\.|---(?!(?:[ \t]+#[^\n]*)?[ \t]*(?:\r?\n|$)))|[^\s:[{,-]["']#|[\]},]#/m;

/** Column (0-based, in UTF-16 units) of offset `pos`. */
function columnOf(input: string, pos: number): number {
  return pos - (input.lastIndexOf('\n', pos - 1) + 1);
}

/**
 * True when every line after the first of the node spanning `start`..`end` is blank, a comment
 * (in a flow collection), or indented by at least `minIndent` spaces: the `yaml` package ends a
 * quoted scalar or a flow collection at a line indented less than its block parent needs
 * (https://yaml.org/spec/1.2.2/#74-flow-collection-styles); js-yaml is laxer.
 */
function indentedEnough(input: string, start: number, end: number, minIndent: number, flow: boolean): boolean {
  for (let line = input.indexOf('\n', start) + 1; line > 0 && line < end; line = input.indexOf('\n', line) + 1) {
    let at = line;
    while (input.charCodeAt(at) === 0x20) at++;
    const ch = input.charCodeAt(at);
    if (ch === 0x0a || ch === 0x0d || (flow && ch === 0x23 /* # */)) continue;
    if (at - line < minIndent) return false;
  }
  return true;
}

/** Offset of the first content at or after `pos`: skips blanks, line breaks and comments. */
function contentStart(input: string, pos: number): number {
  for (;;) {
    const ch = input.charCodeAt(pos);
    if (ch === 0x20 || ch === 0x09 || ch === 0x0a || ch === 0x0d) pos++;
    else if (ch === 0x23 /* # */) {
      const end = input.indexOf('\n', pos);
      pos = end === -1 ? input.length : end;
    } else return pos;
  }
}

/**
 * True for a block scalar (`|`, `>`, from its header at `start` to `end`) that both readers read
 * alike: no explicit indentation indicator, no tab after a line's indentation, and no empty line
 * before its first content line indented deeper than that line (the `yaml` package rejects some of
 * these where js-yaml accepts them).
 */
function plainBlockScalar(input: string, start: number, end: number): boolean {
  let line = input.indexOf('\n', start) + 1;
  // an explicit indentation indicator (`|2`): left to the `yaml` package
  if (/^[|>][-+]?[1-9]/.test(input.slice(start, start + 3))) return false;
  let leadingSpaces = 0;
  let seenContent = false;
  // the empty lines before the first content line are checked even past `end` (js-yaml may end
  // the scalar before them)
  while (line > 0 && line < input.length && (line < end || !seenContent)) {
    const next = input.indexOf('\n', line);
    const stop = next === -1 ? input.length : next;
    let indent = 0;
    while (line + indent < stop && input.charCodeAt(line + indent) === 0x20) indent++;
    if (input.charCodeAt(line + indent) === 0x09) return false;
    const blank = line + indent === stop || (input.charCodeAt(line + indent) === 0x0d && line + indent + 1 === stop);
    if (!seenContent) {
      if (blank) leadingSpaces = Math.max(leadingSpaces, indent);
      else {
        if (leadingSpaces > indent) return false;
        seenContent = true;
      }
    }
    line = next === -1 ? input.length : next + 1;
  }
  return true;
}

/** A node as js-yaml's events show it: where its `composeNode` began, its value, its child nodes. */
interface Frame {
  pos: number;
  result: unknown;
  children: Frame[] | null;
}

/** A quoted scalar or flow collection that spans lines, and the frame it was read in. */
interface MultiLine {
  frame: Frame;
  parent: Frame | undefined;
  start: number;
  end: number;
  flow: boolean;
}

/** Thrown from the listener to leave js-yaml early when the file is outside the fast subset. */
class OutsideSubset extends Error {}

/** Marks "ask the reference reader" from the fast `lineOf`. */
const ASK_REFERENCE = Symbol('ask reference');

interface FastParse {
  value: unknown;
  lineOf(path: (string | number)[]): number | undefined | typeof ASK_REFERENCE;
}

/**
 * Reads `text` with js-yaml if it stays within the subset described at the top of this file.
 * @returns null when the reference reader must read the file (outside the subset, or rejected)
 */
export function parseYamlFast(text: string): FastParse | null {
  if (text.includes('\r') && /\r(?!\n)/.test(text)) return null;
  if (OUTSIDE_TEXT.test(text)) return null;
  let input = '';
  const stack: Frame[] = [];
  const roots: Frame[] = [];
  // children of each mapping (key, value, key, value, ...) and sequence (item, item, ...)
  const containers = new WeakMap<object, Frame[]>();
  const multiLine: MultiLine[] = [];
  const listener = (event: 'open' | 'close', state: LoaderState): void => {
    if (event === 'open') {
      stack.push({ pos: state.position, result: undefined, children: null });
      return;
    }
    const frame = stack.pop()!;
    const result = state.result;
    frame.result = result;
    if (state.anchor !== null || state.tag === '!') throw new OutsideSubset();
    const parent = stack[stack.length - 1];
    if (parent) (parent.children ??= []).push(frame);
    else {
      input = state.input;
      roots.push(frame);
    }
    if (typeof result === 'string') {
      const start = contentStart(state.input, frame.pos);
      const first = state.input.charCodeAt(start);
      if (first === 0x22 /* " */ || first === 0x27 /* ' */) {
        const newline = state.input.indexOf('\n', start);
        if (newline !== -1 && newline < state.position) multiLine.push({ frame, parent, start, end: state.position, flow: false });
      } else if (first === 0x7c /* | */ || first === 0x3e /* > */) {
        if (!plainBlockScalar(state.input, start, state.position)) throw new OutsideSubset();
      }
      return;
    }
    if (typeof result !== 'object' || result === null) return;
    const children = frame.children;
    // a node that only wraps the node read inside it (js-yaml tries a block mapping first)
    if (children !== null && children.length === 1 && children[0].result === result) return;
    const start = contentStart(state.input, frame.pos);
    const first = state.input.charCodeAt(start);
    if (first === 0x5b /* [ */ || first === 0x7b /* { */) {
      const newline = state.input.indexOf('\n', start);
      if (newline !== -1 && newline < state.position) multiLine.push({ frame, parent, start, end: state.position, flow: true });
    }
    if (containers.has(result)) throw new OutsideSubset();
    const kids = children ?? [];
    if (Array.isArray(result)) {
      if (kids.length !== result.length) throw new OutsideSubset();
    } else {
      if (kids.length !== 2 * Object.keys(result).length) throw new OutsideSubset();
      for (let i = 0; i < kids.length; i += 2) {
        const key = kids[i].result;
        if (key === null || typeof key === 'object') throw new OutsideSubset();
      }
    }
    containers.set(result, kids);
  };
  let loaded: unknown;
  try {
    loaded = loadFast(text, { schema: FAST_SCHEMA, listener });
  } catch {
    return null;
  }
  const value = loaded === undefined ? null : loaded;
  if (input === '' && roots.length === 0) return { value, lineOf: () => undefined };
  if (roots.length !== 1) return null;
  if (!multiLinesIndented(input, multiLine)) return null;

  let lineStarts: number[] | undefined;
  /** 1-based line of the first content at or after `at` (skipping blanks, line breaks, comments). */
  const lineAt = (at: number): number => {
    const pos = contentStart(input, at);
    if (lineStarts === undefined) {
      lineStarts = [0];
      for (let at = input.indexOf('\n'); at !== -1; at = input.indexOf('\n', at + 1)) lineStarts.push(at + 1);
    }
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (lineStarts[mid] <= pos) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  };
  /** The key frame and value of `key` in a mapping, or undefined (absent, or a non-string key). */
  const entryOf = (map: object, key: string): { keyFrame: Frame; item: Frame } | undefined => {
    const kids = containers.get(map);
    if (kids === undefined) return undefined;
    for (let i = 0; i < kids.length; i += 2) {
      if (kids[i].result === key) return { keyFrame: kids[i], item: kids[i + 1] };
    }
    return undefined;
  };

  return {
    value,
    lineOf(path) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
      if (path.length === 0) return ASK_REFERENCE;
      let node: unknown = value;
      for (let i = 0; i < path.length; i++) {
        const step = path[i];
        const last = i === path.length - 1;
        if (typeof node !== 'object' || node === null) return ASK_REFERENCE;
        if (Array.isArray(node)) {
          const kids = containers.get(node);
          if (kids === undefined || typeof step !== 'number' || !Number.isInteger(step) || step < 0 || step >= node.length) return ASK_REFERENCE;
          if (last) return lineAt(kids[step].pos);
          node = node[step];
        } else {
          if (typeof step !== 'string') return ASK_REFERENCE;
          // A key the mapping does not have (under any spelling of its keys): the reference reader
          // has no such pair either and answers undefined, so it need not load to say so.
          if (containers.has(node) && !Object.hasOwn(node, step)) return undefined;
          const entry = entryOf(node, step);
          if (entry === undefined) return ASK_REFERENCE;
          if (last) return lineAt(entry.keyFrame.pos);
          node = entry.item.result;
        }
      }
      return ASK_REFERENCE;
    },
  };
}

/**
 * Checks the next lines of quoted scalars and flow collections that span lines against the indent
 * the `yaml` package needs: more than the key's column for a block mapping value (its lexer's
 * `indentNext`), and, to stay on the safe side, at least the node's own column anywhere else.
 * Nodes inside a flow collection are covered by the check of the outermost one.
 * @param nodes in the order js-yaml closed them (inner before outer)
 */
function multiLinesIndented(input: string, nodes: MultiLine[]): boolean {
  let flowStart = -1;
  let flowEnd = -1;
  for (let i = nodes.length - 1; i >= 0; i--) {
    const { frame, parent, start, end, flow } = nodes[i];
    if (start >= flowStart && end <= flowEnd) continue;
    let minIndent = columnOf(input, start);
    const siblings = parent?.children;
    if (parent && siblings && isPlainObject(parent.result) && isBlockMapping(input, parent)) {
      const index = siblings.indexOf(frame);
      if (index % 2 === 1) minIndent = columnOf(input, contentStart(input, siblings[index - 1].pos)) + 1;
    }
    if (!indentedEnough(input, start, end, minIndent, flow)) return false;
    if (flow) {
      flowStart = start;
      flowEnd = end;
    }
  }
  return true;
}

/** True when the mapping read in `frame` is a block mapping (not `{...}`). */
function isBlockMapping(input: string, frame: Frame): boolean {
  return input.charCodeAt(contentStart(input, frame.pos)) !== 0x7b /* { */;
}

// ---------------------------------------------------------------------------------------------
// What the rest of dops calls

/**
 * Parses YAML text into plain JS values, with errors that name the file and line.
 * Follows the rules at the top of this file (YAML 1.2 core schema, as the `yaml` package reads it).
 * @param text the file's contents
 * @param file path shown in errors (relative to the project)
 * @returns the document as plain objects (`null` for an empty file)
 * @throws ParseError on malformed YAML, with the 1-based line and column of the first problem
 */
export function parseYaml(text: string, file: string): unknown {
  const fast = parseYamlFast(text);
  return fast ? fast.value : parseChecked(text, file).doc.toJS();
}

/**
 * Reads and parses a YAML file. See {@link parseYaml}.
 * @throws ParseError on malformed YAML
 */
export function readYamlFile(path: string, displayPath: string): unknown {
  return parseYaml(readFileSync(path, 'utf8'), displayPath);
}

/** A parsed YAML file plus a way to find the line of any entry in it. */
export interface YamlWithLines {
  value: unknown;
  /**
   * 1-based line of the entry at a key path, e.g. `['models', 2]` or `['sources', 0, 'tables', 1]`;
   * for a path ending in a mapping key, the line of that key.
   * @returns undefined when the path does not exist
   */
  lineOf(path: (string | number)[]): number | undefined;
}

/**
 * Parses YAML like {@link parseYaml}, keeping positions so property errors can name a line.
 * Lines equal those of {@link parseYamlReference}; a line the fast reader cannot answer (a path
 * that does not exist, or through a number key) makes the `yaml` package read the file once.
 * @throws ParseError on malformed YAML
 */
export function parseYamlWithLines(text: string, file: string): YamlWithLines {
  const fast = parseYamlFast(text);
  if (!fast) return parseYamlReference(text, file);
  let reference: YamlWithLines | undefined;
  return {
    value: fast.value,
    lineOf(path) {
      const line = fast.lineOf(path);
      if (line !== ASK_REFERENCE) return line;
      reference ??= parseYamlReference(text, file);
      return reference.lineOf(path);
    },
  };
}

/** True for a plain (non-array) object, as YAML mappings parse to. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
