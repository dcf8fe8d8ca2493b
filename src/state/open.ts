import type { Connection } from '../adapter/adapter.js';
import type { LoadedProject } from '../api/project.js';
import type { SelectOptions } from '../api/options.js';
import { dirname } from 'node:path';
import { resolveSelection } from '../api/selection.js';
import { unmatchedCriteria } from '../api/selection-check.js';
import { envVarsReadSoFar } from '../config/vars.js';
import { externalTarget } from '../materializations/external.js';
import { rawProjectFile } from '../project/packages.js';
import { readHooks } from '../runner/hooks.js';
import type { NodeResult } from '../runner/results.js';
import { BuildState, type ReuseMode } from './build-state.js';
import { localDatabaseFile, prepareBuildStamp, type PendingStamp } from './build-stamp.js';
import { filesVersion } from './data-version.js';

export { sealBuildStamp } from './build-stamp.js';

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

/**
 * The build stamp of a finished run (see src/state/build-stamp.ts), when the run qualifies: the
 * target is a local DuckDB file without attached databases, the project has no on-run-start /
 * on-run-end hooks, every selection criterion matches a node, and the build records say the next identical run would reuse every node.
 * Write it with {@link sealBuildStamp} once the database is closed.
 */
export function prepareRunStamp(project: LoadedProject, options: SelectOptions, command: string, state: BuildState | undefined, results: NodeResult[], args: Record<string, unknown>): PendingStamp | undefined {
  const { config, target, manifest } = project;
  if (!state?.stable || target.type !== 'duckdb' || target.attach?.length) return undefined;
  if (!results.every((r) => r.status === 'success' || r.status === 'pass' || r.status === 'warn')) return undefined;
  // A criterion matching nothing warns on every run: the stamp would not repeat it.
  if (unmatchedCriteria(project, resolveSelection(project, options)).length) return undefined;
  const raw = rawProjectFile(config.projectDir);
  if (readHooks(raw['on-run-start'], 'dbt_project.yml').length || readHooks(raw['on-run-end'], 'dbt_project.yml').length) return undefined;
  const lakePath = target.externalRoot ?? config.lakePath ?? 'lake';
  const external: string[] = [];
  for (const result of results) {
    const node = manifest.get(result.uniqueId);
    // An external model's view reads files under its folder: a file deleted by hand means a rebuild.
    if (node.resourceType === 'model' && node.config.materialized === 'external') external.push(`${dirname(externalTarget(node, config.projectDir, lakePath).path)}/**`);
  }
  return prepareBuildStamp(options, command, true, {
    projectDir: config.projectDir,
    targetPath: config.targetPath,
    inputs: project.inputs,
    testPaths: config.testPaths,
    databaseFile: localDatabaseFile(target.path, config.projectDir),
    env: envVarsReadSoFar(),
    dataLocations: [...state.dataLocations, ...external],
    version: filesVersion,
    warnings: project.warnings,
    threads: options.threads ?? target.threads,
    target: target.name,
    nodes: manifest.nodes.values(),
    results,
    args,
  });
}
