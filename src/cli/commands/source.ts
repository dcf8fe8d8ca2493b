import type { Command } from 'commander';
import { EXIT } from '../exit.js';
import { toApiOptions, withSelectFlags, type CliFlags } from '../options.js';

/** Registers `dops source freshness`: checks source freshness, exits 1 when a source is past `error_after`. */
export function registerSource(program: Command): void {
  const source = program.command('source').description('commands about sources');
  withSelectFlags(source.command('freshness').description('check how recently source tables were loaded (writes target/sources.json)')).action(async (flags: CliFlags) => {
    const { sourceFreshness } = await import('../../api/freshness.js');
    const { printFreshness } = await import('../../reporter/freshness.js');
    const outcome = await sourceFreshness(toApiOptions(flags));
    printFreshness(process.stdout, outcome.results, { json: flags.logFormat === 'json' });
    process.exitCode = outcome.success ? EXIT.ok : EXIT.nodeFailed;
  });
}
