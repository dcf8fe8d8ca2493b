// Loaded by src/cli/main.ts before commander or any command module. Anything it cannot answer
// for certain goes to the full program.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SelectOptions } from '../api/options.js';
import { plainArgs } from './fast-compile.js';
import type { CliFlags } from './options.js';

/** Commands a build stamp answers (src/state/build-stamp.ts). */
const COMMANDS = new Set(['build', 'run']);

/**
 * Answers a plain `dops build` / `dops run` (only `--project-dir`, `-t` / `--target`,
 * `--profiles-dir`, `--vars`) from `target/build_stamp.json` when nothing it recorded has changed,
 * as the command's own action does (src/cli/commands/node-commands.ts) but without loading
 * commander and the command modules. The options are those commander and its preAction hook
 * would give: the command line's, commander's defaults (`partialParse` and `reuse` true,
 * `logFormat` text), then `DBT_*` env vars and the project file's `flags:` (projectFlagValues).
 * @param args `process.argv.slice(2)`
 * @returns true when answered (exit code set); false when the full program must run (nothing printed)
 */
export async function answerBuild(args: readonly string[]): Promise<boolean> {
  const command = args[0];
  if (!COMMANDS.has(command)) return false;
  const given = plainArgs(args, command);
  if (!given) return false;
  const projectDir = resolve(given.projectDir ?? '.');
  const stamps = await import('../state/build-stamp.js');
  if (!existsSync(join(projectDir, 'target', stamps.BUILD_STAMP_FILE))) return false;
  const { projectFlagValues, cliReporter } = await import('./reporter.js');
  const flags: CliFlags = { partialParse: true, reuse: true, logFormat: 'text', ...(defined(projectFlagValues(projectDir)) as Partial<CliFlags>), ...given };
  let reporter: SelectOptions['reporter'];
  const options: SelectOptions = {
    projectDir: flags.projectDir,
    target: flags.target,
    profilesDir: flags.profilesDir,
    vars: flags.vars,
    indirectSelection: flags.indirectSelection,
    failFast: flags.failFast,
    warnError: flags.warnError,
    partialParse: flags.partialParse,
    versionCheck: flags.versionCheck,
    reuse: flags.reuse,
    // Made when the stamp holds (replayUpToDateBuild reads it only then): making it writes the log header.
    get reporter() {
      return (reporter ??= cliReporter(flags, command));
    },
  };
  const { filesVersion } = await import('../state/data-version.js');
  let outcome: { success: boolean } | undefined;
  try {
    outcome = stamps.replayUpToDateBuild(options, command, filesVersion);
  } catch (error) {
    // Before any output: the full program runs; after: reported here, as the program would.
    if (!reporter) throw error;
    const { jsonLogRequested, reportFailure } = await import('./exit.js');
    process.exitCode = reportFailure(error, process.stderr, false, jsonLogRequested([...args]) ? process.stdout : undefined);
    return true;
  }
  if (!outcome) return false;
  process.exitCode = outcome.success ? 0 : 1;
  return true;
}

/** The entries whose value is not undefined. */
function defined<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}
