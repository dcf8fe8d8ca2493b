// Loaded by src/cli/main.ts before commander or any command module.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Commands that run nodes against the target (src/cli/commands/node-commands.ts). */
const RUN_COMMANDS = new Set(['build', 'run', 'test', 'seed', 'snapshot']);

/** Commands a build stamp may answer without opening the database (src/state/build-stamp.ts). */
const STAMPED = new Set(['build', 'run']);

/** Flags after which the command does not open the target (help, watch mode). */
const NO_RUN = new Set(['--help', '-h', '--watch']);

/** Flags that rule a build stamp out (src/state/build-stamp.ts `stampable`), so the run opens the target. */
const UNSTAMPED = new Set(['--no-reuse', '--full-refresh', '--no-partial-parse', '--empty', '--defer', '--state', '--junit']);

/** The flags that decide which database a run opens, as commander spells them (src/cli/options.ts). */
const TARGET_FLAGS: Record<string, 'projectDir' | 'target' | 'profilesDir'> = {
  '--project-dir': 'projectDir',
  '--target': 'target',
  '-t': 'target',
  '--profiles-dir': 'profilesDir',
};

/** The options {@link targetArgs} reads. */
export interface TargetArgs {
  projectDir?: string;
  target?: string;
  profilesDir?: string;
}

/**
 * The project dir, target and profiles dir a command line names (`--flag value` or
 * `--flag=value`; the last one wins, as in commander). Other arguments are skipped: commander
 * judges them later, and a database opened for options the command does not end up with is
 * closed unused (src/api/early-database.ts `claim`).
 * @param args `process.argv.slice(2)`
 */
export function targetArgs(args: readonly string[]): TargetArgs {
  const options: TargetArgs = {};
  for (let i = 1; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') break;
    const equals = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = equals > 0 ? arg.slice(0, equals) : arg;
    if (!Object.hasOwn(TARGET_FLAGS, flag)) continue;
    const value = equals > 0 ? arg.slice(equals + 1) : args[i + 1];
    if (equals < 0) i++;
    if (value !== undefined && (equals > 0 || !value.startsWith('-'))) options[TARGET_FLAGS[flag]] = value;
  }
  return options;
}

/**
 * True when a command line will open the target's database: a command that runs nodes, without
 * `--help` or `--watch`, that a build stamp cannot answer (a stamp answers without opening the
 * database, and opening it could change the file the stamp recorded). A stamp cannot answer when
 * a flag rules it out, when there is no stamp file, or when the fast path already checked it
 * (`stampChecked`: src/cli/fast-build.ts declined a plain command line).
 * @param args `process.argv.slice(2)`
 */
export function opensTarget(args: readonly string[], stampChecked: boolean): boolean {
  const command = args[0];
  if (!RUN_COMMANDS.has(command) || args.some((arg) => NO_RUN.has(arg))) return false;
  if (!STAMPED.has(command) || stampChecked || args.some((arg) => UNSTAMPED.has(arg.split('=')[0]))) return true;
  const projectDir = resolve(targetArgs(args).projectDir ?? '.');
  return !existsSync(join(projectDir, 'target', 'build_stamp.json'));
}

/**
 * Starts opening the target's DuckDB file (when it exists) for a command line that will open it
 * ({@link opensTarget}), so the engine reads the file's catalog while the command modules load
 * and the project parses (src/api/early-database.ts).
 * @returns a function closing the database when no command claimed it (call it once the program has run), or undefined when nothing was started
 */
export async function openTargetEarly(args: readonly string[], stampChecked: boolean): Promise<(() => Promise<void>) | undefined> {
  if (!opensTarget(args, stampChecked)) return undefined;
  const { EarlyDatabase } = await import('../api/early-database.js');
  await EarlyDatabase.begin(targetArgs(args));
  return () => EarlyDatabase.releasePending();
}
