import type { ResourceType } from '../manifest/nodes.js';

/**
 * A command that runs nodes, declared as data: its name (recorded in run_results `args`) and the
 * resource types it selects. Every path that runs a command (the API, `dops retry`, watch mode)
 * reads these, so they cannot drift apart.
 */
export interface RunCommand {
  readonly name: 'build' | 'run' | 'test' | 'seed' | 'snapshot';
  readonly resourceTypes: readonly ResourceType[];
}

/** The node-running commands (dbt's: https://docs.getdbt.com/reference/commands/build). */
export const RUN_COMMANDS = {
  build: { name: 'build', resourceTypes: ['seed', 'model', 'snapshot', 'test', 'unit_test'] },
  run: { name: 'run', resourceTypes: ['model'] },
  test: { name: 'test', resourceTypes: ['test', 'unit_test'] },
  seed: { name: 'seed', resourceTypes: ['seed'] },
  snapshot: { name: 'snapshot', resourceTypes: ['snapshot'] },
} as const satisfies Record<string, RunCommand>;
