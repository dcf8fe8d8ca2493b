import { InvalidArgumentError, Option, type Command } from 'commander';
import type { SelectOptions } from '../api/options.js';
import { INDIRECT_SELECTION_MODES, type IndirectSelection } from '../graph/selector.js';
import { resolve } from 'node:path';
import { LOG_LEVELS, type LogLevel } from '../reporter/terminal.js';
import { cliReporter, projectFlagValues } from './reporter.js';

export { cliReporter };

/** Flags as commander parses them for commands that run nodes. */
export interface CliFlags {
  /** `--exclude-resource-type`. */
  excludeResourceType?: string[];
  projectDir?: string;
  target?: string;
  profilesDir?: string;
  vars?: string;
  select?: string[];
  exclude?: string[];
  threads?: number;
  debug?: boolean;
  selector?: string;
  state?: string;
  indirectSelection?: IndirectSelection;
  defer?: boolean;
  failFast?: boolean;
  warnError?: boolean;
  junit?: string;
  logFormat?: 'text' | 'json';
  fullRefresh?: boolean;
  /** False with `--no-reuse`. */
  reuse?: boolean;
  /** False with `--no-partial-parse`. */
  partialParse?: boolean;
  /** `--version-check` / `--no-version-check`. */
  versionCheck?: boolean;
  /** `-q`: errors only (and `{{ print() }}`). */
  quiet?: boolean;
  logLevel?: LogLevel;
  /** Folder of `dops.log` (default `logs/` in the project). */
  logPath?: string;
  /** `--use-colors` / `--no-use-colors`; undefined: colors on a terminal. */
  useColors?: boolean;
  /** `--print` / `--no-print`. */
  print?: boolean;
  /** `--empty`: refs and sources read zero rows. */
  empty?: boolean;
  /** `--favor-state`: with `--defer`, read the state's relation even when this target has one. */
  favorState?: boolean;
}

/**
 * Fills the options the user did not type from dbt's other flag sources, as dbt resolves flags
 * (https://docs.getdbt.com/reference/global-configs/about-global-configs): `DBT_<FLAG>`
 * environment variables, then `flags:` in dbt_project.yml; `--log-path` also from `DBT_LOG_PATH`
 * and the project file's `log-path` (see projectFlagValues). Runs before each command's action
 * (a commander preAction hook).
 */
export function applyProjectFlags(command: Command): void {
  const declared = new Set(command.options.map((option) => option.attributeName()));
  const values = projectFlagValues(resolve((command.opts().projectDir as string | undefined) ?? '.'));
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined && declared.has(key) && command.getOptionValueSource(key) !== 'cli') command.setOptionValueWithSource(key, value, 'env');
  }
}

/** Parses a whole number of at least 1 (`--threads`). */
export function positiveInt(value: string): number {
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
    .option('--no-partial-parse', 'parse every file afresh, ignoring target/partial_parse.json')
    .option('--version-check', "check require-dbt-version of the project and its packages (default)")
    .option('--no-version-check', "skip the require-dbt-version check")
    .option('-q, --quiet', 'print errors only (and {{ print() }} output)')
    .addOption(logLevelOption())
    .option('--log-path <dir>', 'folder of the dops.log file log (default: logs/ in the project)')
    .option('--use-colors', 'color the output even when it is not a terminal')
    .option('--no-use-colors', 'plain output, even on a terminal')
    .option('--print', "show {{ print() }} output (default)")
    .option('--no-print', 'hide {{ print() }} output')
    .option('--debug', 'show stack traces');
}

/** Adds node selection flags. */
export function withSelectFlags(command: Command): Command {
  return withCommonFlags(command)
    .option('-s, --select <selector...>', 'nodes to include (names, +ancestors, descendants+, tag:x, path:x, ...)')
    .option('--exclude <selector...>', 'nodes to leave out')
    .option('--exclude-resource-type <type...>', 'leave out these kinds, e.g. unit_test')
    .option('--threads <n>', 'nodes run in parallel', positiveInt)
    .option('--selector <name>', 'a selector defined in selectors.yml (instead of --select)')
    .option('--state <dir>', "folder of an earlier run's manifest.json, for state:modified / state:new and --defer")
    .addOption(new Option('--indirect-selection <mode>', 'which tests join through the nodes they test').choices(INDIRECT_SELECTION_MODES))
    .option('--full-refresh', 'rebuild incremental models from scratch');
}

/** Adds the flags of commands that run nodes (build, run, test, seed). */
export function withRunFlags(command: Command): Command {
  return command
    .option('--defer', 'refs to unselected nodes read the --state target (e.g. production)')
    .option('-x, --fail-fast', 'stop at the first failure; skip the nodes not yet started')
    .option('--warn-error', 'treat warnings as failures (exit 1)')
    .option('--junit <path>', 'also write a JUnit XML report of the run to this file')
    .option('--empty', 'build with every ref and source limited to zero rows (checks SQL and schemas cheaply)')
    .option('--favor-state', 'with --defer: read the --state relation even when this target has one')
    .option('--no-reuse', 'build every selected node, even those whose inputs are unchanged since their last build');
}

/** `--log-format text|json` (json: dbt's structured events, https://docs.getdbt.com/reference/global-configs/logs). */
export function logFormatOption(): Option {
  return new Option('--log-format <format>', "text for people, json for dbt's structured events (one per line)").choices(['text', 'json']).default('text');
}

/** `--log-level` (dbt's levels; `none` prints nothing). */
export function logLevelOption(): Option {
  return new Option('--log-level <level>', 'lowest level printed to stdout').choices(LOG_LEVELS);
}

/**
 * Gives every command of `program` that runs (subcommands: `docs generate`, `source freshness`) the
 * output flags dbt accepts on every command, once: `--log-format` and `--log-level` (a command
 * that declares one keeps its own). Their env vars (`DBT_LOG_FORMAT`, `DBT_LOG_LEVEL`) and
 * project `flags:` apply through {@link applyProjectFlags}
 * (https://docs.getdbt.com/reference/global-configs/logs).
 */
export function withOutputFlagsEverywhere(program: Command): void {
  for (const command of program.commands) {
    // A parent (`docs`, `source`) would take the flag from its subcommand's arguments.
    if (command.commands.length) {
      withOutputFlagsEverywhere(command);
      continue;
    }
    const longs = new Set(command.options.map((option) => option.long));
    if (!longs.has('--log-format')) command.addOption(logFormatOption());
    if (!longs.has('--log-level')) command.addOption(logLevelOption());
    withOutputFlagsEverywhere(command);
  }
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
    excludeResourceTypes: flags.excludeResourceType,
    threads: flags.threads,
    selector: flags.selector,
    state: flags.state,
    indirectSelection: flags.indirectSelection,
    defer: flags.defer,
    failFast: flags.failFast,
    warnError: flags.warnError,
    junit: flags.junit,
    fullRefresh: flags.fullRefresh,
    partialParse: flags.partialParse,
    versionCheck: flags.versionCheck,
    empty: flags.empty,
    favorState: flags.favorState,
    reuse: flags.reuse,
    reporter: cliReporter(flags),
  };
}
