import { createHash } from 'node:crypto';
import type { Capabilities, ColumnType, Connection, Dialect } from '../adapter/adapter.js';
import { quoteIdentifier, renderRelation } from '../adapter/quoting.js';
import type { NodeConfig } from '../config/node-config.js';
import { CompilationError, ConfigError, DopsError, ParseError } from '../errors.js';
import type { ColumnInfo, ModelNode, Relation } from '../manifest/nodes.js';
import type { Constraint } from '../parser/constraints.js';
import { foreignKeyTarget } from '../parser/constraints.js';

/** A model's `contract:` config (https://docs.getdbt.com/reference/resource-configs/contract). */
export interface ContractConfig {
  enforced: boolean;
  /** Apply dbt's type aliases to `data_type` (default true), e.g. `string` -> `text` on PostgreSQL. */
  aliasTypes: boolean;
}

const truthy = (value: unknown): boolean => value === true || value === 'true' || value === 'True';

/** The model's contract config; not enforced when unset. */
export function contractConfig(config: NodeConfig): ContractConfig {
  const raw = config.contract as Record<string, unknown> | undefined;
  return { enforced: truthy(raw?.enforced), aliasTypes: raw?.alias_types === undefined ? true : truthy(raw.alias_types) };
}

/** What is wrong with a `contract:` config value (a mapping of booleans `enforced`, `alias_types`), or undefined. */
export function contractProblem(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) return `'contract' must be a mapping such as {enforced: true}, got ${JSON.stringify(value)}`;
  for (const [key, item] of Object.entries(value)) {
    if (key !== 'enforced' && key !== 'alias_types') return `unknown key '${key}' in 'contract' (known: enforced, alias_types)`;
    if (typeof item !== 'boolean' && !/^(true|false)$/i.test(String(item))) return `'contract.${key}' must be true or false, got ${JSON.stringify(item)}`;
  }
  return undefined;
}

/** Every constraint of a model: its columns' and its own. */
export function allConstraints(model: ModelNode): Constraint[] {
  return [...Object.values(model.columns).flatMap((column) => column.constraints ?? []), ...(model.constraints ?? [])];
}

/** Materializations whose DDL carries constraints (dbt's `materialization_enforces_constraints`). */
const ENFORCING = new Set(['table', 'incremental']);

/**
 * dbt's contract checksum: sha256 over the columns (sorted by name) with their types and
 * constraints, plus the materialization and model constraints when they are enforced.
 */
export function contractChecksum(model: ModelNode): string {
  let state = '';
  for (const column of Object.values(model.columns).sort((a, b) => a.name.localeCompare(b.name))) {
    state += `|${column.name}${column.dataType ?? 'None'}${JSON.stringify((column.constraints ?? []).map(({ file: _f, line: _l, ...rest }) => rest))}`;
  }
  if (ENFORCING.has(model.config.materialized)) state += model.config.materialized + JSON.stringify((model.constraints ?? []).map(({ file: _f, line: _l, ...rest }) => rest));
  return createHash('sha256').update(state).digest('hex');
}

/** The node's `contract` as manifest.json writes it: `{enforced, alias_types, checksum}`. */
export function contractJson(model: ModelNode): Record<string, unknown> {
  const { enforced, aliasTypes } = contractConfig(model.config);
  return { enforced, alias_types: aliasTypes, checksum: enforced ? contractChecksum(model) : null };
}

/** A model's YAML location: its column's line, else its entry in the properties file, else its SQL file. */
function where(model: ModelNode, column?: ColumnInfo): { file: string; line?: number } {
  if (column?.file) return { file: column.file, line: column.line };
  return model.patchPath ? { file: model.patchPath, line: model.patchLine } : { file: model.originalFilePath };
}

/**
 * Parse-time checks of a model's contract and constraints (dbt's rules): an enforced contract needs
 * `columns` in YAML, each with a `data_type`; no ephemeral models; incremental models with
 * `on_schema_change` `append_new_columns` or `fail`; one primary key; model-level constraints
 * naming declared columns. Warnings (dbt's events, each naming the model and constraint) for
 * constraints on a model without an enforced contract, on a view, or of a type the engine does not
 * enforce or support.
 * @returns errors (with file and line) and warnings for this model
 */
export function validateContract(model: ModelNode, capabilities: Capabilities): { errors: DopsError[]; warnings: string[] } {
  const errors: DopsError[] = [];
  const warnings: string[] = [];
  const constraints = allConstraints(model);
  const problem = contractProblem(model.config.contract);
  if (problem) return { errors: [new ConfigError(`Model '${model.name}': ${problem}`, { location: where(model) })], warnings };
  const { enforced } = contractConfig(model.config);
  const label = (c: Constraint) => `${c.type}${c.name ? ` '${c.name}'` : ''}${c.columns ? ` (${c.columns.join(', ')})` : ''}`;
  const at = (c: Constraint) => `${c.file}${c.line ? `:${c.line}` : ''}`;
  if (!enforced) {
    if (constraints.length) warnings.push(`${at(constraints[0])}: model '${model.name}' has constraints (${constraints.map(label).join(', ')}) but no enforced contract; constraints apply only with contract: {enforced: true}, so they are ignored`);
    return { errors, warnings };
  }
  const materialized = model.config.materialized;
  if (materialized === 'ephemeral' || materialized === 'external') {
    errors.push(new ConfigError(`Model '${model.name}' has an enforced contract, which ${materialized} models do not support`, { location: where(model), hint: 'Contracts apply to table, view and incremental models.' }));
    return { errors, warnings };
  }
  const onSchemaChange = String(model.config.on_schema_change ?? 'ignore');
  if (materialized === 'incremental' && onSchemaChange !== 'append_new_columns' && onSchemaChange !== 'fail') {
    errors.push(new ConfigError(`Invalid value for on_schema_change: ${onSchemaChange}. Models materialized as incremental with contracts enabled must set on_schema_change to 'append_new_columns' or 'fail'`, { location: where(model) }));
  }
  const columns = Object.values(model.columns);
  if (!columns.length) {
    errors.push(new ParseError(`Model '${model.name}' has an enforced contract, and its 'columns' specification is missing`, { location: where(model), hint: 'Declare each column with its data_type in a YAML properties file.' }));
    return { errors, warnings };
  }
  const untyped = columns.filter((column) => !column.dataType);
  if (untyped.length) {
    errors.push(new ParseError(`Contracted models require data_type to be defined for each column. Please ensure that the column name and data_type are defined within the YAML configuration for the [${untyped.map((c) => `'${c.name}'`).join(', ')}] column(s).`, { location: where(model, untyped[0]) }));
  }
  const pkColumns = columns.filter((column) => (column.constraints ?? []).some((c) => c.type === 'primary_key'));
  if (pkColumns.length > 1) errors.push(new ParseError(`Model '${model.name}': found ${pkColumns.length} columns (${pkColumns.map((c) => c.name).join(', ')}) with primary key constraints; primary keys for multiple columns must be defined as a model level constraint`, { location: where(model, pkColumns[1]) }));
  const modelPk = (model.constraints ?? []).find((c) => c.type === 'primary_key');
  if (pkColumns.length && modelPk) errors.push(new ParseError(`Model '${model.name}': primary key constraints defined at the model level and the columns level; define it at one of them`, { location: { file: modelPk.file, line: modelPk.line } }));
  const known = new Set(columns.map((c) => c.name.toLowerCase()));
  for (const constraint of model.constraints ?? []) {
    const unknown = (constraint.columns ?? []).filter((name) => !known.has(name.toLowerCase()));
    if (unknown.length) errors.push(new ParseError(`Model '${model.name}': the ${constraint.type} constraint names column${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}, which ${unknown.length > 1 ? 'are' : 'is'} not in its columns`, { location: { file: constraint.file, line: constraint.line } }));
  }
  if (!ENFORCING.has(materialized)) {
    const warned = constraints.filter((c) => c.warn_unsupported);
    if (warned.length) warnings.push(`${at(warned[0])}: model '${model.name}': constraint types are not supported for ${materialized} materializations and will be ignored (${warned.map(label).join(', ')}). Set 'warn_unsupported: false' on this constraint to ignore this warning.`);
    return { errors, warnings };
  }
  for (const constraint of constraints) {
    if (constraint.type === 'custom') continue;
    const support = capabilities.constraints[constraint.type];
    if (support === 'not_supported' && constraint.warn_unsupported) warnings.push(`${at(constraint)}: model '${model.name}': the constraint type ${constraint.type} is not supported by this engine, and will be ignored. Set 'warn_unsupported: false' on this constraint to ignore this warning.`);
    if (support === 'not_enforced' && constraint.warn_unenforced) warnings.push(`${at(constraint)}: model '${model.name}': the constraint type ${constraint.type} is not enforced by this engine. The constraint will be included in this model's DDL statement, but it will not guarantee anything about the underlying data. Set 'warn_unenforced: false' on this constraint to ignore this warning.`);
  }
  return { errors, warnings };
}

/** A contracted column's name as DDL spells it: quoted with `quote: true` or when lower case (same meaning), else as written. */
function columnName(column: ColumnInfo): string {
  return column.quote || column.name === column.name.toLowerCase() || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(column.name) ? quoteIdentifier(column.name) : column.name;
}

/** The YAML type of a column, with dbt's aliases applied unless `alias_types: false`. */
function declaredType(model: ModelNode, column: ColumnInfo, dialect: Dialect): string {
  const type = column.dataType ?? '';
  return contractConfig(model.config).aliasTypes ? dialect.translateType(type) : type;
}

/** dbt's "empty schema" query: `select cast(null as <data_type>) as <column>, ...`, described by the engine to resolve the YAML types. */
export function emptySchemaSql(model: ModelNode, dialect: Dialect): string {
  return `select ${Object.values(model.columns).map((column) => `cast(null as ${declaredType(model, column, dialect)}) as ${columnName(column)}`).join(', ')}`;
}

/** One row of the contract error's table (dbt's ContractError columns). */
export interface ContractMismatch {
  column_name: string;
  /** The type the model's SQL returns ('' when the column is missing there). */
  definition_type: string;
  /** The type the contract declares ('' when the SQL has a column the contract lacks). */
  contract_type: string;
  mismatch_reason: 'data type mismatch' | 'missing in contract' | 'missing in definition';
}

/**
 * Compares the query's columns with the contract's (dbt's `assert_columns_equivalent`): by name
 * (case-insensitively, as both engines resolve unquoted names), types through `dialect.contractType`.
 * @returns the mismatches sorted by column name; empty when the contract holds
 */
export function contractMismatches(declared: ColumnType[], actual: ColumnType[], dialect: Dialect): ContractMismatch[] {
  const byName = new Map(declared.map((column) => [column.name.toLowerCase(), column]));
  const seen = new Set<string>();
  const rows: ContractMismatch[] = [];
  for (const column of actual) {
    const key = column.name.toLowerCase();
    seen.add(key);
    const yaml = byName.get(key);
    if (!yaml) rows.push({ column_name: column.name, definition_type: column.type, contract_type: '', mismatch_reason: 'missing in contract' });
    else if (dialect.contractType(yaml.type) !== dialect.contractType(column.type)) rows.push({ column_name: column.name, definition_type: column.type, contract_type: yaml.type, mismatch_reason: 'data type mismatch' });
  }
  for (const column of declared) {
    if (!seen.has(column.name.toLowerCase())) rows.push({ column_name: column.name, definition_type: '', contract_type: column.type, mismatch_reason: 'missing in definition' });
  }
  return rows.sort((a, b) => (a.column_name < b.column_name ? -1 : a.column_name > b.column_name ? 1 : 0));
}

/** dbt's contract failure message, with its table of mismatches (agate's print_table layout). */
export function contractErrorMessage(rows: ContractMismatch[]): string {
  const headers = ['column_name', 'definition_type', 'contract_type', 'mismatch_reason'] as const;
  const widths = headers.map((h) => Math.max(h.length, ...rows.map((row) => row[h].length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  const table = [line([...headers]), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map((row) => line(headers.map((h) => row[h])))].join('\n');
  return `This model has an enforced contract that failed.\nPlease ensure the name, data_type, and number of columns in your contract match the columns in your model's definition.\n\n${table}`;
}

/**
 * Checks a contracted model's compiled SQL against its YAML columns without running it: the engine
 * describes the query and the empty-schema query (so `integer`, `int4` and `INTEGER` compare equal).
 * @throws CompilationError with dbt's table of missing, extra and mismatched columns
 */
export async function assertContract(model: ModelNode, sql: string, connection: Connection): Promise<void> {
  const actual = await connection.describeQuery(sql);
  let declared: ColumnType[];
  try {
    declared = await connection.describeQuery(emptySchemaSql(model, connection.dialect));
  } catch (error) {
    const { text } = connection.describeError(error);
    throw new CompilationError(`Model '${model.name}': a data_type of its contract is not a type the engine knows: ${text}`, { location: where(model) });
  }
  const rows = contractMismatches(declared, actual, connection.dialect);
  if (rows.length) throw new CompilationError(contractErrorMessage(rows), { location: { file: model.originalFilePath } });
}

/** Renders a foreign key's `to:` as the referenced relation. */
export type RelationResolver = (constraint: Constraint) => Relation;

function columnConstraintSql(constraint: Constraint, resolve: RelationResolver): string | undefined {
  const prefix = constraint.name ? `constraint ${quoteIdentifier(constraint.name)} ` : '';
  switch (constraint.type) {
    case 'not_null': return `${prefix}not null`;
    case 'unique': return `${prefix}unique`;
    case 'primary_key': return `${prefix}primary key`;
    case 'check': return `${prefix}check (${constraint.expression})`;
    case 'custom': return constraint.expression;
    case 'foreign_key':
      return constraint.to !== undefined ? `${prefix}references ${renderRelation(resolve(constraint))} (${constraint.to_columns.join(', ')})` : `${prefix}references ${constraint.expression}`;
  }
}

function modelConstraintSql(constraint: Constraint, resolve: RelationResolver): string | undefined {
  const prefix = constraint.name ? `constraint ${quoteIdentifier(constraint.name)} ` : '';
  const columns = (constraint.columns ?? []).join(', ');
  switch (constraint.type) {
    case 'check': return `${prefix}check (${constraint.expression})`;
    case 'unique': return `${prefix}unique (${columns})`;
    case 'primary_key': return `${prefix}primary key (${columns})`;
    case 'custom': return `${prefix}${constraint.expression}`;
    case 'foreign_key':
      return constraint.to !== undefined ? `${prefix}foreign key (${columns}) references ${renderRelation(resolve(constraint))} (${constraint.to_columns.join(', ')})` : `${prefix}foreign key (${columns}) references ${constraint.expression}`;
    case 'not_null': return undefined;
  }
}

/**
 * The statements that build a contracted table into `into` (dbt's contracted `create_table_as`):
 * `create table` with the declared columns, types and order and the constraints the engine
 * supports (model-level `not_null` applies to each listed column), then `insert ... select` of
 * those columns from the model's query, so the table has exactly the declared schema.
 * @returns the statements; the last one (the insert) reports the row count
 */
export function contractTableStatements(model: ModelNode, into: Relation, sql: string, dialect: Dialect, capabilities: Capabilities, resolve: RelationResolver): string[] {
  const supported = (c: Constraint) => c.type === 'custom' || capabilities.constraints[c.type] !== 'not_supported';
  const notNull = new Set((model.constraints ?? []).filter((c) => c.type === 'not_null' && supported(c)).flatMap((c) => c.columns ?? []).map((c) => c.toLowerCase()));
  const columns = Object.values(model.columns);
  const definitions = columns.map((column) => {
    const parts = [columnName(column), declaredType(model, column, dialect)];
    for (const constraint of (column.constraints ?? []).filter(supported)) {
      const rendered = columnConstraintSql(constraint, resolve);
      if (rendered) parts.push(rendered);
    }
    if (notNull.has(column.name.toLowerCase()) && !(column.constraints ?? []).some((c) => c.type === 'not_null')) parts.push('not null');
    return parts.join(' ');
  });
  for (const constraint of (model.constraints ?? []).filter(supported)) {
    const rendered = modelConstraintSql(constraint, resolve);
    if (rendered) definitions.push(rendered);
  }
  const names = columns.map(columnName).join(', ');
  return [
    dialect.dropRelation(into, 'table'),
    `create table ${renderRelation(into)} (\n  ${definitions.join(',\n  ')}\n)`,
    `insert into ${renderRelation(into)} (${names})\nselect ${names}\nfrom (\n${sql}\n) as model_subq`,
  ];
}

/**
 * True when building the table aside would clash with the old one's constraint names: PostgreSQL
 * names a primary key's or unique constraint's index after the constraint, once per schema. The
 * old relation is then dropped first, in the same transaction (still rolled back on failure).
 */
export function dropsOldFirst(model: ModelNode): boolean {
  return allConstraints(model).some((c) => c.name !== undefined && (c.type === 'primary_key' || c.type === 'unique'));
}

/** Resolves foreign keys' `to:` through a ref/source lookup (the manifest's). */
export function foreignKeyResolver(model: ModelNode, lookup: (target: ReturnType<typeof foreignKeyTarget>) => Relation): RelationResolver {
  return (constraint) => lookup(foreignKeyTarget(constraint.to!, constraint.file, constraint.line));
}

/**
 * {@link validateContract} over every model of the manifest (run once per load, so each warning
 * shows once per run).
 */
export function validateContracts(models: Iterable<ModelNode>, capabilities: Capabilities): { errors: DopsError[]; warnings: string[] } {
  const errors: DopsError[] = [];
  const warnings: string[] = [];
  for (const model of models) {
    const result = validateContract(model, capabilities);
    errors.push(...result.errors);
    warnings.push(...result.warnings);
  }
  return { errors, warnings };
}
