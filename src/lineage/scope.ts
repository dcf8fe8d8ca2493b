import { UnanalysableSqlError } from './types.js';

/**
 * An edge while analysing: an upstream column, whether any step on the way computed it, and
 * whether it only picks the row through a join condition (a join key) rather than giving the value.
 */
export interface Edge {
  node: string;
  column: string;
  transformed: boolean;
  join?: boolean;
}

/** A column of a relation in scope: its name and the upstream columns it carries. */
export interface Col {
  name: string;
  edges: Edge[];
}

/**
 * A relation in a FROM clause: a project node, a CTE, a subquery or a table function.
 * `columns` is undefined when they are unknown (no catalog, no YAML); `node` is undefined for
 * relations that are not project nodes (`range()`, VALUES).
 */
export interface Rel {
  alias: string;
  schema?: string;
  node?: string;
  columns?: Col[];
  /** Columns `*` leaves out: the right side's USING / NATURAL join columns. */
  hiddenFromStar: Set<string>;
  /** Columns joined with USING: an unqualified reference means both sides. */
  usingColumns: Set<string>;
  /** For the joined-in side of a join: the other side's columns in the join condition. */
  joinEdges: Edge[];
}

/** The relations a SELECT reads, plus the enclosing query's scope for correlated references. */
export interface Scope {
  rels: Rel[];
  outer?: Scope;
}

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** A relation's column by name (DuckDB identifiers are case-insensitive). */
export function findCol(rel: Rel, name: string): Col | undefined {
  return rel.columns?.find((c) => same(c.name, name));
}

/** The edges of a relation's column plus the join keys that picked its row. */
export function withJoinEdges(rel: Rel, edges: Edge[]): Edge[] {
  return rel.joinEdges.length ? [...edges, ...rel.joinEdges] : edges;
}

/** The edges of `rel.name`; for a node whose columns are unknown, the name as written. */
function colEdges(rel: Rel, name: string): Edge[] | undefined {
  const col = findCol(rel, name);
  if (col) return withJoinEdges(rel, col.edges);
  if (rel.columns) return undefined;
  return withJoinEdges(rel, rel.node ? [{ node: rel.node, column: name, transformed: false }] : []);
}

function findRel(scope: Scope, alias: string, schema?: string): Rel | undefined {
  return scope.rels.find((r) => same(r.alias, alias) && (schema === undefined || (r.schema !== undefined && same(r.schema, schema))));
}

/**
 * Resolves an unqualified column among the relations of one scope (then the earlier select-list
 * aliases); undefined when nothing has it.
 */
function resolveBare(scope: Scope, name: string, aliases: Col[]): Edge[] | undefined {
  const known = scope.rels.filter((r) => findCol(r, name));
  if (known.length > 1) {
    if (known.every((r) => r.usingColumns.has(name.toLowerCase()))) return known.flatMap((r) => findCol(r, name)!.edges);
    throw new UnanalysableSqlError(`column '${name}' is ambiguous between ${known.map((r) => r.alias).join(' and ')}`);
  }
  if (known.length === 1) return withJoinEdges(known[0], findCol(known[0], name)!.edges);
  const unknown = scope.rels.filter((r) => !r.columns);
  const alias = aliases.find((c) => same(c.name, name));
  if (unknown.length > 1 || (unknown.length === 1 && alias)) {
    throw new UnanalysableSqlError(`cannot tell where column '${name}' comes from: the columns of ${unknown.map((r) => r.alias).join(', ')} are unknown (build the project or document them in YAML)`);
  }
  if (unknown.length === 1) return colEdges(unknown[0], name);
  return alias?.edges;
}

/**
 * The upstream edges of a column reference (`col`, `alias.col`, `schema.table.col`, or a struct
 * field `col.field`), looked up like DuckDB does: this query's relations, then earlier select-list
 * aliases, then enclosing queries.
 * @param aliases the select-list columns before this one (DuckDB lets later items use them)
 * @throws UnanalysableSqlError when the reference is ambiguous or cannot be found
 */
export function resolveColumnRef(parts: string[], scope: Scope, aliases: Col[] = []): { edges: Edge[]; direct: boolean } {
  for (let current: Scope | undefined = scope, level = 0; current; current = current.outer, level++) {
    const found = resolveIn(parts, current, level === 0 ? aliases : []);
    if (found) return found;
  }
  throw new UnanalysableSqlError(`column ${parts.join('.')} was not found in the relations it reads`);
}

function resolveIn(parts: string[], scope: Scope, aliases: Col[]): { edges: Edge[]; direct: boolean } | undefined {
  if (parts.length >= 2) {
    const qualified = parts.length >= 3 ? findRel(scope, parts[1], parts[0]) : undefined;
    if (qualified) return withStruct(colEdges(qualified, parts[2]), parts.length > 3);
    const rel = findRel(scope, parts[0]);
    if (rel) return withStruct(colEdges(rel, parts[1]), parts.length > 2);
  }
  // An unqualified column, or a struct field access on one (`col.field`).
  return withStruct(resolveBare(scope, parts[0], aliases), parts.length > 1);
}

function withStruct(edges: Edge[] | undefined, field: boolean): { edges: Edge[]; direct: boolean } | undefined {
  if (!edges) return undefined;
  return field ? { edges: edges.map((e) => ({ ...e, transformed: true })), direct: false } : { edges, direct: true };
}

/** Copies columns under new names (`t(a, b)` column aliases rename the first columns). */
export function renameColumns(columns: Col[], aliases: string[]): Col[] {
  return columns.map((c, i) => (i < aliases.length ? { name: aliases[i], edges: c.edges } : c));
}

/** A relation in scope with no USING information yet. */
export function makeRel(alias: string, fields: Partial<Rel> = {}): Rel {
  return { alias, hiddenFromStar: new Set(), usingColumns: new Set(), joinEdges: [], ...fields };
}
