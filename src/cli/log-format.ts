// Light: read by the fast paths of src/cli/main.ts (src/cli/fast-compile.ts) and the error boundary.
import { resolve } from 'node:path';
import { peekProjectSettings } from '../config/flags.js';

/** The value of `--NAME VALUE` / `--NAME=VALUE` on a command line (the last one given), or undefined. */
function argValue(argv: readonly string[], name: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--') break;
    if (argv[i] === name && i + 1 < argv.length) value = argv[++i];
    else if (argv[i].startsWith(`${name}=`)) value = argv[i].slice(name.length + 1);
  }
  return value;
}

/**
 * True when errors raised before the run starts (a project, profile or usage error) must be JSON
 * events: the log format in effect is `json`, resolved as dbt resolves `log_format` and read
 * before commander has parsed anything: `--log-format` on the command line, else
 * `DBT_LOG_FORMAT`, else `flags: {log_format: ...}` in the project file of `--project-dir` (or the
 * current folder); text when none sets it
 * (https://docs.getdbt.com/reference/global-configs/logs#log-formatting).
 * @param argv the command line (process.argv, or its arguments only)
 */
export function jsonLogRequested(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): boolean {
  const given = argValue(argv, '--log-format');
  if (given !== undefined) return given === 'json';
  const fromEnv = env.DBT_LOG_FORMAT;
  if (fromEnv === 'json' || fromEnv === 'text') return fromEnv === 'json';
  return peekProjectSettings(resolve(argValue(argv, '--project-dir') ?? '.')).flags.log_format === 'json';
}
