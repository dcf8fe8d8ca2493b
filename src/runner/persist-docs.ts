import type { Connection } from '../adapter/adapter.js';
import { quoteIdentifier, quoteLiteral, renderRelation } from '../adapter/quoting.js';
import { isPlainObject } from '../config/yaml-file.js';
import { DatabaseError } from '../errors.js';
import type { ManifestNode } from '../manifest/nodes.js';

/**
 * `persist_docs` (https://docs.getdbt.com/reference/resource-configs/persist_docs): after a model,
 * seed or snapshot is built, its description becomes the relation's comment (`relation: true`) and
 * its documented columns' descriptions the columns' comments (`columns: true`), with DuckDB's
 * `COMMENT ON` (https://duckdb.org/docs/sql/statements/comment_on). Columns documented in YAML but
 * absent from the relation are left out, as dbt's adapters do.
 * @throws DatabaseError naming the node when DuckDB rejects a comment
 */
export async function persistDocs(node: ManifestNode, connection: Connection): Promise<void> {
  const setting = (node.config as Record<string, unknown>).persist_docs;
  if (!isPlainObject(setting) || node.resourceType === 'source' || node.resourceType === 'test' || !('relation' in node)) return;
  const relation = renderRelation(node.relation);
  const statements: string[] = [];
  const view = node.resourceType === 'model' && node.config.materialized === 'view';
  if (setting.relation === true && node.description) statements.push(`comment on ${view ? 'view' : 'table'} ${relation} is ${quoteLiteral(node.description)}`);
  if (setting.columns === true && Object.keys(node.columns).length) {
    const columns = await connection.describeColumns(relation);
    const existing = new Map(columns.map((column) => [column.name.toLowerCase(), column.name]));
    for (const column of Object.values(node.columns)) {
      const name = existing.get(column.name.toLowerCase());
      if (name && column.description) statements.push(`comment on column ${relation}.${quoteIdentifier(name)} is ${quoteLiteral(column.description)}`);
    }
  }
  for (const sql of statements) {
    try {
      await connection.execute(sql);
    } catch (error) {
      throw new DatabaseError(`persist_docs failed for ${node.resourceType} ${node.name}: ${connection.describeError(error, 0).text}`, { location: { file: node.originalFilePath } });
    }
  }
}
