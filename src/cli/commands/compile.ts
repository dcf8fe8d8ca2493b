import type { Command } from 'commander';
import { toApiOptions, withSelectFlags, type CliFlags } from '../options.js';

/** Registers `compile`: writes compiled SQL to target/compiled and lists the files. */
export function registerCompile(program: Command): void {
  withSelectFlags(program.command('compile').description('render models and tests to target/compiled without running them')).action(async (flags: CliFlags) => {
    const { compile } = await import('../../api/commands.js');
    const entries = compile(toApiOptions(flags));
    for (const entry of entries) process.stdout.write(`${entry.path}\n`);
    process.stdout.write(`Compiled ${entries.length} node${entries.length === 1 ? '' : 's'}.\n`);
  });
}
