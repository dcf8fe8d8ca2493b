import { child, children, constantValue, ctesOf, strings, text, type AstNode } from './ast.js';
import { dedupeEdges, expressionLineage } from './expressions.js';
import { findCol, makeRel, renameColumns, resolveColumnRef, type Col, type Edge, type Rel, type Scope } from './scope.js';
import { expandStar } from './star.js';
import { UnanalysableSqlError } from './types.js';

/** An upstream relation the analysed SQL reads: a project node and its columns, when known. */
export interface UpstreamRelation {
  node: string;
  /** Column names in order; undefined when unknown (then `*` over it cannot be expanded). */
  columns?: string[];
}

/** Maps what the compiled SQL reads back to project nodes. */
export interface RelationResolver {
  /** A table or view by schema (may be '') and name; also the CTE names of inlined ephemeral models. */
  table(schema: string, name: string): UpstreamRelation | undefined;
  /** A table function call such as `read_parquet('path')`, by name and constant arguments. */
  tableFunction(name: string, args: unknown[]): UpstreamRelation | undefined;
}

interface Env {
  ctes: Map<string, Col[]>;
  resolver: RelationResolver;
  outer?: Scope;
}

/**
 * The output columns of a query (a SELECT statement's root node from `json_serialize_sql`), each
 * with the upstream columns it is derived from.
 * @throws UnanalysableSqlError for SQL the analysis does not follow (recursive CTEs, PIVOT, ...)
 */
export function analyseQuery(root: AstNode, resolver: RelationResolver): Col[] {
  return queryColumns(root, { ctes: new Map(), resolver });
}

function withCtes(node: AstNode, env: Env): Env {
  const ctes = ctesOf(node);
  if (ctes.length === 0) return env;
  const scoped: Env = { ...env, ctes: new Map(env.ctes) };
  for (const cte of ctes) scoped.ctes.set(cte.name.toLowerCase(), renameColumns(queryColumns(cte.query, scoped), cte.aliases));
  return scoped;
}

function queryColumns(node: AstNode, outerEnv: Env): Col[] {
  const env = withCtes(node, outerEnv);
  if (node.type === 'SELECT_NODE') return selectColumns(node, env);
  if (node.type === 'SET_OPERATION_NODE') return setOperationColumns(node, env);
  throw new UnanalysableSqlError(`${(node.type ?? 'this query').toLowerCase().replace(/_node$/, '').replace(/_/g, ' ')} queries are not followed`);
}

function selectColumns(node: AstNode, env: Env): Col[] {
  const from = child(node, 'from_table');
  const scope: Scope = { rels: from ? fromRelations(from, env) : [], outer: env.outer };
  const subquery = (query: AstNode, outer: Scope) => queryColumns(query, { ...env, outer });
  const output: Col[] = [];
  for (const item of children(node, 'select_list')) {
    if (item.class === 'STAR') {
      output.push(...expandStar(item, scope, (expr) => expressionLineage(expr, scope, output, subquery)));
      continue;
    }
    const lineage = expressionLineage(item, scope, output, subquery);
    output.push({ name: outputName(item), edges: lineage.direct ? lineage.edges : dedupeEdges(lineage.edges) });
  }
  return output;
}

/** The name DuckDB gives a select-list item: its alias, a column's own name, else '' (filled from the catalog). */
function outputName(item: AstNode): string {
  const alias = text(item, 'alias');
  if (alias) return alias;
  if (item.class === 'COLUMN_REF') return strings(item, 'column_names').at(-1) ?? '';
  return '';
}

function setOperationColumns(node: AstNode, env: Env): Col[] {
  const left = queryColumns(child(node, 'left') ?? {}, env);
  const right = queryColumns(child(node, 'right') ?? {}, env);
  const kind = text(node, 'setop_type');
  // EXCEPT and INTERSECT only filter the left side's rows.
  if (kind === 'EXCEPT' || kind === 'INTERSECT') return left;
  if (kind === 'UNION_BY_NAME') {
    const merged = left.map((c) => ({ name: c.name, edges: [...c.edges] }));
    for (const col of right) {
      const match = merged.find((m) => m.name.toLowerCase() === col.name.toLowerCase());
      if (match) match.edges = dedupeEdges([...match.edges, ...col.edges]);
      else merged.push(col);
    }
    return merged;
  }
  if (left.length !== right.length) throw new UnanalysableSqlError(`the sides of a ${kind.toLowerCase()} have ${left.length} and ${right.length} columns`);
  return left.map((c, i) => ({ name: c.name, edges: dedupeEdges([...c.edges, ...right[i].edges]) }));
}

function fromRelations(table: AstNode, env: Env): Rel[] {
  const aliases = strings(table, 'column_name_alias');
  switch (table.type) {
    case 'BASE_TABLE':
      return [baseTable(table, env)];
    case 'SUBQUERY': {
      const query = child(child(table, 'subquery') ?? {}, 'node') ?? {};
      return [makeRel(text(table, 'alias'), { columns: renameColumns(queryColumns(query, env), aliases) })];
    }
    case 'JOIN':
      return joinRelations(table, env);
    case 'TABLE_FUNCTION':
      return [tableFunction(table, env)];
    case 'EXPRESSION_LIST': {
      const width = (children(table, 'values')[0] as unknown as unknown[] | undefined)?.length ?? 0;
      const columns = Array.from({ length: width }, (_, i) => ({ name: aliases[i] ?? `col${i}`, edges: [] as Edge[] }));
      return [makeRel(text(table, 'alias'), { columns })];
    }
    case 'EMPTY':
      return [];
    default:
      throw new UnanalysableSqlError(`${String(table.type).toLowerCase()} in FROM is not followed`);
  }
}

function upstreamColumns(up: { node: string; columns?: string[] }): Col[] | undefined {
  return up.columns?.map((name) => ({ name, edges: [{ node: up.node, column: name, transformed: false }] }));
}

function baseTable(table: AstNode, env: Env): Rel {
  const schema = text(table, 'schema_name');
  const name = text(table, 'table_name');
  const alias = text(table, 'alias') || name;
  const aliases = strings(table, 'column_name_alias');
  const up = env.resolver.table(schema, name);
  if (up) return makeRel(alias, { schema: schema || undefined, node: up.node, columns: renameOptional(upstreamColumns(up), aliases) });
  const cte = schema ? undefined : env.ctes.get(name.toLowerCase());
  if (cte) return makeRel(alias, { columns: renameColumns(cte, aliases) });
  throw new UnanalysableSqlError(`it reads ${schema ? `${schema}.` : ''}${name}, which is not a model, seed or source of the project`);
}

function renameOptional(columns: Col[] | undefined, aliases: string[]): Col[] | undefined {
  return columns ? renameColumns(columns, aliases) : undefined;
}

function tableFunction(table: AstNode, env: Env): Rel {
  const fn = child(table, 'function') ?? {};
  const name = text(fn, 'function_name');
  const aliases = strings(table, 'column_name_alias');
  const alias = text(table, 'alias') || name;
  const up = env.resolver.tableFunction(name, children(fn, 'children').map(constantValue));
  if (up) return makeRel(alias, { node: up.node, columns: renameOptional(upstreamColumns(up), aliases) });
  // range(), generate_series(), unnest(): computed rows with no upstream columns.
  return makeRel(alias, { columns: aliases.length ? aliases.map((a) => ({ name: a, edges: [] })) : undefined });
}

function joinRelations(join: AstNode, env: Env): Rel[] {
  const left = fromRelations(child(join, 'left') ?? {}, env);
  // A LATERAL right side may read the left side's columns.
  const right = fromRelations(child(join, 'right') ?? {}, { ...env, outer: { rels: left, outer: env.outer } });
  let using = strings(join, 'using_columns').map((c) => c.toLowerCase());
  if (text(join, 'ref_type') === 'NATURAL') using = naturalColumns(left, right);
  if (using.length) {
    for (const rel of [...left, ...right]) for (const name of using) if (findCol(rel, name)) rel.usingColumns.add(name);
    for (const rel of right) for (const name of using) rel.hiddenFromStar.add(name);
  }
  const keys = joinKeyEdges(child(join, 'condition'), using, left, right);
  for (const rel of right) rel.joinEdges = dedupeEdges([...rel.joinEdges, ...keys]);
  return [...left, ...right];
}

function columnRefs(node: unknown, out: string[][]): string[][] {
  if (Array.isArray(node)) node.forEach((item) => columnRefs(item, out));
  else if (node && typeof node === 'object') {
    const expr = node as AstNode;
    if (expr.class === 'COLUMN_REF') out.push(strings(expr, 'column_names'));
    else if (expr.class !== 'SUBQUERY') Object.values(expr).forEach((value) => columnRefs(value, out));
  }
  return out;
}

function onRightSide(parts: string[], right: Rel[]): boolean {
  const name = parts[0].toLowerCase();
  if (parts.length >= 2 && right.some((r) => r.alias.toLowerCase() === name || (parts.length >= 3 && r.alias.toLowerCase() === parts[1].toLowerCase()))) return true;
  return parts.length === 1 && right.some((r) => findCol(r, parts[0]) || !r.columns);
}

/**
 * The left side's columns a join condition (or USING list) compares: they pick which row of the
 * right side each output row gets, so the right side's columns are derived from them as join keys.
 */
function joinKeyEdges(condition: AstNode | undefined, using: string[], left: Rel[], right: Rel[]): Edge[] {
  const refs = [...(condition ? columnRefs(condition, []) : []), ...using.map((name) => [name])];
  const leftScope: Scope = { rels: left };
  const edges: Edge[] = [];
  for (const parts of refs) {
    if (!using.includes(parts[0].toLowerCase()) && onRightSide(parts, right)) continue;
    if (left.length === 0) continue;
    edges.push(...resolveColumnRef(parts, leftScope).edges.map((e) => ({ ...e, join: true })));
  }
  return edges;
}

function naturalColumns(left: Rel[], right: Rel[]): string[] {
  if ([...left, ...right].some((r) => !r.columns)) throw new UnanalysableSqlError('a NATURAL join over relations with unknown columns is not followed');
  const names = new Set(left.flatMap((r) => r.columns!.map((c) => c.name.toLowerCase())));
  return [...new Set(right.flatMap((r) => r.columns!.map((c) => c.name.toLowerCase())))].filter((n) => names.has(n));
}
