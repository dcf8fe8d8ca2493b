import { finalizeConfig, folderConfigLayers, mergeConfig } from '../config/node-config.js';
import type { ProjectConfig } from '../config/project-config.js';
import { DopsError, ParseError } from '../errors.js';
import type { ManifestNode, ModelNode, SeedNode, SourceNode, TestNode, UnitTestNode } from '../manifest/nodes.js';
import type { ProjectFile, ProjectFiles } from '../project/files.js';
import { parseContext, type GlobalContext, type ParseCapture } from '../templating/context.js';
import { TemplateEngine } from '../templating/engine.js';
import { BUILTIN_TEST_CALL, genericTestNode, isInertArgument, type TestTarget } from './generic-tests.js';
import { fqnFor, folderSegments, nodeName } from './naming.js';
import type { YamlWithLines } from '../config/yaml-file.js';
import { readProperties, type ResourcePatch, type TestSpec } from './properties.js';
import { levenshtein } from './similar.js';
import { parseSnapshots } from './snapshots.js';
import { relationNames } from './relation-names.js';
import { OTHER_TOP_KEYS } from './property-keys.js';
import { EXTRA_RESOURCES } from './exposures.js';
import { unusedConfigPaths } from './unused-config.js';
import { parseUnitTests } from './unit-tests.js';
import { repeatedHeaderColumns, unknownColumnTypes } from '../materializations/seed-check.js';
import { DBT_PROJECT_FILE } from '../config/project-config.js';
import type { VersionSpec } from './properties.js';
import { foreignKeyTarget, type Constraint } from './constraints.js';

/** Top-level property-file keys nothing reads yet: each file using one gets a warning. */
const UNREAD_TOP_KEYS = new Set([...OTHER_TOP_KEYS].filter((key) => key !== 'unit_tests' && !EXTRA_RESOURCES.some((kind) => kind.yaml === key)));

/** What parsing produced: every enabled node, and problems found (none means ready to compile). */
export interface ParseResult {
  nodes: ManifestNode[];
  errors: DopsError[];
  /** Non-fatal notes, e.g. YAML describing a model that does not exist. */
  warnings: string[];
  /** Disabled models, seeds and snapshots (`enabled: false`): name -> file, so a ref() to one says "disabled". */
  disabled?: Map<string, string>;
}

/** Everything parsing needs, built once per invocation. */
export interface ParseInput {
  project: ProjectConfig;
  files: ProjectFiles;
  engine: TemplateEngine;
  global: GlobalContext;
  /** Parses a YAML property file (default: parseYamlWithLines; the partial-parse cache passes its own). */
  parseYaml?: (text: string, file: string) => YamlWithLines;
}

function collect<T>(errors: DopsError[], fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    if (error instanceof DopsError) {
      errors.push(error);
      return undefined;
    }
    throw error;
  }
}

function renderForCapture(input: ParseInput, file: ProjectFile, identifier: string): ParseCapture {
  const capture: ParseCapture = { refs: [], sources: [], config: {} };
  const self = { schema: input.global.target.schema, identifier };
  input.engine.render(file, parseContext(input.engine, input.global, self, capture));
  return capture;
}

/** The identity fields of a node defined by a file: `<type>.<project>.<name>`, path and fqn. */
function fileIdentity<T extends 'model' | 'seed' | 'test'>(project: ProjectConfig, file: ProjectFile, resourceType: T) {
  const name = nodeName(file.path);
  return { uniqueId: `${resourceType}.${project.name}.${name}`, resourceType, name, packageName: project.name, originalFilePath: file.path, fqn: fqnFor(project.name, file) };
}

/**
 * The relation of a model, seed or snapshot: dbt's naming macros (see relation-names.ts). Projects
 * on the legacy `dops_project.yml` keep a custom schema as written unless they override
 * `generate_schema_name`.
 */
export function nodeRelation(input: ParseInput, node: Parameters<typeof relationNames>[2]): { schema: string; identifier: string; database: string } {
  const legacy = input.project.projectFile !== DBT_PROJECT_FILE && !input.engine.macros.has('generate_schema_name');
  const names = relationNames(input.engine, input.global, node);
  if (legacy && node.config.schema !== undefined && node.config.schema !== null && node.config.schema !== '') names.schema = String(node.config.schema);
  return names;
}

/** A model's version, when its file defines one of a versioned model's versions. */
interface VersionOf {
  patch: ResourcePatch;
  version: VersionSpec;
}

function parseModel(input: ParseInput, file: ProjectFile, patch: ResourcePatch | undefined, versionOf?: VersionOf): ModelNode {
  const { project } = input;
  const name = versionOf ? versionOf.patch.name : nodeName(file.path);
  const capture = renderForCapture(input, file, name);
  const layers = folderConfigLayers(project.folderConfig.models, project.name, folderSegments(file));
  const config = finalizeConfig(mergeConfig(...layers, versionOf ? versionOf.version.config : patch?.config ?? {}, capture.config), 'view');
  // One object, keys stored by name in the order the node always had: spreading a partial node into
  // a new literal and adding keys to it took V8's slow runtime path for each key, per model.
  const node = fileIdentity(project, file, 'model') as unknown as Record<string, unknown>;
  if (versionOf) {
    const version = versionOf.version.v;
    node.uniqueId = `model.${project.name}.${name}.v${version}`;
    node.name = name;
    node.fqn = [...(node.fqn as string[]).slice(0, -1), name, `v${version}`];
    node.version = version;
    node.latestVersion = versionOf.patch.latestVersion ?? latestOf(versionOf.patch.versions!);
  }
  const source = versionOf?.patch ?? patch;
  node.description = versionOf?.version.description ?? source?.description ?? '';
  node.config = config;
  node.rawSql = file.contents;
  node.refs = capture.refs;
  node.sources = capture.sources;
  node.dependsOn = { nodes: [] };
  node.columns = versionOf ? versionOf.version.columns : patch?.columns ?? {};
  node.checksum = file.checksum;
  const model = node as unknown as Omit<ModelNode, 'relation'>;
  const constraints = versionOf ? versionOf.version.constraints : patch?.constraints;
  const deprecationDate = versionOf ? versionOf.version.deprecationDate : patch?.deprecationDate;
  addForeignKeyParents(model, constraints);
  const { database, ...relation } = nodeRelation(input, model);
  node.relation = relation;
  node.database = database;
  if (source) {
    node.patchPath = source.file;
    node.patchLine = versionOf ? versionOf.version.line : source.line;
  }
  if (constraints) node.constraints = constraints;
  if (deprecationDate) node.deprecationDate = deprecationDate;
  return node as unknown as ModelNode;
}

/**
 * dbt makes a foreign key's `to: ref('x')` / `source('s', 't')` a parent of the model, so the
 * referenced relation is built first (https://docs.getdbt.com/reference/resource-properties/constraints).
 */
function addForeignKeyParents(node: Omit<ModelNode, 'relation'>, constraints: Constraint[] | undefined): void {
  const all = [...(constraints ?? []), ...Object.values(node.columns).flatMap((column) => column.constraints ?? [])];
  for (const constraint of all) {
    if (constraint.type !== 'foreign_key' || constraint.to === undefined) continue;
    const target = foreignKeyTarget(constraint.to, constraint.file, constraint.line);
    if ('ref' in target) node.refs = [...node.refs, target.ref];
    else node.sources = [...node.sources, target.source];
  }
}

/** The highest `v` of a versioned model (numerically when all are numbers): dbt's default latest. */
function latestOf(versions: VersionSpec[]): string {
  const numeric = versions.every((v) => /^\d+(\.\d+)?$/.test(v.v));
  return [...versions].sort((a, b) => (numeric ? Number(a.v) - Number(b.v) : a.v.localeCompare(b.v))).at(-1)!.v;
}

function parseSeed(input: ParseInput, file: ProjectFile, patch: ResourcePatch | undefined): SeedNode {
  const { project } = input;
  const layers = folderConfigLayers(project.folderConfig.seeds, project.name, folderSegments(file));
  const config = finalizeConfig(mergeConfig(...layers, patch?.config ?? {}), 'seed');
  const node = {
    ...fileIdentity(project, file, 'seed'),
    description: patch?.description ?? '',
    config,
    columns: patch?.columns ?? {},
    checksum: file.checksum,
  };
  const { database, ...relation } = nodeRelation(input, node);
  return { ...node, relation, database };
}

function parseSingularTest(input: ParseInput, file: ProjectFile): TestNode {
  const { project } = input;
  const name = nodeName(file.path);
  const capture = renderForCapture(input, file, name);
  const layers = folderConfigLayers(project.folderConfig.tests, project.name, folderSegments(file));
  return {
    ...fileIdentity(project, file, 'test'),
    description: '',
    config: finalizeConfig(mergeConfig(...layers, capture.config), 'test'),
    testType: 'singular',
    rawSql: file.contents,
    refs: capture.refs,
    sources: capture.sources,
    dependsOn: { nodes: [] },
    checksum: file.checksum,
  };
}

/**
 * Renders Jinja in a source's `schema` and `identifier` (dbt renders these YAML values with the
 * parse context: `schema: "{{ target.schema ~ '_raw' }}"`,
 * https://docs.getdbt.com/reference/resource-properties/schema).
 * @throws DopsError with the source's file and line when the template fails
 */
function renderSourceRelation(input: ParseInput, source: SourceNode): SourceNode {
  const render = (text: string): string => {
    if (!text.includes('{{') && !text.includes('{%')) return text;
    const capture: ParseCapture = { refs: [], sources: [], config: {} };
    try {
      // The base class's render: the partial-parse engine answers parse renders from its cache with ''.
      return TemplateEngine.prototype.render.call(input.engine, { path: source.originalFilePath, contents: text }, parseContext(input.engine, input.global, { schema: input.global.target.schema, identifier: source.name }, capture)).trim();
    } catch (error) {
      if (error instanceof DopsError) Object.assign(error, { location: { file: source.originalFilePath, line: source.line } });
      throw error;
    }
  };
  const schema = render(source.relation.schema);
  const identifier = render(source.relation.identifier);
  if (schema === source.relation.schema && identifier === source.relation.identifier) return source;
  return { ...source, relation: { ...source.relation, schema, identifier } };
}

/**
 * Renders Jinja in a unit test's `config` values (dbt renders property-file configs with the parse
 * context: audit_helper tags its tests `"{{ 'skip' if target.type in [...] else 'runnable' }}"`,
 * https://docs.getdbt.com/reference/resource-properties/unit-tests); `enabled` that renders as
 * False leaves the test out.
 * @throws DopsError with the test's file and line when a template fails
 */
function renderUnitTestConfig(input: ParseInput, test: UnitTestNode): UnitTestNode {
  const hasJinja = (value: unknown) => typeof value === 'string' && (value.includes('{{') || value.includes('{%'));
  const entries = Object.entries(test.config);
  if (!entries.some(([, value]) => hasJinja(value) || (Array.isArray(value) && value.some(hasJinja)))) return test;
  const render = (value: unknown): unknown => {
    if (!hasJinja(value)) return value;
    const capture: ParseCapture = { refs: [], sources: [], config: {} };
    try {
      return TemplateEngine.prototype.render.call(input.engine, { path: test.originalFilePath, contents: value as string }, parseContext(input.engine, input.global, { schema: input.global.target.schema, identifier: test.name }, capture)).trim();
    } catch (error) {
      if (error instanceof DopsError) Object.assign(error, { location: { file: test.originalFilePath, line: test.line } });
      throw error;
    }
  };
  const config = Object.fromEntries(entries.map(([key, value]) => [key, Array.isArray(value) ? value.map(render) : render(value)])) as UnitTestNode['config'];
  if (typeof config.enabled === 'string') config.enabled = !/^(false|0|no|)$/i.test(config.enabled);
  return { ...test, config };
}

function sourceNode(project: ProjectConfig, spec: ReturnType<typeof readProperties>['sources'][number]): SourceNode {
  return {
    uniqueId: `source.${project.name}.${spec.sourceName}.${spec.name}`,
    resourceType: 'source',
    name: spec.name,
    sourceName: spec.sourceName,
    packageName: project.name,
    originalFilePath: spec.file,
    fqn: [project.name, spec.sourceName, spec.name],
    description: spec.description,
    // dbt_project.yml `sources:` tree: <project>.<source name>.<table name> (https://docs.getdbt.com/reference/source-configs)
    config: finalizeConfig(mergeConfig(...folderConfigLayers(project.folderConfig.sources ?? {}, project.name, [spec.sourceName, spec.name]), spec.config), 'source'),
    line: spec.line,
    columns: spec.columns,
    relation: { schema: spec.schema, identifier: spec.identifier },
    externalLocation: spec.externalLocation,
    readerOptions: spec.readerOptions,
    loadedAtField: spec.loadedAtField,
    freshness: spec.freshness,
  };
}

/**
 * Renders a generic test's call at parse time, so the refs in its arguments (e.g. relationships'
 * `to`) are recorded, and checks that the generic test exists.
 * @throws ParseError for an unknown generic test (with close names), a required argument missing,
 *   or the render's errors
 */
/** Jinja's reserved words: never keyword argument names (the call would not parse). */
const JINJA_WORDS = new Set(['and', 'or', 'not', 'in', 'is', 'if', 'else', 'true', 'false', 'none', 'True', 'False', 'None']);
/** A test argument name that writes a keyword argument as is (others keep the full render, and its syntax error). */
const isPlainKeyword = (key: string): boolean => /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) && !JINJA_WORDS.has(key);

/** True when a project or package macro named `name` takes the parse context's function of that name (e.g. a custom `ref`). */
function overridden(input: ParseInput, name: string): boolean {
  const { engine, global } = input;
  return engine.macros.has(name) || (global.currentPackage !== undefined && engine.registry.find(global.currentPackage, name) !== undefined);
}

function parseGenericTest(input: ParseInput, spec: TestSpec, target: TestTarget): TestNode {
  // `package.test_name` names a package's generic test (https://docs.getdbt.com/reference/resource-properties/data-tests);
  // inside a package, its own generic tests are found unprefixed too.
  let testPackage: string | undefined;
  const dot = spec.testName.indexOf('.');
  if (dot > 0 && input.engine.registry.find(spec.testName.slice(0, dot), `test_${spec.testName.slice(dot + 1)}`)) {
    testPackage = spec.testName.slice(0, dot);
    spec = { ...spec, testName: spec.testName.slice(dot + 1) };
  } else if (dot > 0 && spec.testName.slice(0, dot) === input.project.name) {
    spec = { ...spec, testName: spec.testName.slice(dot + 1) };
  }
  const macro = `test_${spec.testName}`;
  if (!testPackage && !input.engine.macros.has(macro) && input.engine.registry.find(input.project.name, macro)) testPackage = input.project.name;
  if (!testPackage && !input.engine.macros.has(macro)) {
    const known = [...input.engine.macros.keys()].filter((m) => m.startsWith('test_')).map((m) => m.slice(5));
    const close = known.filter((k) => levenshtein(k, spec.testName) <= 3);
    throw new ParseError(`Unknown generic test '${spec.testName}'`, {
      location: { file: spec.file, line: spec.line },
      hint: close.length ? `Did you mean ${close.map((c) => `'${c}'`).join(' or ')}?` : `Built-in generic tests: ${known.join(', ')}.`,
    });
  }
  const given = (name: string) => name === 'model' || (name === 'column_name' && spec.columnName !== undefined) || Object.hasOwn(spec.kwargs, name);
  const missing = (input.engine.macroParameters(macro) ?? []).filter((param) => param.required && !given(param.name)).map((param) => `'${param.name}'`);
  if (missing.length) {
    // Jinja would leave them undefined and the test would fail at run time with a syntax error in its SQL.
    throw new ParseError(`Generic test '${spec.testName}' is missing its argument${missing.length === 1 ? '' : 's'} ${missing.join(', ')}`, {
      location: { file: spec.file, line: spec.line },
      hint: spec.testName === 'accepted_values' ? 'e.g. accepted_values: {values: [a, b]}' : undefined,
    });
  }
  const generated = genericTestNode(input.project, spec, target);
  const node = testPackage ? { ...generated, rawSql: generated.rawSql.replace(`{{ ${macro}(`, `{{ ${testPackage}.${macro}(`) } : generated;
  const builtin = !testPackage && input.engine.isBuiltinTest(macro, input.global.currentPackage) && Object.keys(spec.kwargs).every(isPlainKeyword);
  if (builtin && target.records && !overridden(input, 'ref') && !overridden(input, 'source') && Object.values(spec.kwargs).every(isInertArgument)) {
    // Literal arguments besides the tested relation: the parse render would only record the
    // target's ref() / source() call and check the call's arguments, so both are done directly.
    const keywords = { model: undefined, ...(spec.columnName !== undefined ? { column_name: spec.columnName } : {}), ...spec.kwargs, __keywords: true };
    try {
      input.engine.checkMacroCall(macro, [keywords]);
    } catch (error) {
      if (error instanceof DopsError) Object.assign(error, { location: { file: spec.file, line: spec.line } });
      throw error;
    }
    return { ...node, refs: target.records.refs.map((call) => ({ ...call })), sources: target.records.sources.map((call) => ({ ...call })) };
  }
  const capture: ParseCapture = { refs: [], sources: [], config: {} };
  const context = parseContext(input.engine, input.global, { schema: input.global.target.schema, identifier: node.name }, capture);
  context.__dops_model = (relation: unknown) => relation;
  let rendered = node.rawSql;
  if (builtin) {
    // A built-in test's body calls no context function, so its parse render records only what its
    // arguments do: the arguments are evaluated as written, and the call checked as the macro's
    // would be, without running the macro (which costs a macro scope and a nunjucks render per test).
    rendered = `{{ ${BUILTIN_TEST_CALL}(${node.rawSql.slice(`{{ ${macro}(`.length)}`;
    context[BUILTIN_TEST_CALL] = input.engine.guard((...args: unknown[]) => {
      input.engine.checkMacroCall(macro, args);
      return '';
    });
  }
  try {
    input.engine.render({ path: spec.file, contents: rendered }, context);
  } catch (error) {
    if (error instanceof DopsError) Object.assign(error, { location: { file: spec.file, line: spec.line } });
    throw error;
  }
  // `{{ config(...) }}` inside a custom generic test's definition sets defaults that the project
  // file and the YAML entry override (dbt's precedence).
  const config = Object.keys(capture.config).length ? finalizeConfig(mergeConfig(capture.config, node.config), 'test') : node.config;
  return { ...node, config, refs: capture.refs, sources: capture.sources };
}

function duplicateErrors(nodes: ManifestNode[]): DopsError[] {
  const seen = new Map<string, ManifestNode>();
  const errors: DopsError[] = [];
  for (const node of nodes) {
    if (node.resourceType === 'source') continue;
    // models and seeds share one namespace because ref() reaches both (versions apart)
    const version = node.resourceType === 'model' && node.version !== undefined ? `.v${node.version}` : '';
    const key = node.resourceType === 'test' || node.resourceType === 'unit_test' ? node.uniqueId : `ref:${node.name}${version}`;
    const other = seen.get(key);
    if (other) {
      errors.push(new ParseError(`Two nodes are named '${node.name}': ${other.originalFilePath} and ${node.originalFilePath}`, {
        location: { file: node.originalFilePath },
        hint: 'Rename one of the files (node names must be unique across models and seeds).',
      }));
    } else seen.set(key, node);
  }
  return errors;
}

/**
 * Parses every project file into nodes: renders models and singular tests with the parse context
 * (recording refs, sources and config), applies YAML properties and builds generic tests.
 * Disabled nodes (`enabled: false`) and the tests on them are left out.
 * @returns nodes plus every problem found (each with its file and line); never throws for user errors
 */
export function parseProject(input: ParseInput): ParseResult {
  const { project, files } = input;
  const errors: DopsError[] = [];
  const warnings: string[] = [];
  const properties = readProperties(files.properties, errors, input.parseYaml);
  warnings.push(...properties.warnings);
  for (const [key, list] of properties.other) {
    if (!UNREAD_TOP_KEYS.has(key)) continue;
    for (const { file, yaml } of list) warnings.push(`${file}:${yaml.lineOf([key]) ?? 1}: '${key}:' is not read by dops yet; its entries are ignored`);
  }
  const nodes: ManifestNode[] = [];
  const disabled = new Map<string, string>();
  // every node parsed, enabled or not: a config path that disables nodes is still used
  const parsed: ManifestNode[] = [];
  const targets = new Map<string, { target: TestTarget; tests: TestSpec[] }>();
  // Names of every model and seed file, enabled or not, so YAML for a disabled one is no orphan.
  const fileNames = new Set([...files.models, ...files.seeds].map((file) => nodeName(file.path)));
  // Versioned models: the file base name of each version -> the model and version it defines.
  const versionFiles = new Map<string, VersionOf>();
  for (const patch of properties.models.values()) {
    for (const version of patch.versions ?? []) versionFiles.set(version.definedIn ?? `${patch.name}_v${version.v}`, { patch, version });
  }
  const foundVersions = new Set<string>();

  for (const file of files.models) {
    const versionOf = versionFiles.get(nodeName(file.path));
    const patch = versionOf ? undefined : properties.models.get(nodeName(file.path));
    if (versionOf) {
      foundVersions.add(nodeName(file.path));
      fileNames.add(versionOf.patch.name);
    }
    if (patch?.versions?.length) {
      warnings.push(`${file.path}: '${patch.name}' is a versioned model, so this file defines none of its versions (name versions <model>_v<N>.sql or use defined_in); it is ignored`);
      continue;
    }
    const model = collect(errors, () => parseModel(input, file, patch, versionOf));
    if (model) parsed.push(model);
    if (model && !model.config.enabled) disabled.set(model.name, file.path);
    if (!model?.config.enabled) continue;
    nodes.push(model);
    const refExpression = model.version !== undefined ? `ref(${JSON.stringify(model.name)}, v=${JSON.stringify(model.version)})` : `ref(${JSON.stringify(model.name)})`;
    const label = model.version !== undefined ? `${model.name}_v${model.version}` : model.name;
    const records = { refs: [model.version !== undefined ? { name: model.name, version: String(model.version) } : { name: model.name }], sources: [] };
    targets.set(model.uniqueId, { target: { uniqueId: model.uniqueId, expression: refExpression, label, isSource: false, records }, tests: versionOf ? versionOf.version.tests : patch?.tests ?? [] });
  }
  for (const [fileBase, { patch, version }] of versionFiles) {
    if (foundVersions.has(fileBase)) continue;
    errors.push(new ParseError(`Version ${version.v} of model '${patch.name}' has no file: expected ${fileBase}.sql under the model paths`, {
      location: { file: patch.file, line: version.line },
      hint: "Name the file <model>_v<version>.sql, or point at it with 'defined_in:'.",
    }));
  }
  for (const file of files.seeds) {
    const patch = properties.seeds.get(nodeName(file.path));
    const seed = parseSeed(input, file, patch);
    if (!seed.config.enabled) disabled.set(seed.name, file.path);
    const delimiter = seed.config.delimiter === undefined ? ',' : String(seed.config.delimiter);
    const repeated = repeatedHeaderColumns(file.contents, delimiter);
    if (repeated.length) warnings.push(`${file.path}:1: seed '${seed.name}' names ${repeated.map((c) => `'${c}'`).join(', ')} more than once in its header; the engine renames the repeats (e.g. '${repeated[0]}_1')`);
    // dbt ignores a column_types key naming no column (agate's TypeTester warns and skips it).
    if (seed.config.enabled) for (const key of unknownColumnTypes(file.contents, seed.config.column_types, delimiter)) warnings.push(`${file.path}:1: seed '${seed.name}' has column_types key '${key}', which names no column of its header; it is ignored`);
    parsed.push(seed);
    if (!seed.config.enabled) continue;
    nodes.push(seed);
    targets.set(seed.uniqueId, { target: { uniqueId: seed.uniqueId, expression: `ref(${JSON.stringify(seed.name)})`, label: seed.name, isSource: false, records: { refs: [{ name: seed.name }], sources: [] } }, tests: patch?.tests ?? [] });
  }
  for (const spec of properties.sources) {
    let source: SourceNode;
    try {
      source = renderSourceRelation(input, sourceNode(project, spec));
    } catch (error) {
      if (!(error instanceof DopsError)) throw error;
      errors.push(error);
      continue;
    }
    parsed.push(source);
    if (!source.config.enabled) continue;
    nodes.push(source);
    const expression = `source(${JSON.stringify(spec.sourceName)}, ${JSON.stringify(spec.name)})`;
    const records = { refs: [], sources: [{ sourceName: spec.sourceName, tableName: spec.name }] };
    targets.set(source.uniqueId, { target: { uniqueId: source.uniqueId, expression, label: `${spec.sourceName}_${spec.name}`, isSource: true, records }, tests: spec.tests });
  }
  for (const snapshot of parseSnapshots(input, files.snapshots ?? [], properties.snapshots, errors, warnings)) {
    if (!snapshot.config.enabled) disabled.set(snapshot.name, snapshot.originalFilePath);
    parsed.push(snapshot);
    if (!snapshot.config.enabled) continue;
    nodes.push(snapshot);
    const patch = properties.snapshots.get(snapshot.name);
    targets.set(snapshot.uniqueId, { target: { uniqueId: snapshot.uniqueId, expression: `ref(${JSON.stringify(snapshot.name)})`, label: snapshot.name, isSource: false, records: { refs: [{ name: snapshot.name }], sources: [] } }, tests: patch?.tests ?? [] });
  }
  for (const { target, tests } of targets.values()) {
    for (const spec of tests) {
      const test = collect(errors, () => parseGenericTest(input, spec, target));
      if (test) parsed.push(test);
      if (test?.config.enabled) nodes.push(test);
    }
  }
  for (const file of files.tests) {
    const test = collect(errors, () => parseSingularTest(input, file));
    if (test) parsed.push(test);
    if (test?.config.enabled) nodes.push(test);
  }
  for (const [kind, patches] of [['model', properties.models], ['seed', properties.seeds]] as const) {
    for (const patch of patches.values()) {
      if (!fileNames.has(patch.name)) warnings.push(`${patch.file}:${patch.line}: properties for ${kind} '${patch.name}', which does not exist`);
    }
  }
  for (const test of parseUnitTests(project, (properties.other.get('unit_tests') ?? []).map(({ file, entries, yaml }) => ({ file, entries, yaml })), errors, warnings)) {
    const rendered = collect(errors, () => renderUnitTestConfig(input, test));
    if (rendered?.config.enabled) nodes.push(rendered);
  }
  errors.push(...duplicateErrors(nodes));
  warnings.push(...unusedConfigPaths(project, parsed));
  for (const node of nodes) {
    const database = (node as { database?: string }).database;
    if (database !== undefined && input.global.target.database !== undefined && database !== input.global.target.database) {
      warnings.push(`${node.originalFilePath}: ${node.resourceType} '${node.name}' has database '${database}'; dops builds every relation in the target's database '${input.global.target.database}'`);
    }
  }
  return { nodes, errors, warnings, disabled };
}
