import { resolve } from 'node:path';
import { peekProjectSettings } from '../config/flags.js';
import { scrubSecrets } from '../config/secrets.js';
import { ConfigError, DopsError, DopsErrorGroup } from '../errors.js';
import { fsReason } from '../project/make-folder.js';
import { activeFileLog } from '../reporter/file-log.js';
import { formatError, type OutputStream } from '../reporter/terminal.js';

/** Exit codes, as documented in the README (dbt's convention). */
export const EXIT = { ok: 0, nodeFailed: 1, usage: 2 } as const;

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

/**
 * Writes one `error` event line (the JSON reporter's shape: `ts`, `event`, `level`, `message`,
 * `file`, `line`, `hint`), its strings with secret values masked before they are JSON-escaped
 * (an escaped secret would slip past the output scrubber).
 */
export function writeJsonError(out: OutputStream, message: string, fields: { file?: string | null; line?: number | null; hint?: string | null } = {}): void {
  const scrub = (text: string | null | undefined) => (typeof text === 'string' ? scrubSecrets(text) : null);
  out.write(`${JSON.stringify({
    ts: new Date().toISOString(),
    event: 'error',
    level: 'error',
    message: scrub(message),
    file: scrub(fields.file),
    line: fields.line ?? null,
    hint: scrub(fields.hint),
  })}\n`);
}

/**
 * `--log-format json`: the errors that stopped a command, one `error` event per line (the same
 * shape as the JSON reporter's events), so machines reading stdout see why nothing ran. dbt fires
 * such an error as its `MainEncounteredError` event (core/dbt/cli/requires.py, `postflight`).
 */
export function writeJsonErrors(error: unknown, out: OutputStream): void {
  const errors = error instanceof DopsErrorGroup ? error.errors : [error];
  for (const e of errors) {
    const known = e instanceof DopsError ? e : undefined;
    writeJsonError(out, known?.message ?? `Internal error: ${(e as Error)?.message ?? String(e)}`, { file: known?.location?.file, line: known?.location?.line, hint: known?.hint });
  }
}

const VERBS: Record<string, string> = { open: 'read', read: 'read', scandir: 'list the folder', stat: 'read', lstat: 'read', mkdir: 'create the folder', write: 'write', rename: 'write', unlink: 'delete', rmdir: 'delete', realpath: 'read' };

/**
 * A file system error (EACCES, EPERM, ENOENT... with the path it concerns) as the user error it
 * is: `Cannot read models/a.sql: permission denied`, not an internal error.
 */
export function fileSystemError(error: unknown): ConfigError | undefined {
  const e = error as NodeJS.ErrnoException;
  if (!(e instanceof Error) || typeof e.code !== 'string' || typeof e.path !== 'string') return undefined;
  const verb = VERBS[e.syscall ?? ''] ?? 'access';
  return new ConfigError(`Cannot ${verb} ${e.path}: ${fsReason(e)}`, {
    hint: e.code === 'EACCES' || e.code === 'EPERM' ? 'check the permissions of the file and its folders for the user running dops' : undefined,
  });
}

/**
 * The CLI's single error boundary: prints a user error as one short message (a stack only with
 * `--debug`) and returns the exit code: 2 for project and usage errors and for crashes.
 */
export function reportFailure(error: unknown, stderr: OutputStream, debug: boolean, jsonOut?: OutputStream): number {
  const fsError = fileSystemError(error);
  if (fsError) {
    if (debug) stderr.write(`${(error as Error).stack}\n`);
    error = fsError;
  }
  if (jsonOut) writeJsonErrors(error, jsonOut);
  const log = activeFileLog();
  if (log) for (const e of error instanceof DopsErrorGroup ? error.errors : [error]) log.line('error', 'main', (e as Error)?.message ?? String(e));
  if (error instanceof DopsError) {
    stderr.write(formatError(error, stderr));
    if (debug && error.stack) stderr.write(`${error.stack}\n`);
    return EXIT.usage;
  }
  const err = error as Error;
  stderr.write(`Internal error: ${err?.message ?? String(error)}\n`);
  stderr.write(debug ? `${err?.stack}\n` : 'Run again with --debug for the stack trace, and report it.\n');
  return EXIT.usage;
}
