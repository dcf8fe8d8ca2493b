import { ConfigError } from '../errors.js';
import { openAdapter } from '../adapter/registry.js';
import type { Row } from '../adapter/adapter.js';
import { nodesToPrint, INLINE_NAME } from './inline.js';
import type { SelectOptions } from './options.js';

/** Options of `dops show`. */
export interface ShowOptions extends SelectOptions {
  /** A SQL query to run instead of a selected model (`--inline`). */
  inline?: string;
  /** Rows to fetch (default 5, as in dbt; a negative number: all rows). */
  limit?: number;
}

/** One previewed node: its name, column names (in order) and the first rows. */
export interface ShowResult {
  /** The node's name, or `inline_query` for `--inline`. */
  node: string;
  inline: boolean;
  columns: string[];
  rows: Row[];
}

/**
 * `dops show`: compiles the selected model (or the `--inline` query) and runs it with a limit,
 * without building anything (docs.getdbt.com/reference/commands/show). Its parents must exist in
 * the target's database.
 * @returns one preview per selected model, in DAG order
 * @throws DopsError for project, template and ref errors, nothing selected, or a SQL error
 */
export async function show(options: ShowOptions = {}): Promise<ShowResult[]> {
  const { project, nodes } = nodesToPrint(options, ['model', 'snapshot', 'seed']);
  if (nodes.length === 0 && options.inline === undefined) throw new ConfigError('dops show selected no model', { hint: 'Pass -s MODEL or --inline "select ..."' });
  const compiler = project.compiler();
  compiler.setInvocation(nodes.map((node) => node.uniqueId), { FULL_REFRESH: false, WHICH: 'show' });
  const limit = options.limit ?? 5;
  const adapter = await openAdapter(project.target, project.config.projectDir);
  try {
    const connection = await adapter.connect();
    // A template that queries the database (dbt_utils.star, run_query, ...) renders against it, as in a build.
    const queries: { node: (typeof nodes)[number]; sql: string }[] = [];
    for (const node of nodes) queries.push({ node, sql: (await compiler.compileLive(node, connection)).sql });
    compiler.finish();
    const results: ShowResult[] = [];
    for (const { node, sql } of queries) {
      const wrapped = `select * from (\n${sql}\n) as dops_show${limit >= 0 ? ` limit ${Math.floor(limit)}` : ''}`;
      let rows: Row[];
      let columns: string[];
      try {
        columns = (await connection.query(`describe ${wrapped}`)).map((r) => String(r.column_name));
        rows = await connection.query(wrapped);
      } catch (error) {
        throw new ConfigError(`Database error in ${options.inline !== undefined ? 'the --inline query' : `model ${node.name}`}: ${(error as Error).message.split('\n')[0]}`, {
          location: options.inline !== undefined ? undefined : { file: node.originalFilePath },
          hint: 'dops show runs the compiled SQL against the target: build the parents first (dops build -s +MODEL).',
        });
      }
      results.push({ node: node.name, inline: options.inline !== undefined && node.name === INLINE_NAME, columns, rows });
    }
    return results;
  } finally {
    await adapter.close();
  }
}
