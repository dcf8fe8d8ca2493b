import { DBT_PROJECT_FILE } from '../config/project-config.js';
import { relationNames } from './relation-names.js';
import { finalizeConfig, folderConfigLayers, mergeConfig, type NodeConfig } from '../config/node-config.js';
import type { ProjectConfig } from '../config/project-config.js';
import { DopsError, ParseError } from '../errors.js';
import { snapshotConfig } from '../materializations/snapshot.js';
import type { SnapshotNode } from '../manifest/nodes.js';
import { checksum, type ProjectFile } from '../project/files.js';
import { parseContext, type GlobalContext, type ParseCapture } from '../templating/context.js';
import type { TemplateEngine } from '../templating/engine.js';
import { fqnFor, folderSegments } from './naming.js';
import type { ResourcePatch } from './properties.js';

/** One `{% snapshot name %} ... {% endsnapshot %}` block of a file. */
export interface SnapshotBlock {
  name: string;
  /** The body, preceded by as many newlines as come before it in the file, so template errors keep file lines. */
  sql: string;
  /** 1-based line of the opening tag. */
  line: number;
}

const OPEN = /\{%-?\s*snapshot\s+([A-Za-z_][A-Za-z0-9_]*)\s*-?%\}/g;
const CLOSE = /\{%-?\s*endsnapshot\s*-?%\}/g;

const lineAt = (text: string, index: number) => text.slice(0, index).split('\n').length;

/**
 * Finds the snapshot blocks of a file. nunjucks has no `snapshot` tag, so the blocks are cut out
 * before rendering and each body is rendered as a template of its own.
 * @throws ParseError (file and line) for a block without `{% endsnapshot %}` or a file without blocks
 */
export function extractSnapshotBlocks(file: ProjectFile): SnapshotBlock[] {
  const text = file.contents;
  const blocks: SnapshotBlock[] = [];
  OPEN.lastIndex = 0;
  for (let open = OPEN.exec(text); open; open = OPEN.exec(text)) {
    const bodyStart = open.index + open[0].length;
    CLOSE.lastIndex = bodyStart;
    const close = CLOSE.exec(text);
    const nextOpen = text.slice(bodyStart, close?.index).search(/\{%-?\s*snapshot\s/);
    if (!close || nextOpen >= 0) {
      throw new ParseError(`Snapshot '${open[1]}' has no {% endsnapshot %}`, { location: { file: file.path, line: lineAt(text, open.index) } });
    }
    const padding = '\n'.repeat(lineAt(text, bodyStart) - 1);
    blocks.push({ name: open[1], sql: padding + text.slice(bodyStart, close.index), line: lineAt(text, open.index) });
    OPEN.lastIndex = close.index + close[0].length;
  }
  if (blocks.length === 0 && text.trim()) {
    throw new ParseError('A snapshot file needs a {% snapshot name %} ... {% endsnapshot %} block', { location: { file: file.path, line: 1 } });
  }
  return blocks;
}

/** What building a snapshot node needs. */
export interface SnapshotInput {
  project: ProjectConfig;
  engine: TemplateEngine;
  global: GlobalContext;
}

/** Where a snapshot is defined and what it selects. */
interface SnapshotSource {
  name: string;
  sql: string;
  file: string;
  line: number;
  fqn: string[];
  /** Folder config layers from the project file's `snapshots:` tree. */
  layers: Record<string, unknown>[];
}

/**
 * Builds a snapshot node: renders its SQL with the parse context (recording refs, sources and
 * `config()`), merges config (project file, YAML, `config()`) and checks it.
 * Schema: `target_schema` (dbt's older key), else `schema`, else the target's schema.
 * @throws DopsError for template errors and bad snapshot config, located at the snapshot
 */
function snapshotNode(input: SnapshotInput, source: SnapshotSource, patch: ResourcePatch | undefined): SnapshotNode {
  const { project, global, engine } = input;
  const capture: ParseCapture = { refs: [], sources: [], config: {} };
  const self = { schema: global.target.schema, identifier: source.name };
  engine.render({ path: source.file, contents: source.sql }, parseContext(engine, global, self, capture));
  const config: NodeConfig = finalizeConfig(mergeConfig(...source.layers, patch?.config ?? {}, capture.config), 'snapshot');
  try {
    snapshotConfig(config, source.name);
  } catch (error) {
    if (error instanceof DopsError) Object.assign(error, { location: { file: source.file, line: source.line } });
    throw error;
  }
  // dbt >= 1.9: `schema` goes through generate_schema_name; the older `target_schema` is used as is.
  const named = relationNames(engine, global, { resourceType: 'snapshot', name: source.name, uniqueId: `snapshot.${project.name}.${source.name}`, packageName: project.name, fqn: source.fqn, originalFilePath: source.file, config });
  const legacy = project.projectFile !== DBT_PROJECT_FILE && !engine.macros.has('generate_schema_name');
  const schema = config.target_schema !== undefined ? String(config.target_schema) : legacy ? config.schema ?? global.target.schema : named.schema;
  return {
    uniqueId: `snapshot.${project.name}.${source.name}`,
    resourceType: 'snapshot',
    name: source.name,
    packageName: project.name,
    originalFilePath: source.file,
    fqn: source.fqn,
    description: patch?.description ?? '',
    config,
    line: source.line,
    rawSql: source.sql,
    refs: capture.refs,
    sources: capture.sources,
    dependsOn: { nodes: [] },
    columns: patch?.columns ?? {},
    relation: { schema, identifier: named.identifier },
    checksum: checksum(source.sql),
  };
}

/**
 * Parses the snapshot blocks of one file under the snapshot paths.
 * @param patches YAML `snapshots:` entries by name (description, columns, config)
 * @param errors receives one error per bad block
 */
export function parseSnapshotFile(input: SnapshotInput, file: ProjectFile, patches: Map<string, ResourcePatch>, errors: DopsError[]): SnapshotNode[] {
  let blocks: SnapshotBlock[];
  try {
    blocks = extractSnapshotBlocks(file);
  } catch (error) {
    if (error instanceof DopsError) errors.push(error);
    else throw error;
    return [];
  }
  const folders = fqnFor(input.project.name, file).slice(0, -1);
  const layers = folderConfigLayers(input.project.folderConfig.snapshots ?? {}, input.project.name, folderSegments(file).slice(0, -1));
  const nodes: SnapshotNode[] = [];
  for (const block of blocks) {
    const source = { name: block.name, sql: block.sql, file: file.path, line: block.line, fqn: [...folders, block.name], layers };
    try {
      nodes.push(snapshotNode(input, source, patches.get(block.name)));
    } catch (error) {
      if (error instanceof DopsError) errors.push(error);
      else throw error;
    }
  }
  return nodes;
}

/**
 * Builds a YAML-defined snapshot (dbt ≥ 1.9): a `snapshots:` entry with `relation: ref('x')` or
 * `relation: source('s', 't')` snapshots `select * from` that relation.
 * @throws DopsError for bad config or a relation that is not a ref()/source() call
 */
export function yamlSnapshot(input: SnapshotInput, patch: ResourcePatch & { relation: string }): SnapshotNode {
  const relation = patch.relation.trim();
  if (!/^(ref|source)\s*\(.*\)$/s.test(relation)) {
    throw new ParseError(`Snapshot '${patch.name}': relation must be ref('...') or source('...', '...'), got '${relation}'`, { location: { file: patch.file, line: patch.line } });
  }
  const layers = folderConfigLayers(input.project.folderConfig.snapshots ?? {}, input.project.name, []);
  const source = { name: patch.name, sql: `select * from {{ ${relation} }}`, file: patch.file, line: patch.line ?? 1, fqn: [input.project.name, patch.name], layers };
  return snapshotNode(input, source, patch);
}

/**
 * Parses every snapshot: `{% snapshot %}` blocks in the snapshot files, and YAML `snapshots:`
 * entries with `relation:`. Entries without `relation:` describe blocks; one naming no block
 * becomes a warning.
 * @param errors receives every problem (with file and line)
 * @param warnings receives notes about YAML describing snapshots that do not exist
 */
export function parseSnapshots(input: SnapshotInput, files: ProjectFile[], patches: Map<string, ResourcePatch>, errors: DopsError[], warnings: string[]): SnapshotNode[] {
  const nodes = files.flatMap((file) => parseSnapshotFile(input, file, patches, errors));
  const fromBlocks = new Set(nodes.map((node) => node.name));
  for (const patch of patches.values()) {
    if (patch.relation === undefined) {
      if (!fromBlocks.has(patch.name)) warnings.push(`${patch.file}:${patch.line}: properties for snapshot '${patch.name}', which does not exist`);
      continue;
    }
    try {
      nodes.push(yamlSnapshot(input, patch as ResourcePatch & { relation: string }));
    } catch (error) {
      if (error instanceof DopsError) errors.push(error);
      else throw error;
    }
  }
  return nodes;
}
