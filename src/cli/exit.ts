import { DopsError } from '../errors.js';
import { formatError, type OutputStream } from '../reporter/terminal.js';

/** Exit codes, as documented in the README (dbt's convention). */
export const EXIT = { ok: 0, nodeFailed: 1, usage: 2 } as const;

/**
 * The CLI's single error boundary: prints a user error as one short message (a stack only with
 * `--debug`) and returns the exit code: 2 for project and usage errors and for crashes.
 */
export function reportFailure(error: unknown, stderr: OutputStream, debug: boolean): number {
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
