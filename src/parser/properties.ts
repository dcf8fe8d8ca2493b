import { isPlainObject, parseYamlWithLines, type YamlWithLines } from '../config/yaml-file.js';
import { DopsError, ParseError } from '../errors.js';
import type { ColumnInfo, FreshnessCriteria } from '../manifest/nodes.js';
import { readFreshness } from './source-freshness.js';
import { configProblem } from '../config/node-config.js';
import { OTHER_TOP_KEYS, unknownKeyWarnings, type PROPERTY_KEYS } from './property-keys.js';
import type { ProjectFile } from '../project/files.js';
import { readConstraints, type Constraint } from './constraints.js';

/** Test config keys that may sit directly under a test entry (dbt accepts them beside arguments). */
const TEST_CONFIG_KEYS = new Set(['severity', 'where', 'tags', 'enabled', 'limit', 'warn_if', 'error_if', 'store_failures', 'store_failures_as', 'meta', 'fail_calc', 'alias', 'schema', 'database']);

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
  /** Model-level `constraints:`, checked (enforced with the model's contract). */
  constraints?: Constraint[];
  /** `deprecation_date`, as written. */
  deprecationDate?: string;
  /** Model versions (`versions:`), in file order. */
  versions?: VersionSpec[];
  /** `latest_version`; undefined means the highest `v`. */
  latestVersion?: string;
}

/** One entry of a model's `versions:` (https://docs.getdbt.com/reference/resource-properties/versions). */
export interface VersionSpec {
  /** The version as written (`v: 2` -> '2'). */
  v: string;
  /** File base name defining it (default `<model>_v<v>`). */
  definedIn?: string;
  description?: string;
  columns: Record<string, ColumnInfo>;
  config: Record<string, unknown>;
  /** The version's own tests plus the tests of the model's columns it includes. */
  tests: TestSpec[];
  constraints?: Constraint[];
  deprecationDate?: string;
  line?: number;
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
  /** Unknown keys and entries dops does not read, as `file:line: text`. */
  warnings: string[];
  /** Top-level entries read elsewhere (`exposures:`, `groups:`, ...): key -> entries with their file. */
  other: Map<string, { file: string; entries: unknown[]; yaml: YamlWithLines }[]>;
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
  if (body && isPlainObject(body.config) === false && body.config !== undefined) throw new ParseError(`The config of test '${testName}' must be a mapping`, { location: { file, line } });
  if (body && body.arguments !== undefined && !isPlainObject(body.arguments)) throw new ParseError(`The arguments of test '${testName}' must be a mapping`, { location: { file, line } });
  for (const [key, value] of Object.entries(config)) {
    const problem = configProblem(key, value);
    if (problem) throw new ParseError(`Test '${testName}': ${problem}`, { location: { file, line } });
  }
  return { testName, kwargs, config, customName, columnName, file, line };
}

function readColumns(raw: unknown, yaml: YamlWithLines, path: Path, file: string, tests: TestSpec[], warnings: string[] = []): Record<string, ColumnInfo> {
  const columns: Record<string, ColumnInfo> = {};
  if (raw === undefined || raw === null) return columns;
  if (!Array.isArray(raw)) throw new ParseError(`'columns' must be a list of columns, got ${JSON.stringify(raw)}`, { location: { file, line: yaml.lineOf(path) } });
  raw.forEach((column, index) => {
    if (isPlainObject(column) && column.include !== undefined) return;
    if (!isPlainObject(column) || typeof column.name !== 'string') {
      throw new ParseError('Each column needs a name', { location: { file, line: yaml.lineOf([...path, index]) } });
    }
    warnings.push(...unknownKeyWarnings(column, 'column', `column '${column.name}'`, file, (key) => yaml.lineOf([...path, index, key])));
    checkShape(column, yaml, [...path, index], file);
    // Tags, meta and docs also under `config:` (dbt 1.10+); the docs site reads them (sensitive columns, show_data).
    const config = isPlainObject(column.config) ? column.config : {};
    const tags = [column.tags, config.tags].flat().filter((t) => t !== undefined && t !== null).map(String);
    const mapping = (key: string): Record<string, unknown> | undefined => (isPlainObject(config[key]) || isPlainObject(column[key]) ? { ...(column[key] as object), ...(config[key] as object) } : undefined);
    const meta = mapping('meta');
    const docs = mapping('docs');
    columns[column.name] = {
      name: column.name,
      description: text(column.description),
      dataType: column.data_type === undefined ? undefined : String(column.data_type),
      ...(meta !== undefined ? { meta } : {}),
      ...(tags.length ? { tags } : {}),
      ...(docs !== undefined ? { docs } : {}),
      ...(column.constraints !== undefined ? { constraints: readConstraints(column.constraints, 'column', yaml, [...path, index, 'constraints'], file) } : {}),
      file,
      line: yaml.lineOf([...path, index]),
      ...(column.quote !== undefined ? { quote: column.quote === true } : {}),
    };
    const key = testListKey(column);
    testEntries(column, yaml, [...path, index], file).forEach((entry, i) => tests.push(readTestEntry(entry, yaml, [...path, index, key, i], file, column.name as string)));
  });
  return columns;
}

/**
 * Type checks of the keys every entry may have: `meta` and `docs` mappings, `tags` a string or a
 * list, `constraints` a list, and the values of its `config:` block.
 * @throws ParseError naming the key and its line
 */
function checkShape(raw: Record<string, unknown>, yaml: YamlWithLines, path: Path, file: string): void {
  for (const key of ['meta', 'docs', 'tags', 'access'] as const) {
    const problem = raw[key] === undefined ? undefined : configProblem(key, raw[key]);
    if (problem) throw new ParseError(problem, { location: { file, line: yaml.lineOf([...path, key]) } });
  }
  if (raw.constraints !== undefined && !Array.isArray(raw.constraints)) throw new ParseError("'constraints' must be a list", { location: { file, line: yaml.lineOf([...path, 'constraints']) } });
  if (isPlainObject(raw.config)) {
    for (const [key, value] of Object.entries(raw.config)) {
      const problem = configProblem(key, value);
      if (problem) throw new ParseError(problem, { location: { file, line: yaml.lineOf([...path, 'config', key]) } });
    }
  }
}

/** Top-level property keys that dbt also reads as configs (`meta`, `tags`, `docs`, `access`, `group`). */
const CONFIG_LIKE = ['meta', 'tags', 'docs', 'access', 'group'] as const;

function readResource(raw: unknown, yaml: YamlWithLines, path: Path, file: string, kind: keyof typeof PROPERTY_KEYS = 'model', warnings: string[] = []): ResourcePatch {
  const line = yaml.lineOf(path);
  if (!isPlainObject(raw) || typeof raw.name !== 'string') throw new ParseError('Each entry needs a name', { location: { file, line } });
  if (raw.config !== undefined && !isPlainObject(raw.config)) throw new ParseError(`'config' of '${raw.name}' must be a mapping`, { location: { file, line } });
  warnings.push(...unknownKeyWarnings(raw, kind, `${kind} '${raw.name}'`, file, (key) => yaml.lineOf([...path, key])));
  checkShape(raw, yaml, path, file);
  const tests: TestSpec[] = [];
  const columns = readColumns(raw.columns, yaml, [...path, 'columns'], file, tests, warnings);
  testEntries(raw, yaml, path, file).forEach((entry, i) => tests.push(readTestEntry(entry, yaml, [...path, testListKey(raw), i], file)));
  const relation = raw.relation === undefined ? undefined : String(raw.relation);
  // dbt reads meta, tags, docs, access and group given beside config as configs too.
  const fromTop = Object.fromEntries(CONFIG_LIKE.filter((key) => raw[key] !== undefined && kind !== 'table').map((key) => [key, raw[key]]));
  const config = { ...fromTop, ...((raw.config as Record<string, unknown>) ?? {}) };
  const patch: ResourcePatch = { name: raw.name, description: text(raw.description), columns, config, tests, file, line, relation };
  if (raw.constraints !== undefined && kind === 'model') patch.constraints = readConstraints(raw.constraints, 'model', yaml, [...path, 'constraints'], file);
  if (raw.deprecation_date !== undefined) patch.deprecationDate = String(raw.deprecation_date);
  if (kind === 'model' && raw.versions !== undefined) {
    if (!Array.isArray(raw.versions)) throw new ParseError(`'versions' of '${raw.name}' must be a list`, { location: { file, line: yaml.lineOf([...path, 'versions']) } });
    patch.versions = raw.versions.map((entry, index) => readVersion(entry, raw, patch, yaml, [...path, 'versions', index], file, warnings));
    if (raw.latest_version !== undefined) {
      patch.latestVersion = String(raw.latest_version);
      if (!patch.versions.some((version) => version.v === patch.latestVersion)) {
        throw new ParseError(`latest_version ${patch.latestVersion} of '${raw.name}' is not one of its versions (${patch.versions.map((v) => v.v).join(', ')})`, { location: { file, line: yaml.lineOf([...path, 'latest_version']) } });
      }
    }
  }
  return patch;
}

/**
 * One `versions:` entry: its own columns (with `include: all | [..]` / `exclude: [..]` selecting the
 * model's columns, dbt's default being all), config on top of the model's, and tests (its own, or
 * the model's when it declares none, plus the tests of the columns it keeps).
 * @throws ParseError for an entry without `v`
 */
function readVersion(raw: unknown, model: Record<string, unknown>, patch: ResourcePatch, yaml: YamlWithLines, path: Path, file: string, warnings: string[]): VersionSpec {
  const line = yaml.lineOf(path);
  if (!isPlainObject(raw) || raw.v === undefined || raw.v === null) throw new ParseError(`Each version of '${patch.name}' needs a 'v'`, { location: { file, line } });
  warnings.push(...unknownKeyWarnings(raw, 'version', `version ${raw.v} of '${patch.name}'`, file, (key) => yaml.lineOf([...path, key])));
  checkShape(raw, yaml, path, file);
  const ownTests: TestSpec[] = [];
  const own = readColumns(raw.columns, yaml, [...path, 'columns'], file, ownTests, warnings);
  const selector = Array.isArray(raw.columns) ? (raw.columns as unknown[]).find((c) => isPlainObject(c) && c.include !== undefined) as Record<string, unknown> | undefined : undefined;
  const include = selector?.include ?? 'all';
  const exclude = new Set(Array.isArray(selector?.exclude) ? (selector!.exclude as unknown[]).map(String) : []);
  const keep = (name: string) => !exclude.has(name) && (include === 'all' || include === '*' || (Array.isArray(include) && include.map(String).includes(name)));
  const columns: Record<string, ColumnInfo> = {};
  for (const [name, info] of Object.entries(patch.columns)) if (keep(name) && !own[name]) columns[name] = info;
  Object.assign(columns, own);
  const inherited = patch.tests.filter((test) => test.columnName !== undefined && keep(test.columnName) && !own[test.columnName]);
  const versionLevel: TestSpec[] = [];
  testEntries(raw, yaml, path, file).forEach((entry, i) => versionLevel.push(readTestEntry(entry, yaml, [...path, testListKey(raw), i], file)));
  const modelLevel = raw.tests === undefined && raw.data_tests === undefined ? patch.tests.filter((test) => test.columnName === undefined) : [];
  const fromTop = Object.fromEntries(CONFIG_LIKE.filter((key) => raw[key] !== undefined).map((key) => [key, raw[key]]));
  return {
    v: String(raw.v),
    definedIn: raw.defined_in === undefined ? undefined : String(raw.defined_in),
    description: raw.description === undefined ? undefined : text(raw.description),
    columns,
    config: { ...patch.config, ...fromTop, ...(isPlainObject(raw.config) ? raw.config : {}) },
    tests: [...modelLevel, ...versionLevel, ...inherited, ...ownTests],
    constraints: raw.constraints === undefined ? patch.constraints : readConstraints(raw.constraints, 'model', yaml, [...path, 'constraints'], file),
    deprecationDate: raw.deprecation_date === undefined ? patch.deprecationDate ?? (model.deprecation_date === undefined ? undefined : String(model.deprecation_date)) : String(raw.deprecation_date),
    line,
  };
}

function readSource(raw: unknown, yaml: YamlWithLines, path: Path, file: string, warnings: string[] = []): SourceTableSpec[] {
  const line = yaml.lineOf(path);
  if (!isPlainObject(raw) || typeof raw.name !== 'string') throw new ParseError('Each source needs a name', { location: { file, line } });
  warnings.push(...unknownKeyWarnings(raw, 'source', `source '${raw.name}'`, file, (key) => yaml.lineOf([...path, key])));
  checkShape(raw, yaml, path, file);
  if (raw.tables !== undefined && !Array.isArray(raw.tables)) throw new ParseError(`'tables' of source '${raw.name}' must be a list`, { location: { file, line: yaml.lineOf([...path, 'tables']) } });
  const sourceConfig = isPlainObject(raw.config) ? raw.config : {};
  const sourceMeta = isPlainObject(raw.meta) ? raw.meta : {};
  const tables = Array.isArray(raw.tables) ? raw.tables : [];
  return tables.map((table, index) => {
    const patch = readResource(table, yaml, [...path, 'tables', index], file, 'table', warnings);
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
  const properties: Properties = { models: new Map(), seeds: new Map(), sources: [], snapshots: new Map(), warnings: [], other: new Map() };
  const warnings = properties.warnings;
  for (const file of files) {
    try {
      const yaml = parseYaml(file.contents, file.path);
      if (yaml.value === null || yaml.value === undefined) continue;
      if (!isPlainObject(yaml.value)) throw new ParseError('A property file must be a mapping (models:, sources:, seeds:)', { location: { file: file.path } });
      const doc = yaml.value;
      warnings.push(...unknownKeyWarnings(doc, 'file', 'a property file', file.path, (key) => yaml.lineOf([key])));
      for (const key of ['models', 'seeds', 'sources', 'snapshots', ...OTHER_TOP_KEYS]) {
        if (doc[key] !== undefined && doc[key] !== null && !Array.isArray(doc[key])) throw new ParseError(`'${key}' must be a list`, { location: { file: file.path, line: yaml.lineOf([key]) } });
      }
      const each = (key: string, read: (raw: unknown, path: Path) => void) => ((doc[key] as unknown[]) ?? []).forEach((raw, i) => {
        try {
          read(raw, [key, i]);
        } catch (error) {
          if (error instanceof DopsError) errors.push(error);
          else throw error;
        }
      });
      each('models', (raw, path) => addPatch(properties.models, readResource(raw, yaml, path, file.path, 'model', warnings), 'Model', errors));
      each('seeds', (raw, path) => addPatch(properties.seeds, readResource(raw, yaml, path, file.path, 'seed', warnings), 'Seed', errors));
      each('sources', (raw, path) => properties.sources.push(...readSource(raw, yaml, path, file.path, warnings)));
      each('snapshots', (raw, path) => addPatch(properties.snapshots, readResource(raw, yaml, path, file.path, 'snapshot', warnings), 'Snapshot', errors));
      for (const key of OTHER_TOP_KEYS) {
        if (!Array.isArray(doc[key]) || !(doc[key] as unknown[]).length) continue;
        const list = properties.other.get(key) ?? [];
        list.push({ file: file.path, entries: doc[key] as unknown[], yaml });
        properties.other.set(key, list);
      }
    } catch (error) {
      if (error instanceof DopsError) errors.push(error);
      else throw error;
    }
  }
  return properties;
}
