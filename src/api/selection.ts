import { join, resolve } from 'node:path';
import { engineInfo } from '../adapter/registry.js';
import { manifestJson } from '../artifacts/manifest.js';
import { ConfigError } from '../errors.js';
import { INDIRECT_SELECTION_MODES, type SelectionOptions } from '../graph/selector.js';
import { loadSelectors, namedSelector } from '../graph/selectors-file.js';
import { readRunState } from '../graph/extra-methods.js';
import { compareWithState, readStateManifest, type StateManifest } from '../graph/state.js';
import type { SelectOptions } from './options.js';
import type { LoadedProject } from './project.js';

/**
 * `metadata` keys dops adds to manifest.json: the target it was built for, so a later
 * `--state` / `--defer` run knows which database holds these relations.
 */
export function manifestMetadata(project: LoadedProject): Record<string, unknown> {
  const { path, type, name, schema } = project.target;
  const file = engineInfo(type)?.databaseFile(project.target, project.config.projectDir);
  // Server engines record no file (and never credentials).
  if (type !== 'duckdb') return { project_name: project.config.name, target: { name, type, schema } };
  const absolute = path === ':memory:' ? undefined : file;
  return { project_name: project.config.name, target: { name, type, schema, database_path: path, database_path_absolute: absolute } };
}

const loaded = new WeakMap<SelectOptions, StateManifest>();

/**
 * Reads `--state`, when given, once per options object: the first read must happen before this
 * run writes its own manifest.json, in case `--state` points at this project's target folder.
 * @throws ConfigError when the folder has no manifest.json
 */
export function loadState(options: SelectOptions): StateManifest | undefined {
  if (!options.state) return undefined;
  const known = loaded.get(options);
  if (known) return known;
  const state = readStateManifest(options.state);
  loaded.set(options, state);
  return state;
}

/**
 * Turns a command's options into what the selector evaluates: resolves `--selector` (or the
 * `default: true` selector when nothing is selected) from selectors.yml, and compares with `--state`.
 * @throws ConfigError for `--select` with `--selector`, an unknown selector, a bad
 *   `--indirect-selection`, or `--defer` without `--state`
 */
export function resolveSelection(project: LoadedProject, options: SelectOptions, state = loadState(options)): SelectionOptions {
  if (options.selector && options.select?.length) throw new ConfigError('Use either --select or --selector, not both');
  if (options.indirectSelection && !INDIRECT_SELECTION_MODES.includes(options.indirectSelection)) {
    throw new ConfigError(`Unknown --indirect-selection '${options.indirectSelection}'`, { hint: `Use one of: ${INDIRECT_SELECTION_MODES.join(', ')}.` });
  }
  if (options.defer && !options.state) throw new ConfigError('--defer needs --state DIR (the folder of the production manifest.json)');
  const selectors = loadSelectors(project.config.projectDir);
  const fallback = !options.selector && !options.select?.length ? [...selectors.values()].find((s) => s.isDefault) : undefined;
  const selectorDefinition = options.selector ? namedSelector(selectors, options.selector) : fallback?.definition;
  const comparison = state ? compareWithState(manifestJson(project.manifest), state) : undefined;
  const runState = state ? readRunState(state.dir, join(project.config.projectDir, project.config.targetPath)) : undefined;
  return { select: options.select, exclude: options.exclude, selectorDefinition, indirectSelection: options.indirectSelection, stateSelection: comparison, runState };
}

/** Resolves a user-given path (e.g. `--junit`) against the current directory. */
export function userPath(path: string): string {
  return resolve(process.cwd(), path);
}
