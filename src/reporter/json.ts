import type { ManifestNode } from '../manifest/nodes.js';
import type { NodeResult, RunSummary } from '../runner/results.js';
import { DOPS_VERSION } from '../version.js';
import { DBT_EVENTS, eventLine, levelShown, nodeInfo, writeVersionHeader, type DbtEventName, type EventLevel } from './dbt-events.js';
import { BatchedOutput } from './batched-output.js';
import type { HookStatus, Reporter, RunInfo } from './reporter.js';
import { completedHead, finishedLine, foundLine, hookLine, hookStartLine, resultLine, startLine, startSubject, statsCounts, type LogLevel, type OutputStream } from './terminal.js';

/** The level dbt gives a node's result event (its `DynamicLevel`): errors and failures `error`, warnings `warn`. */
function resultLevel(status: NodeResult['status']): EventLevel {
  return status === 'error' || status === 'fail' ? 'error' : status === 'warn' ? 'warn' : 'info';
}

/** dbt's per-kind result event of a node and its `data` besides node_info, index and execution_time. */
function resultEvent(node: ManifestNode, result: NodeResult, total: number): [DbtEventName, Record<string, unknown>] {
  const status = result.status;
  if (node.resourceType === 'test' || node.resourceType === 'unit_test') {
    return ['LogTestResult', { name: node.name, status, num_models: total, num_failures: result.failures ?? 0, attached_node: '' }];
  }
  const relation = 'relation' in node ? node.relation : undefined;
  if (node.resourceType === 'seed') {
    return ['LogSeedResult', { status, result_message: result.message, total, schema: relation?.schema ?? '', relation: relation?.identifier ?? '' }];
  }
  if (node.resourceType === 'snapshot') {
    return ['LogSnapshotResult', { description: startSubject(node), status, total, cfg: {}, result_message: result.message }];
  }
  return ['LogModelResult', { description: startSubject(node), status, total }];
}

/**
 * `--log-format json`: dbt's structured log on stdout, one event per line
 * (https://docs.getdbt.com/reference/events-logging, dbt-core 1.10's events): `MainReportVersion`,
 * `FoundStats` and `ConcurrencyLine` when a run starts, `LogStartLine` + `NodeStart` and the
 * node's result event (`LogModelResult`, `LogTestResult`, `LogSeedResult`, `LogSnapshotResult`)
 * + `NodeFinished` per node (with `data.node_info`), `LogHookStartLine` and `LogHookEndLine` per
 * on-run-start / on-run-end hook,
 * `JinjaLogWarning` per warning, `JinjaLogInfo` per template log line, and at the end
 * `FinishedRunningStats`, `EndOfRunSummary`, the problems (`RunResultFailure` /
 * `RunResultWarning` with `RunResultError` / `RunResultWarningMessage` and `SQLCompiledPath`) and
 * `StatsLine`. Each `info.msg` is the terminal's text for the event, uncolored; events below
 * `--log-level` are left out (`NodeStart` / `NodeFinished` are dbt `debug` events). Node events
 * to a terminal, pipe or file are written in batches (see {@link BatchedOutput}); the other
 * events first write those still waiting, so the order never changes.
 */
export class JsonReporter implements Reporter {
  private readonly lines: BatchedOutput;
  private started = 0;
  private total = 0;

  /** @param level lowest level written (dbt's `--log-level`; `-q` is `error`) */
  constructor(
    private readonly out: OutputStream,
    private readonly level: LogLevel = 'info',
  ) {
    this.lines = new BatchedOutput(out);
    writeVersionHeader(out, DOPS_VERSION, level);
  }

  private emit(name: DbtEventName, msg: string, data: Record<string, unknown>, options: { level?: EventLevel; thread?: string; node?: boolean } = {}): void {
    const level = options.level ?? (name === 'NodeStart' || name === 'NodeFinished' ? 'debug' : undefined);
    if (!levelShown(level ?? DBT_EVENTS[name][1], this.level)) return;
    const line = eventLine(name, msg, data, { level, thread: options.thread });
    if (options.node) {
      this.lines.write(line);
    } else {
      this.lines.flush();
      this.out.write(line);
    }
  }

  warnings(messages: string[]): void {
    for (const message of messages) this.emit('JinjaLogWarning', message, { msg: message });
  }

  log(message: string): void {
    this.emit('JinjaLogInfo', message, { msg: message });
  }

  /** dbt's `PrintEvent` (Z052): shown at every log level, as dbt shows `print()` output. */
  print(message: string): void {
    this.lines.flush();
    this.out.write(eventLine('PrintEvent', message, { msg: message }));
  }

  runStarted(total: number, info?: RunInfo): void {
    this.total = total;
    this.started = 0;
    if (!info) return;
    const found = foundLine(info.nodes);
    this.emit('FoundStats', found, { stat_line: found.replace(/^Found /, '') });
    if (total > 0) this.emit('ConcurrencyLine', `Concurrency: ${info.threads} thread${info.threads === 1 ? '' : 's'} (target='${info.target}')`, { num_threads: info.threads, target_name: info.target, node_count: total });
  }

  nodeStarted(node: ManifestNode, thread: number): void {
    this.started += 1;
    const threadName = `Thread-${thread + 1}`;
    const info = nodeInfo(node, 'started', undefined, new Date().toISOString());
    this.emit('LogStartLine', startLine(node, this.started, this.total), { node_info: info, description: startSubject(node), index: this.started, total: this.total }, { thread: threadName, node: true });
    this.emit('NodeStart', `Began running node ${node.uniqueId}`, { node_info: info }, { thread: threadName, node: true });
  }

  nodeFinished(node: ManifestNode, result: NodeResult, index: number, total: number): void {
    const threadName = `Thread-${result.thread + 1}`;
    const info = nodeInfo(node, result.status, result);
    const [name, data] = resultEvent(node, result, total);
    const executionTime = Math.round(result.executionTime * 1000) / 1000;
    this.emit(name, resultLine(node, result, index, total), { node_info: info, ...data, index, execution_time: executionTime }, { level: resultLevel(result.status), thread: threadName, node: true });
    this.emit(
      'NodeFinished',
      `Finished running node ${node.uniqueId}`,
      {
        node_info: info,
        run_result: {
          status: result.status,
          message: result.message,
          timing_info: [],
          thread: threadName,
          execution_time: executionTime,
          adapter_response: result.rowsAffected === undefined ? {} : { rows_affected: result.rowsAffected },
          num_failures: result.failures ?? 0,
        },
      },
      { thread: threadName, node: true },
    );
  }

  /** dbt's `LogHookStartLine` (Q032): `data` {statement, index, total}. */
  hookStarted(name: string, index: number, total: number): void {
    this.emit('LogHookStartLine', hookStartLine(name, index, total), { statement: name, index, total });
  }

  /** dbt's `LogHookEndLine` (Q033): `data` {statement, status, index, total, execution_time}; a failure is an `error` event with its message. */
  hookFinished(name: string, status: HookStatus, message: string, seconds: number, index: number, total: number): void {
    this.emit('LogHookEndLine', `${hookLine(name, status, seconds, index, total)}${status === 'error' ? `\n  ${message}` : ''}`, { statement: name, status, index, total, execution_time: seconds }, { level: status === 'error' ? 'error' : 'info' });
  }

  runFinished(results: NodeResult[], summary: RunSummary, nodes: Map<string, ManifestNode>): void {
    this.lines.flush();
    if (summary.total === 0) {
      this.emit('NothingToDo', 'Nothing to do. Try checking your model configs and model specification args', {}, { level: 'info' });
      return;
    }
    const finished = finishedLine(summary);
    this.emit('FinishedRunningStats', finished, { stat_line: `${summary.total} node${summary.total === 1 ? '' : 's'}`, execution: '', execution_time: summary.elapsed });
    const problems = results.filter((r) => r.status === 'error' || r.status === 'fail' || r.status === 'warn');
    const errors = problems.filter((r) => r.status !== 'warn').length;
    const warns = problems.length - errors;
    const head = problems.length ? completedHead(errors, warns) : 'Completed successfully';
    this.emit('EndOfRunSummary', head, { num_errors: errors, num_warnings: warns, keyboard_interrupt: false, num_partial_success: 0 }, { level: errors ? 'error' : warns ? 'warn' : 'info' });
    for (const result of problems) {
      const node = nodes.get(result.uniqueId);
      if (!node) continue;
      const info = nodeInfo(node, result.status, result);
      const where = { resource_type: node.resourceType, node_name: node.name, path: node.originalFilePath, node_info: info };
      if (result.status === 'warn') {
        this.emit('RunResultWarning', `Warning in ${node.resourceType} ${node.name} (${node.originalFilePath})`, where);
        this.emit('RunResultWarningMessage', result.message, { msg: result.message, node_info: info });
      } else {
        this.emit('RunResultFailure', `${result.status === 'fail' ? 'Failure' : 'Error'} in ${node.resourceType} ${node.name} (${node.originalFilePath})`, where);
        this.emit('RunResultError', `  ${result.message}`, { msg: result.message, node_info: info });
      }
      if (result.compiledPath && result.status !== 'error') this.emit('SQLCompiledPath', `  compiled SQL: ${result.compiledPath}`, { path: result.compiledPath, node_info: info });
    }
    const stats = { pass: summary.pass, warn: summary.warn, error: summary.error, skip: summary.skip, 'no-op': 0, total: summary.total, reused: summary.reused };
    this.emit('StatsLine', `Done. ${statsCounts(summary)}`, { stats });
  }
}

