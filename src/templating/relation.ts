import { renderRelation } from '../adapter/quoting.js';
import { renderExternalLocation } from '../adapter/duckdb/files.js';
import type { Relation } from '../manifest/nodes.js';

/**
 * What `ref()`, `source()` and `this` return inside templates: prints as SQL, and exposes
 * `schema`, `identifier` and `name` like dbt's Relation object.
 */
export class TemplateRelation {
  readonly schema: string;
  readonly identifier: string;
  private readonly sql: string;

  /**
   * @param relation the relation the node is built into (or a placeholder)
   * @param sql the text it renders as; defaults to the quoted relation
   */
  constructor(relation: Relation, sql?: string) {
    this.schema = relation.schema;
    this.identifier = relation.identifier;
    this.sql = sql ?? renderRelation(relation);
  }

  /** dbt's alias for `identifier`. */
  get name(): string {
    return this.identifier;
  }

  /**
   * Relation for a source read from files: renders as a DuckDB reader call.
   * @param options `format` and named reader options (see `renderExternalLocation`)
   */
  static external(relation: Relation, location: string, options?: Record<string, unknown>): TemplateRelation {
    return new TemplateRelation(relation, renderExternalLocation(location, options));
  }

  /** Relation for an ephemeral model: renders as the CTE name injected by the compiler. */
  static ephemeral(relation: Relation, cteName: string): TemplateRelation {
    return new TemplateRelation(relation, cteName);
  }

  toString(): string {
    return this.sql;
  }
}
