import { child, children, strings, type AstNode } from './ast.js';
import { resolveColumnRef, type Col, type Edge, type Scope } from './scope.js';
import { UnanalysableSqlError } from './types.js';

/** Analyses a subquery expression in the scope of the query around it (correlated references). */
export type SubqueryAnalyser = (query: AstNode, outer: Scope) => Col[];

/** The upstream edges of one select-list expression, and whether it is a bare column reference. */
export interface ExpressionLineage {
  edges: Edge[];
  /** True for a plain column reference: its edges keep their transform. */
  direct: boolean;
}

/**
 * Merges edges, keeping one per upstream column (a column read twice is one edge): a value edge
 * wins over a join key, and a computed use over a plain copy.
 */
export function dedupeEdges(edges: Edge[]): Edge[] {
  const seen = new Map<string, Edge>();
  for (const edge of edges) {
    const key = `${edge.node}\u0000${edge.column.toLowerCase()}`;
    const known = seen.get(key);
    if (!known) seen.set(key, { ...edge });
    else if (known.join && !edge.join) Object.assign(known, { join: false, transformed: edge.transformed });
    else if (edge.transformed && !edge.join) known.transformed = true;
  }
  return [...seen.values()];
}

/**
 * The upstream columns an expression reads: every column reference inside it, including CASE
 * conditions, window PARTITION BY / ORDER BY, FILTER clauses and scalar subqueries. Anything but
 * a bare column reference marks its edges as transformed.
 * @param aliases select-list columns before this expression (lateral column aliases)
 * @throws UnanalysableSqlError for `COLUMNS(...)`, `*` inside expressions and positional references
 */
export function expressionLineage(expr: AstNode, scope: Scope, aliases: Col[], subquery: SubqueryAnalyser): ExpressionLineage {
  if (expr.class === 'COLUMN_REF') return resolveColumnRef(strings(expr, 'column_names'), scope, aliases);
  const edges: Edge[] = [];
  collect(expr, scope, aliases, subquery, new Set(), edges);
  return { edges: dedupeEdges(edges.map((e) => ({ ...e, transformed: true }))), direct: false };
}

function collect(node: unknown, scope: Scope, aliases: Col[], subquery: SubqueryAnalyser, lambdaParams: Set<string>, out: Edge[]): void {
  if (Array.isArray(node)) {
    for (const item of node) collect(item, scope, aliases, subquery, lambdaParams, out);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const expr = node as AstNode;
  switch (expr.class) {
    case 'COLUMN_REF': {
      const parts = strings(expr, 'column_names');
      if (parts.length === 1 && lambdaParams.has(parts[0].toLowerCase())) return;
      out.push(...resolveColumnRef(parts, scope, aliases).edges);
      return;
    }
    case 'SUBQUERY': {
      const query = child(child(expr, 'subquery') ?? {}, 'node');
      if (query) for (const col of subquery(query, scope)) out.push(...col.edges);
      collect(expr.child, scope, aliases, subquery, lambdaParams, out);
      return;
    }
    case 'LAMBDA': {
      const params = new Set(lambdaParams);
      collectParams(child(expr, 'lhs'), params);
      collect(expr.expr, scope, aliases, subquery, params, out);
      return;
    }
    case 'STAR':
      throw new UnanalysableSqlError('a * or COLUMNS(...) inside an expression is not followed');
    case 'POSITIONAL_REFERENCE':
      throw new UnanalysableSqlError('positional column references (#1) are not followed');
    default:
      for (const [key, value] of Object.entries(expr)) if (key !== 'query_location') collect(value, scope, aliases, subquery, lambdaParams, out);
  }
}

/** Lambda parameters (`x -> ...`, `(x, y) -> ...`) are not columns. */
function collectParams(lhs: AstNode | undefined, params: Set<string>): void {
  if (!lhs) return;
  if (lhs.class === 'COLUMN_REF') for (const name of strings(lhs, 'column_names')) params.add(name.toLowerCase());
  for (const item of children(lhs, 'children')) collectParams(item, params);
}
