import type { Manifest } from '../manifest/manifest.js';
import type { ManifestNode } from '../manifest/nodes.js';
import { artifactMetadata, writeJson } from './write-json.js';

function serializeNode(node: ManifestNode): Record<string, unknown> {
  const base: Record<string, unknown> = {
    unique_id: node.uniqueId,
    resource_type: node.resourceType,
    name: node.name,
    package_name: node.packageName,
    original_file_path: node.originalFilePath,
    fqn: node.fqn,
    description: node.description,
    config: node.config,
    tags: node.config.tags,
  };
  if ('relation' in node) Object.assign(base, { schema: node.relation.schema, alias: node.relation.identifier, relation_name: `${node.relation.schema}.${node.relation.identifier}` });
  if ('columns' in node) base.columns = Object.fromEntries(Object.values(node.columns).map((c) => [c.name, { name: c.name, description: c.description, data_type: c.dataType ?? null }]));
  if ('rawSql' in node) Object.assign(base, { raw_code: node.rawSql, depends_on: { nodes: node.dependsOn.nodes }, refs: node.refs, sources: node.sources.map((s) => [s.sourceName, s.tableName]) });
  if (node.resourceType === 'source') Object.assign(base, { source_name: node.sourceName, external_location: node.externalLocation ?? null });
  if (node.resourceType === 'test') Object.assign(base, { test_metadata: node.testMetadata ?? null, attached_node: node.attachedNode ?? null, column_name: node.columnName ?? null });
  return base;
}

/**
 * Writes `target/manifest.json`: every node by unique id plus parent and child maps (dbt's shape,
 * trimmed to what dops knows).
 */
export function writeManifest(path: string, manifest: Manifest): void {
  const nodes: Record<string, unknown> = {};
  const sources: Record<string, unknown> = {};
  for (const node of manifest.nodes.values()) (node.resourceType === 'source' ? sources : nodes)[node.uniqueId] = serializeNode(node);
  writeJson(path, { metadata: artifactMetadata('manifest'), nodes, sources, parent_map: manifest.parentMap(), child_map: manifest.childMap() });
}
