import picomatch from 'picomatch';
import { ConfigError } from '../errors.js';
import type { Manifest } from '../manifest/manifest.js';
import type { ManifestNode } from '../manifest/nodes.js';
import type { Dag } from './dag.js';
import { extraMatcher, type RunState } from './extra-methods.js';

/** One selector term: `[@][N+]method:value[+N]`, as in dbt's node selection syntax. */
export interface Term {
  method: string;
  value: string;
  parents: boolean;
  parentDepth?: number;
  children: boolean;
  childDepth?: number;
  /** `@`: the node, its descendants and all ancestors of those. */
  childrensParents: boolean;
}

const TERM = /^(@)?(?:(\d*)\+)?(.+?)(?:\+(\d*))?$/;

/**
 * Parses one term of the selector language.
 * @throws ConfigError for a malformed term, or a method with an empty value (`tag:`), which would
 *   select nothing without a word
 */
export function parseTerm(text: string): Term {
  const match = TERM.exec(text);
  if (!match) throw new ConfigError(`Invalid selector '${text}'`);
  const [, at, parentDepth, body, childDepth] = match;
  const colon = body.indexOf(':');
  const method = colon > 0 ? body.slice(0, colon) : 'fqn';
  const value = colon > 0 ? body.slice(colon + 1) : body;
  if (at && (parentDepth !== undefined || childDepth !== undefined)) throw new ConfigError(`Selector '${text}' cannot combine @ with +`);
  if (colon > 0 && value.trim() === '') {
    throw new ConfigError(`Selector '${text}' has no value after '${method}:'`, { hint: `Give one, e.g. '${method}:${method === 'tag' ? 'nightly' : 'x'}'` });
  }
  return {
    method,
    value,
    parents: parentDepth !== undefined,
    parentDepth: parentDepth ? Number(parentDepth) : undefined,
    children: childDepth !== undefined || text.endsWith('+'),
    childDepth: childDepth ? Number(childDepth) : undefined,
    childrensParents: Boolean(at),
  };
}

function glob(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

type Matcher = (node: ManifestNode, value: string) => boolean;

/** What `state:` compares against: ids that are new or modified relative to `--state`. */
export interface StateSelection {
  /** Nodes absent from the state manifest. */
  new: ReadonlySet<string>;
  /** Nodes whose SQL, config, columns or macros differ from the state manifest (new nodes included, as in dbt). */
  modified: ReadonlySet<string>;
  /** For modified nodes, which parts changed: `body`, `configs`, `columns`, `macros` (all of them for new nodes). */
  aspects?: ReadonlyMap<string, ReadonlySet<string>>;
}

/** Extra inputs some methods need: the `--state` comparison. */
export interface SelectorContext {
  state?: StateSelection;
  /** The `--state` run results and source freshness, for `result:` and `source_status:`. */
  run?: RunState;
}

/** Selection methods by name; `config.KEY` is handled separately. Same meanings as dbt's. */
const METHODS: Record<string, Matcher> = {
  // dbt's default method: the node name, or a dotted fqn prefix with or without the project name.
  fqn: (node, value) => {
    if (value.includes('/') || value.endsWith('.sql')) return METHODS.path(node, value);
    if (glob(value).test(node.name)) return true;
    const parts = value.split('.');
    const startsWith = (fqn: string[]) => parts.length <= fqn.length && parts.every((part, i) => glob(part).test(fqn[i]));
    return startsWith(node.fqn) || startsWith(node.fqn.slice(1));
  },
  tag: (node, value) => node.config.tags.some((tag) => glob(value).test(tag)),
  path: (node, value) => {
    const path = value.replace(/\/+$/, '');
    return node.originalFilePath === path || node.originalFilePath.startsWith(`${path}/`) || picomatch.isMatch(node.originalFilePath, path);
  },
  resource_type: (node, value) => node.resourceType === value,
  source: (node, value) => node.resourceType === 'source' && (glob(value).test(node.sourceName) || glob(value).test(`${node.sourceName}.${node.name}`)),
  // dbt: `test_type:unit` picks unit tests, `test_type:data` the generic and singular data tests.
  test_type: (node, value) => (node.resourceType === 'unit_test' ? value === 'unit' : node.resourceType === 'test' && (node.testType === value || value === 'data')),
  unit_test: (node, value) => node.resourceType === 'unit_test' && (glob(value).test(node.name) || glob(value).test(`${node.model}.${node.name}`) || glob(value).test(node.uniqueId)),
  test_name: (node, value) => node.resourceType === 'test' && glob(value).test(node.testMetadata?.name ?? node.name),
};

function stateMatcher(context: SelectorContext): Matcher {
  const state = context.state;
  if (!state) throw new ConfigError('The state: method needs --state DIR (a folder with an earlier manifest.json)');
  return (node, value) => {
    if (value === 'new') return state.new.has(node.uniqueId);
    if (value === 'modified') return state.modified.has(node.uniqueId);
    const aspect = /^modified\.(body|configs|columns|macros)$/.exec(value)?.[1];
    if (aspect) return Boolean(state.aspects?.get(node.uniqueId)?.has(aspect));
    throw new ConfigError(`Unknown state selector 'state:${value}'`, { hint: 'Use state:new, state:modified or state:modified.body|configs|columns|macros.' });
  };
}

function matcherFor(method: string, context: SelectorContext): Matcher {
  if (method === 'state') return stateMatcher(context);
  const extra = extraMatcher(method, context.run);
  if (extra) return extra;
  if (method.startsWith('config.')) {
    const key = method.slice('config.'.length);
    return (node, value) => {
      const actual = node.config[key];
      return Array.isArray(actual) ? actual.map(String).includes(value) : String(actual) === value;
    };
  }
  const matcher = METHODS[method];
  if (!matcher) throw new ConfigError(`Unknown selector method '${method}'`, { hint: `Known methods: ${Object.keys(METHODS).join(', ')}, state, result, source_status, group, access, version, config.KEY` });
  return matcher;
}

/**
 * The nodes one term selects, graph operators applied.
 * @throws ConfigError for an unknown method, or `state:` without a state
 */
export function selectTerm(term: Term, manifest: Manifest, dag: Dag, context: SelectorContext = {}): Set<string> {
  if (term.method === 'exposure') return exposureParents(term, manifest, dag);
  const matcher = matcherFor(term.method, context);
  const selected = new Set<string>();
  for (const node of manifest.nodes.values()) if (matcher(node, term.value)) selected.add(node.uniqueId);
  const base = [...selected];
  for (const id of base) {
    if (term.parents) for (const a of dag.ancestors(id, term.parentDepth)) selected.add(a);
    if (term.children || term.childrensParents) for (const d of dag.descendants(id, term.childDepth)) selected.add(d);
  }
  if (term.childrensParents) for (const id of [...selected]) for (const a of dag.ancestors(id)) selected.add(a);
  return selected;
}

/** The exposures (manifest.json objects) whose name matches an `exposure:` value (`*` globs). */
export function matchingExposures(value: string, manifest: Manifest): Record<string, unknown>[] {
  const pattern = glob(value);
  return Object.values(manifest.extra.exposures ?? {}).filter((exposure) => pattern.test(String(exposure.name)));
}

/**
 * dbt's `exposure:` method (docs.getdbt.com/reference/node-selection/methods#exposure): an exposure
 * is no graph node and runs nothing, so `exposure:x` alone selects no node, while `+exposure:x`
 * (or `N+`, `@`) selects the nodes it depends on and their ancestors.
 */
function exposureParents(term: Term, manifest: Manifest, dag: Dag): Set<string> {
  const selected = new Set<string>();
  if (!term.parents && !term.childrensParents) return selected;
  for (const exposure of matchingExposures(term.value, manifest)) {
    for (const parent of (exposure.depends_on as { nodes?: string[] } | undefined)?.nodes ?? []) {
      if (!manifest.nodes.has(parent)) continue;
      selected.add(parent);
      if (term.parentDepth === 1) continue;
      for (const a of dag.ancestors(parent, term.parentDepth === undefined ? undefined : term.parentDepth - 1)) selected.add(a);
    }
  }
  return selected;
}

/**
 * Evaluates dbt-style selector expressions: space-separated terms are a union, comma-joined parts an
 * intersection; each term may carry `+` graph operators (with depth) and `@`.
 * @param expressions the `--select` values (each may hold several space-separated terms)
 * @returns the selected unique ids
 * @throws ConfigError for a malformed term or an unknown method
 */
export function evaluateSelectors(expressions: string[], manifest: Manifest, dag: Dag, context: SelectorContext = {}): Set<string> {
  const result = new Set<string>();
  for (const union of expressions.flatMap((e) => e.split(/\s+/)).filter(Boolean)) {
    const parts = union.split(',').map((part) => selectTerm(parseTerm(part), manifest, dag, context));
    for (const id of parts[0]) if (parts.every((p) => p.has(id))) result.add(id);
  }
  return result;
}

/**
 * A selection as a tree: what a `selectors.yml` definition (or a CLI expression) evaluates.
 * `union` may carry `exclude` (dbt's `- exclude: [...]` item), subtracted from the union.
 */
export type SelectorExpression =
  | { term: Term }
  | { expressions: string[] }
  | { union: SelectorExpression[]; exclude?: SelectorExpression[] }
  | { intersection: SelectorExpression[] };

/**
 * Evaluates a selector tree.
 * @throws ConfigError for a malformed term or an unknown method
 */
export function evaluateExpression(expression: SelectorExpression, manifest: Manifest, dag: Dag, context: SelectorContext = {}): Set<string> {
  const evaluate = (e: SelectorExpression) => evaluateExpression(e, manifest, dag, context);
  if ('term' in expression) return selectTerm(expression.term, manifest, dag, context);
  if ('expressions' in expression) return evaluateSelectors(expression.expressions, manifest, dag, context);
  if ('intersection' in expression) {
    const parts = expression.intersection.map(evaluate);
    return new Set(parts.length ? [...parts[0]].filter((id) => parts.every((p) => p.has(id))) : []);
  }
  const result = new Set(expression.union.flatMap((e) => [...evaluate(e)]));
  for (const e of expression.exclude ?? []) for (const id of evaluate(e)) result.delete(id);
  return result;
}

/**
 * dbt's `--indirect-selection` modes: which tests join the selection because of the nodes they test.
 * `eager`: a test with any parent selected; `cautious`: only when all its parents are selected;
 * `buildable`: when each parent is selected or an ancestor of a selected node; `empty`: none.
 */
export type IndirectSelection = 'eager' | 'cautious' | 'buildable' | 'empty';

/** The modes of {@link IndirectSelection}, for validation. */
export const INDIRECT_SELECTION_MODES: readonly IndirectSelection[] = ['eager', 'cautious', 'buildable', 'empty'];

/** Options naming what to run, as on the command line (with `--selector` already resolved). */
export interface SelectionOptions {
  select?: string[];
  exclude?: string[];
  /** A named selector's definition (`--selector`); used instead of `select`. */
  selectorDefinition?: SelectorExpression;
  /** Default `eager`, as in dbt. */
  indirectSelection?: IndirectSelection;
  /** The `--state` comparison, needed by `state:` terms. */
  stateSelection?: StateSelection;
  /**
   * Never set: a `--selector` name must be resolved first (`resolveSelection`). Declared so that
   * tsc rejects passing a command's options here, which would silently ignore `--selector`.
   */
  selector?: never;
  /** The `--state` run results and freshness, needed by `result:` and `source_status:` terms. */
  runState?: RunState;
}

function indirectTests(manifest: Manifest, dag: Dag, chosen: Set<string>, mode: IndirectSelection): string[] {
  if (mode === 'empty') return [];
  const upstream = new Set<string>();
  if (mode === 'buildable') for (const id of chosen) for (const a of dag.ancestors(id)) upstream.add(a);
  const found: string[] = [];
  for (const node of manifest.nodes.values()) {
    // Unit tests join with their model (dbt selects a model's unit tests like its data tests).
    if (node.resourceType === 'unit_test') {
      if (node.modelId && chosen.has(node.modelId)) found.push(node.uniqueId);
      continue;
    }
    if (node.resourceType !== 'test' || node.dependsOn.nodes.length === 0) continue;
    const parents = node.dependsOn.nodes;
    const take =
      mode === 'eager' ? parents.some((p) => chosen.has(p)) :
      mode === 'cautious' ? parents.every((p) => chosen.has(p)) :
      parents.some((p) => chosen.has(p)) && parents.every((p) => chosen.has(p) || upstream.has(p));
    if (take) found.push(node.uniqueId);
  }
  return found;
}

/**
 * Picks nodes for a command: `--select` or `--selector` (default everything) plus the tests on
 * selected nodes (dbt's indirect selection, `eager` unless told otherwise), minus `--exclude` and
 * the tests on excluded nodes.
 * @param resourceTypes the kinds the command runs, e.g. `['model', 'seed', 'test']` for build
 * @returns selected unique ids in no particular order
 * @throws ConfigError for a malformed selector, an unknown method, or `state:` without a state
 */
export function selectNodes(manifest: Manifest, dag: Dag, options: SelectionOptions, resourceTypes: string[]): Set<string> {
  const context: SelectorContext = { state: options.stateSelection, run: options.runState };
  const chosen = options.selectorDefinition
    ? evaluateExpression(options.selectorDefinition, manifest, dag, context)
    : options.select?.length ? evaluateSelectors(options.select, manifest, dag, context) : new Set(manifest.nodes.keys());
  if (resourceTypes.includes('test') || resourceTypes.includes('unit_test')) {
    for (const id of indirectTests(manifest, dag, chosen, options.indirectSelection ?? 'eager')) chosen.add(id);
  }
  const excluded = options.exclude?.length ? evaluateSelectors(options.exclude, manifest, dag, context) : new Set<string>();
  // Excluding a model also excludes the tests on it (dbt: `dbt test --exclude orders`).
  for (const node of manifest.nodes.values()) {
    if ((node.resourceType === 'test' || node.resourceType === 'unit_test') && node.dependsOn.nodes.some((parent) => excluded.has(parent))) excluded.add(node.uniqueId);
  }
  return new Set([...chosen].filter((id) => !excluded.has(id) && resourceTypes.includes(manifest.get(id).resourceType)));
}
