import type { Manifest } from '../manifest/manifest.js';
import { isSqlNode, type ColumnInfo, type ManifestNode, type UnitTestNode, type UnitTestRows } from '../manifest/nodes.js';
import { closeSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { artifactMetadata } from './write-json.js';
import { scrubSecrets } from '../config/secrets.js';
import { makeFolder } from '../project/make-folder.js';
import { constraintJson } from '../parser/constraints.js';
import { contractConfig, contractJson } from '../materializations/contract.js';

/**
 * A node as manifest.json (and templates' `graph` / `model`) show it: dbt's keys and shapes.
 * @param compiled compiled SQL by unique id, written as `compiled_code`
 */
export function serializeNode(node: ManifestNode, compiled?: ReadonlyMap<string, string>): Record<string, unknown> {
  // Keys are added by name, one store each, in dbt's order: an object built with Object.assign of
  // partial literals turned into a slow dictionary past a dozen keys, which cost a 10,000-model
  // manifest.json ~2x in building and stringifying its nodes (and allocated a literal per group).
  const base: Record<string, unknown> = {
    unique_id: node.uniqueId,
    resource_type: node.resourceType,
    name: node.name,
    package_name: node.packageName,
    original_file_path: node.originalFilePath,
    fqn: node.fqn,
    description: node.description,
    config: node.resourceType === 'model' ? modelConfigJson(node.config) : node.config,
    tags: node.config.tags,
  };
  if ('relation' in node) {
    base.schema = node.relation.schema;
    base.alias = node.relation.identifier;
    base.relation_name = `${node.relation.schema}.${node.relation.identifier}`;
  }
  if ('columns' in node) base.columns = columnsJson(node.columns);
  if ('relation' in node && node.resourceType !== 'source') {
    base.database = node.database ?? null;
    base.meta = node.config.meta ?? {};
  }
  if (node.resourceType === 'model') {
    base.version = node.version ?? null;
    base.latest_version = node.latestVersion ?? null;
    base.constraints = (node.constraints ?? []).map(constraintJson);
    base.contract = contractJson(node);
    base.deprecation_date = node.deprecationDate ?? null;
    base.access = node.config.access ?? 'protected';
    base.group = node.config.group ?? null;
  }
  if ('rawSql' in node) {
    base.raw_code = node.rawSql;
    base.depends_on = { nodes: node.dependsOn.nodes, macros: node.dependsOn.macros ?? [] };
    base.refs = node.refs;
    base.sources = node.sources.map((s) => [s.sourceName, s.tableName]);
  }
  if (node.resourceType === 'source') {
    base.source_name = node.sourceName;
    base.external_location = node.externalLocation ?? null;
    base.loaded_at_field = node.loadedAtField ?? null;
    base.freshness = node.freshness ? { warn_after: node.freshness.warnAfter ?? null, error_after: node.freshness.errorAfter ?? null, filter: node.freshness.filter ?? null } : null;
  }
  if ('checksum' in node) base.checksum = { name: 'sha256', checksum: node.checksum };
  if ('rawSql' in node && compiled) {
    base.compiled = compiled.has(node.uniqueId);
    base.compiled_code = compiled.get(node.uniqueId) ?? null;
  }
  if (node.resourceType === 'test') {
    base.test_metadata = node.testMetadata ?? null;
    base.attached_node = node.attachedNode ?? null;
    base.column_name = node.columnName ?? null;
  }
  if (node.resourceType === 'unit_test') Object.assign(base, unitTestJson(node));
  return base;
}

/** A node's `columns` as manifest.json shows them: by name, in dbt's keys. */
function columnsJson(columns: Record<string, ColumnInfo>): Record<string, unknown> {
  const json: Record<string, unknown> = {};
  for (const key in columns) {
    const c = columns[key];
    json[c.name] = { name: c.name, description: c.description, data_type: c.dataType ?? null, meta: c.meta ?? {}, tags: c.tags ?? [], constraints: (c.constraints ?? []).map(constraintJson), quote: c.quote ?? null };
  }
  return json;
}

/** A model's config as manifest.json shows it: with dbt's `contract` shape. */
function modelConfigJson(config: ManifestNode['config']): Record<string, unknown> {
  const contract = contractConfig(config);
  return { ...config, contract: { enforced: contract.enforced, alias_types: contract.aliasTypes } };
}

/** The unit-test-only keys of manifest.json's `unit_tests` entries (dbt's manifest v12 shape). */
function unitTestJson(node: UnitTestNode): Record<string, unknown> {
  const rows = (spec: UnitTestRows) => ({ format: spec.format, rows: spec.format === 'sql' ? spec.sql ?? null : spec.rows ?? null, fixture: spec.fixture ?? null });
  return {
    model: node.model,
    versions: node.modelVersion === undefined ? null : { include: [node.modelVersion], exclude: null },
    given: node.given.map((given) => ({ input: given.input, ...rows(given) })),
    expect: rows(node.expect),
    overrides: { macros: node.overrides.macros, vars: node.overrides.vars, env_vars: node.overrides.envVars },
    depends_on: { nodes: node.dependsOn.nodes, macros: node.dependsOn.macros ?? [] },
    meta: node.config.meta ?? {},
    path: node.originalFilePath,
  };
}

/**
 * The content of `manifest.json`: every node by unique id, macros, plus parent and child maps
 * (dbt's shape, trimmed to what dops knows).
 * @param metadata extra `metadata` keys, e.g. the target (read by `--state` / `--defer`)
 * @param compiled compiled SQL by unique id (`dops docs generate`), written as `compiled_code`
 */
export function manifestJson(manifest: Manifest, metadata: Record<string, unknown> = {}, compiled?: ReadonlyMap<string, string>): ManifestJson {
  const nodes: Record<string, Record<string, unknown>> = {};
  const sources: Record<string, Record<string, unknown>> = {};
  const unitTests: Record<string, Record<string, unknown>> = {};
  for (const node of manifest.nodes.values()) (node.resourceType === 'source' ? sources : node.resourceType === 'unit_test' ? unitTests : nodes)[node.uniqueId] = serializeNode(node, compiled);
  return { metadata: { ...artifactMetadata('manifest'), ...metadata }, nodes, sources, unit_tests: unitTests, ...manifest.extra, macros: macrosJson(manifest), parent_map: manifest.parentMap(), child_map: manifest.childMap() };
}

function macrosJson(manifest: Manifest): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    [...manifest.macros.values()].map((m) => [m.uniqueId, { unique_id: m.uniqueId, resource_type: 'macro', name: m.name, package_name: m.packageName, original_file_path: m.originalFilePath, macro_sql: m.macroSql, checksum: { name: 'sha256', checksum: m.checksum } }]),
  );
}

/** manifest.json as {@link manifestJson} builds it (and `--state` reads it back). */
export interface ManifestJson {
  metadata: Record<string, unknown>;
  nodes: Record<string, Record<string, unknown>>;
  sources: Record<string, Record<string, unknown>>;
  macros: Record<string, Record<string, unknown>>;
  /** Unit tests by unique id (dbt's manifest v12 `unit_tests`). */
  unit_tests?: Record<string, Record<string, unknown>>;
  parent_map: Record<string, string[]>;
  child_map: Record<string, string[]>;
}

/** Buffers text and writes it to a file descriptor in ~1 MB pieces. */
class ChunkedWriter {
  private chunks: string[] = [];
  private size = 0;

  constructor(private readonly fd: number) {}

  write(text: string): void {
    this.chunks.push(text);
    this.size += text.length;
    if (this.size > 1 << 20) this.flush();
  }

  flush(): void {
    // Secret env var values (e.g. in a node's `database`, named after the target's path) are masked.
    // writeFileSync on the fd, not writeSync: it loops until every byte is written and throws
    // (ENOSPC, EFBIG) when one cannot be, where one writeSync may write part and return the count.
    if (this.chunks.length) writeFileSync(this.fd, scrubSecrets(this.chunks.join('')));
    this.chunks = [];
    this.size = 0;
  }
}

/** Writes `"key":value` members of a JSON object, one at a time, between braces. */
function writeMembers(out: ChunkedWriter, entries: Iterable<[string, unknown]>): void {
  out.write('{');
  let first = true;
  for (const [key, value] of entries) {
    out.write(`${first ? '' : ','}${JSON.stringify(key)}:${JSON.stringify(value)}`);
    first = false;
  }
  out.write('}');
}

/**
 * Writes `target/manifest.json`: the same compact JSON as `JSON.stringify(manifestJson(...))`,
 * streamed a node at a time (a 10,000-model manifest is ~27 MB; building it whole as one object and
 * one string doubled the peak memory of a compile). Written aside and renamed, so a reader never
 * sees half a file. Secret env var values in `metadata` (e.g. in the target's path) are masked.
 * @param metadata extra `metadata` keys, e.g. the target
 * @param compiled compiled SQL by unique id, when the command compiled the project
 */
export function writeManifest(path: string, manifest: Manifest, metadata: Record<string, unknown> = {}, compiled?: ReadonlyMap<string, string>): void {
  makeFolder(dirname(path), 'the target path');
  // Not through writeFileAtomic (./atomic-write.ts), which takes the whole content as one string
  // or Buffer: holding the whole manifest as one string is what this streaming avoids. The same
  // rule by hand: written aside (no fsync, as writeFileAtomic), renamed over `path` once complete,
  // the temp file removed when the write fails.
  const temporary = `${path}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w');
  try {
    const out = new ChunkedWriter(fd);
    const nodes = [...manifest.nodes.values()];
    out.write(`{"metadata":${JSON.stringify({ ...artifactMetadata('manifest'), ...metadata })},"nodes":`);
    writeMembers(out, serializedNodes(nodes, (node) => node.resourceType !== 'source' && node.resourceType !== 'unit_test', compiled));
    out.write(',"sources":');
    writeMembers(out, serializedNodes(nodes, (node) => node.resourceType === 'source', compiled));
    out.write(',"unit_tests":');
    writeMembers(out, serializedNodes(nodes, (node) => node.resourceType === 'unit_test', compiled));
    for (const [key, value] of Object.entries(manifest.extra)) out.write(`,${JSON.stringify(key)}:${JSON.stringify(value)}`);
    out.write(`,"macros":${JSON.stringify(macrosJson(manifest))},"parent_map":`);
    // Both maps streamed from the nodes, as Manifest.parentMap() / childMap() build them: an object
    // with a key per node (internalizing every unique id) cost more than writing the entries.
    writeMembers(out, dependencyEntries(nodes, false));
    out.write(',"child_map":');
    writeMembers(out, dependencyEntries(nodes, true));
    out.write('}\n');
    out.flush();
  } catch (error) {
    closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(temporary, path);
}

/**
 * dbt's `parent_map` (each node's `dependsOn.nodes`) or `child_map` (the nodes depending on each),
 * entry by entry in node order: what {@link Manifest.parentMap} / {@link Manifest.childMap} hold.
 */
function* dependencyEntries(nodes: ManifestNode[], children: boolean): Iterable<[string, string[]]> {
  if (!children) {
    for (const node of nodes) yield [node.uniqueId, isSqlNode(node) ? node.dependsOn.nodes : []];
    return;
  }
  const map = new Map<string, string[]>();
  for (const node of nodes) map.set(node.uniqueId, []);
  for (const node of nodes) if (isSqlNode(node)) for (const parent of node.dependsOn.nodes) map.get(parent)!.push(node.uniqueId);
  yield* map;
}

/** Serializes the nodes that pass `keep` one by one, as they are written. */
function* serializedNodes(nodes: ManifestNode[], keep: (node: ManifestNode) => boolean, compiled?: ReadonlyMap<string, string>): Iterable<[string, unknown]> {
  for (const node of nodes) if (keep(node)) yield [node.uniqueId, serializeNode(node, compiled)];
}
