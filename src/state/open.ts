import type { Connection } from '../adapter/adapter.js';
import type { LoadedProject } from '../api/project.js';
import type { SelectOptions } from '../api/options.js';
import { BuildState, type ReuseMode } from './build-state.js';

/**
 * How a command uses the build records: `--empty` and `--defer` build relations that do not
 * reflect this target's inputs, so their records are forgotten; `--no-reuse`, `--full-refresh`
 * and `dops test` run everything but record it; other runs reuse unchanged nodes.
 */
export function reuseMode(options: SelectOptions, command: string): ReuseMode {
  if (options.empty || options.defer) return 'forget';
  if (options.reuse === false || options.fullRefresh || command === 'test') return 'record';
  return 'reuse';
}

/**
 * Opens the target's build records for a run (see {@link BuildState}).
 * @returns undefined when the record table cannot be created or read (the run then builds
 *   everything, after one warning)
 */
export async function openBuildState(project: LoadedProject, connection: Connection, options: SelectOptions, command: string): Promise<BuildState | undefined> {
  try {
    return await BuildState.open(project.manifest, connection, project.target.schema, reuseMode(options, command), project.config.projectDir);
  } catch (error) {
    const first = String((error as Error)?.message ?? error).split('\n')[0];
    options.reporter?.warnings?.([`State-aware builds are off for this run: cannot read the build records (${first})`]);
    return undefined;
  }
}
