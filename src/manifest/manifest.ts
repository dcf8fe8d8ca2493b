import { AccessError, DependencyNotFoundError, DopsError, ParseError, type SourceLocation } from '../errors.js';
import { closestNames } from '../parser/similar.js';
import { isSqlNode, type MacroInfo, type ManifestNode, type RefCall, type RelationNode, type SourceCall, type SourceNode } from './nodes.js';

/**
 * All nodes of a project by unique id, with ref/source resolution and parent/child maps.
 * Built once from parse results; its nodes are not changed after {@link Manifest.link}.
 */
export class Manifest {
  readonly nodes = new Map<string, ManifestNode>();
  /** Macros by unique id (filled by the loader; compared by `state:modified`). */
  readonly macros = new Map<string, MacroInfo>();
  /**
   * manifest.json maps dops parses but does not run, by key: `docs`, `exposures`, `groups`,
   * `semantic_models`, `metrics`, `saved_queries` (unique id -> dbt's JSON object).
   */
  readonly extra: Record<string, Record<string, Record<string, unknown>>> = {};
  /**
   * The `ref()`s of the {@link extra} resources (exposures' `depends_on`, semantic models'
   * `model`), resolved: checked by {@link checkAccess} like nodes' refs.
   */
  readonly extraRefs: ExtraRef[] = [];
  /** Name -> the models, seeds and snapshots of that name (one per package at most). */
  private readonly refable = new Map<string, RelationNode[]>();
  /** Versioned models: name -> version -> node. `refable` holds each one's latest version. */
  private readonly versions = new Map<string, Map<string, RelationNode>>();
  private readonly sources = new Map<string, SourceNode>();

  /**
   * @param nodes parsed nodes (names already checked for duplicates)
   * @param disabled disabled models, seeds and snapshots: name -> file (a ref() to one is reported as disabled)
   */
  constructor(nodes: ManifestNode[], private readonly disabled: ReadonlyMap<string, string> = new Map()) {
    for (const node of nodes) {
      this.nodes.set(node.uniqueId, node);
      if (node.resourceType === 'model' && node.version !== undefined) {
        const versions = this.versions.get(node.name) ?? new Map<string, RelationNode>();
        versions.set(node.version, node);
        this.versions.set(node.name, versions);
        if (node.version === node.latestVersion) this.refable.set(node.name, [...(this.refable.get(node.name) ?? []), node]);
      } else if (node.resourceType === 'model' || node.resourceType === 'seed' || node.resourceType === 'snapshot') this.refable.set(node.name, [...(this.refable.get(node.name) ?? []), node]);
      if (node.resourceType === 'source') this.sources.set(`${node.sourceName}.${node.name}`, node);
    }
  }

  /**
   * The model or seed a `ref()` names.
   * @param from the node calling ref (named in the error)
   * @throws DependencyNotFoundError naming the closest existing models and seeds
   */
  resolveRef(call: RefCall, from: ManifestNode): RelationNode {
    const versions = this.versions.get(call.name);
    if (call.version !== undefined) {
      const pinned = versions?.get(call.version);
      if (pinned && (call.package === undefined || call.package === pinned.packageName)) return pinned;
      throw new DependencyNotFoundError(`${describe(from)} depends on version ${call.version} of '${call.name}', which was not found`, {
        location: refLocation(from, 'ref', call.name),
        hint: versions ? `Versions of '${call.name}': ${[...versions.keys()].sort().join(', ')}.` : `'${call.name}' is not a versioned model.`,
      });
    }
    if (versions && !this.refable.has(call.name)) {
      // latest_version names a version that is disabled: dbt resolves to none of the others.
      throw new DependencyNotFoundError(`${describe(from)} depends on '${call.name}', whose latest version is disabled`, { location: refLocation(from, 'ref', call.name) });
    }
    // dbt: `ref('pkg', 'm')` names the package; an unqualified ref prefers the caller's own package
    // (https://docs.getdbt.com/reference/dbt-jinja-functions/ref#ref-project-specific-models).
    const named = this.refable.get(call.name) ?? [];
    const node = call.package !== undefined
      ? named.find((candidate) => candidate.packageName === call.package)
      : named.find((candidate) => candidate.packageName === from.packageName) ?? named[0];
    if (node) return node;
    const disabledIn = named.length ? undefined : this.disabled.get(call.name);
    if (disabledIn !== undefined) {
      // dbt: "... depends on a node named 'x' which is disabled" (https://docs.getdbt.com/reference/resource-configs/enabled)
      throw new DependencyNotFoundError(`${describe(from)} depends on '${call.name}', which is disabled (enabled: false, ${disabledIn})`, {
        location: refLocation(from, `ref`, call.name),
        hint: `Enable '${call.name}', or disable ${from.name} too.`,
      });
    }
    const close = closestNames(call.name, this.refable.keys());
    throw new DependencyNotFoundError(`${describe(from)} depends on '${call.name}', which was not found`, {
      location: refLocation(from, `ref`, call.name),
      hint: close.length ? `Did you mean ${close.map((c) => `'${c}'`).join(', ')}?` : 'Check the model or seed name.',
    });
  }

  /**
   * The source table a `source()` names.
   * @throws DependencyNotFoundError naming the closest declared source tables
   */
  resolveSource(call: SourceCall, from: ManifestNode): SourceNode {
    const key = `${call.sourceName}.${call.tableName}`;
    const node = this.sources.get(key);
    if (node) return node;
    const close = closestNames(key, this.sources.keys());
    throw new DependencyNotFoundError(`${describe(from)} depends on source '${key}', which was not found`, {
      location: refLocation(from, 'source', call.sourceName),
      hint: close.length ? `Did you mean ${close.map((c) => `'${c}'`).join(', ')}?` : 'Declare it under sources: in a YAML file.',
    });
  }

  /**
   * Resolves every node's refs and sources into `dependsOn.nodes` (in place, once after parsing).
   * @returns one error per unresolvable ref/source, with the file and line of the call
   */
  link(): DopsError[] {
    const errors: DopsError[] = [];
    for (const node of this.nodes.values()) {
      if (!isSqlNode(node)) continue;
      const parents = new Set<string>();
      for (const call of node.refs) {
        try {
          parents.add(this.resolveRef(call, node).uniqueId);
        } catch (error) {
          errors.push(error as DopsError);
        }
      }
      for (const call of node.sources) {
        try {
          parents.add(this.resolveSource(call, node).uniqueId);
        } catch (error) {
          errors.push(error as DopsError);
        }
      }
      node.dependsOn.nodes = [...parents];
    }
    return errors;
  }

  /**
   * dbt's model access rules, checked on every `ref()` after {@link link}
   * (https://docs.getdbt.com/reference/resource-configs/access,
   * https://docs.getdbt.com/docs/mesh/govern/model-access): a `private` model may be referenced only
   * by nodes of its own group (a generic test belongs to the group of the node it tests); a
   * `protected` model (the default) only from its own package when that package sets
   * `restrict-access: true`. `public` models are open to all.
   * @param restricted names of the projects/packages whose dbt_project.yml sets `restrict-access: true`
   * @returns one error per forbidden ref, with dbt's wording and the ref's file and line
   */
  checkAccess(restricted: ReadonlySet<string> = new Set()): DopsError[] {
    const errors: DopsError[] = [];
    // Only a private model, or a protected one in a restricted package, can refuse a ref: without
    // either, no ref needs resolving again (most projects; 30,000 refs in a 10,000-model one).
    if (!restricted.size && ![...this.nodes.values()].some((node) => node.resourceType === 'model' && String(node.config.access ?? 'protected') === 'private')) return errors;
    for (const node of this.nodes.values()) {
      if (!isSqlNode(node)) continue;
      const attached = node.resourceType === 'test' && node.attachedNode ? this.nodes.get(node.attachedNode) : undefined;
      const group = node.config.group ?? attached?.config.group;
      for (const call of node.refs) {
        let target: RelationNode;
        try {
          target = this.resolveRef(call, node);
        } catch {
          continue; // reported by link()
        }
        const error = accessError({ uniqueId: node.uniqueId, name: node.name, packageName: node.packageName, group }, target, restricted, refLocation(node, 'ref', call.package ?? call.name));
        if (error) errors.push(error);
      }
    }
    // dbt 1.10 runs the same check on exposures', metrics' and semantic models' refs
    // (core/dbt/parser/manifest.py `_process_refs`); an exposure has no group, so no private model is
    // open to it.
    for (const ref of this.extraRefs) {
      const target = this.nodes.get(ref.target);
      if (!target || target.resourceType !== 'model') continue;
      const error = accessError(ref.from, target, restricted, ref.location);
      if (error) errors.push(error);
    }
    return errors;
  }

  /**
   * dbt's group check: a node's `group` config must name a group declared under `groups:`
   * (https://docs.getdbt.com/docs/build/groups). Call after the groups are in {@link extra}.
   * @returns one error per node naming an undeclared group, with dbt's wording and the node's file
   */
  checkGroups(): DopsError[] {
    const declared = [...new Set(Object.values(this.extra.groups ?? {}).map((group) => String(group.name)))].sort();
    const errors: DopsError[] = [];
    for (const node of this.nodes.values()) {
      const group = node.config.group;
      if (group === undefined || group === null || group === '' || declared.includes(String(group))) continue;
      const close = closestNames(String(group), declared);
      errors.push(new ParseError(`Invalid group '${String(group)}', expected one of [${declared.map((name) => `'${name}'`).join(', ')}]`, {
        location: { file: node.originalFilePath, line: node.line },
        hint: close.length ? `Did you mean '${close[0]}'?` : `Declare it under groups: in a properties file (name and owner), e.g. models/_groups.yml.`,
      }));
    }
    return errors;
  }

  /** Unique id -> unique ids of the nodes it depends on (dbt's `parent_map`). */
  parentMap(): Record<string, string[]> {
    const map: Record<string, string[]> = {};
    for (const node of this.nodes.values()) map[node.uniqueId] = isSqlNode(node) ? [...node.dependsOn.nodes] : [];
    return map;
  }

  /** Unique id -> unique ids of the nodes depending on it (dbt's `child_map`). */
  childMap(): Record<string, string[]> {
    const map: Record<string, string[]> = {};
    for (const id of this.nodes.keys()) map[id] = [];
    for (const node of this.nodes.values()) if (isSqlNode(node)) for (const parent of node.dependsOn.nodes) map[parent].push(node.uniqueId);
    return map;
  }

  /** Looks a node up by unique id. @throws Error when absent (a bug, not a user error) */
  get(uniqueId: string): ManifestNode {
    const node = this.nodes.get(uniqueId);
    if (!node) throw new Error(`No node ${uniqueId} in the manifest`);
    return node;
  }
}

/** A resolved `ref()` of a resource dops parses but does not run (an exposure, a semantic model). */
export interface ExtraRef {
  /** The referring resource: unique id, name, package, and group (`undefined` for exposures: dbt's have none). */
  from: { uniqueId: string; name: string; packageName: string; group?: unknown; resourceType?: string };
  /** Unique id of the node referenced. */
  target: string;
  /** The file and line of the reference. */
  location: SourceLocation;
}

/**
 * dbt's access rule for one ref (dbt-core core/dbt/contracts/graph/manifest.py
 * `is_invalid_private_ref` / `is_invalid_protected_ref`): a private model refused to a referrer
 * without its group (or from another package that restricts access), a protected one to another
 * package when the model's package sets `restrict-access`.
 * @returns the error with dbt's wording (DbtReferenceError), or undefined when the ref is allowed
 */
function accessError(from: ExtraRef['from'], target: ManifestNode, restricted: ReadonlySet<string>, location: SourceLocation): AccessError | undefined {
  if (target.resourceType !== 'model') return undefined;
  const access = String(target.config.access ?? 'protected');
  const group = from.group;
  let scope: string | undefined;
  if (access === 'private' && (!group || group !== target.config.group || (from.packageName !== target.packageName && restricted.has(target.packageName)))) scope = `'${target.config.group ?? ''}' group`;
  else if (access === 'protected' && from.packageName !== target.packageName && restricted.has(target.packageName)) scope = `'${target.packageName}' package`;
  if (scope === undefined) return undefined;
  const hint = access !== 'private'
    ? `Make ${target.name} public, or drop restrict-access from the '${target.packageName}' package.`
    : from.resourceType === 'exposure'
      ? `An exposure belongs to no group: make ${target.name} protected or public.`
      : `Put ${from.name} in group '${target.config.group ?? ''}', or make ${target.name} protected or public.`;
  return new AccessError(`Node ${from.uniqueId} attempted to reference node ${target.uniqueId}, which is not allowed because the referenced node is ${access} to the ${scope}.`, { location, hint });
}

/** "Model 'x'" / "Test 'y'" for messages. */
export function describe(node: ManifestNode): string {
  return `${node.resourceType[0].toUpperCase()}${node.resourceType.slice(1)} '${node.name}'`;
}

/** Points at the line of the first `ref('name'` / `source('name'` in a node's SQL, or its YAML line. */
export function refLocation(node: ManifestNode, fn: string, name: string): SourceLocation {
  if (!isSqlNode(node) || (node.resourceType === 'test' && node.testType === 'generic')) return { file: node.originalFilePath, line: node.line };
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`${fn}\\s*\\(\\s*['"]${escaped}['"]`).exec(node.rawSql);
  if (!match) return { file: node.originalFilePath };
  const before = node.rawSql.slice(0, match.index);
  return { file: node.originalFilePath, line: before.split('\n').length, column: match.index - before.lastIndexOf('\n') };
}
