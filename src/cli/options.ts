import { InvalidArgumentError, Option, type Command } from 'commander';
import type { SelectOptions } from '../api/options.js';
import { INDIRECT_SELECTION_MODES, type IndirectSelection } from '../graph/selector.js';
import { join, resolve } from 'node:path';
import { combineReporters, FileLogReporter, LOG_FILE } from '../reporter/file-log.js';
import { JsonReporter } from '../reporter/json.js';
import { setPrintEnabled } from '../reporter/print.js';
import type { Reporter } from '../reporter/reporter.js';
import { LOG_LEVELS, setUseColors, TerminalReporter, type LogLevel } from '../reporter/terminal.js';

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
  /** False with `--no-partial-parse`. */
  partialParse?: boolean;
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
    .option('-q, --quiet', 'print errors only (and {{ print() }} output)')
    .addOption(new Option('--log-level <level>', 'lowest level printed to stdout').choices(LOG_LEVELS))
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
    .addOption(logFormatOption());
}

/** `--log-format text|json`. */
export function logFormatOption(): Option {
  return new Option('--log-format <format>', 'text for people, json for one event per line').choices(['text', 'json']).default('text');
}

/**
 * Applies the output flags every command shares (`--use-colors`, `--print`) and returns the
 * reporter: the terminal (or JSON) one on stdout at `--log-level` (`-q`: errors), plus the file
 * log `logs/dops.log` as dbt keeps one.
 */
export function cliReporter(flags: CliFlags, command = process.argv[2] ?? 'dops'): Reporter {
  setUseColors(flags.useColors);
  setPrintEnabled(flags.print !== false);
  const level: LogLevel = flags.quiet ? 'error' : flags.logLevel ?? 'info';
  const screen = flags.logFormat === 'json' ? new JsonReporter(process.stdout) : new TerminalReporter(process.stdout, { logLevel: level });
  const logDir = flags.logPath ? resolve(flags.logPath) : join(resolve(flags.projectDir ?? '.'), 'logs');
  return combineReporters(screen, new FileLogReporter(join(logDir, LOG_FILE), command));
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
    empty: flags.empty,
    favorState: flags.favorState,
    reporter: cliReporter(flags),
  };
}
