import type { OutputStream } from './terminal.js';

let enabled = !['0', 'false', 'False'].includes(process.env.DOPS_PRINT ?? '');
let stream: OutputStream = process.stdout;

/**
 * `--print` / `--no-print` (dbt's flags, also `DOPS_PRINT=0`): whether `{{ print() }}` in templates
 * writes anything. `--quiet` does not silence it (docs.getdbt.com/reference/global-configs/print-output).
 */
export function setPrintEnabled(on: boolean, out: OutputStream = process.stdout): void {
  enabled = on;
  stream = out;
}

let printed = 0;

/** How many `print()` calls templates have made in this process (whether or not printing is on). */
export function printCount(): number {
  return printed;
}

/** Writes a template's `print()` text and a newline, unless printing is off. */
export function userPrint(text: string): void {
  printed++;
  if (enabled) stream.write(`${text}\n`);
}
