import { InvalidArgumentError, type Command } from 'commander';
import type { SelectOptions } from '../api/options.js';
import { TerminalReporter } from '../reporter/terminal.js';

/** Flags as commander parses them for commands that run nodes. */
export interface CliFlags {
  projectDir?: string;
  target?: string;
  profilesDir?: string;
  vars?: string;
  select?: string[];
  exclude?: string[];
  threads?: number;
  debug?: boolean;
  fullRefresh?: boolean;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of at least 1');
  return n;
}

/** Adds the flags shared by every project command. */
export function withCommonFlags(command: Command): Command {
  return command
    .option('--project-dir <dir>', 'project directory (default: current directory)')
    .option('-t, --target <name>', 'target from profiles.yml')
    .option('--profiles-dir <dir>', 'directory holding profiles.yml')
    .option('--vars <yaml>', `vars as YAML or JSON, e.g. '{"k": 1}'`)
    .option('--debug', 'show stack traces');
}

/** Adds node selection flags. */
export function withSelectFlags(command: Command): Command {
  return withCommonFlags(command)
    .option('-s, --select <selector...>', 'nodes to include (names, +ancestors, descendants+, tag:x, path:x, ...)')
    .option('--exclude <selector...>', 'nodes to leave out')
    .option('--threads <n>', 'nodes run in parallel', positiveInt)
    .option('--full-refresh', 'rebuild incremental models from scratch');
}

/** Turns parsed flags into API options, with a terminal reporter on stdout. */
export function toApiOptions(flags: CliFlags): SelectOptions {
  return {
    projectDir: flags.projectDir,
    target: flags.target,
    profilesDir: flags.profilesDir,
    vars: flags.vars,
    select: flags.select,
    exclude: flags.exclude,
    threads: flags.threads,
    fullRefresh: flags.fullRefresh,
    reporter: new TerminalReporter(process.stdout),
  };
}
