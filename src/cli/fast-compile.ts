// Loaded by src/cli/main.ts before commander or any command module: only node builtins and the
// light stamp modules. Anything it cannot answer for certain goes to the full program.
import { join, resolve } from 'node:path';
import { compileKey, compileStampPath, type CompileHeader } from '../api/compile-stamp.js';
import { readStampFile, stampHolds } from '../api/stamp.js';
import { fingerprintHolds } from '../project/fingerprint.js';
import { FileLogReporter, LOG_FILE } from '../reporter/file-log.js';

/** The closing line of `dops compile`: `Compiled N nodes.` and a newline. */
export function compiledLine(count: number): string {
  return `Compiled ${count} node${count === 1 ? '' : 's'}.\n`;
}

/** The options a plain `dops compile` may be given and still be answered here (each takes a value). */
const VALUE_FLAGS: Record<string, 'projectDir' | 'target' | 'profilesDir' | 'vars'> = {
  '--project-dir': 'projectDir',
  '--target': 'target',
  '-t': 'target',
  '--profiles-dir': 'profilesDir',
  '--vars': 'vars',
};

/** The options {@link plainArgs} accepts. */
export type PlainArgs = Partial<Record<'projectDir' | 'target' | 'profilesDir' | 'vars', string>>;

/**
 * The options of `dops compile` as the command line gives them, when it is a plain compile this
 * module can answer: `compile` followed only by `--project-dir`, `-t` / `--target`,
 * `--profiles-dir` and `--vars`, each at most once, as `--flag value` or `--flag=value`.
 * @param args the arguments after the executable (`process.argv.slice(2)`)
 * @returns the options, or undefined for anything else (the full program decides)
 */
export function plainCompileArgs(args: readonly string[]): PlainArgs | undefined {
  return plainArgs(args, 'compile');
}

/** {@link plainCompileArgs} for another command name. */
export function plainArgs(args: readonly string[], command: string): PlainArgs | undefined {
  if (args[0] !== command) return undefined;
  const options: PlainArgs = {};
  for (let i = 1; i < args.length; i++) {
    const arg = args[i];
    const equals = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = equals > 0 ? arg.slice(0, equals) : arg;
    const key = Object.hasOwn(VALUE_FLAGS, flag) ? VALUE_FLAGS[flag] : undefined;
    if (!key || key in options) return undefined;
    const value = equals > 0 ? arg.slice(equals + 1) : args[++i];
    // A value that looks like a flag (or none) is commander's to judge.
    if (value === undefined || (equals < 0 && value.startsWith('-'))) return undefined;
    options[key] = value;
  }
  return options;
}

/**
 * Answers a plain `dops compile` from `target/compile_stamp.bin` when nothing it recorded has
 * changed (src/api/compile-stamp.ts): prints what the full compile would (`Compiled N nodes.`),
 * appends the invocation to the log file as the full program does, and sets exit code 0. With
 * the JSON log format in effect it does not answer.
 * @param args `process.argv.slice(2)`
 * @returns true when answered; false when the full program must run (nothing was printed)
 */
export async function answerCompile(args: readonly string[]): Promise<boolean> {
  const options = plainCompileArgs(args);
  if (!options) return false;
  const projectDir = resolve(options.projectDir ?? '.');
  // DBT_LOG_FORMAT=json (or the project's flags: log_format: json): the full program prints the events.
  if ((await import('./log-format.js')).jsonLogRequested(args)) return false;
  const stamp = readStampFile<CompileHeader>(compileStampPath(projectDir));
  if (!stamp || typeof stamp.header.count !== 'number') return false;
  // Secrets are fingerprinted by a sha256 (node:crypto); load it only when one is set.
  const secrets = Object.keys(process.env).some((name) => name.startsWith('DBT_ENV_SECRET_') || name.startsWith('DOPS_ENV_SECRET_'));
  const { envFingerprint, scrubSecrets } = secrets ? await import('../config/secrets.js') : { envFingerprint: plainFingerprint, scrubSecrets: (text: string) => text };
  const key = compileKey(projectDir, options.target, options.profilesDir, options.vars);
  if (!stampHolds(stamp, projectDir, key, envFingerprint, fingerprintHolds)) return false;
  // Where cliReporter puts the log: DBT_LOG_PATH, else the project file's log-path, else logs/.
  const logPath = process.env.DBT_LOG_PATH || (stamp.header.logPath ? join(projectDir, stamp.header.logPath) : undefined);
  new FileLogReporter(join(logPath ? resolve(logPath) : join(projectDir, 'logs'), LOG_FILE), args[0]);
  process.stdout.write(scrubSecrets(compiledLine(stamp.header.count)));
  process.exitCode = 0;
  return true;
}

/** envFingerprint for a process without secret env vars: the value itself. */
function plainFingerprint(_name: string, value: string | null | undefined): string | null {
  return value ?? null;
}
