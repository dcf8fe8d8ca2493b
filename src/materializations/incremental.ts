import { quoteIdentifier, renderRelation } from '../adapter/quoting.js';
import type { NodeConfig } from '../config/node-config.js';
import { CompilationError } from '../errors.js';
import type { ModelNode, Relation } from '../manifest/nodes.js';
import { closestNames } from '../parser/similar.js';
import { ON_SCHEMA_CHANGE, planSchemaChange, type ColumnSpec, type OnSchemaChange } from './schema-change.js';

/** Incremental strategies dops supports (dbt's names). */
export const INCREMENTAL_STRATEGIES = ['append', 'merge', 'delete+insert'] as const;

/** One of {@link INCREMENTAL_STRATEGIES}. */
export type IncrementalStrategy = (typeof INCREMENTAL_STRATEGIES)[number];

/** An incremental model's config, read and checked. */
export interface IncrementalConfig {
  strategy: IncrementalStrategy;
  /** Columns identifying a row; empty for `append`. */
  uniqueKey: string[];
  onSchemaChange: OnSchemaChange;
  /** `merge` only: columns updated on a match (default: every non-key column). */
  mergeUpdateColumns?: string[];
  /** `merge` only: columns left alone on a match. */
  mergeExcludeColumns: string[];
}

function names(value: unknown): string[] {
  if (value === undefined || value === null || value === '') return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

function configError(model: ModelNode, message: string, hint: string): CompilationError {
  return new CompilationError(`Model '${model.name}': ${message}`, { location: { file: model.originalFilePath }, hint });
}

/**
 * Reads `incremental_strategy`, `unique_key`, `on_schema_change`, `merge_update_columns` and
 * `merge_exclude_columns`. Default strategy: `merge` when a `unique_key` is set (DuckDB's
 * `MERGE INTO`), else `append`.
 * @throws CompilationError for an unknown strategy or mode, or `merge` / `delete+insert` without a key
 */
export function incrementalConfig(model: ModelNode): IncrementalConfig {
  const config: NodeConfig = model.config;
  const uniqueKey = names(config.unique_key);
  const strategy = String(config.incremental_strategy ?? (uniqueKey.length ? 'merge' : 'append'));
  if (!(INCREMENTAL_STRATEGIES as readonly string[]).includes(strategy)) {
    const close = closestNames(strategy, INCREMENTAL_STRATEGIES);
    throw configError(model, `unknown incremental_strategy '${strategy}'`, `${close.length ? `Did you mean '${close[0]}'? ` : ''}Use one of: ${INCREMENTAL_STRATEGIES.join(', ')}.`);
  }
  if (strategy !== 'append' && uniqueKey.length === 0) {
    throw configError(model, `incremental_strategy '${strategy}' needs a unique_key`, "Set unique_key='id' (or a list of columns), or use 'append'.");
  }
  const onSchemaChange = String(config.on_schema_change ?? 'ignore');
  if (!(ON_SCHEMA_CHANGE as readonly string[]).includes(onSchemaChange)) {
    throw configError(model, `unknown on_schema_change '${onSchemaChange}'`, `Use one of: ${ON_SCHEMA_CHANGE.join(', ')}.`);
  }
  return {
    strategy: strategy as IncrementalStrategy,
    uniqueKey,
    onSchemaChange: onSchemaChange as OnSchemaChange,
    mergeUpdateColumns: config.merge_update_columns === undefined ? undefined : names(config.merge_update_columns),
    mergeExcludeColumns: names(config.merge_exclude_columns),
  };
}

/**
 * Whether a run rebuilds an incremental model from scratch: its `full_refresh` config when set
 * (`false` protects a big table from `--full-refresh`; dbt docs, "full_refresh"), else the flag.
 */
export function wantsFullRefresh(config: NodeConfig, flag: boolean | undefined): boolean {
  if (config.full_refresh === false || config.full_refresh === 'false') return false;
  if (config.full_refresh === true || config.full_refresh === 'true') return true;
  return Boolean(flag);
}

/** The state an incremental run starts from: the new rows staged in a temp table, and both column lists. */
export interface IncrementalState {
  /** Name of the connection-local temp table holding the model's new rows. */
  staging: string;
  tableColumns: ColumnSpec[];
  stagingColumns: ColumnSpec[];
}

/** Statements of an incremental run, and which one's row count is the node's `rows affected`. */
export interface IncrementalPlan {
  statements: string[];
  rowCountStatement: number;
}

function checkKeys(model: ModelNode, keys: string[], columns: string[]): void {
  const known = new Set(columns.map((c) => c.toLowerCase()));
  const missing = keys.filter((k) => !known.has(k.toLowerCase()));
  if (missing.length) {
    throw configError(model, `unique_key column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not found in both the table and the new rows`, 'unique_key names columns the model selects.');
  }
}

/**
 * Counts the `unique_key` values that occur more than once in the staged rows. `merge` needs them
 * unique: DuckDB's `MERGE INTO` would silently apply just one of several matching rows.
 */
export function duplicateKeysQuery(staging: string, uniqueKey: string[]): string {
  return `select count(*) as duplicates from (select 1 from ${quoteIdentifier(staging)} group by ${uniqueKey.map(quoteIdentifier).join(', ')} having count(*) > 1) as dbt_duplicates`;
}

function mergeStatement(target: string, staging: string, config: IncrementalConfig, columns: string[]): string {
  const q = quoteIdentifier;
  const on = config.uniqueKey.map((k) => `dbt_target.${q(k)} = dbt_source.${q(k)}`).join(' and ');
  const isKey = (c: string) => config.uniqueKey.some((k) => k.toLowerCase() === c.toLowerCase());
  const excluded = new Set(config.mergeExcludeColumns.map((c) => c.toLowerCase()));
  const updates = (config.mergeUpdateColumns ?? columns).filter((c) => !isKey(c) && !excluded.has(c.toLowerCase()));
  const matched = updates.length ? `when matched then update set ${updates.map((c) => `${q(c)} = dbt_source.${q(c)}`).join(', ')}\n` : '';
  return `merge into ${target} as dbt_target\nusing ${staging} as dbt_source\non (${on})\n${matched}when not matched then insert (${columns.map(q).join(', ')}) values (${columns.map((c) => `dbt_source.${q(c)}`).join(', ')})`;
}

/**
 * Plans one incremental run once the new rows sit in a temp table (dbt's incremental
 * materialization): schema changes first (`on_schema_change`), then the strategy —
 * `append` inserts every new row; `merge` updates rows whose `unique_key` matches and inserts the
 * rest (`MERGE INTO`, DuckDB ≥ 1.4); `delete+insert` deletes matching rows, then inserts all new
 * rows. The caller wraps the statements in one transaction.
 * @throws CompilationError when `on_schema_change: fail` meets changed columns, or a key column is missing
 */
export function planIncremental(model: ModelNode, relation: Relation, state: IncrementalState): IncrementalPlan {
  const config = incrementalConfig(model);
  const schema = planSchemaChange(relation, state.tableColumns, state.stagingColumns, config.onSchemaChange, model.name);
  const target = renderRelation(relation);
  const staging = quoteIdentifier(state.staging);
  const list = schema.columns.map(quoteIdentifier).join(', ');
  const insert = `insert into ${target} (${list})\nselect ${list} from ${staging}`;
  const statements = [...schema.statements];
  if (config.strategy !== 'append') checkKeys(model, config.uniqueKey, schema.columns);
  if (config.strategy === 'merge') statements.push(mergeStatement(target, staging, config, schema.columns));
  else {
    if (config.strategy === 'delete+insert') {
      const match = config.uniqueKey.map((k) => `dbt_source.${quoteIdentifier(k)} = ${target}.${quoteIdentifier(k)}`).join(' and ');
      statements.push(`delete from ${target} where exists (select 1 from ${staging} as dbt_source where ${match})`);
    }
    statements.push(insert);
  }
  return { statements, rowCountStatement: statements.length - 1 };
}
