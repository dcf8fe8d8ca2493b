import picomatch from 'picomatch';
import { ConfigError } from '../errors.js';
import type { Manifest } from '../manifest/manifest.js';
import type { ManifestNode } from '../manifest/nodes.js';
import type { Dag } from './dag.js';

/** One selector term: `[@][N+]method:value[+N]`, as in dbt's node selection syntax. */
interface Term {
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

function parseTerm(text: string): Term {
  const match = TERM.exec(text);
  if (!match) throw new ConfigError(`Invalid selector '${text}'`);
  const [, at, parentDepth, body, childDepth] = match;
  const colon = body.indexOf(':');
  const method = colon > 0 ? body.slice(0, colon) : 'fqn';
  const value = colon > 0 ? body.slice(colon + 1) : body;
  if (at && (parentDepth !== undefined || childDepth !== undefined)) throw new ConfigError(`Selector '${text}' cannot combine @ with +`);
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
  test_type: (node, value) => node.resourceType === 'test' && node.testType === value,
  test_name: (node, value) => node.resourceType === 'test' && glob(value).test(node.testMetadata?.name ?? node.name),
};

function matcherFor(method: string): Matcher {
  if (method.startsWith('config.')) {
    const key = method.slice('config.'.length);
    return (node, value) => {
      const actual = node.config[key];
      return Array.isArray(actual) ? actual.map(String).includes(value) : String(actual) === value;
    };
  }
  const matcher = METHODS[method];
  if (!matcher) throw new ConfigError(`Unknown selector method '${method}'`, { hint: `Known methods: ${Object.keys(METHODS).join(', ')}, config.KEY` });
  return matcher;
}

function selectTerm(term: Term, manifest: Manifest, dag: Dag): Set<string> {
  const matcher = matcherFor(term.method);
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

/**
 * Evaluates dbt-style selector expressions: space-separated terms are a union, comma-joined parts an
 * intersection; each term may carry `+` graph operators (with depth) and `@`.
 * @param expressions the `--select` values (each may hold several space-separated terms)
 * @returns the selected unique ids
 * @throws ConfigError for a malformed term or an unknown method
 */
export function evaluateSelectors(expressions: string[], manifest: Manifest, dag: Dag): Set<string> {
  const result = new Set<string>();
  for (const union of expressions.flatMap((e) => e.split(/\s+/)).filter(Boolean)) {
    const parts = union.split(',').map((part) => selectTerm(parseTerm(part), manifest, dag));
    for (const id of parts[0]) if (parts.every((p) => p.has(id))) result.add(id);
  }
  return result;
}

/** Options naming what to run, as on the command line. */
export interface SelectionOptions {
  select?: string[];
  exclude?: string[];
}

/**
 * Picks nodes for a command: `--select` (default everything) plus the tests whose parents were
 * selected (dbt's eager indirect selection), minus `--exclude` and the tests on excluded nodes.
 * @param resourceTypes the kinds the command runs, e.g. `['model', 'seed', 'test']` for build
 * @returns selected unique ids in no particular order
 */
export function selectNodes(manifest: Manifest, dag: Dag, options: SelectionOptions, resourceTypes: string[]): Set<string> {
  const chosen = options.select?.length ? evaluateSelectors(options.select, manifest, dag) : new Set(manifest.nodes.keys());
  if (resourceTypes.includes('test')) {
    for (const node of manifest.nodes.values()) {
      if (node.resourceType === 'test' && node.dependsOn.nodes.some((parent) => chosen.has(parent))) chosen.add(node.uniqueId);
    }
  }
  const excluded = options.exclude?.length ? evaluateSelectors(options.exclude, manifest, dag) : new Set<string>();
  // Excluding a model also excludes the tests on it (dbt: `dbt test --exclude orders`).
  for (const node of manifest.nodes.values()) {
    if (node.resourceType === 'test' && node.dependsOn.nodes.some((parent) => excluded.has(parent))) excluded.add(node.uniqueId);
  }
  return new Set([...chosen].filter((id) => !excluded.has(id) && resourceTypes.includes(manifest.get(id).resourceType)));
}
