import { readFileSync } from 'node:fs';
import { parseDocument, LineCounter, isMap, type Document } from 'yaml';
import { ParseError } from '../errors.js';

function parseChecked(text: string, file: string): { doc: Document; lineCounter: LineCounter } {
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
 * Parses YAML text into plain JS values, with errors that name the file and line.
 * @param text the file's contents
 * @param file path shown in errors (relative to the project)
 * @returns the document as plain objects (`null` for an empty file)
 * @throws ParseError on malformed YAML, with the 1-based line and column of the first problem
 */
export function parseYaml(text: string, file: string): unknown {
  return parseChecked(text, file).doc.toJS();
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
 * @throws ParseError on malformed YAML
 */
export function parseYamlWithLines(text: string, file: string): YamlWithLines {
  const { doc, lineCounter } = parseChecked(text, file);
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

/** True for a plain (non-array) object, as YAML mappings parse to. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
