// Light: loaded by the fast paths of src/cli/main.ts as well as by the commands (src/cli/options.ts).
import { join, resolve } from 'node:path';
import { peekProjectSettings, resolveFlag } from '../config/flags.js';
import { deferNodeEvents } from '../reporter/deferred.js';
import { combineReporters, FileLogReporter, LOG_FILE } from '../reporter/file-log.js';
import { JsonReporter } from '../reporter/json.js';
import { setPrintEnabled } from '../reporter/print.js';
import type { Reporter } from '../reporter/reporter.js';
import { setUseColors, TerminalReporter, type LogLevel } from '../reporter/terminal.js';
import type { CliFlags } from './options.js';

/**
 * Applies the output flags every command shares (`--use-colors`, `--print`) and returns the
 * reporter: the terminal one, or with `--log-format json` dbt's structured events (JsonReporter;
 * colors off, `print()` as `PrintEvent` lines), on stdout at `--log-level` (`-q`: errors), plus
 * the file log `logs/dops.log` as dbt keeps one.
 */
export function cliReporter(flags: CliFlags, command = process.argv[2] ?? 'dops'): Reporter {
  const json = flags.logFormat === 'json';
  setUseColors(json ? false : flags.useColors);
  const level: LogLevel = flags.quiet ? 'error' : flags.logLevel ?? 'info';
  const screen = json ? new JsonReporter(process.stdout, level) : new TerminalReporter(process.stdout, { logLevel: level });
  const logDir = flags.logPath ? resolve(flags.logPath) : join(resolve(flags.projectDir ?? '.'), 'logs');
  // Node lines are formatted while DuckDB runs the next statement, not between two statements.
  const reporter = deferNodeEvents(combineReporters(screen, new FileLogReporter(join(logDir, LOG_FILE), command)));
  // In JSON a template's print() is dbt's PrintEvent, in order among the node events.
  setPrintEnabled(flags.print !== false, json ? { write: (text: string) => reporter.print?.(text.replace(/\n$/, '')) } : process.stdout);
  return reporter;
}


/** CLI option (commander attribute name) -> the dbt flag that sets its default. */
const FLAG_OPTIONS: Record<string, string> = {
  failFast: 'fail_fast',
  warnError: 'warn_error',
  useColors: 'use_colors',
  partialParse: 'partial_parse',
  quiet: 'quiet',
  print: 'print',
  versionCheck: 'version_check',
  logLevel: 'log_level',
  logFormat: 'log_format',
  indirectSelection: 'indirect_selection',
};

/**
 * The values dbt's other flag sources give the options a command line leaves out
 * (https://docs.getdbt.com/reference/global-configs/about-global-configs): `DBT_<FLAG>`
 * environment variables, then `flags:` in the project file; `logPath` from `DBT_LOG_PATH`, then
 * the project file's `log-path` (relative to the project dir). Undefined: no source sets it.
 * @param projectDir absolute
 */
export function projectFlagValues(projectDir: string): Partial<Record<keyof CliFlags, string | boolean>> {
  const settings = peekProjectSettings(projectDir);
  const values: Partial<Record<keyof CliFlags, string | boolean>> = {};
  for (const [key, flag] of Object.entries(FLAG_OPTIONS)) values[key as keyof CliFlags] = resolveFlag(flag, undefined, settings.flags);
  values.logPath = process.env.DBT_LOG_PATH || (settings.logPath ? join(projectDir, settings.logPath) : undefined);
  return values;
}
