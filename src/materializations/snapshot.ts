import type { Dialect } from '../adapter/adapter.js';
import { quoteIdentifier, quoteLiteral, renderRelation } from '../adapter/quoting.js';
import type { NodeConfig } from '../config/node-config.js';
import { CompilationError } from '../errors.js';
import type { Relation } from '../manifest/nodes.js';
import type { ColumnSpec } from './schema-change.js';

/** What a snapshot does with rows that vanished from its query (dbt's `hard_deletes`). */
export type HardDeletes = 'ignore' | 'invalidate' | 'new_record';

/** A snapshot's config, read and checked. */
export interface SnapshotConfig {
  uniqueKey: string[];
  strategy: 'timestamp' | 'check';
  /** `timestamp` strategy: the column telling when a row last changed. */
  updatedAt?: string;
  /** `check` strategy: the columns compared, or every column. */
  checkCols: string[] | 'all';
  hardDeletes: HardDeletes;
}

/** The columns dbt adds to a snapshot table (same names, so existing queries keep working). */
export const SNAPSHOT_META_COLUMNS = ['dbt_scd_id', 'dbt_updated_at', 'dbt_valid_from', 'dbt_valid_to', 'dbt_is_deleted'];

function names(value: unknown): string[] {
  if (value === undefined || value === null || value === '') return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/**
 * Reads a snapshot's config (dbt docs, "Snapshot configurations"): `unique_key` (column or list),
 * `strategy: timestamp` with `updated_at`, or `strategy: check` with `check_cols` (list or `all`),
 * and `hard_deletes: ignore|invalidate|new_record` (or the older `invalidate_hard_deletes: true`).
 * @throws CompilationError naming the missing or wrong key
 */
export function snapshotConfig(config: NodeConfig, name: string): SnapshotConfig {
  const fail = (message: string, hint: string) => new CompilationError(`Snapshot '${name}': ${message}`, { hint });
  const uniqueKey = names(config.unique_key);
  if (!uniqueKey.length) throw fail('unique_key is required', "Set unique_key='id' (or a list of columns) in config().");
  const strategy = String(config.strategy ?? '');
  if (strategy !== 'timestamp' && strategy !== 'check') throw fail(strategy ? `unknown strategy '${strategy}'` : 'strategy is required', "Use strategy='timestamp' with updated_at, or strategy='check' with check_cols.");
  const updatedAt = config.updated_at === undefined ? undefined : String(config.updated_at);
  if (strategy === 'timestamp' && !updatedAt) throw fail("strategy 'timestamp' needs updated_at", "Set updated_at='<column>'.");
  const checkCols = config.check_cols === 'all' ? 'all' : names(config.check_cols);
  if (strategy === 'check' && checkCols !== 'all' && !checkCols.length) throw fail("strategy 'check' needs check_cols", "Set check_cols=['col', ...] or check_cols='all'.");
  const legacy = config.invalidate_hard_deletes === true || config.invalidate_hard_deletes === 'true';
  const hardDeletes = String(config.hard_deletes ?? (legacy ? 'invalidate' : 'ignore'));
  if (!['ignore', 'invalidate', 'new_record'].includes(hardDeletes)) throw fail(`unknown hard_deletes '${hardDeletes}'`, 'Use ignore, invalidate or new_record.');
  return { uniqueKey, strategy, updatedAt, checkCols, hardDeletes: hardDeletes as HardDeletes };
}

/** A UTC `TIMESTAMP` literal for the run's snapshot time (the same for every row of one run). */
export function timestampLiteral(time: Date): string {
  return `TIMESTAMP '${time.toISOString().replace('T', ' ').replace('Z', '')}'`;
}

const q = quoteIdentifier;

/** `a.k = b.k and ...` over the unique key columns. */
function keyMatch(config: SnapshotConfig, left: string, right: string): string {
  return config.uniqueKey.map((k) => `${left}.${q(k)} = ${right}.${q(k)}`).join(' and ');
}

/** The time a source row's version starts: its `updated_at`, or the run's time for `check`. */
function versionTime(config: SnapshotConfig, alias: string, now: string): string {
  return config.strategy === 'timestamp' ? `cast(${alias}.${q(config.updatedAt!)} as timestamp)` : now;
}

/**
 * The dbt_* columns of a new version of the row `alias`: a changed or new row (`version`), a
 * deletion record, or a row back after a deletion record (`revived`, which starts at the run's time).
 */
function metaColumns(config: SnapshotConfig, alias: string, now: string, kind: 'version' | 'deleted' | 'revived'): string {
  const deleted = kind === 'deleted';
  const time = kind === 'version' ? versionTime(config, alias, now) : now;
  const id = `md5(concat_ws('|', ${[...config.uniqueKey.map((k) => `cast(${alias}.${q(k)} as varchar)`), `cast(${time} as varchar)`].join(', ')}))`;
  const columns = [`${id} as dbt_scd_id`, `${time} as dbt_updated_at`, `${time} as dbt_valid_from`, 'cast(null as timestamp) as dbt_valid_to'];
  if (config.hardDeletes === 'new_record') columns.push(`${quoteLiteral(deleted ? 'True' : 'False')} as dbt_is_deleted`);
  return columns.join(', ');
}

/** The first run: the query's rows, each the current version from its `updated_at` (or now). */
export function snapshotCreateStatement(relation: Relation, sql: string, config: SnapshotConfig, now: string): string {
  return `create table ${renderRelation(relation)} as\nselect dbt_snapshot_source.*, ${metaColumns(config, 'dbt_snapshot_source', now, 'version')}\nfrom (\n${sql}\n) as dbt_snapshot_source`;
}

/** What a later snapshot run starts from: the query's rows in a temp table, and both column lists. */
export interface SnapshotState {
  /** Temp table holding the query's rows; other temp tables are named after it. */
  staging: string;
  tableColumns: ColumnSpec[];
  stagingColumns: ColumnSpec[];
}

function changedCondition(config: SnapshotConfig, state: SnapshotState): string {
  const keys = new Set(config.uniqueKey.map((k) => k.toLowerCase()));
  const compared = config.checkCols === 'all' ? state.stagingColumns.map((c) => c.name).filter((c) => !keys.has(c.toLowerCase())) : config.checkCols;
  const changed = config.strategy === 'timestamp'
    ? `snapshotted.dbt_valid_from < ${versionTime(config, 'source', '')}`
    : compared.map((c) => `source.${q(c)} is distinct from snapshotted.${q(c)}`).join(' or ') || 'false';
  return config.hardDeletes === 'new_record' ? `(${changed}) and snapshotted.dbt_is_deleted is distinct from 'True'` : changed;
}

/**
 * Plans one snapshot run once the query's rows sit in a temp table (dbt's snapshot
 * materialization): new columns are added; rows whose version changed close their current
 * record (`dbt_valid_to`) and get a new one; new keys get a first record; with `hard_deletes`,
 * keys gone from the query are closed (`invalidate`) or get a deleted record (`new_record`).
 * Column lists are explicit, so the same statements run on every engine the dialect covers.
 * @returns the statements (the caller runs them in one transaction) and the index of the insert
 *   whose row count is the node's
 */
export function planSnapshotUpdate(relation: Relation, config: SnapshotConfig, state: SnapshotState, now: string, dialect: Dialect): { statements: string[]; rowCountStatement: number } {
  const target = renderRelation(relation);
  const staging = q(state.staging);
  const names = { changed: `${state.staging}_changed`, added: `${state.staging}_new`, gone: `${state.staging}_gone`, revived: `${state.staging}_revived` };
  const [changed, added, gone, revived] = [names.changed, names.added, names.gone, names.revived].map(q);
  const inTable = new Set(state.tableColumns.map((c) => c.name.toLowerCase()));
  const statements = state.stagingColumns.filter((c) => !inTable.has(c.name.toLowerCase())).map((c) => `alter table ${target} add column ${q(c.name)} ${c.type}`);
  const newRecord = config.hardDeletes === 'new_record';
  if (newRecord && !inTable.has('dbt_is_deleted')) statements.push(`alter table ${target} add column dbt_is_deleted varchar default 'False'`);
  const sourceColumns = state.stagingColumns.map((c) => q(c.name));
  const meta = ['dbt_scd_id', 'dbt_updated_at', 'dbt_valid_from', 'dbt_valid_to', ...(newRecord ? ['dbt_is_deleted'] : [])];
  const insertInto = (columns: string[]) => `insert into ${target} (${[...columns, ...meta].join(', ')})`;
  const selectList = (columns: string[], alias: string) => columns.map((c) => `${alias}.${c}`).join(', ');
  statements.push(
    ...dialect.createTempTableAs(names.changed, `select source.* from ${staging} as source join ${target} as snapshotted on ${keyMatch(config, 'snapshotted', 'source')} and snapshotted.dbt_valid_to is null where ${changedCondition(config, state)}`),
    ...dialect.createTempTableAs(names.added, `select source.* from ${staging} as source where not exists (select 1 from ${target} as snapshotted where ${keyMatch(config, 'snapshotted', 'source')} and snapshotted.dbt_valid_to is null)`),
    `update ${target} set dbt_valid_to = ${versionTime(config, 'source', now)} from ${changed} as source where ${keyMatch(config, target, 'source')} and ${target}.dbt_valid_to is null`,
  );
  if (newRecord) {
    statements.push(
      ...dialect.createTempTableAs(names.revived, `select source.* from ${staging} as source join ${target} as snapshotted on ${keyMatch(config, 'snapshotted', 'source')} and snapshotted.dbt_valid_to is null where snapshotted.dbt_is_deleted = 'True'`),
      `update ${target} set dbt_valid_to = ${now} from ${revived} as source where ${keyMatch(config, target, 'source')} and ${target}.dbt_valid_to is null`,
    );
  }
  if (config.hardDeletes !== 'ignore') {
    const notDeleted = newRecord ? ` and snapshotted.dbt_is_deleted is distinct from 'True'` : '';
    statements.push(
      ...dialect.createTempTableAs(names.gone, `select snapshotted.* from ${target} as snapshotted where snapshotted.dbt_valid_to is null${notDeleted} and not exists (select 1 from ${staging} as source where ${keyMatch(config, 'snapshotted', 'source')})`),
      `update ${target} set dbt_valid_to = ${now} from ${gone} as source where ${keyMatch(config, target, 'source')} and ${target}.dbt_valid_to is null`,
    );
  }
  const rowCountStatement = statements.length;
  const both = `select ${sourceColumns.join(', ')} from ${changed} union all select ${sourceColumns.join(', ')} from ${added}`;
  statements.push(`${insertInto(sourceColumns)}\nselect ${selectList(sourceColumns, 'source')}, ${metaColumns(config, 'source', now, 'version')}\nfrom (${both}) as source`);
  if (newRecord) {
    const kept = state.tableColumns.filter((c) => !SNAPSHOT_META_COLUMNS.includes(c.name)).map((c) => q(c.name));
    statements.push(
      `${insertInto(kept)}\nselect ${selectList(kept, 'source')}, ${metaColumns(config, 'source', now, 'deleted')}\nfrom ${gone} as source`,
      `${insertInto(sourceColumns)}\nselect ${selectList(sourceColumns, 'source')}, ${metaColumns(config, 'source', now, 'revived')}\nfrom ${revived} as source`,
      `drop table ${revived}`,
    );
  }
  statements.push(`drop table ${changed}`, `drop table ${added}`, ...(config.hardDeletes !== 'ignore' ? [`drop table ${gone}`] : []), `drop table ${staging}`);
  return { statements, rowCountStatement };
}
