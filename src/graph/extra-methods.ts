import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import type { ManifestNode } from '../manifest/nodes.js';

/**
 * What the run-state selector methods compare against (docs.getdbt.com/reference/node-selection/methods):
 * the `--state` folder's `run_results.json` (for `result:`) and `sources.json` with this project's
 * `target/sources.json` (for `source_status:`).
 */
export interface RunState {
  /** unique id -> status in the state's run_results.json; undefined when it has none. */
  results?: ReadonlyMap<string, string>;
  /** Sources whose `max_loaded_at` is later in this target's sources.json than in the state's. */
  fresher?: ReadonlySet<string>;
  /** Why `fresher` is missing (which file was not found). */
  fresherMissing?: string;
}

function readJson(path: string): any {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new ConfigError(`Cannot read ${path} as JSON`);
  }
}

/**
 * Reads what `result:` and `source_status:` need.
 * @param stateDir the `--state` folder (resolved), or undefined
 * @param targetDir this project's target folder (absolute)
 */
export function readRunState(stateDir: string | undefined, targetDir: string): RunState {
  if (!stateDir) return {};
  const resultsFile = join(stateDir, 'run_results.json');
  const results = existsSync(resultsFile) ? new Map<string, string>((readJson(resultsFile).results ?? []).map((r: { unique_id: string; status: string }) => [r.unique_id, r.status])) : undefined;
  const before = join(stateDir, 'sources.json');
  const now = join(targetDir, 'sources.json');
  if (!existsSync(before) || !existsSync(now)) return { results, fresherMissing: existsSync(before) ? now : before };
  const loadedAt = (file: string) => new Map<string, string | null>((readJson(file).results ?? []).map((r: { unique_id: string; max_loaded_at: string | null }) => [r.unique_id, r.max_loaded_at]));
  const previous = loadedAt(before);
  const fresher = new Set<string>();
  for (const [id, at] of loadedAt(now)) {
    const was = previous.get(id);
    if (at && (!was || Date.parse(at) > Date.parse(was))) fresher.add(id);
  }
  return { results, fresher };
}

type Matcher = (node: ManifestNode, value: string) => boolean;

const RESULT_STATUSES = ['success', 'error', 'fail', 'warn', 'pass', 'skipped'];

/**
 * The selector methods beyond the graph's own: `result:`, `source_status:`, `group:`, `access:`,
 * `version:`. `exposure:` is handled by the selector itself (exposures are not graph nodes);
 * `unit_test:` by the unit-test selection.
 * @returns undefined for a method not handled here
 * @throws ConfigError when a method lacks its input (`--state` files) or is not supported
 */
export function extraMatcher(method: string, run: RunState | undefined): Matcher | undefined {
  switch (method) {
    case 'result': {
      const results = run?.results;
      if (!results) throw new ConfigError("The result: selector method needs --state DIR holding an earlier run's run_results.json");
      return (node, value) => {
        if (!RESULT_STATUSES.includes(value)) throw new ConfigError(`Unknown status in 'result:${value}'`, { hint: `Use one of: ${RESULT_STATUSES.join(', ')}.` });
        return results.get(node.uniqueId) === value;
      };
    }
    case 'source_status': {
      const fresher = run?.fresher;
      if (!fresher) throw new ConfigError(`The source_status: selector method needs sources.json in --state and in target/ (missing: ${run?.fresherMissing ?? '--state'})`, { hint: 'Run dops source freshness before and now; pass the earlier target folder as --state.' });
      return (node, value) => {
        if (value !== 'fresher') throw new ConfigError(`Unknown value in 'source_status:${value}'`, { hint: 'Use source_status:fresher.' });
        return fresher.has(node.uniqueId);
      };
    }
    case 'group':
      return (node, value) => node.config.group === value;
    case 'access':
      return (node, value) => node.resourceType === 'model' && String(node.config.access ?? 'protected') === value;
    case 'version':
      // docs.getdbt.com/reference/node-selection/methods#version: latest, prerelease (above the
      // latest), old (below it), none (unversioned models).
      return (node, value) => {
        if (!['latest', 'prerelease', 'old', 'none'].includes(value)) throw new ConfigError(`Unknown value in 'version:${value}'`, { hint: 'Use version:latest, prerelease, old or none.' });
        if (node.resourceType !== 'model') return false;
        const { version, latestVersion } = node as { version?: string; latestVersion?: string };
        if (version === undefined) return value === 'none';
        const order = compareVersions(version, latestVersion ?? version);
        return value === 'latest' ? order === 0 : value === 'prerelease' ? order > 0 : value === 'old' ? order < 0 : false;
      };
    default:
      return undefined;
  }
}

/** Orders two model versions as dbt does: numerically when both are numbers, else as text. */
function compareVersions(a: string, b: string): number {
  const [x, y] = [Number(a), Number(b)];
  if (!Number.isNaN(x) && !Number.isNaN(y)) return Math.sign(x - y);
  return a < b ? -1 : a > b ? 1 : 0;
}
