import { OTHER_COMMANDS } from '../session/commands.js';
import { inSession } from '../session/session.js';
import { NeedsDatabase } from '../templating/introspection.js';
import { inlineModel } from './inline.js';
import type { SelectOptions } from './options.js';

/**
 * `dops compile --inline SQL`: the query's compiled SQL, its `ref()` and `source()` calls resolved
 * as in a model (docs.getdbt.com/reference/commands/compile). Runs through the session: the
 * target's database (the profile's `type`) is opened only when the template queries it
 * (`run_query`, `statement`, `adapter.get_columns_in_relation`, dbt_utils' `star`...), and those
 * queries then run there, as `dbt compile` does ("compile requires a connection to your data
 * platform because it must run introspective queries"). Writes no artifact.
 * @throws DopsError for project errors and template or ref errors in the query; DatabaseError
 *   (a DopsError) when one of its queries fails; ConfigError when the database cannot be opened
 */
export async function compileInline(options: SelectOptions & { inline: string }): Promise<string> {
  const inline = inlineModel(options.inline);
  return inSession(OTHER_COMMANDS.compileInline, options, async (session) => {
    const node = inline.node(session.project);
    const compiler = session.project.compiler();
    compiler.setInvocation([node.uniqueId], { FULL_REFRESH: false, WHICH: 'compile' });
    try {
      let sql: string;
      try {
        sql = compiler.compile(node).sql;
      } catch (error) {
        if (!(error instanceof NeedsDatabase)) throw error;
        sql = (await compiler.compileLive(node, await session.connection())).sql;
      }
      return { value: sql };
    } finally {
      compiler.finish();
    }
  }, inline.hooks);
}
