import { InvalidArgumentError, Option, type Command } from 'commander';
import { eventLine } from '../../reporter/dbt-events.js';
import { toApiOptions, withSelectFlags, type CliFlags } from '../options.js';

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('must be a whole number (-1: all rows)');
  return n;
}

/**
 * Registers `show`: previews a model's or an `--inline` query's first rows as a table (or JSON),
 * as `dbt show` does (docs.getdbt.com/reference/commands/show).
 */
export function registerShow(program: Command): void {
  withSelectFlags(program.command('show').description('run a model (or --inline SQL) and print its first rows'))
    .option('--inline <sql>', 'a SQL query (may use ref() and source()) instead of a selected model')
    .option('--limit <n>', 'rows to show (-1: all)', wholeNumber, 5)
    .addOption(new Option('--output <format>', 'text (a table) or json').choices(['text', 'json']).default('text'))
    .action(async (flags: CliFlags & { inline?: string; limit: number; output: 'text' | 'json' }) => {
      const { show } = await import('../../api/show.js');
      const { formatTable, jsonValue } = await import('../../reporter/table.js');
      const results = await show({ ...toApiOptions({ ...flags, quiet: flags.quiet || flags.output === 'json' }), inline: flags.inline, limit: flags.limit });
      for (const result of results) {
        if (flags.logFormat === 'json') {
          // --log-format json: dbt's ShowNode event (Q041), its msg what the text output shows.
          const rows = result.rows.map((row) => Object.fromEntries(result.columns.map((name) => [name, jsonValue(row[name])])));
          const preview = flags.output === 'json' ? JSON.stringify(rows) : formatTable(result.columns, result.rows, { write: () => undefined }).replace(/\n$/, '');
          const msg = flags.output === 'json' ? JSON.stringify(result.inline ? { show: rows } : { node: result.node, show: rows }, null, 2) : flags.quiet ? preview : `${result.inline ? 'Previewing inline node:' : `Previewing node '${result.node}':`}\n${preview}`;
          process.stdout.write(eventLine('ShowNode', msg, { node_name: result.node, preview, is_inline: Boolean(result.inline), output_format: flags.output, unique_id: '', quiet: Boolean(flags.quiet) }));
        } else if (flags.output === 'json') {
          const rows = result.rows.map((row) => Object.fromEntries(result.columns.map((name) => [name, jsonValue(row[name])])));
          process.stdout.write(`${JSON.stringify({ node: result.node, show: rows }, null, 2)}\n`);
        } else {
          if (!flags.quiet) process.stdout.write(result.inline ? 'Previewing inline node:\n' : `Previewing node '${result.node}':\n`);
          process.stdout.write(formatTable(result.columns, result.rows, process.stdout));
        }
      }
    });
}
