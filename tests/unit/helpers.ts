/**
 * Small fixture builders shared by the unit tests. Everything here is in memory: no files, no DuckDB.
 */
import { finalizeConfig, mergeConfig } from '../../src/config/node-config.js';
import type { Target } from '../../src/config/profiles.js';
import type { ProjectConfig } from '../../src/config/project-config.js';
import { Dag } from '../../src/graph/dag.js';
import { Manifest } from '../../src/manifest/manifest.js';
import type { ManifestNode, ModelNode, RefCall, SeedNode, SourceCall, SourceNode, TestNode } from '../../src/manifest/nodes.js';
import { checksum, type ProjectFile, type ProjectFiles } from '../../src/project/files.js';
import type { GlobalContext } from '../../src/templating/context.js';

export const PROJECT = 'shop';

/** A project config as loadProjectConfig would return it for a minimal dops_project.yml. */
export function projectConfig(overrides: Partial<ProjectConfig> = {}): ProjectConfig {
  return {
    projectDir: '/nonexistent/shop',
    name: PROJECT,
    version: '1.0',
    profile: PROJECT,
    modelPaths: ['models'],
    seedPaths: ['seeds'],
    testPaths: ['tests'],
    macroPaths: ['macros'],
    targetPath: 'target',
    databasePath: 'dops.duckdb',
    vars: {},
    folderConfig: { models: {}, seeds: {}, tests: {} },
    ...overrides,
  };
}

export function target(overrides: Partial<Target> = {}): Target {
  return { name: 'dev', type: 'duckdb', profileName: PROJECT, path: ':memory:', database: 'memory', schema: 'main', threads: 1, ...overrides };
}

export function globalContext(vars: Record<string, unknown> = {}): GlobalContext {
  return { projectName: PROJECT, target: target(), vars };
}

/** A discovered project file; `root` defaults to the first path segment (`models/a.sql` -> `models`). */
export function projectFile(path: string, contents: string, root = path.split('/')[0]): ProjectFile {
  return { path, absolutePath: `/nonexistent/shop/${path}`, root, contents, checksum: checksum(contents) };
}

export function projectFiles(files: Partial<ProjectFiles> = {}): ProjectFiles {
  return { models: [], properties: [], seeds: [], tests: [], macros: [], ...files };
}

interface SqlOptions {
  refs?: (string | RefCall)[];
  sources?: [string, string][];
  config?: Record<string, unknown>;
  path?: string;
  rawSql?: string;
}

function calls(options: SqlOptions): { refs: RefCall[]; sources: SourceCall[] } {
  return {
    refs: (options.refs ?? []).map((r) => (typeof r === 'string' ? { name: r } : r)),
    sources: (options.sources ?? []).map(([sourceName, tableName]) => ({ sourceName, tableName })),
  };
}

/** A parsed (unlinked) model node. */
export function model(name: string, options: SqlOptions = {}): ModelNode {
  const config = finalizeConfig(mergeConfig(options.config ?? {}), 'view');
  const path = options.path ?? `models/${name}.sql`;
  const rawSql = options.rawSql ?? `select 1 as id`;
  return {
    uniqueId: `model.${PROJECT}.${name}`,
    resourceType: 'model',
    name,
    packageName: PROJECT,
    originalFilePath: path,
    fqn: [PROJECT, ...path.split('/').slice(1, -1), name],
    description: '',
    config,
    rawSql,
    ...calls(options),
    dependsOn: { nodes: [] },
    columns: {},
    relation: { schema: config.schema ?? 'main', identifier: config.alias ?? name },
    checksum: checksum(rawSql),
  };
}

export function seed(name: string, options: { config?: Record<string, unknown> } = {}): SeedNode {
  const config = finalizeConfig(mergeConfig(options.config ?? {}), 'seed');
  return {
    uniqueId: `seed.${PROJECT}.${name}`,
    resourceType: 'seed',
    name,
    packageName: PROJECT,
    originalFilePath: `seeds/${name}.csv`,
    fqn: [PROJECT, name],
    description: '',
    config,
    columns: {},
    relation: { schema: config.schema ?? 'main', identifier: name },
    checksum: checksum(name),
  };
}

export function source(sourceName: string, name: string): SourceNode {
  return {
    uniqueId: `source.${PROJECT}.${sourceName}.${name}`,
    resourceType: 'source',
    name,
    sourceName,
    packageName: PROJECT,
    originalFilePath: 'models/sources.yml',
    fqn: [PROJECT, sourceName, name],
    description: '',
    config: finalizeConfig({}, 'source'),
    line: 3,
    columns: {},
    relation: { schema: sourceName, identifier: name },
  };
}

/** A generic test on a model/seed (`attachedTo` is its name) or a singular test when `testName` is omitted. */
export function test(name: string, options: SqlOptions & { testName?: string; attachedTo?: string; column?: string } = {}): TestNode {
  const config = finalizeConfig(mergeConfig(options.config ?? {}), 'test');
  const generic = options.testName !== undefined;
  const refs = options.refs ?? (options.attachedTo ? [options.attachedTo] : []);
  return {
    uniqueId: `test.${PROJECT}.${name}${generic ? '.abc123' : ''}`,
    resourceType: 'test',
    name,
    packageName: PROJECT,
    originalFilePath: options.path ?? (generic ? 'models/schema.yml' : `tests/${name}.sql`),
    fqn: [PROJECT, name],
    description: '',
    config,
    line: generic ? 7 : undefined,
    testType: generic ? 'generic' : 'singular',
    rawSql: options.rawSql ?? 'select 1 where false',
    ...calls({ ...options, refs }),
    dependsOn: { nodes: [] },
    testMetadata: generic ? { name: options.testName!, kwargs: { column_name: options.column } } : undefined,
    attachedNode: options.attachedTo ? `model.${PROJECT}.${options.attachedTo}` : undefined,
    columnName: options.column,
    checksum: checksum(name),
  };
}

/** Links nodes into a manifest and builds its DAG; fails the test on unresolved refs. */
export function linked(nodes: ManifestNode[]): { manifest: Manifest; dag: Dag } {
  const manifest = new Manifest(nodes);
  const errors = manifest.link();
  if (errors.length) throw new Error(`fixture does not link: ${errors.map((e) => e.message).join('; ')}`);
  return { manifest, dag: Dag.fromManifest(manifest) };
}

/** Runs a function expected to throw and returns what it threw (fails when it does not throw). */
export function thrown(fn: () => unknown): any {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the function to throw');
}
