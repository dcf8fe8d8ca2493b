import { parse as parseYaml } from 'yaml';
import { ConfigError, DopsError } from '../errors.js';

/** A macro's SQL failed on the database (rolled back): the CLI exits 1, as for a failed node. */
export class OperationError extends DopsError {}
import type { ModelNode } from '../manifest/nodes.js';
import { closestNames } from '../parser/similar.js';
import { runtimeContext, type RelationResolver } from '../templating/context.js';
import { renderLive, type DatabaseReplay } from '../templating/introspection.js';
import { TemplateRelation } from '../templating/relation.js';
import { userPrint } from '../reporter/print.js';
import type { TemplateOutput } from '../templating/dbt-context.js';
import type { CommonOptions } from './options.js';
import type { LoadedProject } from './project.js';
import { OTHER_COMMANDS } from '../session/commands.js';
import { inSession } from '../session/session.js';
import type { NodeResult } from '../runner/results.js';

/** What `dops run-operation` did. */
export interface OperationResult {
  macro: string;
  /** The text the macro rendered, trimmed ('' when it rendered only whitespace). */
  sql: string;
  /** Whether that text ran as SQL (see {@link runOperation}: not for a macro that queried or logged). */
  ran: boolean;
  /** How many queries the macro ran as it rendered (run_query, statement, adapter introspection). */
  queries: number;
  /** Seconds it took to run. */
  elapsed: number;
}

function parseArgs(text: string | undefined): Record<string, unknown> {
  if (!text) return {};
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`--args is not valid YAML: ${(error as Error).message.split('\n')[0]}`, { hint: `Pass a mapping, e.g. --args '{days: 7}'` });
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new ConfigError('--args must be a YAML mapping of argument names to values', { hint: `e.g. --args '{days: 7}'` });
  return value as Record<string, unknown>;
}

/**
 * The unique id run_results.json records for a macro, as dbt's RunOperationTask does
 * (`macro.<package>.<name>`, github.com/dbt-labs/dbt-core core/dbt/task/run_operation.py):
 * `pkg.name` names the package; otherwise the root project's macro, else the one package's.
 */
function macroUniqueId(project: LoadedProject, macro: string): string {
  const [pkg, name] = macro.includes('.') ? [macro.slice(0, macro.indexOf('.')), macro.slice(macro.indexOf('.') + 1)] : [project.global.projectName, macro];
  if (project.manifest.macros.has(`macro.${pkg}.${name}`)) return `macro.${pkg}.${name}`;
  const found = [...project.manifest.macros.values()].find((info) => info.name === name);
  return found?.uniqueId ?? `macro.${pkg}.${name}`;
}

/**
 * `dops run-operation MACRO --args YAML` (docs.getdbt.com/reference/commands/run-operation):
 * renders the macro with the arguments as keyword arguments, in the runtime context (`ref()`,
 * `source()`, `var()`, `target`), on the target's database in one transaction: all of it or, on
 * an error, none of it. As in dbt, the queries the macro runs as it renders (`run_query`,
 * `statement`, `adapter.create_schema`...) run, and its `log(..., info=True)` / `print` output is
 * shown (once, from the render's last pass). dbt never runs the text a macro renders; dops runs it
 * only for a macro that ran no query and logged nothing (a macro whose body is plain SQL); a
 * macro that queried or logged is a dbt-style macro, and its rendered text (often the string of a
 * query result, or generated code it returned) is not run: {@link OperationResult.ran} is false.
 *
 * It goes through the session (src/session/session.ts) like every command: the database the
 * profile's `type` names is opened there and closed whatever happens; no on-run-start/end hooks
 * run (dbt's RunOperationTask runs none). Once the macro has run, or failed on the database, the
 * session's one writer writes manifest.json and run_results.json with one result for the macro
 * (`macro.<package>.<name>`, status `success` or `error`), as dbt does.
 * @throws ConfigError for an unknown macro (naming close ones) or bad `--args` (nothing written);
 *   OperationError for a failing statement (rolled back; run_results.json records the error)
 */
export async function runOperation(options: CommonOptions & { macro: string; args?: string }): Promise<OperationResult> {
  const outcome = await operate(options);
  if (outcome.failure) throw outcome.failure;
  return outcome.operation;
}

/** What running a macro left: what it did, its run_results entry, and its database failure (not thrown). */
export interface Operation {
  operation: OperationResult;
  /** The macro's entry in run_results.json (`macro.<package>.<name>`). */
  result: NodeResult;
  /** Set when a statement failed (rolled back; recorded in run_results.json). */
  failure?: OperationError;
  project: LoadedProject;
}

/**
 * {@link runOperation}, handing back a database failure instead of throwing it (for `dops retry`).
 * @throws ConfigError for an unknown macro or bad `--args` (nothing written)
 */
export async function operate(options: CommonOptions & { macro: string; args?: string }): Promise<Operation> {
  return inSession(OTHER_COMMANDS.runOperation, options, async (session) => {
    const { project } = session;
    const { engine, manifest, global } = project;
    if (!engine.macros.has(options.macro)) {
      const close = closestNames(options.macro, engine.macros.keys());
      throw new ConfigError(`No macro named '${options.macro}'`, { hint: close.length ? `Did you mean ${close.map((c) => `'${c}'`).join(', ')}?` : 'Define it in a .sql file under macro-paths.' });
    }
    const args = parseArgs(options.args);
    const caller = { uniqueId: `operation.${global.projectName}.${options.macro}`, resourceType: 'model', name: options.macro, originalFilePath: '--args', fqn: [], config: {} } as unknown as ModelNode;
    const resolver: RelationResolver = {
      ref: (call) => new TemplateRelation(manifest.resolveRef(call, caller).relation),
      source: (call) => new TemplateRelation(manifest.resolveSource(call, caller).relation),
    };
    const kwargs = Object.keys(args).map((name) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new ConfigError(`--args key '${name}' is not a valid argument name`);
      return `${name}=__dops_args.${name}`;
    });
    // Output is kept for the render in progress: a render stopped for a query runs again.
    const said: [keyof TemplateOutput | 'print', string][] = [];
    const output: TemplateOutput = { info: (text) => said.push(['info', text]), warn: (text) => said.push(['warn', text]) };
    const render = (database?: DatabaseReplay) => {
      said.length = 0;
      const live = runtimeContext(engine, global, { schema: global.target.schema, identifier: options.macro }, {}, resolver, false, { database, output });
      // print() too is kept until the last pass (it writes to stdout, as dbt's print).
      live.print = (value: unknown) => {
        said.push(['print', String(value)]);
        return '';
      };
      return engine.render({ path: `run-operation ${options.macro}`, contents: `{{ ${options.macro}(${kwargs.join(', ')}) }}` }, { ...live, __dops_args: args }).trim();
    };
    const started = Date.now();
    const startedAt = new Date(started).toISOString();
    let sql = '';
    let queries = 0;
    let ran = false;
    let failure: OperationError | undefined;
    const connection = await session.connection();
    await connection.execute('begin transaction');
    try {
      // Queries the macro makes as it renders (run_query, statement, adapter.create_schema...) run
      // in the same transaction, before the SQL it outputs.
      sql = await renderLive(render, (query) => {
        queries++;
        return connection.queryTable(query);
      });
      for (const [kind, text] of said) {
        if (kind === 'print') userPrint(text);
        else global.output?.[kind](text);
      }
      ran = sql !== '' && queries === 0 && said.length === 0;
      if (ran) await connection.execute(sql);
      await connection.execute('commit');
    } catch (error) {
      await connection.execute('rollback').catch(() => undefined);
      if (error instanceof DopsError) throw error;
      failure = new OperationError(`Database error in macro ${options.macro}: ${(error as Error).message.split('\n')[0]}`, { hint: 'Nothing was changed (the statements ran in one transaction, rolled back).' });
    }
    const elapsed = (Date.now() - started) / 1000;
    const result: NodeResult = { uniqueId: macroUniqueId(project, options.macro), status: failure ? 'error' : 'success', message: failure ? failure.message : 'OK', executionTime: elapsed, startedAt, completedAt: new Date().toISOString(), thread: 0, ...(failure ? { failures: 1 } : {}) };
    const runArgs = { command: 'run-operation', macro: options.macro, args: options.args ?? '{}', target: project.target.name, vars: typeof options.vars === 'string' ? options.vars : options.vars ?? {} };
    return {
      value: { operation: { macro: options.macro, sql, ran, queries, elapsed }, result, failure, project },
      artifacts: { manifest: {}, runResults: { results: [result], elapsed, args: runArgs, startedAt: started } },
    };
  });
}
