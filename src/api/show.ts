import { ConfigError } from '../errors.js';
import type { Row } from '../adapter/adapter.js';
import { OTHER_COMMANDS } from '../session/commands.js';
import { inSession } from '../session/session.js';
import { checkInline, inlineModel, nodesToPrint, INLINE_NAME } from './inline.js';
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
 * `dops show`: compiles the selected models, snapshots and seeds (less `--exclude-resource-type`)
 * or the `--inline` query, and runs each with a limit, without building anything
 * (docs.getdbt.com/reference/commands/show). Runs through the session, on the target's database
 * (the profile's `type`), which it closes; its parents must exist there. Writes no artifact.
 * @returns one preview per selected node, in DAG order
 * @throws DopsError for project, template and ref errors, nothing selected, or a SQL error
 */
export async function show(options: ShowOptions = {}): Promise<ShowResult[]> {
  checkInline(options);
  const inline = options.inline === undefined ? undefined : inlineModel(options.inline);
  const command = OTHER_COMMANDS.show;
  return inSession(command, options, async (session) => {
    const nodes = nodesToPrint(session, command, inline);
    if (nodes.length === 0) throw new ConfigError('dops show selected no model', { hint: 'Pass -s MODEL or --inline "select ..."' });
    const compiler = session.project.compiler();
    compiler.setInvocation(nodes.map((node) => node.uniqueId), { FULL_REFRESH: false, WHICH: 'show' });
    const limit = options.limit ?? 5;
    const connection = await session.connection();
    // A template that queries the database (dbt_utils.star, run_query, ...) renders against it, as in a build.
    const queries: { node: (typeof nodes)[number]; sql: string }[] = [];
    try {
      for (const node of nodes) queries.push({ node, sql: (await compiler.compileLive(node, connection)).sql });
    } finally {
      compiler.finish();
    }
    const results: ShowResult[] = [];
    for (const { node, sql } of queries) {
      const wrapped = `select * from (\n${sql}\n) as dops_show${limit >= 0 ? ` limit ${Math.floor(limit)}` : ''}`;
      let rows: Row[];
      let columns: string[];
      try {
        // The adapter's describe (DuckDB's DESCRIBE, PostgreSQL's result fields): PostgreSQL has no DESCRIBE statement.
        columns = (await connection.describeQuery(wrapped)).map((column) => column.name);
        rows = await connection.query(wrapped);
      } catch (error) {
        throw new ConfigError(`Database error in ${inline ? 'the --inline query' : `model ${node.name}`}: ${(error as Error).message.split('\n')[0]}`, {
          location: inline ? undefined : { file: node.originalFilePath },
          hint: 'dops show runs the compiled SQL against the target: build the parents first (dops build -s +MODEL).',
        });
      }
      results.push({ node: node.name, inline: inline !== undefined && node.name === INLINE_NAME, columns, rows });
    }
    return { value: results };
  }, inline?.hooks);
}
