import type { Connection, RelationKind } from '../adapter/adapter.js';
import type { Relation } from '../manifest/nodes.js';

/** DuckDB resolves names case-insensitively (quoted or not), so the catalog does too. */
function keyOf(schema: string, identifier: string): string {
  return `${schema.toLowerCase()}\u0000${identifier.toLowerCase()}`;
}

/**
 * What each relation of the target database is (table or view), read once when a run starts and
 * kept up to date as the run's nodes build, instead of one catalog look-up per node. Only this
 * run writes to the database (DuckDB allows one writer process), and every node builds its own
 * relation, so the snapshot stays exact; runner threads share one instance.
 */
export class RelationCatalog {
  private readonly kinds = new Map<string, RelationKind>();

  private constructor(entries: Iterable<{ schema: string; identifier: string; kind: RelationKind }>) {
    for (const { schema, identifier, kind } of entries) this.kinds.set(keyOf(schema, identifier), kind);
  }

  /**
   * Reads every table and view of the connection's default database (one query).
   * @throws Error with DuckDB's message when the catalog cannot be read
   */
  static async load(connection: Connection): Promise<RelationCatalog> {
    return new RelationCatalog(await connection.listRelations());
  }

  /** A catalog of exactly these relations (e.g. an empty database: `[]`). */
  static of(entries: Iterable<{ schema: string; identifier: string; kind: RelationKind }>): RelationCatalog {
    return new RelationCatalog(entries);
  }

  /** What the relation is now, or undefined when it does not exist. */
  kindOf(relation: Relation): RelationKind | undefined {
    return this.kinds.get(keyOf(relation.schema, relation.identifier));
  }

  /**
   * Records what a committed build left: the relation is now a `kind` (undefined: it was dropped).
   * Call only after the transaction committed; a rolled-back build changed nothing.
   */
  record(relation: Relation, kind: RelationKind | undefined): void {
    const key = keyOf(relation.schema, relation.identifier);
    if (kind) this.kinds.set(key, kind);
    else this.kinds.delete(key);
  }
}
