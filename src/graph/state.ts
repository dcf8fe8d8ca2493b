import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { ManifestJson } from '../artifacts/manifest.js';
import { ConfigError } from '../errors.js';
import type { Relation } from '../manifest/nodes.js';
import type { StateSelection } from './selector.js';

/** The target an earlier manifest was built for, as its `metadata.target` records it. */
export interface StateTarget {
  name: string;
  schema: string;
  /** The database file as configured (relative to that project dir), or `:memory:`. */
  databasePath: string;
  /** The same file resolved when the manifest was written. */
  databasePathAbsolute?: string;
}

/** An earlier run's manifest.json, read from `--state DIR`. */
export interface StateManifest {
  /** The folder given to `--state`, resolved. */
  dir: string;
  json: ManifestJson;
  target?: StateTarget;
}

/**
 * Reads `DIR/manifest.json` for `--state` (dbt's state comparison and `--defer`).
 * @param dir the state folder, relative to `cwd`
 * @throws ConfigError when the folder holds no readable manifest.json
 */
export function readStateManifest(dir: string, cwd = process.cwd()): StateManifest {
  const folder = resolve(cwd, dir);
  const file = join(folder, 'manifest.json');
  if (!existsSync(file)) {
    throw new ConfigError(`No manifest.json in the state folder ${dir}`, { hint: 'Point --state at the target/ folder of an earlier run (e.g. production\'s), copied somewhere safe.' });
  }
  let json: ManifestJson;
  try {
    json = JSON.parse(readFileSync(file, 'utf8')) as ManifestJson;
  } catch (error) {
    throw new ConfigError(`Cannot read ${join(dir, 'manifest.json')}: ${(error as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || typeof json.nodes !== 'object') throw new ConfigError(`${join(dir, 'manifest.json')} is not a dops manifest`);
  const raw = (json.metadata?.target ?? undefined) as Record<string, unknown> | undefined;
  const target = raw && typeof raw.database_path === 'string'
    ? { name: String(raw.name), schema: String(raw.schema), databasePath: raw.database_path, databasePathAbsolute: typeof raw.database_path_absolute === 'string' ? raw.database_path_absolute : undefined }
    : undefined;
  return { dir: folder, json: { ...json, sources: json.sources ?? {}, macros: json.macros ?? {} }, target };
}

/** JSON with object keys sorted, so equal values give equal text. */
function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().filter((k) => (value as Record<string, unknown>)[k] !== undefined).map((k) => `${JSON.stringify(k)}:${stable((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

type JsonNode = Record<string, any>;

/** The parts of a node `state:modified.<part>` can ask about (dbt's sub-selectors, plus `columns`). */
export const MODIFIED_ASPECTS = ['body', 'configs', 'columns', 'macros'] as const;

/** One of {@link MODIFIED_ASPECTS}. */
export type ModifiedAspect = (typeof MODIFIED_ASPECTS)[number];

/**
 * What `state:modified` compares for one node, by part (dbt's rules): `body` the SQL or file
 * checksum, test arguments and lake location; `configs` the config; `columns` the documented
 * columns; `macros` the checksum of every macro it calls. Target-dependent values (the default
 * schema) are left out on purpose, so a CI target compares cleanly with production.
 */
function fingerprint(node: JsonNode, macros: Record<string, JsonNode>): Record<ModifiedAspect, string> {
  const macroChecksums = ((node.depends_on?.macros ?? []) as string[]).map((id) => [id, macros[id]?.checksum?.checksum ?? null]);
  return {
    body: stable({ checksum: node.checksum?.checksum, test_metadata: node.test_metadata, external_location: node.external_location }),
    configs: stable(node.config),
    columns: stable(node.columns),
    macros: stable(macroChecksums),
  };
}

/**
 * Compares the current project with an earlier manifest (dbt's `state:new` / `state:modified`).
 * A node is modified when its SQL (or seed file), config, columns, test arguments or a macro it
 * uses (directly or through other macros) changed; new nodes count as modified too, as in dbt.
 * `aspects` says which parts changed, for `state:modified.body` and friends.
 * @param current this project's manifest.json content ({@link manifestJson})
 */
export function compareWithState(current: ManifestJson, state: StateManifest): StateSelection {
  const added = new Set<string>();
  const modified = new Set<string>();
  const aspects = new Map<string, Set<string>>();
  const before = { ...state.json.nodes, ...state.json.sources };
  for (const [id, node] of Object.entries({ ...current.nodes, ...current.sources })) {
    const old = before[id];
    if (!old) {
      added.add(id);
      modified.add(id);
      aspects.set(id, new Set(MODIFIED_ASPECTS));
      continue;
    }
    const now = fingerprint(node, current.macros);
    const then = fingerprint(old, state.json.macros);
    const changed = new Set(MODIFIED_ASPECTS.filter((aspect) => now[aspect] !== then[aspect]));
    if (changed.size) {
      modified.add(id);
      aspects.set(id, changed);
    }
  }
  return { new: added, modified, aspects };
}

/** The relation a node had in the state's target, or undefined when the state does not know it. */
export function stateRelation(state: StateManifest, uniqueId: string): Relation | undefined {
  const node = state.json.nodes[uniqueId] as JsonNode | undefined;
  if (!node || typeof node.schema !== 'string' || typeof node.alias !== 'string') return undefined;
  return { schema: node.schema, identifier: node.alias };
}

/**
 * The state target's DuckDB file: the absolute path recorded when it was written if that file
 * exists here, else the configured path resolved against `projectDir`.
 * @throws ConfigError when the manifest records no target or the file cannot be found
 */
export function stateDatabaseFile(state: StateManifest, projectDir: string): string {
  const target = state.target;
  if (!target) throw new ConfigError(`The state manifest in ${state.dir} records no target database`, { hint: 'Write it with this version of dops (dops build, run or compile).' });
  if (target.databasePath === ':memory:') throw new ConfigError(`The state manifest was built on an in-memory database; --defer needs a database file`);
  if (target.databasePathAbsolute && existsSync(target.databasePathAbsolute)) return target.databasePathAbsolute;
  const local = isAbsolute(target.databasePath) ? target.databasePath : join(projectDir, target.databasePath);
  if (existsSync(local)) return local;
  throw new ConfigError(`Cannot find the state's database ${target.databasePath} (target '${target.name}')`, {
    hint: `Put the production database at ${local}, or build the state manifest where CI can read its database.`,
  });
}
