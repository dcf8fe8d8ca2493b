import type { CatalogEntry, ColumnType, Connection, DatabaseColumn, EngineMessage, RelationKind, Row, StatementResult, TableData } from './adapter.js';
import type { Relation } from '../manifest/nodes.js';

/**
 * A {@link Connection} that passes every call to `inner` unchanged (no extra promise in between):
 * the base of the wrappers the runner puts around a connection (compile-ahead, build records before
 * `commit`, run-file recording), each overriding only the calls it watches.
 */
export class ForwardingConnection implements Connection {
  constructor(protected readonly inner: Connection) {}

  get dialect() {
    return this.inner.dialect;
  }
  get capabilities() {
    return this.inner.capabilities;
  }
  get lost(): boolean {
    return this.inner.lost;
  }
  execute(sql: string): Promise<number | undefined> {
    return this.inner.execute(sql);
  }
  run(sql: string): Promise<StatementResult> {
    return this.inner.run(sql);
  }
  query(sql: string): Promise<Row[]> {
    return this.inner.query(sql);
  }
  queryTable(sql: string): Promise<TableData> {
    return this.inner.queryTable(sql);
  }
  relationKind(relation: Relation): Promise<RelationKind | undefined> {
    return this.inner.relationKind(relation);
  }
  listRelations(): Promise<CatalogEntry[]> {
    return this.inner.listRelations();
  }
  assertSingleSelect(sql: string): Promise<void> {
    return this.inner.assertSingleSelect(sql);
  }
  describeColumns(rendered: string): Promise<ColumnType[]> {
    return this.inner.describeColumns(rendered);
  }
  describeQuery(sql: string): Promise<ColumnType[]> {
    return this.inner.describeQuery(sql);
  }
  listColumns(): Promise<DatabaseColumn[]> {
    return this.inner.listColumns();
  }
  describeError(error: unknown, lineOffset?: number): EngineMessage {
    return this.inner.describeError(error, lineOffset);
  }
  close(): void {
    this.inner.close();
  }
}
