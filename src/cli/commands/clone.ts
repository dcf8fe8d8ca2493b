import type { Command } from 'commander';
import { EXIT } from '../exit.js';
import { toApiOptions, withSelectFlags, type CliFlags } from '../options.js';

/** Registers `clone --state DIR`: makes the state's relations exist in this target (views where possible). */
export function registerClone(program: Command): void {
  withSelectFlags(program.command('clone').description("create the --state target's relations in this target (views over them on the same database)")).action(async (flags: CliFlags) => {
    const { clone } = await import('../../api/clone.js');
    const outcome = await clone(toApiOptions(flags));
    process.exitCode = outcome.success ? EXIT.ok : EXIT.nodeFailed;
  });
}
