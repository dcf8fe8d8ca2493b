/**
 * The subset of DuckDB's JSON parse tree (`json_serialize_sql`, DuckDB docs "JSON Functions")
 * the lineage analysis reads. Nodes are plain JSON; fields are read defensively because the
 * format follows DuckDB's internal classes and grows between versions.
 */

/** Any node of the parse tree: a query node, a table reference or an expression. */
export interface AstNode {
  type?: string;
  class?: string;
  [key: string]: unknown;
}

/** What `json_serialize_sql` returns for one SQL text. */
export interface SerializedSql {
  error: boolean;
  error_message?: string;
  statements?: { node: AstNode }[];
}

/** A field that holds a child node, or undefined. */
export function child(node: AstNode, key: string): AstNode | undefined {
  const value = node[key];
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as AstNode) : undefined;
}

/** A field that holds a list of child nodes (empty when absent). */
export function children(node: AstNode, key: string): AstNode[] {
  const value = node[key];
  return Array.isArray(value) ? (value as AstNode[]) : [];
}

/** A field that holds a list of strings (empty when absent). */
export function strings(node: AstNode, key: string): string[] {
  const value = node[key];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** A string field ('' when absent). */
export function text(node: AstNode, key: string): string {
  const value = node[key];
  return typeof value === 'string' ? value : '';
}

/** The CTEs a query node defines, in order: name, column aliases, query. */
export function ctesOf(node: AstNode): { name: string; aliases: string[]; query: AstNode }[] {
  const map = child(node, 'cte_map');
  return (map ? children(map, 'map') : []).map((entry) => {
    const value = child(entry, 'value') ?? {};
    const query = child(value, 'query') ?? {};
    return { name: String(entry.key), aliases: strings(value, 'aliases'), query: child(query, 'node') ?? {} };
  });
}

/** The value of a constant expression (`VALUE_CONSTANT`), or undefined for other expressions. */
export function constantValue(node: AstNode): unknown {
  if (node.class !== 'CONSTANT') return undefined;
  const value = child(node, 'value');
  return value?.value;
}
