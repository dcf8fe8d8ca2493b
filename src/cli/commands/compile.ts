import { Option, type Command } from 'commander';
import { compiledLine } from '../fast-compile.js';
import { eventLine } from '../../reporter/dbt-events.js';
import { toApiOptions, withSelectFlags, type CliFlags } from '../options.js';

/** dbt's `CompiledNode` event (Q042, https://docs.getdbt.com/reference/events-logging) for `--log-format json`. */
function compiledEvent(msg: string, nodeName: string, uniqueId: string, compiled: string, inline: boolean, flags: CliFlags & { output: 'text' | 'json' }): string {
  return eventLine('CompiledNode', msg, { node_name: nodeName, compiled, is_inline: inline, output_format: flags.output, unique_id: uniqueId, quiet: Boolean(flags.quiet) });
}

/**
 * Registers `compile`: writes compiled SQL to target/compiled and lists the files. With `--inline`
 * it prints the query's compiled SQL; with `-s` also each selected model's, as dbt does
 * (docs.getdbt.com/reference/commands/compile); `--output json` prints them as dbt's JSON
 * (`{"compiled": ...}` inline, `{"node": ..., "compiled": ...}` per selected node). A node whose
 * template queries the database is rendered against the target's database, as dbt compile does.
 */
export function registerCompile(program: Command): void {
  withSelectFlags(program.command('compile').description('render models and tests to target/compiled without running them'))
    .option('--inline <sql>', 'print the compiled SQL of this query (ref() and source() resolve as in a model)')
    .option('--warn-error', 'treat warnings as errors (a criterion that selects nothing exits 2)')
    .addOption(new Option('--output <format>', 'how --inline / -s print the compiled SQL: text, or json ({"node", "compiled"}) as dbt does').choices(['text', 'json']).default('text'))
    .action(async (flags: CliFlags & { inline?: string; output: 'text' | 'json' }) => {
      const json = flags.output === 'json';
      const options = toApiOptions(flags);
      if (flags.inline !== undefined) {
        const { compileInline } = await import('../../api/compile-inline.js');
        const sql = await compileInline({ ...options, inline: flags.inline });
        const text = json ? JSON.stringify({ compiled: sql }, null, 2) : flags.quiet ? sql : `Compiled inline node is:\n${sql}`;
        if (flags.logFormat === 'json') process.stdout.write(compiledEvent(text, 'inline_query', '', sql, true, flags));
        else process.stdout.write(`${text}\n`);
        return;
      }
      if (flags.select?.length) {
        const api = await import('../../api/commands.js');
        const entries = await api.compileWithDatabase(options);
        const shown = entries.filter((e) => !e.uniqueId.startsWith('test.'));
        if (flags.logFormat === 'json') {
          // --log-format json: dbt's CompiledNode event per node, its msg the text the node prints.
          for (const entry of shown) {
            const text = json ? JSON.stringify({ node: entry.name, compiled: entry.sql }, null, 2) : flags.quiet ? entry.sql : `Compiled node '${entry.name}' is:\n${entry.sql}`;
            process.stdout.write(compiledEvent(text, entry.name, entry.uniqueId, entry.sql, false, flags));
          }
          return;
        }
        if (json) {
          // dbt's CompiledNode event in JSON: one object per node, nothing else on stdout.
          for (const entry of shown) process.stdout.write(`${JSON.stringify({ node: entry.name, compiled: entry.sql }, null, 2)}\n`);
          return;
        }
        for (const entry of shown) process.stdout.write(`Compiled node '${entry.name}' is:\n${entry.sql}\n\n`);
        process.stdout.write(entries.map((entry) => `${entry.path}\n`).join(''));
        process.stdout.write(compiledLine(entries.length));
        return;
      }
      // A plain compile prints a summary, as dbt's does: dbt lists each compiled node only for
      // `--select` / `--inline` ("No selector passed, compiling all nodes": CompileTask.task_end_messages,
      // https://docs.getdbt.com/reference/commands/compile). Nothing changed since the last
      // compile: the stamp gives the count without loading the project (src/api/compile-stamp.ts;
      // src/cli/fast-compile.ts answers plain invocations before this module even loads).
      const { upToDateCompile } = await import('../../api/compile-stamp.js');
      const count = upToDateCompile(options) ?? (await (await import('../../api/commands.js')).compileWithDatabase(options)).length;
      if (!flags.quiet) process.stdout.write(compiledLine(count));
    });
}

