import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isPlainObject, parseYamlWithLines, type YamlWithLines } from '../config/yaml-file.js';
import { ConfigError, ParseError } from '../errors.js';
import { parseTerm, type SelectorExpression, type Term } from './selector.js';

/** The file named selectors live in, beside `dops_project.yml` (dbt's `selectors.yml`). */
export const SELECTORS_FILE = 'selectors.yml';

/** A named selector from `selectors.yml`. */
export interface NamedSelector {
  name: string;
  description: string;
  /** `default: true`: used when a command gets neither `--select` nor `--selector`. */
  isDefault: boolean;
  definition: SelectorExpression;
}

type Path = (string | number)[];

interface Reader {
  yaml: YamlWithLines;
  file: string;
}

function fail(reader: Reader, path: Path, message: string): never {
  throw new ParseError(message, { location: { file: reader.file, line: reader.yaml.lineOf(path) } });
}

function depth(value: unknown): number | undefined {
  return value === undefined || value === null ? undefined : Number(value);
}

/** dbt's method form: `{method: tag, value: x, parents: true, children_depth: 1, childrens_parents: false}`. */
function methodTerm(raw: Record<string, unknown>, reader: Reader, path: Path): Term {
  if (typeof raw.method !== 'string' || raw.value === undefined) fail(reader, path, 'A selector term needs `method` and `value`');
  const parentDepth = depth(raw.parents_depth);
  const childDepth = depth(raw.children_depth);
  return {
    method: raw.method,
    value: String(raw.value),
    parents: raw.parents === true || parentDepth !== undefined,
    parentDepth,
    children: raw.children === true || childDepth !== undefined,
    childDepth,
    childrensParents: raw.childrens_parents === true,
  };
}

function readList(raw: unknown, reader: Reader, path: Path): unknown[] {
  if (!Array.isArray(raw)) fail(reader, path, `'${path[path.length - 1]}' must be a list`);
  return raw;
}

/**
 * Reads one definition in any of dbt's shapes: a CLI string (`'tag:nightly +orders'`), a method
 * mapping, `{union: [...]}` (items may be `{exclude: [...]}`), `{intersection: [...]}`, or
 * `{method: selector, value: other}`.
 */
function readDefinition(raw: unknown, reader: Reader, path: Path, named: Map<string, NamedSelector>): SelectorExpression {
  if (typeof raw === 'string') {
    try {
      raw.split(/[\s,]+/).filter(Boolean).forEach(parseTerm);
    } catch (error) {
      fail(reader, path, (error as Error).message);
    }
    return { expressions: [raw] };
  }
  if (!isPlainObject(raw)) fail(reader, path, 'A selector definition must be a string or a mapping');
  if ('union' in raw) {
    const union: SelectorExpression[] = [];
    const exclude: SelectorExpression[] = [];
    readList(raw.union, reader, [...path, 'union']).forEach((item, i) => {
      const at = [...path, 'union', i];
      if (isPlainObject(item) && 'exclude' in item) {
        readList(item.exclude, reader, [...at, 'exclude']).forEach((e, j) => exclude.push(readDefinition(e, reader, [...at, 'exclude', j], named)));
      } else union.push(readDefinition(item, reader, at, named));
    });
    return { union, exclude };
  }
  if ('intersection' in raw) {
    return { intersection: readList(raw.intersection, reader, [...path, 'intersection']).map((item, i) => readDefinition(item, reader, [...path, 'intersection', i], named)) };
  }
  if (raw.method === 'selector') {
    const other = named.get(String(raw.value));
    if (!other) fail(reader, path, `Selector '${raw.value}' is not defined above this one`);
    return other.definition;
  }
  return { term: methodTerm(raw, reader, path) };
}

/**
 * Reads `selectors.yml` from the project dir (dbt's named selectors).
 * @returns the selectors by name; empty when the file does not exist
 * @throws ParseError naming the file and line of a malformed entry
 */
export function loadSelectors(projectDir: string): Map<string, NamedSelector> {
  const path = join(projectDir, SELECTORS_FILE);
  const selectors = new Map<string, NamedSelector>();
  if (!existsSync(path)) return selectors;
  const reader: Reader = { yaml: parseYamlWithLines(readFileSync(path, 'utf8'), SELECTORS_FILE), file: SELECTORS_FILE };
  const doc = reader.yaml.value;
  if (doc === null || doc === undefined) return selectors;
  if (!isPlainObject(doc)) fail(reader, [], 'selectors.yml must be a mapping with a `selectors:` list');
  readList(doc.selectors ?? [], reader, ['selectors']).forEach((raw, i) => {
    const at = ['selectors', i];
    if (!isPlainObject(raw) || typeof raw.name !== 'string') fail(reader, at, 'Each selector needs a name');
    if (selectors.has(raw.name)) fail(reader, at, `Selector '${raw.name}' is defined twice`);
    if (raw.definition === undefined) fail(reader, at, `Selector '${raw.name}' needs a definition`);
    const definition = readDefinition(raw.definition, reader, [...at, 'definition'], selectors);
    selectors.set(raw.name, { name: raw.name, description: String(raw.description ?? ''), isDefault: raw.default === true, definition });
  });
  if ([...selectors.values()].filter((s) => s.isDefault).length > 1) fail(reader, ['selectors'], 'Only one selector may be `default: true`');
  return selectors;
}

/**
 * The definition `--selector NAME` refers to.
 * @throws ConfigError naming the known selectors when NAME is not defined
 */
export function namedSelector(selectors: Map<string, NamedSelector>, name: string): SelectorExpression {
  const found = selectors.get(name);
  if (found) return found.definition;
  const known = [...selectors.keys()];
  throw new ConfigError(`Selector '${name}' is not defined in ${SELECTORS_FILE}`, {
    hint: known.length ? `Defined selectors: ${known.join(', ')}.` : `Define it under selectors: in ${SELECTORS_FILE} beside dops_project.yml.`,
  });
}
