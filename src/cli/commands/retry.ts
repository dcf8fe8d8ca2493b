import type { Command } from 'commander';
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
      process.exitCode = outcome.success ? EXIT.ok : EXIT.nodeFailed;
    });
}
