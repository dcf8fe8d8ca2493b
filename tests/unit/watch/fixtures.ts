/** In-memory nodes and project states for the watch unit tests (no files, no DuckDB). */
import { Dag } from '../../../src/graph/dag.js';
import { Manifest } from '../../../src/manifest/manifest.js';
import type { ManifestNode, ModelNode, SeedNode, TestNode } from '../../../src/manifest/nodes.js';
import type { ProjectState } from '../../../src/watch/affected.js';

const config = (materialized: string, extra: Record<string, unknown> = {}) => ({ materialized, tags: [], enabled: true, ...extra });

export function model(name: string, refs: string[] = [], extra: Partial<ModelNode> = {}): ModelNode {
  const rawSql = extra.rawSql ?? `select * from ${refs.map((r) => `{{ ref('${r}') }}`).join(', ') || 'range(3)'}`;
  return {
    uniqueId: `model.p.${name}`,
    resourceType: 'model',
    name,
    packageName: 'p',
    originalFilePath: `models/${name}.sql`,
    fqn: ['p', name],
    description: '',
    config: config('view'),
    rawSql,
    refs: refs.map((r) => ({ name: r })),
    sources: [],
    dependsOn: { nodes: [] },
    columns: {},
    relation: { schema: 'main', identifier: name },
    checksum: rawSql,
    ...extra,
  };
}

export function seed(name: string): SeedNode {
  return {
    uniqueId: `seed.p.${name}`,
    resourceType: 'seed',
    name,
    packageName: 'p',
    originalFilePath: `seeds/${name}.csv`,
    fqn: ['p', name],
    description: '',
    config: config('seed'),
    columns: {},
    relation: { schema: 'main', identifier: name },
    checksum: 'c',
  };
}

export function notNull(modelName: string, column: string, extra: Partial<TestNode> = {}): TestNode {
  return {
    uniqueId: `test.p.not_null_${modelName}_${column}`,
    resourceType: 'test',
    name: `not_null_${modelName}_${column}`,
    packageName: 'p',
    originalFilePath: 'models/schema.yml',
    fqn: ['p', `not_null_${modelName}_${column}`],
    description: '',
    config: config('test', { severity: 'error' }),
    testType: 'generic',
    rawSql: `{{ test_not_null(model=__dops_model(ref('${modelName}')), column_name='${column}') }}`,
    refs: [{ name: modelName }],
    sources: [],
    dependsOn: { nodes: [] },
    attachedNode: `model.p.${modelName}`,
    columnName: column,
    checksum: 'c',
    line: 4,
    ...extra,
  };
}

/** A linked project state plus its DAG. Nodes are deep-copied, as a fresh load would create them. */
export function state(nodes: ManifestNode[], options: { macroFiles?: Record<string, string>; macros?: Record<string, string>; globalKey?: string } = {}): ProjectState & { dag: Dag } {
  const manifest = new Manifest(nodes.map((n) => structuredClone(n)));
  const errors = manifest.link();
  if (errors.length) throw errors[0];
  return {
    nodes: manifest.nodes,
    macroFiles: new Map(Object.entries(options.macroFiles ?? {})),
    macros: new Map(Object.entries(options.macros ?? {})),
    globalKey: options.globalKey ?? 'g',
    dag: Dag.fromManifest(manifest),
  };
}
