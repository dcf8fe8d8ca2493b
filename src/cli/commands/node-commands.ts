import type { Command } from 'commander';
import type { RunOutcome } from '../../api/execute.js';
import type { SelectOptions } from '../../api/options.js';
import { EXIT } from '../exit.js';
import { toApiOptions, withRunFlags, withSelectFlags, type CliFlags } from '../options.js';
import { runDocsGenerate } from './docs.js';
import { runWatch, withWatchFlags, type WatchFlags } from './watch.js';

type Api = typeof import('../../api/commands.js');

const COMMANDS: [string, string, (api: Api) => (options: SelectOptions) => Promise<RunOutcome>][] = [
  ['build', 'seed, run and test selected nodes in DAG order', (api) => api.build],
  ['run', 'build selected models', (api) => api.run],
  ['test', 'run data tests on built relations', (api) => api.test],
  ['seed', 'load CSV seeds into tables', (api) => api.seed],
  ['snapshot', 'record changes of snapshotted relations (type 2 history)', (api) => api.snapshot],
];

/** Registers `build`, `run`, `test` and `seed`: run nodes, exit 1 when one failed. */
export function registerNodeCommands(program: Command): void {
  for (const [name, description, action] of COMMANDS) {
    const command = withRunFlags(withSelectFlags(program.command(name).description(description)));
    if (name === 'build') withWatchFlags(command.option('--watch', 'keep watching: rebuild what each save touches (as `dops watch`)'));
    if (name === 'build') command.option('--docs', 'regenerate the docs site (dops docs generate) at the end of the build');
    command.action(async (flags: CliFlags & WatchFlags & { watch?: boolean; docs?: boolean }) => {
      if (flags.watch) {
        process.exitCode = await runWatch(flags);
        return;
      }
      const options = toApiOptions(flags);
      // Nothing changed since a build that reused every node: report it again without loading the project.
      const stamp = await import('../../state/build-stamp.js');
      const version = (await import('../../state/data-version.js')).filesVersion;
      // The API (and the modules behind it) loads only when a command runs, so --help stays instant.
      const outcome = stamp.replayUpToDateBuild(options, name, version) ?? (await action(await import('../../api/commands.js'))(options));
      process.exitCode = outcome.success ? EXIT.ok : EXIT.nodeFailed;
      if (flags.docs) await runDocsGenerate(flags);
    });
  }
}
