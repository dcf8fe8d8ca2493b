import type { Command } from 'commander';
import { toApiOptions, withSelectFlags, type CliFlags } from '../options.js';

/** Registers `compile`: writes compiled SQL to target/compiled and lists the files. */
export function registerCompile(program: Command): void {
  withSelectFlags(program.command('compile').description('render models and tests to target/compiled without running them')).action(async (flags: CliFlags) => {
    const options = toApiOptions(flags);
    // Nothing changed since the last compile: list its files without loading the project.
    const { upToDateCompile } = await import('../../api/compile-stamp.js');
    const paths = upToDateCompile(options) ?? (await import('../../api/commands.js')).compile(options).map((entry) => entry.path);
    process.stdout.write(paths.map((path) => `${path}\n`).join(''));
    process.stdout.write(`Compiled ${paths.length} node${paths.length === 1 ? '' : 's'}.\n`);
  });
}
