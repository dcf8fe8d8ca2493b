import type { Command } from 'commander';
import { formatError } from '../../reporter/terminal.js';
import { EXIT } from '../exit.js';
import { cliReporter, withCommonFlags, type CliFlags } from '../options.js';

/** Registers `run-operation MACRO --args YAML`: runs the SQL a macro renders, in one transaction. */
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
      process.stdout.write(result.sql || result.queries ? `Ran macro ${macro} in ${result.elapsed.toFixed(2)}s\n` : `Macro ${macro} rendered no SQL; nothing ran\n`);
    });
}
