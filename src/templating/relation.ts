import { quoteIdentifier, renderRelation } from '../adapter/quoting.js';
import { renderExternalLocation } from '../adapter/duckdb/files.js';
import type { Relation } from '../manifest/nodes.js';
import { PY_MAPPING } from './jinja/values.js';

/**
 * What `ref()`, `source()` and `this` return inside templates: prints as SQL, and exposes
 * `schema`, `identifier` and `name` like dbt's Relation object.
 */
export class TemplateRelation {
  readonly schema: string;
  readonly identifier: string;
  /** The database (DuckDB catalog) when known; dops renders two-part names. */
  readonly database: string | undefined;
  /** `table`, `view`, `ephemeral` or undefined when not known (dbt's `relation.type`). */
  readonly type: string | undefined;
  private readonly sql: string;
  /** `is mapping` holds, as for dbt's Relation (a Mapping); see {@link get}. */
  readonly [PY_MAPPING] = true;

  /**
   * @param relation the relation the node is built into (or a placeholder)
   * @param sql the text it renders as; defaults to the quoted relation
   * @param extra the database and type, when known
   */
  constructor(relation: Relation, sql?: string, extra: { database?: string; type?: string } = {}) {
    this.schema = relation.schema;
    this.identifier = relation.identifier;
    // A schema-only relation (`api.Relation.create(schema=...)`, as for create_schema) renders as the schema, as dbt's does.
    this.sql = sql ?? (relation.identifier ? renderRelation(relation) : quoteIdentifier(relation.schema));
    this.database = extra.database;
    this.type = extra.type;
  }

  get is_table(): boolean {
    return this.type === 'table';
  }

  get is_view(): boolean {
    return this.type === 'view';
  }

  get is_cte(): boolean {
    return this.type === 'ephemeral';
  }

  /** dbt's `relation.render()`: the SQL text. */
  render(): string {
    return this.sql;
  }

  /**
   * dbt's `relation.incorporate(path={...}, type=...)`: a copy with other names or type
   * (docs.getdbt.com/reference/dbt-classes#relation).
   */
  incorporate(...args: unknown[]): TemplateRelation {
    const kwargs = (args.find((arg) => typeof arg === 'object' && arg !== null && (arg as { __keywords?: boolean }).__keywords) ?? {}) as Record<string, unknown>;
    const path = (kwargs.path ?? {}) as Record<string, unknown>;
    const schema = String(path.schema ?? this.schema);
    const identifier = String(path.identifier ?? this.identifier);
    const renamed = schema !== this.schema || identifier !== this.identifier;
    return new TemplateRelation({ schema, identifier }, renamed ? undefined : this.sql, { database: (path.database as string | undefined) ?? this.database, type: (kwargs.type as string | undefined) ?? this.type });
  }

  /**
   * dbt's `relation.information_schema(view_name)`: the information schema view (`columns`,
   * `tables`...) of the relation's database. Rendered without the database (`information_schema."columns"`):
   * the connection's own database on PostgreSQL, and DuckDB has one information_schema for all catalogs.
   */
  information_schema(...args: unknown[]): TemplateRelation {
    const kwargs = (args.find((arg) => typeof arg === 'object' && arg !== null && (arg as { __keywords?: boolean }).__keywords) ?? {}) as Record<string, unknown>;
    const positional = args.find((arg) => typeof arg === 'string');
    const view = (kwargs.view_name ?? positional) as string | undefined;
    const sql = view ? `information_schema.${quoteIdentifier(String(view))}` : 'information_schema';
    return new TemplateRelation({ schema: 'information_schema', identifier: view ? String(view) : '' }, sql, { database: this.database });
  }

  /** dbt's `relation.include(...)`: dops always renders schema and identifier, so a copy. */
  include(): TemplateRelation {
    return this;
  }

  /** dbt's `relation.quote(...)`: names are always quoted, so the same relation. */
  quote(): TemplateRelation {
    return this;
  }

  /**
   * dbt's Relation as a mapping: `relation.get('schema')`, and `metadata.type` ending in
   * `Relation` (what dbt_utils' `_is_relation` checks).
   */
  get(key: string, fallback: unknown = null): unknown {
    if (key === 'metadata') return { type: 'BaseRelation' };
    if (key === 'path') return { database: this.database ?? null, schema: this.schema, identifier: this.identifier };
    if (key === 'schema' || key === 'identifier' || key === 'database' || key === 'type') return this[key] ?? fallback;
    return fallback;
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
