import { loadWithInline } from './inline.js';
import type { SelectOptions } from './options.js';

/**
 * `dops compile --inline SQL`: the query's compiled SQL, its `ref()` and `source()` calls resolved
 * as in a model (docs.getdbt.com/reference/commands/compile). Touches no database.
 * @throws DopsError for project errors and template or ref errors in the query
 */
export function compileInline(options: SelectOptions & { inline: string }): string {
  const { project, node } = loadWithInline(options, options.inline);
  const compiler = project.compiler();
  const { sql } = compiler.compile(node);
  compiler.finish();
  return sql;
}
