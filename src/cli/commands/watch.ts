import { InvalidArgumentError, type Command } from 'commander';
import { EXIT } from '../exit.js';
import { toApiOptions, withSelectFlags, type CliFlags } from '../options.js';

/** Flags of `dops watch` (and `dops build --watch`). */
export interface WatchFlags extends CliFlags {
  debounce?: number;
}

function milliseconds(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number of milliseconds');
  return n;
}

/** Adds watch mode's own flags. */
export function withWatchFlags(command: Command): Command {
  return command.option('--debounce <ms>', 'quiet time after the last save before a rebuild (default 100)', milliseconds);
}

/**
 * Runs a watch session until SIGINT or SIGTERM: the running node finishes, the database is closed,
 * and the exit code is 0. A second signal exits at once.
 * @returns the exit code
 * @throws DopsError when the session cannot start (bad project file or selector, database in use)
 */
export async function runWatch(flags: WatchFlags): Promise<number> {
  // Loaded on demand, like the other commands' API.
  const api = await import('../../api/watch.js');
  let session: Awaited<ReturnType<typeof api.watch>> | undefined;
  let stopping = false;
  const stop = () => {
    if (stopping) {
      process.stderr.write('[watch] stopping at once\n');
      process.exit(130);
    }
    stopping = true;
    process.stdout.write('\n[watch] stopping after the running node (Ctrl-C again to force)\n');
    void session?.close();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    session = await api.watch({
      ...toApiOptions(flags),
      debounceMs: flags.debounce,
      watchReporter: new api.TerminalWatchReporter(process.stdout, process.stderr, Boolean(flags.debug)),
    });
    if (stopping) void session.close();
    await session.closed;
    return EXIT.ok;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

/** Registers `watch`: build the selection, then rebuild what each save touches. */
export function registerWatch(program: Command): void {
  withWatchFlags(withSelectFlags(program.command('watch').description('build, then rebuild what each save touches and run its tests (Ctrl-C to stop)'))).action(
    async (flags: WatchFlags) => {
      process.exitCode = await runWatch(flags);
    },
  );
}
