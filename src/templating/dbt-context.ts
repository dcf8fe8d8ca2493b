import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { columnsQuery, createSchemaSql, dropRelationSql, dropSchemaSql, relationsQuery, renameRelationSql, schemaExistsQuery } from '../adapter/introspection-sql.js';
import { quoteIdentifier } from '../adapter/quoting.js';
import { INVOCATION_ID } from '../artifacts/write-json.js';
import { CompilationError, DatabaseError, DependencyNotFoundError } from '../errors.js';
import { AgateTable, type QueryData } from './agate.js';
import { callableWithMembers } from './callable-members.js';
import type { TemplateContext, TemplateEngine } from './engine.js';
import type { DatabaseReplay } from './introspection.js';
import { NeedsDatabase } from './introspection.js';
import { datetimeModule, pytzModule, utcDateTime } from './py-datetime.js';
import { itertoolsModule, kwargsOf, reModule, toList } from './py-modules.js';
import { TemplateRelation } from './relation.js';
import { pySet } from './jinja/values.js';

/** The `yaml` package (CommonJS under Node), loaded on the first `toyaml` / `fromyaml`: few templates call them. */
let yamlPackage: typeof import('yaml') | undefined;
function yamlLib(): typeof import('yaml') {
  return (yamlPackage ??= createRequire(import.meta.url)('yaml') as typeof import('yaml'));
}

/**
 * dbt's Jinja context beyond ref/source/config (docs.getdbt.com/reference/dbt-jinja-functions):
 * exceptions, log/print, modules, flags, invocation_id, run_started_at, api, adapter (quoting and
 * introspection), run_query / statement / load_result, graph, model, selected_resources and the
 * helper functions (zip, set, tojson, fromjson, toyaml, fromyaml, local_md5, diff_of_two_dicts).
 */

/** When this process started its command (dbt's `run_started_at`, in UTC). */
export const RUN_STARTED_AT = new Date();

/** Where templates' output goes: `log(msg, info=True)`, `print()`, `print_table()` and `exceptions.warn()`. */
export interface TemplateOutput {
  info(text: string): void;
  warn(text: string): void;
}

/** What the dbt context needs to know about the render beyond the global context. */
export interface DbtContextOptions {
  /** dbt's `target.type`: picks `<type>__` macros in dispatch. */
  adapterType: string;
  execute: boolean;
  /** The node being rendered, as dbt's `model` dict. */
  node?: Record<string, unknown>;
  /** dbt's `graph` (built on first use). */
  graph?: () => Record<string, unknown>;
  /** Unique ids of the nodes the command selected. */
  selectedResources?: string[];
  /** Answers to queries (see introspection.ts); undefined when there is no database. */
  database?: DatabaseReplay;
  output?: TemplateOutput;
  /** dbt's `flags` (FULL_REFRESH, WHICH, ...). */
  flags?: Record<string, unknown>;
}

const isKeywords = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && (value as { __keywords?: boolean }).__keywords === true;

/** Reads Python-style arguments by name: positional first, then keywords. */
function argsByName(args: unknown[], names: string[]): Record<string, unknown> {
  const [positional, kwargs] = kwargsOf(args);
  const out: Record<string, unknown> = { ...kwargs };
  names.forEach((name, index) => {
    if (index < positional.length) out[name] = positional[index];
  });
  return out;
}

/**
 * Python's `json.dumps` layout: `", "` and `": "` separators, or newlines and `indent` spaces.
 * (docs.getdbt.com/reference/dbt-jinja-functions/tojson)
 */
export function pythonJson(value: unknown, indent?: number, sortKeys = false, depth = 0): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'boolean' || typeof value === 'number') return typeof value === 'number' && !Number.isFinite(value) ? (Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity') : String(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const inner = indent === undefined ? '' : `\n${' '.repeat(indent * (depth + 1))}`;
  const outer = indent === undefined ? '' : `\n${' '.repeat(indent * depth)}`;
  const separator = indent === undefined ? ', ' : ',';
  if (Array.isArray(value)) {
    if (!value.length) return '[]';
    return `[${inner}${value.map((item) => pythonJson(item, indent, sortKeys, depth + 1)).join(separator + inner)}${outer}]`;
  }
  if (typeof value === 'object') {
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return pythonJson((value as { toJSON(): unknown }).toJSON(), indent, sortKeys, depth);
    if (!(value.constructor === Object || value.constructor === undefined || Object.getPrototypeOf(value) === null)) return JSON.stringify(String(value));
    let entries = Object.entries(value).filter(([key]) => key !== '__keywords');
    if (sortKeys) entries = entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (!entries.length) return '{}';
    return `{${inner}${entries.map(([key, item]) => `${JSON.stringify(key)}: ${pythonJson(item, indent, sortKeys, depth + 1)}`).join(separator + inner)}${outer}}`;
  }
  return JSON.stringify(String(value));
}

/**
 * dbt's `diff_of_two_dicts(dict_a, dict_b)`: for each key of `dict_a`, the values of its list that
 * `dict_b` does not list under the same key (keys and values compared case-insensitively); keys
 * with nothing left are left out. (docs.getdbt.com/reference/dbt-jinja-functions/diff_of_two_dicts)
 */
export function diffOfTwoDicts(dictA: Record<string, unknown>, dictB: Record<string, unknown>): Record<string, unknown[]> {
  const lowered = new Map(Object.entries(dictB ?? {}).map(([key, values]) => [key.toLowerCase(), new Set(toList(values ?? []).map((v) => String(v).toLowerCase()))]));
  const diff: Record<string, unknown[]> = {};
  for (const [key, values] of Object.entries(dictA ?? {})) {
    if (key === '__keywords') continue;
    const other = lowered.get(key.toLowerCase());
    const left = toList(values ?? []).filter((value) => !other?.has(String(value).toLowerCase()));
    if (left.length) diff[key] = left;
  }
  return diff;
}

/**
 * dbt's type names for its generic types: the base adapter's `Column.TYPE_LABELS`, which since
 * dbt-adapters 1.0 (dbt-core 1.8) maps only `string` to `TEXT`; every other name (`integer`,
 * `timestamp`, `float`, `boolean`) passes through as written. Neither dbt-duckdb nor dbt-postgres
 * overrides it (dbt-adapters: dbt/adapters/base/column.py).
 */
const TYPE_LABELS: Record<string, string> = { STRING: 'TEXT' };

/** dbt's `Column` class (docs.getdbt.com/reference/dbt-classes#column), also `api.Column`. */
export class TemplateColumn {
  constructor(
    readonly name: string,
    readonly dtype: string,
    readonly char_size: number | null = null,
    readonly numeric_precision: number | null = null,
    readonly numeric_scale: number | null = null,
    /**
     * dbt's base `Column.data_type` for strings, as dbt-duckdb uses it: a string type without a size
     * renders `character varying(256)`. False: dbt-postgres' `PostgresColumn`, which keeps `text`
     * and an unsized `character varying` as they are.
     */
    private readonly sizeUnsizedStrings = false,
  ) {}

  get column(): string {
    return this.name;
  }

  get quoted(): string {
    return quoteIdentifier(this.name);
  }

  /** The type with its size (`character varying(255)`, `numeric(28,6)`). */
  get data_type(): string {
    if (this.is_string() && this.char_size) return TemplateColumn.string_type(this.char_size);
    // dbt's base Column.is_string() matches these names exactly: `VARCHAR[]` or a STRUCT keeps its type.
    if (this.sizeUnsizedStrings && /^(text|character varying|character|varchar)$/i.test(this.dtype)) return TemplateColumn.string_type(this.string_size());
    if (this.is_numeric() && this.numeric_precision !== null && this.numeric_scale !== null && /^(numeric|decimal)$/i.test(this.dtype)) return TemplateColumn.numeric_type(this.dtype, this.numeric_precision, this.numeric_scale);
    return this.dtype;
  }

  is_string(): boolean {
    return /^(text|varchar|character varying|string|char|character|bpchar)\b/i.test(this.dtype);
  }

  is_number(): boolean {
    return this.is_integer() || this.is_float() || this.is_numeric();
  }

  is_numeric(): boolean {
    return /^(numeric|decimal)\b/i.test(this.dtype);
  }

  is_integer(): boolean {
    return /^(tinyint|smallint|integer|int|bigint|hugeint|utinyint|usmallint|uinteger|ubigint|uhugeint|int[1248]|serial|bigserial|smallserial)$/i.test(this.dtype);
  }

  is_float(): boolean {
    return /^(real|float|float4|float8|double|double precision)$/i.test(this.dtype);
  }

  string_size(): number {
    if (!this.is_string()) throw new CompilationError('Called string_size() on non-string field!');
    return this.char_size ?? 256;
  }

  can_expand_to(other: TemplateColumn): boolean {
    return this.is_string() && other.is_string() && this.string_size() < other.string_size();
  }

  toString(): string {
    return `<Column ${this.name} (${this.data_type})>`;
  }

  static translate_type(dtype: string): string {
    return TYPE_LABELS[String(dtype).toUpperCase()] ?? String(dtype);
  }

  static numeric_type(dtype: string, precision: unknown, scale: unknown): string {
    return precision === null || precision === undefined || scale === null || scale === undefined ? String(dtype) : `${dtype}(${precision},${scale})`;
  }

  static string_type(size: number): string {
    return `character varying(${size})`;
  }

  static create(name: string, labelOrDtype: string): TemplateColumn {
    return new TemplateColumn(String(name), TemplateColumn.translate_type(labelOrDtype));
  }
}

/** `api.Column`: the class's static methods, callable as in dbt. */
const columnApi = callableWithMembers(Object.assign((...args: unknown[]) => {
  const a = argsByName(args, ['column', 'dtype', 'char_size', 'numeric_precision', 'numeric_scale']);
  return new TemplateColumn(String(a.column ?? a.name), String(a.dtype ?? a.data_type), (a.char_size as number) ?? null, (a.numeric_precision as number) ?? null, (a.numeric_scale as number) ?? null);
}, {
  translate_type: TemplateColumn.translate_type,
  numeric_type: TemplateColumn.numeric_type,
  string_type: TemplateColumn.string_type,
  create: TemplateColumn.create,
}));

/** `api.Relation.create(database=, schema=, identifier=, type=)` (docs.getdbt.com/reference/dbt-classes#relation). */
function createRelation(...args: unknown[]): TemplateRelation {
  const a = argsByName(args, ['database', 'schema', 'identifier', 'type']);
  return new TemplateRelation({ schema: String(a.schema ?? ''), identifier: String(a.identifier ?? a.name ?? '') }, undefined, { database: (a.database as string | undefined) ?? undefined, type: (a.type as string | undefined) ?? undefined });
}

const relationOf = (value: unknown): TemplateRelation => {
  if (value instanceof TemplateRelation) return value;
  if (typeof value === 'object' && value !== null && 'identifier' in value) return createRelation(Object.assign({ ...(value as object) }, { __keywords: true }));
  throw new CompilationError(`Expected a relation, got ${JSON.stringify(value)}`);
};

/** One stored `statement` result (dbt's `load_result`). */
interface StoredResult {
  response: { _message: string; code: string; rows_affected: number };
  data: unknown[][];
  table: AgateTable | null;
}

const MODULES = { datetime: datetimeModule, pytz: pytzModule, re: reModule, itertools: itertoolsModule };
const API = { Relation: { create: createRelation }, Column: columnApi };
/** `run_started_at` as templates see it (immutable, so shared). */
const RUN_STARTED_AT_VALUE = utcDateTime(RUN_STARTED_AT);

/** The parts of the dbt context that are the same for every render of an engine. */
interface EngineStatics {
  raisers: Record<string, (...args: never[]) => unknown>;
  helpers: Record<string, unknown>;
}

const STATICS = new WeakMap<TemplateEngine, EngineStatics>();

function staticsFor(engine: TemplateEngine): EngineStatics {
  let known = STATICS.get(engine);
  if (known) return known;
  const zip = (...iterables: unknown[]) => {
    const lists = iterables.filter((arg) => !isKeywords(arg)).map(toList);
    const length = lists.length ? Math.min(...lists.map((list) => list.length)) : 0;
    return Array.from({ length }, (_v, index) => lists.map((list) => list[index]));
  };
  const unique = (value: unknown) => pySet([...new Set(toList(value))]);
  known = {
    raisers: {
      raise_compiler_error: engine.guard((message: unknown) => {
        throw new CompilationError(String(message));
      }),
      raise_not_implemented: engine.guard((message: unknown) => {
        throw new CompilationError(`Not implemented: ${String(message)}`);
      }),
      raise_database_error: engine.guard((message: unknown) => {
        throw new DatabaseError(String(message));
      }),
      raise_dependency_error: engine.guard((message: unknown) => {
        throw new DependencyNotFoundError(String(message));
      }),
      raise_fail_fast_error: engine.guard((message: unknown) => {
        throw new CompilationError(String(message));
      }),
      missing_config: engine.guard((model: unknown, name: unknown) => {
        throw new CompilationError(`Model '${(model as { name?: string })?.name ?? model}' does not define a required config parameter '${name}'.`);
      }),
      column_type_missing: engine.guard((names: unknown) => {
        throw new CompilationError(`Contracted models require data_type to be defined for each column: ${toList(names).join(', ')}`);
      }),
    },
    helpers: {
      zip,
      zip_strict: zip,
      set: (...args: unknown[]) => {
        const a = argsByName(args, ['value', 'default']);
        try {
          return unique(a.value);
        } catch {
          return a.default ?? null;
        }
      },
      set_strict: engine.guard(unique),
      tojson: (...args: unknown[]) => {
        const a = argsByName(args, ['value', 'default', 'sort_keys']);
        try {
          return pythonJson(a.value, undefined, Boolean(a.sort_keys));
        } catch {
          return a.default ?? null;
        }
      },
      fromjson: (...args: unknown[]) => {
        const a = argsByName(args, ['string', 'default']);
        try {
          return JSON.parse(String(a.string));
        } catch {
          return a.default ?? null;
        }
      },
      toyaml: (...args: unknown[]) => {
        const a = argsByName(args, ['value', 'default']);
        try {
          return yamlLib().stringify(a.value);
        } catch {
          return a.default ?? null;
        }
      },
      fromyaml: (...args: unknown[]) => {
        const a = argsByName(args, ['value', 'default']);
        try {
          return yamlLib().parse(String(a.value)) ?? null;
        } catch {
          return a.default ?? null;
        }
      },
      local_md5: (text: unknown) => createHash('md5').update(String(text)).digest('hex'),
      diff_of_two_dicts: diffOfTwoDicts,
    },
  };
  STATICS.set(engine, known);
  // The same for every render: engine-wide names (below each context's own), so no render copies them.
  engine.addGlobals({ ...known.helpers, modules: MODULES, api: API, invocation_id: INVOCATION_ID, run_started_at: RUN_STARTED_AT_VALUE });
  return known;
}

/**
 * dbt's `adapter` object in templates (docs.getdbt.com/reference/dbt-jinja-functions/adapter):
 * quoting, the adapter type and introspection. At parse (execute false, no database) the
 * introspection methods answer None / [] / false, as dbt's parse-time adapter does; at run time
 * they query the database through the render's replay (see introspection.ts). `dispatch` is added
 * per render by the engine (macro-namespaces.ts).
 */
class TemplateAdapter {
  constructor(
    private readonly engine: TemplateEngine,
    private readonly options: DbtContextOptions,
    private readonly ask: (sql: string) => QueryData,
  ) {}

  /** Runs `fn` unless this is a parse render without a database, where it answers `quiet`. */
  private introspect<R>(quiet: R, fn: () => R): R {
    if (!this.options.execute && !this.options.database) return quiet;
    return this.engine.guard(fn)();
  }

  private relationsIn(database: string | undefined, schema: string, identifier?: string): TemplateRelation[] {
    return this.ask(relationsQuery(database, schema, identifier)).rows.map(([s, i, type]) => new TemplateRelation({ schema: String(s), identifier: String(i) }, undefined, { database, type: String(type) }));
  }

  private columnsOf(relation: unknown): TemplateColumn[] {
    return this.ask(columnsQuery(relationOf(relation))).rows.map(([name, dtype, size, precision, scale]) => new TemplateColumn(String(name), String(dtype), size as number | null, precision as number | null, scale as number | null, this.options.adapterType !== 'postgres'));
  }

  type(): string {
    return this.options.adapterType;
  }

  quote(identifier: unknown): string {
    return quoteIdentifier(String(identifier));
  }

  quote_as_configured(identifier: unknown): string {
    return quoteIdentifier(String(identifier));
  }

  quote_seed_column(column: unknown, quote?: unknown): string {
    return quote === false ? String(column) : quoteIdentifier(String(column));
  }

  get_relation(...args: unknown[]): TemplateRelation | null {
    return this.introspect(null, () => {
      const a = argsByName(args, ['database', 'schema', 'identifier']);
      return this.relationsIn((a.database as string | undefined) ?? undefined, String(a.schema), String(a.identifier))[0] ?? null;
    });
  }

  load_relation(relation: unknown): TemplateRelation | null {
    return this.introspect(null, () => {
      const r = relationOf(relation);
      return this.relationsIn(r.database, r.schema, r.identifier)[0] ?? null;
    });
  }

  get_columns_in_relation(relation: unknown): TemplateColumn[] {
    return this.introspect([], () => this.columnsOf(relation));
  }

  list_relations_without_caching(schemaRelation: unknown): TemplateRelation[] {
    return this.introspect([], () => {
      const r = relationOf(schemaRelation);
      return this.relationsIn(r.database, r.schema);
    });
  }

  list_relations(database: unknown, schema: unknown): TemplateRelation[] {
    return this.introspect([], () => this.relationsIn((database as string | undefined) ?? undefined, String(schema)));
  }

  check_schema_exists(database: unknown, schema: unknown): boolean {
    return this.introspect(false, () => this.ask(schemaExistsQuery((database as string | undefined) ?? undefined, String(schema))).rows.length > 0);
  }

  already_exists(schema: unknown, identifier: unknown): boolean {
    return this.introspect(false, () => this.relationsIn(undefined, String(schema), String(identifier)).length > 0);
  }

  create_schema(relation: unknown): string {
    return this.introspect('', () => {
      this.ask(createSchemaSql(relationOf(relation).schema));
      return '';
    });
  }

  drop_schema(relation: unknown): string {
    return this.introspect('', () => {
      this.ask(dropSchemaSql(relationOf(relation).schema));
      return '';
    });
  }

  /**
   * `adapter.drop_relation(relation)`: drops the table or view if it exists, with CASCADE as dbt's
   * default `drop_table` / `drop_view` macros do on dbt-postgres, so on PostgreSQL the views
   * reading it go too (see {@link dropRelationSql}; https://docs.getdbt.com/reference/dbt-jinja-functions/adapter#drop_relation).
   * @returns '' (the drop is run, not rendered)
   */
  drop_relation(relation: unknown): string {
    return this.introspect('', () => {
      const r = relationOf(relation);
      const type = r.type ?? this.relationsIn(r.database, r.schema, r.identifier)[0]?.type;
      if (type === 'table' || type === 'view') this.ask(dropRelationSql(type, r.render()));
      return '';
    });
  }

  rename_relation(from: unknown, to: unknown): string {
    return this.introspect('', () => {
      const source = relationOf(from);
      const type = source.type ?? this.relationsIn(source.database, source.schema, source.identifier)[0]?.type ?? 'table';
      this.ask(renameRelationSql(type === 'view' ? 'view' : 'table', source.render(), relationOf(to).identifier));
      return '';
    });
  }

  get_missing_columns(from: unknown, to: unknown): TemplateColumn[] {
    return this.introspect([], () => {
      const target = new Set(this.columnsOf(to).map((column) => column.name.toLowerCase()));
      return this.columnsOf(from).filter((column) => !target.has(column.name.toLowerCase()));
    });
  }

  expand_target_column_types(): string {
    return '';
  }
}

/**
 * Builds dbt's context functions and objects for one render.
 * @param engine guards the functions, so errors they raise keep their message and template line
 */
export function dbtContext(engine: TemplateEngine, options: DbtContextOptions): TemplateContext {
  // Same keys, same order as ever: the shared members first, then those of this render.
  return { ...dbtSharedMembers(engine, options), ...dbtRenderMembers(engine, options) };
}

/** Runs a query through the render's replay (or fails when there is no database). */
function asker(options: DbtContextOptions): (sql: string) => QueryData {
  return (sql) => {
    if (!options.database) throw new NeedsDatabase(sql);
    return options.database.query(sql);
  };
}

/** An agate table of query data whose `print_table()` goes to the render's output. */
function tableMaker(options: DbtContextOptions): (data: QueryData) => AgateTable {
  const info = (text: string) => options.output?.info(text);
  return (data) => Object.assign(new AgateTable(data), { printer: info });
}

/**
 * The members of {@link dbtContext} that hold no state of their own (exceptions, log, print,
 * flags, adapter, run_query): renders with the same engine and options may share them.
 */
export function dbtSharedMembers(engine: TemplateEngine, options: DbtContextOptions): TemplateContext {
  const output = options.output;
  const info = (text: string) => output?.info(text);
  const ask = asker(options);
  const table = tableMaker(options);
  const statics = staticsFor(engine);
  const exceptions = {
    ...statics.raisers,
    warn: (message: unknown) => {
      output?.warn(String(message));
      return '';
    },
  };
  const adapter = new TemplateAdapter(engine, options, ask);
  return {
    exceptions,
    log: (...args: unknown[]) => {
      const a = argsByName(args, ['msg', 'info']);
      if (a.info) info(String(a.msg));
      return '';
    },
    print: (message: unknown) => {
      info(String(message));
      return '';
    },
    flags: { FULL_REFRESH: false, STORE_FAILURES: false, WARN_ERROR: false, FAIL_FAST: false, DEBUG: false, WHICH: 'run', USE_COLORS: false, ...options.flags },
    adapter,
    run_query: engine.guard((sql: unknown) => (options.execute ? table(ask(String(sql))) : null)),
  };
}

/**
 * The members of {@link dbtContext} each render gets afresh: statement / load_result /
 * store_result (they share the render's stored results), model, graph and selected_resources.
 */
export function dbtRenderMembers(engine: TemplateEngine, options: DbtContextOptions): TemplateContext {
  const results = new Map<string, StoredResult>();
  const ask = asker(options);
  const table = tableMaker(options);
  const statement = engine.guard((...args: unknown[]) => {
    const a = argsByName(args, ['name', 'fetch_result', 'auto_begin', 'language']);
    const caller = a.caller as (() => unknown) | undefined;
    const sql = caller ? String(caller()) : '';
    if (!options.execute) return '';
    if (a.language && a.language !== 'sql') throw new CompilationError(`statement(): language '${a.language}' is not supported; dops runs SQL`);
    const data = ask(sql);
    if (a.name !== undefined && a.name !== null) {
      const fetch = Boolean(a.fetch_result);
      results.set(String(a.name), {
        response: { _message: 'OK', code: 'OK', rows_affected: data.rows.length },
        data: fetch ? data.rows : [],
        table: fetch ? table(data) : null,
      });
    }
    return '';
  });
  return {
    statement,
    load_result: (name: unknown) => results.get(String(name)) ?? null,
    store_result: (...args: unknown[]) => {
      const a = argsByName(args, ['name', 'response', 'agate_table']);
      const stored = a.agate_table instanceof AgateTable ? a.agate_table : null;
      results.set(String(a.name), { response: a.response as StoredResult['response'], data: stored ? stored.rows : [], table: stored });
      return '';
    },
    model: options.node ?? {},
    graph: options.graph ? lazyGraph(options.graph) : emptyGraph(),
    selected_resources: options.selectedResources ?? [],
  };
}

function emptyGraph(): Record<string, unknown> {
  return { nodes: {}, sources: {}, exposures: {}, metrics: {}, groups: {}, semantic_models: {}, saved_queries: {}, macros: {} };
}

/** The graph object, its members built on first access. */
function lazyGraph(build: () => Record<string, unknown>): Record<string, unknown> {
  let built: Record<string, unknown> | undefined;
  const get = () => (built ??= { ...emptyGraph(), ...build() });
  return new Proxy({}, {
    get: (_target, key) => get()[key as string],
    has: (_target, key) => key in get(),
    ownKeys: () => Reflect.ownKeys(get()),
    getOwnPropertyDescriptor: (_target, key) => ({ value: get()[key as string], enumerable: true, configurable: true, writable: false }),
  });
}
