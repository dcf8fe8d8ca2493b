import { parse as parseYaml } from 'yaml';
import { openAdapter } from '../adapter/registry.js';
import { ConfigError, DopsError } from '../errors.js';

/** A macro's SQL failed on the database (rolled back): the CLI exits 1, as for a failed node. */
export class OperationError extends DopsError {}
import type { ModelNode } from '../manifest/nodes.js';
import { closestNames } from '../parser/similar.js';
import { runtimeContext, type RelationResolver } from '../templating/context.js';
import { renderLive, type DatabaseReplay } from '../templating/introspection.js';
import { TemplateRelation } from '../templating/relation.js';
import type { CommonOptions } from './options.js';
import { loadProject } from './project.js';

/** What `dops run-operation` did. */
export interface OperationResult {
  macro: string;
  /** The SQL the macro rendered and that ran ('' when it rendered only whitespace or ran its own queries). */
  sql: string;
  /** How many queries the macro ran itself as it rendered (run_query, statement, adapter methods). */
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
 * `dops run-operation MACRO --args YAML` (docs.getdbt.com/reference/commands/run-operation):
 * renders the macro with the arguments as keyword arguments, in the runtime context (`ref()`,
 * `source()`, `var()`, `target`), and runs the SQL it renders on the target's DuckDB in one
 * transaction: all of it or, on an error, none of it. Queries the macro runs as it renders
 * (`run_query`, `statement`, `adapter.create_schema`...) run in that transaction; a macro that runs
 * any is taken as written for dbt, whose run-operation never runs the rendered text: its text is not
 * run (a warning says so when it is not blank).
 * @throws ConfigError for an unknown macro (naming close ones), bad `--args`, or a failing statement (rolled back)
 */
export async function runOperation(options: CommonOptions & { macro: string; args?: string }): Promise<OperationResult> {
  const project = loadProject(options);
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
  const render = (database?: DatabaseReplay) => {
    const live = runtimeContext(engine, global, { schema: global.target.schema, identifier: options.macro }, {}, resolver, false, { database });
    return engine.render({ path: `run-operation ${options.macro}`, contents: `{{ ${options.macro}(${kwargs.join(', ')}) }}` }, { ...live, __dops_args: args }).trim();
  };
  const started = Date.now();
  let sql = '';
  let queried = 0;
  const adapter = await openAdapter(project.target, project.config.projectDir);
  try {
    const connection = await adapter.connect();
    await connection.execute('begin transaction');
    try {
      // Queries the macro makes as it renders (run_query, statement, adapter.create_schema...) run
      // in the same transaction, before the SQL it outputs.
      const text = await renderLive(render, (query) => {
        queried += 1;
        return connection.queryTable(query);
      });
      if (queried > 0 && text) {
        // A macro that runs its own statements is written for dbt, whose run-operation never runs
        // the text a macro renders (dbt_codegen's create_source_table prints run_query's tables).
        options.reporter?.warnings?.([`run-operation ${options.macro}: the macro ran its own queries, so the text it rendered is not run as SQL (as in dbt); run it with run_query or statement`]);
      } else if (text) {
        sql = text;
        await connection.execute(sql);
      }
      await connection.execute('commit');
    } catch (error) {
      await connection.execute('rollback').catch(() => undefined);
      if (error instanceof DopsError) throw error;
      throw new OperationError(`Database error in macro ${options.macro}: ${(error as Error).message.split('\n')[0]}`, { hint: 'Nothing was changed (the statements ran in one transaction, rolled back).' });
    }
  } finally {
    await adapter.close();
  }
  return { macro: options.macro, sql, queries: queried, elapsed: (Date.now() - started) / 1000 };
}
