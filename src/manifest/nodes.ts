import type { NodeConfig } from '../config/node-config.js';
import type { Constraint } from '../parser/constraints.js';

/** dbt's resource types, as they appear in unique ids (`model.<project>.<name>`). */
export type ResourceType = 'model' | 'seed' | 'source' | 'test' | 'snapshot' | 'unit_test';

/** Every {@link ResourceType}, in the order `dops ls` documents them (for validation of `--resource-type`). */
export const RESOURCE_TYPES: readonly ResourceType[] = ['model', 'seed', 'snapshot', 'test', 'unit_test', 'source'];

/** A column documented in YAML. */
export interface ColumnInfo {
  name: string;
  description: string;
  dataType?: string;
  /** Column `meta:` (or `config: {meta:}`); `sensitive: true` / `pii: true` keep its values out of the docs. */
  meta?: Record<string, unknown>;
  /** Column tags (`tags:` or `config: {tags:}`); `sensitive` / `pii` keep its values out of the docs. */
  tags?: string[];
  /** Column `docs:` (or `config: {docs:}`), e.g. `{show_data: false}`. */
  docs?: Record<string, unknown>;
  /** Column `constraints:`, checked (enforced with the model's contract). */
  constraints?: Constraint[];
  quote?: boolean;
  /** The YAML file and 1-based line of the column's entry (for contract errors). */
  file?: string;
  line?: number;
}

/** A schema-qualified database relation. Rendered quoted in SQL, plain in output. */
export interface Relation {
  schema: string;
  identifier: string;
}

/** A `ref()` call as written: `ref('name')` or `ref('package', 'name')`. */
export interface RefCall {
  name: string;
  package?: string;
  /** `ref('m', v=1)` / `ref('m', version=1)`: a pinned model version. */
  version?: string;
}

/** A `source('source_name', 'table_name')` call. */
export interface SourceCall {
  sourceName: string;
  tableName: string;
}

/** What a node depends on: resolved unique ids of parent nodes. */
export interface DependsOn {
  nodes: string[];
  /** Unique ids of the macros its SQL calls, directly or through other macros (dbt's `depends_on.macros`). */
  macros?: string[];
}

/** One `{% macro %}` (or `{% test %}`) block, as manifest.json's `macros` lists it. */
export interface MacroInfo {
  /** `macro.<package>.<name>`; built-in macros use the package `dops`. */
  uniqueId: string;
  name: string;
  packageName: string;
  originalFilePath: string;
  /** The block's text, from `{% macro` to `{% endmacro %}`. */
  macroSql: string;
  /** sha256 of `macroSql`, compared by `state:modified`. */
  checksum: string;
}

/** Fields every node in the manifest has (dbt's names, camelCased). */
export interface BaseNode {
  uniqueId: string;
  resourceType: ResourceType;
  name: string;
  packageName: string;
  /** File that defines it, relative to the project dir. */
  originalFilePath: string;
  /** Fully qualified name: project, folders, name. */
  fqn: string[];
  description: string;
  config: NodeConfig;
  /** 1-based line in `originalFilePath` where the node is defined (YAML-defined nodes). */
  line?: number;
}

/** Fields of nodes rendered from a SQL template, whose `ref()` / `source()` calls make their parents. */
export interface SqlFields {
  rawSql: string;
  refs: RefCall[];
  sources: SourceCall[];
  dependsOn: DependsOn;
  /** sha256 of the defining text. */
  checksum: string;
}

/** Fields of nodes built into a relation, with columns documented in YAML. */
export interface BuiltFields {
  columns: Record<string, ColumnInfo>;
  relation: Relation;
  /** dbt's `database` of the relation (generate_database_name); dops builds in the target's. */
  database?: string;
}

/** A SQL model (`models/**.sql`). */
export interface ModelNode extends BaseNode, SqlFields, BuiltFields {
  resourceType: 'model';
  /** Version of a versioned model (`v` in its YAML `versions:`); its unique id ends in `.v<version>`. */
  version?: string;
  /** The model's latest version (unpinned refs resolve to it). */
  latestVersion?: string;
  /** Model-level `constraints:` (applied when the contract is enforced). */
  constraints?: Constraint[];
  /** The YAML file describing the model (dbt's `patch_path`), and the line of its entry. */
  patchPath?: string;
  patchLine?: number;
  deprecationDate?: string;
}

/** A CSV seed loaded into a table. */
export interface SeedNode extends BaseNode, BuiltFields {
  resourceType: 'seed';
  /** sha256 of the CSV. */
  checksum: string;
}

/** A source table declared in YAML; either a relation in DuckDB or files (`external_location`). */
export interface SourceNode extends BaseNode {
  resourceType: 'source';
  sourceName: string;
  columns: Record<string, ColumnInfo>;
  relation: Relation;
  /** Path or glob of lake files read with DuckDB's readers, relative to the project dir. */
  externalLocation?: string;
  /** Named reader options (`delim`, `header`, `columns`, `union_by_name`, ...) and `format` for the lake files. */
  readerOptions?: Record<string, unknown>;
  /** Column or SQL expression telling when a row was loaded (dbt's `loaded_at_field`). */
  loadedAtField?: string;
  /** Freshness criteria (dbt's `freshness:`); undefined when the source is not checked. */
  freshness?: FreshnessCriteria;
}

/** A freshness threshold, e.g. `{count: 12, period: 'hour'}` (dbt's `warn_after` / `error_after`). */
export interface FreshnessThreshold {
  count: number;
  period: 'minute' | 'hour' | 'day';
}

/** dbt's source `freshness:` block. */
export interface FreshnessCriteria {
  warnAfter?: FreshnessThreshold;
  errorAfter?: FreshnessThreshold;
  /** SQL filter applied before `max(loaded_at_field)`. */
  filter?: string;
}

/**
 * A snapshot (dbt's type 2 slowly changing dimension): a `{% snapshot %}` block in `snapshots/` or
 * a YAML entry with `relation:`. Its table keeps every version of each row with
 * `dbt_valid_from` / `dbt_valid_to`.
 */
export interface SnapshotNode extends BaseNode, SqlFields, BuiltFields {
  resourceType: 'snapshot';
  /** The SELECT inside the block (lines before it blanked, so template errors keep file lines). */
  rawSql: string;
}

/** The generic test a YAML entry invokes, with its arguments (dbt's `test_metadata`). */
export interface TestMetadata {
  name: string;
  kwargs: Record<string, unknown>;
}

/** A data test: returns failing rows. Generic (from YAML) or singular (a .sql file). */
export interface TestNode extends BaseNode, SqlFields {
  resourceType: 'test';
  testType: 'generic' | 'singular';
  /** Singular tests: the file's SQL. Generic tests: a call of the test macro. */
  rawSql: string;
  testMetadata?: TestMetadata;
  /** The model/seed/source a generic test is defined on (its failures gate that node's children). */
  attachedNode?: string;
  columnName?: string;
}

/**
 * Rows of a unit test's input or expectation, as written: `format: dict` (a list of mappings),
 * `csv` (inline text or a fixture file) or `sql` (a query, inline or a fixture file)
 * (https://docs.getdbt.com/reference/resource-properties/unit-test-input).
 */
export interface UnitTestRows {
  format: 'dict' | 'csv' | 'sql';
  /** dict and csv rows, read into objects (csv values stay strings; empty cells are null). */
  rows?: Record<string, unknown>[];
  /** sql rows: one SELECT (or several joined with union all) producing the rows. */
  sql?: string;
  /** The fixture file the rows came from, relative to the project dir. */
  fixture?: string;
  /** Columns in the order written (dict keys in first-seen order, csv header). */
  columns: string[];
  line?: number;
}

/** One `given:` entry of a unit test: an input of the model, replaced by fixture rows. */
export interface UnitTestGiven extends UnitTestRows {
  /** The input as written: `ref('x')`, `source('s', 't')` or `this`. */
  input: string;
  /** The ref or source call it names; undefined for `this`. */
  ref?: RefCall;
  source?: SourceCall;
  /** Unique id of the node it stands for (the model itself for `this`), set when the manifest links. */
  nodeId?: string;
}

/** A unit test's `overrides:` (https://docs.getdbt.com/reference/resource-properties/unit-test-overrides). */
export interface UnitTestOverrides {
  /** Macro name -> the value its call returns (e.g. `is_incremental: true`). */
  macros: Record<string, unknown>;
  vars: Record<string, unknown>;
  /** Env var name -> value `env_var()` returns. */
  envVars: Record<string, string>;
}

/**
 * A unit test (dbt 1.8+ `unit_tests:`): a model's SQL run on fixture inputs and compared with
 * expected rows (https://docs.getdbt.com/docs/build/unit-tests). Unique id `unit_test.<project>.<model>.<name>`.
 */
export interface UnitTestNode extends BaseNode {
  resourceType: 'unit_test';
  /** The tested model's name, and version when pinned (`versions: {include: [..]}` picks one per version). */
  model: string;
  modelVersion?: string;
  /** Unique id of the tested model, set when the manifest links. */
  modelId?: string;
  given: UnitTestGiven[];
  expect: UnitTestRows;
  overrides: UnitTestOverrides;
  /** dbt's `depends_on.nodes`: the tested model (set when linked). Not a DAG edge: unit tests read no relation. */
  dependsOn: DependsOn;
  /** sha256 of the test's YAML entry. */
  checksum: string;
}

/** Any node in the manifest. */
export type ManifestNode = ModelNode | SeedNode | SourceNode | TestNode | SnapshotNode | UnitTestNode;

/** Nodes that execute SQL and may reference others through `ref()` / `source()`. */
export type SqlNode = ModelNode | TestNode | SnapshotNode;

/** Nodes that have a relation in the database (or lake files). */
export type RelationNode = ModelNode | SeedNode | SourceNode | SnapshotNode;

/** True for nodes rendered from templates (models, snapshots and tests). */
export function isSqlNode(node: ManifestNode): node is SqlNode {
  return node.resourceType === 'model' || node.resourceType === 'test' || node.resourceType === 'snapshot';
}

/** Formats a relation for people (`schema.name`). */
export function relationName(relation: Relation): string {
  return `${relation.schema}.${relation.identifier}`;
}
