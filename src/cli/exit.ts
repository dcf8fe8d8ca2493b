import { ConfigError, DopsError, DopsErrorGroup } from '../errors.js';
import { fsReason } from '../project/make-folder.js';
import { eventLine } from '../reporter/dbt-events.js';
import { activeFileLog } from '../reporter/file-log.js';
import { formatError, type OutputStream } from '../reporter/terminal.js';
import { jsonLogRequested } from './log-format.js';

/** Exit codes, as documented in the README (dbt's convention). */
export const EXIT = { ok: 0, nodeFailed: 1, usage: 2 } as const;

export { jsonLogRequested };

/** One error as the terminal names it, uncolored: `models/a.sql:3: message`. */
function errorText(message: string, file?: string | null, line?: number | null): string {
  return file ? `${file}${line ? `:${line}` : ''}: ${message}` : message;
}

/**
 * Writes dbt's `MainEncounteredError` event (Z002, level error: the event dbt fires when an error
 * stops a command, core/dbt/cli/requires.py) as one `--log-format json` line
 * (src/reporter/dbt-events.ts): `data.exc` is the error (`file:line: message`), `info.msg`
 * dbt's `Encountered an error:` and the error with its hint. Strings have secret values masked
 * before they are JSON-escaped (an escaped secret would slip past the output scrubber).
 */
export function writeJsonError(out: OutputStream, message: string, fields: { file?: string | null; line?: number | null; hint?: string | null } = {}): void {
  writeErrorEvent(out, [{ message, ...fields }]);
}

function writeErrorEvent(out: OutputStream, errors: { message: string; file?: string | null; line?: number | null; hint?: string | null }[]): void {
  const exc = errors.map((e) => errorText(e.message, e.file, e.line)).join('\n');
  const shown = errors.map((e) => `${errorText(e.message, e.file, e.line)}${e.hint ? `\n  ${e.hint}` : ''}`).join('\n');
  out.write(eventLine('MainEncounteredError', `Encountered an error:\n${shown}`, { exc }));
}

/**
 * `--log-format json`: the errors that stopped a command as one `MainEncounteredError` event
 * line (a group's errors joined by newlines), so machines reading stdout see why nothing ran, as
 * dbt reports them (core/dbt/cli/requires.py, `postflight`).
 */
export function writeJsonErrors(error: unknown, out: OutputStream): void {
  const errors = error instanceof DopsErrorGroup ? error.errors : [error];
  writeErrorEvent(
    out,
    errors.map((e) => {
      const known = e instanceof DopsError ? e : undefined;
      return { message: known?.message ?? `Internal error: ${(e as Error)?.message ?? String(e)}`, file: known?.location?.file, line: known?.location?.line, hint: known?.hint };
    }),
  );
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
