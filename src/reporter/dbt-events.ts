// Light: loaded by the fast paths of src/cli/main.ts (through src/cli/reporter.ts).
import { INVOCATION_ID } from '../artifacts/write-json.js';
import { isSecretEnvName, scrubSecrets } from '../config/secrets.js';
import { relationName, type ManifestNode } from '../manifest/nodes.js';
import type { NodeResult } from '../runner/results.js';
import { LOG_LEVELS, type LogLevel, type OutputStream } from './terminal.js';

/** The level of an event line (`info.level`): dbt's levels, `none` excluded. */
export type EventLevel = Exclude<LogLevel, 'none'>;

/**
 * The dbt events dops emits with `--log-format json`: name -> [code, default level]. Names, codes
 * and levels are dbt-core 1.10's (core/dbt/events/types.py, dbt-adapters' and dbt-common's
 * events; https://docs.getdbt.com/reference/events-logging).
 */
export const DBT_EVENTS = {
  MainReportVersion: ['A001', 'info'],
  MainEncounteredError: ['Z002', 'error'],
  JinjaLogWarning: ['I061', 'warn'],
  JinjaLogInfo: ['I062', 'info'],
  LogTestResult: ['Q007', 'info'],
  LogStartLine: ['Q011', 'info'],
  LogModelResult: ['Q012', 'info'],
  LogSnapshotResult: ['Q015', 'info'],
  LogSeedResult: ['Q016', 'info'],
  LogFreshnessResult: ['Q018', 'info'],
  NodeStart: ['Q024', 'debug'],
  NodeFinished: ['Q025', 'debug'],
  ConcurrencyLine: ['Q027', 'info'],
  LogHookStartLine: ['Q032', 'info'],
  LogHookEndLine: ['Q033', 'info'],
  NothingToDo: ['Q035', 'warn'],
  ShowNode: ['Q041', 'info'],
  CompiledNode: ['Q042', 'info'],
  FoundStats: ['W006', 'info'],
  FinishedRunningStats: ['E047', 'info'],
  RunResultWarning: ['Z021', 'warn'],
  RunResultFailure: ['Z022', 'error'],
  StatsLine: ['Z023', 'info'],
  RunResultError: ['Z024', 'error'],
  SQLCompiledPath: ['Z026', 'info'],
  EndOfRunSummary: ['Z030', 'info'],
  RunResultWarningMessage: ['Z046', 'warn'],
  DebugCmdOut: ['Z047', 'info'],
  Note: ['Z050', 'info'],
  PrintEvent: ['Z052', 'info'],
} as const satisfies Record<string, readonly [string, EventLevel]>;

/** A name of {@link DBT_EVENTS}. */
export type DbtEventName = keyof typeof DBT_EVENTS;

let secrets: boolean | undefined;

/** The JSON of `value` with secret env values masked in every string, before JSON escapes them. */
function stringify(value: unknown): string {
  secrets ??= Object.keys(process.env).some(isSecretEnvName);
  return secrets ? JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? scrubSecrets(v) : v)) : JSON.stringify(value);
}

/**
 * One line of dbt's structured log (`--log-format json`,
 * https://docs.getdbt.com/reference/global-configs/logs#log-formatting):
 * `{"info": {name, code, msg, level, invocation_id, pid, thread, ts, category, extra}, "data": {...}}`
 * and a newline. `invocation_id` is the artifacts' (src/artifacts/write-json.ts); strings have the
 * values of secret env vars masked before they are JSON-escaped.
 * @param msg the text the terminal shows for the event, without colors
 * @param options `level` overrides the event's default (dbt's dynamic-level events); `thread` is
 *   the runner thread's name (default `MainThread`)
 */
export function eventLine(name: DbtEventName, msg: string, data: Record<string, unknown>, options: { level?: EventLevel; thread?: string } = {}): string {
  const [code, level] = DBT_EVENTS[name];
  return `${stringify({
    info: {
      name,
      code,
      msg,
      level: options.level ?? level,
      invocation_id: INVOCATION_ID,
      pid: process.pid,
      thread: options.thread ?? 'MainThread',
      ts: new Date().toISOString(),
      category: '',
      extra: {},
    },
    data,
  })}\n`;
}

/** True when an event at `level` passes the `--log-level` threshold `threshold` (dbt's filter on stdout). */
export function levelShown(level: EventLevel, threshold: LogLevel): boolean {
  return threshold !== 'none' && LOG_LEVELS.indexOf(level) >= LOG_LEVELS.indexOf(threshold);
}

/** The path dbt's `node_info.node_path` gives: the file relative to its resource folder (`staging/stg_orders.sql`). */
function nodePath(node: ManifestNode): string {
  const slash = node.originalFilePath.indexOf('/');
  return slash > 0 ? node.originalFilePath.slice(slash + 1) : node.originalFilePath;
}

/**
 * dbt's `node_info` block of node events (core_types.proto `NodeInfo`): node_path, node_name,
 * unique_id, resource_type, materialized, node_status, node_started_at, node_finished_at (ISO
 * strings, `""` before they happen), meta and node_relation {database, schema, alias, relation_name}.
 * @param status `started` while the node runs, else the result's status
 */
export function nodeInfo(node: ManifestNode, status: string, result?: NodeResult, startedAt?: string): Record<string, unknown> {
  const relation = 'relation' in node ? node.relation : undefined;
  const database = 'database' in node ? (node.database ?? '') : '';
  const meta = node.config.meta;
  return {
    node_path: nodePath(node),
    node_name: node.name,
    unique_id: node.uniqueId,
    resource_type: node.resourceType,
    materialized: node.config.materialized ?? '',
    node_status: status,
    node_started_at: result?.startedAt ?? startedAt ?? '',
    node_finished_at: result?.completedAt ?? '',
    meta: meta && typeof meta === 'object' ? meta : {},
    node_relation: relation
      ? { database, schema: relation.schema, alias: relation.identifier, relation_name: relationName(relation) }
      : { database: '', schema: '', alias: '', relation_name: '' },
  };
}

/** The dops version line dbt opens every invocation with (`Running with dbt=1.10.0`). */
export function versionLine(version: string): string {
  return eventLine('MainReportVersion', `Running with dops=${version}`, { version: `=${version}`, log_version: 3 });
}

let headerWritten = false;

/**
 * Writes {@link versionLine} once per process (the first JSON event of every command, as dbt's
 * `MainReportVersion`), unless `threshold` hides info events.
 */
export function writeVersionHeader(out: OutputStream, version: string, threshold: LogLevel = 'info'): void {
  if (headerWritten) return;
  headerWritten = true;
  if (levelShown('info', threshold)) out.write(versionLine(version));
}
