import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadProjectConfig } from '../config/project-config.js';
import { ConfigError } from '../errors.js';
import type { IndirectSelection } from '../graph/selector.js';
import { summarize } from '../runner/results.js';
import { OTHER_COMMANDS, RUN_COMMANDS, type RunCommand } from '../session/commands.js';
import { runCommand, Session, type RunOutcome } from '../session/session.js';
import type { CommonOptions, SelectOptions } from './options.js';
import type { OperationError, OperationResult } from './run-operation.js';

/** Commands whose runs can be retried: the node-running ones. */
const RETRYABLE: ReadonlyMap<string, RunCommand> = new Map(Object.values(RUN_COMMANDS).map((command) => [command.name, command]));

/** Statuses `dops retry` runs again (dbt retry's: errors, failed tests, and what they skipped). */
const RETRIED = new Set(['error', 'fail', 'skipped']);

interface PreviousRun {
  args: Record<string, unknown>;
  results: { unique_id: string; status: string }[];
}

function readPrevious(path: string): PreviousRun {
  if (!existsSync(path)) throw new ConfigError('Nothing to retry: no target/run_results.json', { hint: 'Run dops build (or run, test, seed) first.' });
  try {
    const json = JSON.parse(readFileSync(path, 'utf8')) as PreviousRun;
    if (!json.args || !Array.isArray(json.results)) throw new Error('missing args or results');
    return json;
  } catch (error) {
    throw new ConfigError(`Cannot read ${path}: ${(error as Error).message}`);
  }
}

const list = (value: unknown): string[] | undefined => (Array.isArray(value) && value.length ? value.map(String) : undefined);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);

/** The previous invocation's options, from run_results.json `args`, under the caller's common options. */
function previousOptions(args: Record<string, unknown>, options: CommonOptions): SelectOptions {
  return {
    target: text(args.target),
    vars: typeof args.vars === 'string' || (typeof args.vars === 'object' && args.vars !== null) ? (args.vars as SelectOptions['vars']) : undefined,
    select: list(args.select),
    exclude: list(args.exclude),
    selector: text(args.selector),
    indirectSelection: text(args.indirect_selection) as IndirectSelection | undefined,
    state: text(args.state),
    defer: args.defer === true,
    threads: typeof args.threads === 'number' ? args.threads : undefined,
    fullRefresh: args.full_refresh === true,
    warnError: args.warn_error === true,
    failFast: args.fail_fast === true,
    ...Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)),
  };
}

/** What `dops retry` did: the retried run; for a retried `run-operation`, the operation too. */
export interface RetryOutcome extends RunOutcome {
  /**
   * Set when the last run was `run-operation`: the macro, and what running it again did (absent
   * when it had passed, so nothing ran) and its database failure (recorded in run_results.json).
   */
  operation?: { macro: string; result?: OperationResult; failure?: OperationError };
}

/**
 * Runs the last run's macro again (same macro, `--args`, target and vars) when it failed; does
 * nothing, successfully, when it passed (dbt's retry of run-operation: docs.getdbt.com/reference/commands/retry,
 * "If the previously executed command completed successfully, dbt retry will finish as no operation").
 */
async function retryOperation(previous: PreviousRun, options: SelectOptions): Promise<RetryOutcome> {
  const macro = text(previous.args.macro);
  if (!macro) throw new ConfigError("Cannot retry 'run-operation': the last run_results.json names no macro");
  const common = previousOptions(previous.args, options);
  if (!previous.results.some((r) => RETRIED.has(r.status))) {
    const project = Session.load(common).project;
    return { results: [], summary: summarize([], 0), success: true, project, operation: { macro } };
  }
  const { operate } = await import('./run-operation.js');
  const done = await operate({ ...common, macro, args: text(previous.args.args) });
  const results = [done.result];
  return { results, summary: summarize(results, done.operation.elapsed), success: !done.failure, project: done.project, operation: { macro, result: done.operation, failure: done.failure } };
}

/**
 * `dops retry`: runs again the nodes that errored, failed or were skipped in the last run
 * (`target/run_results.json`), with that run's command and flags (dbt's `retry`). Its own
 * run_results.json keeps the original command, so a second retry carries on from there. After a
 * `run-operation`, runs the same macro with the same arguments again if it failed, and nothing if
 * it passed.
 * @param options project dir, reporter and flags that override the previous run's (e.g. `threads`, `junit`)
 * @returns the retried run; no nodes and success when the last run had nothing to retry
 * @throws ConfigError when there is no previous run_results.json, or it came from a command that cannot be retried
 */
export function retry(options: SelectOptions = {}): Promise<RetryOutcome> {
  const config = loadProjectConfig(options.projectDir ?? process.cwd());
  const previous = readPrevious(join(config.projectDir, config.targetPath, 'run_results.json'));
  if (previous.args.command === OTHER_COMMANDS.runOperation.name) return retryOperation(previous, options);
  const command = RETRYABLE.get(String(previous.args.command));
  if (!command) throw new ConfigError(`Cannot retry '${String(previous.args.command)}': only build, run, test, seed, snapshot and run-operation runs can be retried`);
  const only = new Set(previous.results.filter((r) => RETRIED.has(r.status)).map((r) => r.unique_id));
  // The retried ids come from the previous command's own kinds; its name is recorded again.
  return runCommand(command, previousOptions(previous.args, options), only);
}
