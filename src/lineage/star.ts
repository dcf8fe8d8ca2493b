import { child, children, strings, text, type AstNode } from './ast.js';
import type { ExpressionLineage } from './expressions.js';
import { withJoinEdges, type Col, type Rel, type Scope } from './scope.js';
import { UnanalysableSqlError } from './types.js';

const lower = (s: string): string => s.toLowerCase();

/** Columns of the relations a star covers, in FROM order (`t.*` one relation; `*` all, USING columns once). */
function starSource(star: AstNode, scope: Scope): Col[] {
  const relationName = text(star, 'relation_name');
  const rels: Rel[] = relationName ? scope.rels.filter((r) => lower(r.alias) === lower(relationName)) : scope.rels;
  if (relationName && rels.length === 0) throw new UnanalysableSqlError(`${relationName}.* names no relation in FROM`);
  const columns: Col[] = [];
  for (const rel of rels) {
    if (!rel.columns) {
      throw new UnanalysableSqlError(`select * over ${rel.alias} cannot be expanded: its columns are unknown (build the project or document them in YAML)`);
    }
    columns.push(...rel.columns.filter((c) => relationName || !rel.hiddenFromStar.has(lower(c.name))).map((c) => ({ name: c.name, edges: withJoinEdges(rel, c.edges) })));
  }
  return columns;
}

/**
 * Expands `*` / `t.*` with DuckDB's modifiers: EXCLUDE drops columns, REPLACE computes a column
 * anew, RENAME changes a name (DuckDB docs, "Star Expression").
 * @param lineageOf the lineage of a REPLACE expression, in the select's scope
 * @throws UnanalysableSqlError for `COLUMNS(...)` and stars over relations with unknown columns
 */
export function expandStar(star: AstNode, scope: Scope, lineageOf: (expr: AstNode) => ExpressionLineage): Col[] {
  if (star.columns === true || child(star, 'expr')) throw new UnanalysableSqlError('COLUMNS(...) expressions are not followed');
  const excluded = new Set([...strings(star, 'exclude_list'), ...children(star, 'qualified_exclude_list').map((q) => text(q, 'column'))].map(lower));
  const replaced = new Map(children(star, 'replace_list').map((r) => [lower(String(r.key)), child(r, 'value') ?? {}]));
  const renamed = new Map(children(star, 'rename_list').map((r) => [lower(text(child(r, 'key') ?? {}, 'column')), String(r.value)]));
  return starSource(star, scope)
    .filter((c) => !excluded.has(lower(c.name)))
    .map((c) => {
      const replacement = replaced.get(lower(c.name));
      if (!replacement) return { name: renamed.get(lower(c.name)) ?? c.name, edges: c.edges };
      const lineage = lineageOf(replacement);
      const edges = lineage.direct ? lineage.edges : lineage.edges.map((e) => ({ ...e, transformed: true }));
      return { name: renamed.get(lower(c.name)) ?? c.name, edges };
    });
}
