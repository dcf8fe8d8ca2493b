// Light: used by the commander program's preAction hook (src/cli/index.ts).
import { DOPS_VERSION } from '../version.js';
import { eventLine, levelShown, writeVersionHeader, type DbtEventName } from '../reporter/dbt-events.js';
import type { LogLevel } from '../reporter/terminal.js';

/** The event a command's own stdout text becomes with `--log-format json` (dbt's event for that output). */
const COMMAND_EVENTS: Record<string, DbtEventName> = { ls: 'PrintEvent', list: 'PrintEvent', debug: 'DebugCmdOut' };

let installed = false;

/**
 * `--log-format json` for any command: writes dbt's `MainReportVersion` event, then makes stdout
 * carry only event lines. What a command prints itself (`ls` lines, `debug` checks, `deps`
 * notes, `compile`'s count) becomes one event per write, its text (without surrounding newlines
 * or colors) as `info.msg` and `data.msg`: dbt's `PrintEvent` for `ls` (as dbt-core 1.10's list
 * task), `DebugCmdOut` for `debug`, `Note` otherwise
 * (https://docs.getdbt.com/reference/events-logging). Lines that already are events (the JSON
 * reporter's) pass unchanged. Once per process.
 * @param command the command's name (`ls`, `compile`, ...)
 * @param level `--log-level` (`-q`: `error`); `PrintEvent`s show at every level, as dbt's `print` output
 */
export function useJsonStdout(command: string, level: LogLevel): void {
  if (installed) return;
  installed = true;
  writeVersionHeader(process.stdout, DOPS_VERSION, level);
  const name = COMMAND_EVENTS[command] ?? 'Note';
  const stream = process.stdout;
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk).toString('utf8') : undefined;
    if (text === undefined || text.startsWith('{"info":')) return write(chunk, ...rest);
    // eslint-disable-next-line no-control-regex
    const msg = text.replace(/\x1b\[[0-9;]*m/g, '').replace(/^\n+|\n+$/g, '');
    if (!msg.trim() || (name !== 'PrintEvent' && !levelShown('info', level))) return write('', ...rest);
    return write(eventLine(name, msg, { msg }), ...rest);
  }) as typeof stream.write;
}
