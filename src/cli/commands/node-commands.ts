import type { Command } from 'commander';
import { build, run, seed, test } from '../../api/commands.js';
import type { RunOutcome } from '../../api/execute.js';
import type { SelectOptions } from '../../api/options.js';
import { EXIT } from '../exit.js';
import { toApiOptions, withSelectFlags, type CliFlags } from '../options.js';

const COMMANDS: [string, string, (options: SelectOptions) => Promise<RunOutcome>][] = [
  ['build', 'seed, run and test selected nodes in DAG order', build],
  ['run', 'build selected models', run],
  ['test', 'run data tests on built relations', test],
  ['seed', 'load CSV seeds into tables', seed],
];

/** Registers `build`, `run`, `test` and `seed`: run nodes, exit 1 when one failed. */
export function registerNodeCommands(program: Command): void {
  for (const [name, description, action] of COMMANDS) {
    withSelectFlags(program.command(name).description(description)).action(async (flags: CliFlags) => {
      const outcome = await action(toApiOptions(flags));
      process.exitCode = outcome.success ? EXIT.ok : EXIT.nodeFailed;
    });
  }
}
