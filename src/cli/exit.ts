import { ConfigError, DopsError, DopsErrorGroup } from '../errors.js';
import { fsReason } from '../project/make-folder.js';
import { activeFileLog } from '../reporter/file-log.js';
import { formatError, type OutputStream } from '../reporter/terminal.js';

/** Exit codes, as documented in the README (dbt's convention). */
export const EXIT = { ok: 0, nodeFailed: 1, usage: 2 } as const;

/** True when the command line asks for `--log-format json` (read before commander has parsed it). */
export function jsonLogRequested(argv: string[]): boolean {
  const at = argv.indexOf('--log-format');
  return argv.includes('--log-format=json') || (at >= 0 && argv[at + 1] === 'json');
}

/**
 * `--log-format json`: the errors that stopped a command, one `error` event per line (the same
 * shape as the JSON reporter's events), so machines reading stdout see why nothing ran.
 */
export function writeJsonErrors(error: unknown, out: OutputStream): void {
  const errors = error instanceof DopsErrorGroup ? error.errors : [error];
  for (const e of errors) {
    const known = e instanceof DopsError ? e : undefined;
    out.write(`${JSON.stringify({
      ts: new Date().toISOString(),
      event: 'error',
      level: 'error',
      message: known?.message ?? `Internal error: ${(e as Error)?.message ?? String(e)}`,
      file: known?.location?.file ?? null,
      line: known?.location?.line ?? null,
      hint: known?.hint ?? null,
    })}\n`);
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
