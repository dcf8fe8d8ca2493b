import type { Command } from 'commander';
import { formatError } from '../../reporter/terminal.js';
import { EXIT } from '../exit.js';
import { logFormatOption, positiveInt, toApiOptions, withCommonFlags, type CliFlags } from '../options.js';

/** Registers `retry`: re-runs what errored, failed or was skipped in the last run_results.json. */
export function registerRetry(program: Command): void {
  withCommonFlags(program.command('retry').description('re-run the nodes that errored, failed or were skipped in the last run'))
    .option('--threads <n>', 'nodes run in parallel (default: as in the last run)', positiveInt)
    .option('--junit <path>', 'also write a JUnit XML report of the run to this file')
    .addOption(logFormatOption())
    .action(async (flags: CliFlags) => {
      const { retry } = await import('../../api/retry.js');
      const { projectDir, target, profilesDir, vars, threads, junit, reporter } = toApiOptions(flags);
      const outcome = await retry({ projectDir, target, profilesDir, vars, threads, junit, reporter });
      const { operation } = outcome;
      if (operation?.failure) process.stderr.write(formatError(operation.failure, process.stderr));
      else if (operation && !flags.quiet) process.stdout.write(operation.result ? `Ran macro ${operation.macro} again in ${operation.result.elapsed.toFixed(2)}s\n` : `Nothing to retry: run-operation ${operation.macro} succeeded\n`);
      process.exitCode = outcome.success ? EXIT.ok : EXIT.nodeFailed;
    });
}
