import type { Dag } from '../graph/dag.js';
import { relationName, type ManifestNode, type Relation } from '../manifest/nodes.js';
import { isInlined } from '../materializations/registry.js';

/**
 * What the change detection needs to know about one successful load of a project. Pure data, so
 * the rules below can be tested without files or a database.
 */
export interface ProjectState {
  nodes: ReadonlyMap<string, ManifestNode>;
  /** User macro files: project-relative path -> contents. */
  macroFiles: ReadonlyMap<string, string>;
  /** Macro name -> the file defining it. */
  macros: ReadonlyMap<string, string>;
  /** Vars and target; when it changes, every node may render differently. */
  globalKey: string;
}

/** The relation a node builds in the database, if any (seeds and non-ephemeral models). */
export function builtRelation(node: ManifestNode): Relation | undefined {
  if (node.resourceType === 'seed') return node.relation;
  if (node.resourceType === 'model' && !isInlined(node)) return node.relation;
  return undefined;
}

/**
 * Everything about a node that can change what it builds or how it is tested, as one string.
 * The YAML line number is left out: adding a line above a test does not change the test.
 */
export function nodeFingerprint(node: ManifestNode): string {
  let known = fingerprints.get(node);
  if (known === undefined) {
    const { line: _line, ...rest } = node as ManifestNode & { line?: number };
    known = JSON.stringify(rest);
    fingerprints.set(node, known);
  }
  return known;
}

/** Fingerprints by node object: each load's nodes are compared again by the next rebuild. */
const fingerprints = new WeakMap<ManifestNode, string>();

/** True when `text` mentions one of `names` (macro names: letters, digits, underscores) as a whole word. */
function mentions(text: string, names: ReadonlySet<string>): boolean {
  for (const name of names) {
    if (new RegExp(`(^|[^A-Za-z0-9_])${name}($|[^A-Za-z0-9_])`).test(text)) return true;
  }
  return false;
}

/**
 * Names of the macros whose definition changed: every macro defined (before or after) in a macro
 * file that was added, removed or edited, plus, transitively, the macros of files that call one.
 */
export function changedMacros(before: ProjectState, after: ProjectState): Set<string> {
  const files = new Set([...before.macroFiles.keys(), ...after.macroFiles.keys()].filter((path) => before.macroFiles.get(path) !== after.macroFiles.get(path)));
  const names = new Set<string>();
  const addFile = (path: string) => {
    for (const state of [before, after]) for (const [name, file] of state.macros) if (file === path) names.add(name);
  };
  for (const path of files) addFile(path);
  for (let grew = names.size > 0; grew; ) {
    grew = false;
    for (const [path, contents] of after.macroFiles) {
      if (files.has(path) || !mentions(contents, names)) continue;
      files.add(path);
      addFile(path);
      grew = true;
    }
  }
  return names;
}

/** What changed between two loads of a project. */
export interface ProjectChanges {
  /** Ids (in `after`) of nodes that are new or whose definition, config, YAML or macros changed. */
  changed: Set<string>;
  /** True when vars or the target changed, so every node was marked changed. */
  everything: boolean;
  /** Macros whose definition changed (their callers are in `changed`). */
  macros: Set<string>;
  /** Nodes of `before` that no longer exist. */
  removed: ManifestNode[];
}

/**
 * Compares two loads of a project.
 * @param before the last successful load, or undefined when there was none (everything is new)
 */
export function diffProjects(before: ProjectState | undefined, after: ProjectState): ProjectChanges {
  const removed = before ? [...before.nodes.values()].filter((node) => !after.nodes.has(node.uniqueId)) : [];
  if (!before || before.globalKey !== after.globalKey) {
    return { changed: new Set(after.nodes.keys()), everything: true, macros: new Set(), removed };
  }
  const macros = changedMacros(before, after);
  const changed = new Set<string>();
  for (const [id, node] of after.nodes) {
    const old = before.nodes.get(id);
    if (!old || (old !== node && nodeFingerprint(old) !== nodeFingerprint(node))) changed.add(id);
    else if (macros.size && 'rawSql' in node && mentions(node.rawSql, macros)) changed.add(id);
  }
  return { changed, everything: false, macros, removed };
}

/**
 * The nodes a rebuild must run: the changed ones and everything downstream of them.
 * @param dag the new project's DAG
 */
export function affectedNodes(changed: Iterable<string>, dag: Dag): Set<string> {
  const affected = new Set<string>();
  for (const id of changed) {
    if (affected.has(id)) continue;
    affected.add(id);
    for (const descendant of dag.descendants(id)) affected.add(descendant);
  }
  return affected;
}

/** A relation built for an earlier version of the project that nothing builds any more. */
export interface StaleRelation {
  /** The node as it was when it built the relation. */
  node: ManifestNode;
  relation: Relation;
  /** `deleted`: the node is gone (file deleted or renamed, or disabled); `moved`: it now builds elsewhere (schema, alias, ephemeral). */
  reason: 'deleted' | 'moved';
}

/**
 * Relations `before` built that `after` no longer builds: of deleted or renamed models and seeds,
 * and of nodes whose schema or alias changed or that became ephemeral. A relation another node of
 * `after` now builds is not stale.
 */
export function staleRelations(before: ProjectState, after: ProjectState): StaleRelation[] {
  const claimed = new Set<string>();
  for (const node of after.nodes.values()) {
    const relation = builtRelation(node);
    if (relation) claimed.add(relationName(relation));
  }
  const stale: StaleRelation[] = [];
  for (const node of before.nodes.values()) {
    const relation = builtRelation(node);
    if (!relation || claimed.has(relationName(relation))) continue;
    stale.push({ node, relation, reason: after.nodes.has(node.uniqueId) ? 'moved' : 'deleted' });
  }
  return stale;
}
