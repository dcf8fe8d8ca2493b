import { isPlainObject, parseYamlWithLines, type YamlWithLines } from '../config/yaml-file.js';
import { DopsError, ParseError } from '../errors.js';
import type { ColumnInfo, FreshnessCriteria } from '../manifest/nodes.js';
import { readFreshness } from './source-freshness.js';
import type { ProjectFile } from '../project/files.js';

/** Test config keys that may sit directly under a test entry (dbt accepts them beside arguments). */
const TEST_CONFIG_KEYS = new Set(['severity', 'where', 'tags', 'enabled', 'limit', 'warn_if', 'error_if', 'store_failures', 'meta']);

/** A generic test as written in YAML, before it becomes a test node. */
export interface TestSpec {
  /** Generic test name, e.g. `unique` (the macro `test_unique` implements it). */
  testName: string;
  /** Arguments for the test macro (besides `model` and `column_name`). */
  kwargs: Record<string, unknown>;
  config: Record<string, unknown>;
  /** `name:` given in YAML to override the generated test name. */
  customName?: string;
  columnName?: string;
  file: string;
  line?: number;
}

/** Properties of a model or seed from YAML (`models:` / `seeds:` entries). */
export interface ResourcePatch {
  name: string;
  description: string;
  columns: Record<string, ColumnInfo>;
  config: Record<string, unknown>;
  tests: TestSpec[];
  file: string;
  line?: number;
  /** Snapshots defined in YAML only: `ref('x')` or `source('s', 't')`, the relation snapshotted. */
  relation?: string;
}

/** One table of a `sources:` entry. */
export interface SourceTableSpec {
  sourceName: string;
  name: string;
  identifier: string;
  schema: string;
  description: string;
  externalLocation?: string;
  /** `format` and `options` (named DuckDB reader options) for lake files. */
  readerOptions?: Record<string, unknown>;
  loadedAtField?: string;
  freshness?: FreshnessCriteria;
  columns: Record<string, ColumnInfo>;
  config: Record<string, unknown>;
  tests: TestSpec[];
  file: string;
  line?: number;
}

/** Everything the project's YAML property files declare. */
export interface Properties {
  models: Map<string, ResourcePatch>;
  seeds: Map<string, ResourcePatch>;
  sources: SourceTableSpec[];
  /** `snapshots:` entries: properties of snapshot blocks, or whole snapshots when they have `relation:`. */
  snapshots: Map<string, ResourcePatch>;
}

type Path = (string | number)[];

function text(value: unknown): string {
  return value === undefined || value === null ? '' : String(value);
}

function testListKey(raw: Record<string, unknown>): string {
  return raw.data_tests !== undefined ? 'data_tests' : 'tests';
}

/**
 * The `data_tests:` (or `tests:`) list of a model, column or source table.
 * @throws ParseError when it is present but not a list
 */
function testEntries(raw: Record<string, unknown>, yaml: YamlWithLines, path: Path, file: string): unknown[] {
  const entries = raw.data_tests ?? raw.tests ?? [];
  if (Array.isArray(entries)) return entries;
  const key = testListKey(raw);
  throw new ParseError(`'${key}' must be a list of tests`, { location: { file, line: yaml.lineOf([...path, key]) } });
}

/**
 * Reads one test entry in any of dbt's shapes: `unique`, `{unique: {config: ...}}`,
 * `{accepted_values: {values: [...], quote: false}}` or `{accepted_values: {arguments: {...}}}`.
 * @throws ParseError for an entry that is none of these
 */
function readTestEntry(entry: unknown, yaml: YamlWithLines, path: Path, file: string, columnName?: string): TestSpec {
  const line = yaml.lineOf(path);
  if (typeof entry === 'string') return { testName: entry, kwargs: {}, config: {}, columnName, file, line };
  if (!isPlainObject(entry) || Object.keys(entry).length !== 1) {
    throw new ParseError('A test must be a name (e.g. `- unique`) or a mapping with one test name as key', { location: { file, line } });
  }
  const [testName, body] = Object.entries(entry)[0];
  if (body !== null && body !== undefined && !isPlainObject(body)) {
    throw new ParseError(`The arguments of test '${testName}' must be a mapping`, { location: { file, line } });
  }
  const kwargs: Record<string, unknown> = {};
  const config: Record<string, unknown> = {};
  let customName: string | undefined;
  for (const [key, value] of Object.entries(body ?? {})) {
    if (key === 'config' && isPlainObject(value)) Object.assign(config, value);
    else if (key === 'arguments' && isPlainObject(value)) Object.assign(kwargs, value);
    else if (key === 'name') customName = String(value);
    else if (TEST_CONFIG_KEYS.has(key)) config[key] = value;
    else kwargs[key] = value;
  }
  return { testName, kwargs, config, customName, columnName, file, line };
}

function readColumns(raw: unknown, yaml: YamlWithLines, path: Path, file: string, tests: TestSpec[]): Record<string, ColumnInfo> {
  const columns: Record<string, ColumnInfo> = {};
  if (!Array.isArray(raw)) return columns;
  raw.forEach((column, index) => {
    if (!isPlainObject(column) || typeof column.name !== 'string') {
      throw new ParseError('Each column needs a name', { location: { file, line: yaml.lineOf([...path, index]) } });
    }
    const config = isPlainObject(column.config) ? column.config : {};
    const tags = [column.tags, config.tags].flat().filter((t) => t !== undefined && t !== null).map(String);
    const mapping = (key: string): Record<string, unknown> | undefined => (isPlainObject(config[key]) || isPlainObject(column[key]) ? { ...(column[key] as object), ...(config[key] as object) } : undefined);
    columns[column.name] = { name: column.name, description: text(column.description), dataType: column.data_type === undefined ? undefined : String(column.data_type), tags: tags.length ? tags : undefined, meta: mapping('meta'), docs: mapping('docs') };
    const key = testListKey(column);
    testEntries(column, yaml, [...path, index], file).forEach((entry, i) => tests.push(readTestEntry(entry, yaml, [...path, index, key, i], file, column.name as string)));
  });
  return columns;
}

function readResource(raw: unknown, yaml: YamlWithLines, path: Path, file: string): ResourcePatch {
  const line = yaml.lineOf(path);
  if (!isPlainObject(raw) || typeof raw.name !== 'string') throw new ParseError('Each entry needs a name', { location: { file, line } });
  if (raw.config !== undefined && !isPlainObject(raw.config)) throw new ParseError(`'config' of '${raw.name}' must be a mapping`, { location: { file, line } });
  const tests: TestSpec[] = [];
  const columns = readColumns(raw.columns, yaml, [...path, 'columns'], file, tests);
  testEntries(raw, yaml, path, file).forEach((entry, i) => tests.push(readTestEntry(entry, yaml, [...path, testListKey(raw), i], file)));
  const relation = raw.relation === undefined ? undefined : String(raw.relation);
  return { name: raw.name, description: text(raw.description), columns, config: (raw.config as Record<string, unknown>) ?? {}, tests, file, line, relation };
}

function readSource(raw: unknown, yaml: YamlWithLines, path: Path, file: string): SourceTableSpec[] {
  const line = yaml.lineOf(path);
  if (!isPlainObject(raw) || typeof raw.name !== 'string') throw new ParseError('Each source needs a name', { location: { file, line } });
  const sourceConfig = isPlainObject(raw.config) ? raw.config : {};
  const sourceMeta = isPlainObject(raw.meta) ? raw.meta : {};
  const tables = Array.isArray(raw.tables) ? raw.tables : [];
  return tables.map((table, index) => {
    const patch = readResource(table, yaml, [...path, 'tables', index], file);
    const tableMeta = isPlainObject((table as Record<string, unknown>).meta) ? ((table as Record<string, unknown>).meta as Record<string, unknown>) : {};
    // dbt-duckdb's convention: a source-level location may hold `{name}` for the table name.
    const location = patch.config.external_location ?? tableMeta.external_location ?? sourceConfig.external_location ?? sourceMeta.external_location;
    const merged = { ...sourceConfig, ...patch.config };
    const readerOptions = { ...(isPlainObject(merged.options) ? merged.options : {}), ...(merged.format === undefined ? {} : { format: merged.format }) };
    const loadedAt = (table as Record<string, unknown>).loaded_at_field ?? merged.loaded_at_field ?? raw.loaded_at_field;
    const freshness = readFreshness([table as Record<string, unknown>, patch.config, raw, sourceConfig], yaml, [...path, 'tables', index], file);
    return {
      sourceName: raw.name as string,
      name: patch.name,
      identifier: text((table as Record<string, unknown>).identifier) || patch.name,
      schema: text(raw.schema) || (raw.name as string),
      description: patch.description,
      externalLocation: location === undefined ? undefined : String(location).replace(/\{name\}/g, patch.name),
      readerOptions: Object.keys(readerOptions).length ? readerOptions : undefined,
      loadedAtField: loadedAt === undefined || loadedAt === null ? undefined : String(loadedAt),
      freshness,
      columns: patch.columns,
      config: { ...sourceConfig, ...patch.config },
      tests: patch.tests,
      file,
      line: patch.line,
    };
  });
}

function addPatch(target: Map<string, ResourcePatch>, patch: ResourcePatch, kind: string, errors: DopsError[]): void {
  const other = target.get(patch.name);
  if (other) {
    errors.push(new ParseError(`${kind} '${patch.name}' is described twice: in ${other.file}:${other.line} and ${patch.file}:${patch.line}`, { location: { file: patch.file, line: patch.line } }));
    return;
  }
  target.set(patch.name, patch);
}

/**
 * Reads every YAML property file (dbt's `version: 2` schema files) into patches for models and
 * seeds, and source tables. Collects problems instead of stopping at the first.
 * @param files property files from discovery
 * @param errors receives a ParseError (with file:line) per problem
 * @param parseYaml parses one file (the partial-parse cache passes one that skips unchanged files)
 */
export function readProperties(files: ProjectFile[], errors: DopsError[], parseYaml = parseYamlWithLines): Properties {
  const properties: Properties = { models: new Map(), seeds: new Map(), sources: [], snapshots: new Map() };
  for (const file of files) {
    try {
      const yaml = parseYaml(file.contents, file.path);
      if (yaml.value === null || yaml.value === undefined) continue;
      if (!isPlainObject(yaml.value)) throw new ParseError('A property file must be a mapping (models:, sources:, seeds:)', { location: { file: file.path } });
      const doc = yaml.value;
      for (const key of ['models', 'seeds', 'sources', 'snapshots'] as const) {
        if (doc[key] !== undefined && !Array.isArray(doc[key])) throw new ParseError(`'${key}' must be a list`, { location: { file: file.path, line: yaml.lineOf([key]) } });
      }
      ((doc.models as unknown[]) ?? []).forEach((raw, i) => addPatch(properties.models, readResource(raw, yaml, ['models', i], file.path), 'Model', errors));
      ((doc.seeds as unknown[]) ?? []).forEach((raw, i) => addPatch(properties.seeds, readResource(raw, yaml, ['seeds', i], file.path), 'Seed', errors));
      ((doc.sources as unknown[]) ?? []).forEach((raw, i) => properties.sources.push(...readSource(raw, yaml, ['sources', i], file.path)));
      ((doc.snapshots as unknown[]) ?? []).forEach((raw, i) => addPatch(properties.snapshots, readResource(raw, yaml, ['snapshots', i], file.path), 'Snapshot', errors));
    } catch (error) {
      if (error instanceof DopsError) errors.push(error);
      else throw error;
    }
  }
  return properties;
}
