import type { Command } from 'commander';
import { formatError } from '../../reporter/terminal.js';
import { EXIT } from '../exit.js';
import { cliReporter, withCommonFlags, type CliFlags } from '../options.js';

/** Registers `run-operation MACRO --args YAML`: runs a macro's queries (and a plain-SQL macro's text) in one transaction. */
export function registerRunOperation(program: Command): void {
  withCommonFlags(program.command('run-operation').description("run a macro's SQL against the target (in one transaction)"))
    .argument('<macro>', 'macro name')
    .option('--args <yaml>', `keyword arguments as a YAML mapping, e.g. '{days: 7}'`)
    .action(async (macro: string, flags: CliFlags & { args?: string }) => {
      const reporter = cliReporter(flags);
      const { runOperation, OperationError } = await import('../../api/run-operation.js');
      let result;
      try {
        result = await runOperation({ projectDir: flags.projectDir, target: flags.target, profilesDir: flags.profilesDir, vars: flags.vars, partialParse: flags.partialParse, versionCheck: flags.versionCheck, reporter, macro, args: flags.args });
      } catch (error) {
        if (!(error instanceof OperationError)) throw error;
        process.stderr.write(formatError(error, process.stderr));
        process.exitCode = EXIT.nodeFailed;
        return;
      }
      if (flags.quiet) return;
      const time = result.elapsed.toFixed(2);
      if (result.ran) process.stdout.write(`Ran macro ${macro} in ${time}s\n`);
      else if (result.queries) process.stdout.write(`Ran macro ${macro} (${result.queries} ${result.queries === 1 ? 'query' : 'queries'}) in ${time}s\n`);
      else if (!result.sql) process.stdout.write(`Macro ${macro} rendered no SQL; nothing ran\n`);
      // As in dbt, the text of a macro that queried or logged is its result, not SQL to run.
      if (result.sql && !result.ran) process.stdout.write(`Macro ${macro} ${result.queries ? 'ran its own queries' : 'logged output'}, so the text it rendered was not run as SQL (as in dbt, whose run-operation runs only a macro's run_query / statement calls)\n`);
    });
}
