import { isPlainObject } from './yaml-file.js';

/**
 * A node's resolved config, as dbt's `config` object: the built-in keys below plus any other key a
 * user sets (kept as-is so later features and custom macros can read them).
 */
export interface NodeConfig {
  /** `view` | `table` | `ephemeral` | `seed` | `test` (more kinds come with later materializations). */
  materialized: string;
  /** Schema of the relation; undefined means the target's schema. Used as-is (see README). */
  schema?: string;
  /** Relation name; undefined means the node name. */
  alias?: string;
  tags: string[];
  enabled: boolean;
  /** Tests only: `error` fails the node, `warn` reports and carries on. */
  severity?: 'error' | 'warn';
  /** Tests only: a SQL filter applied to the tested relation. */
  where?: string;
  /** Seeds only: column name -> DuckDB type overriding inferred types. */
  column_types?: Record<string, string>;
  [key: string]: unknown;
}

/** Config keys recognised without a `+` prefix in project-file folder trees (as dbt does). */
export const KNOWN_KEYS = new Set([
  'materialized', 'schema', 'alias', 'tags', 'enabled', 'severity', 'where', 'column_types', 'database',
  'meta', 'docs', 'full_refresh', 'unique_key', 'incremental_strategy', 'on_schema_change', 'store_failures',
  'limit', 'warn_if', 'error_if', 'quote_columns', 'delimiter', 'location', 'partition_by', 'pre-hook', 'post-hook',
]);

const HOOK_KEYS: Record<string, string> = { pre_hook: 'pre-hook', 'pre-hook': 'pre-hook', post_hook: 'post-hook', 'post-hook': 'post-hook' };

function toTags(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/**
 * Merges config layers, later layers winning key by key, except `tags`, which accumulate
 * (dbt's rule: tags are additive across project file, properties and `config()`).
 * @param layers partial configs, lowest precedence first
 * @returns a new object; inputs are not modified
 */
export function mergeConfig(...layers: Record<string, unknown>[]): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  const tags: string[] = [];
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      if (key === 'tags') tags.push(...toTags(value));
      // Hooks accumulate too, outermost first, under dbt's names `pre-hook` / `post-hook`
      // (https://docs.getdbt.com/reference/resource-configs/pre-hook-post-hook).
      else if (Object.hasOwn(HOOK_KEYS, key) && value !== undefined && value !== null) merged[HOOK_KEYS[key]] = [...((merged[HOOK_KEYS[key]] as unknown[]) ?? []), ...(Array.isArray(value) ? value : [value])];
      else if (value !== undefined) merged[key] = value;
    }
  }
  merged.tags = [...new Set(tags)];
  return merged;
}

function configsAtLevel(level: Record<string, unknown>): Record<string, unknown> {
  const configs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(level)) {
    if (key.startsWith('+')) configs[key.slice(1)] = value;
    else if (KNOWN_KEYS.has(key) && !isPlainObject(value)) configs[key] = value;
    else if (KNOWN_KEYS.has(key) && key === 'column_types') configs[key] = value;
  }
  return configs;
}

/**
 * Collects the project-file config that applies to a node, walking the folder tree along its path.
 * Accepts trees keyed by project name first (dbt's shape) or by folder directly.
 * @param tree the `models:` / `seeds:` / `tests:` mapping of the project file
 * @param projectName the project's name
 * @param segments folders below the resource path, then the node name (e.g. `['staging', 'stg_a']`)
 * @returns config layers, outermost first (pass them to {@link mergeConfig})
 */
export function folderConfigLayers(tree: Record<string, unknown>, projectName: string, segments: string[]): Record<string, unknown>[] {
  const layers = [configsAtLevel(tree)];
  const walk = (start: Record<string, unknown>) => {
    let level: unknown = start;
    for (const segment of segments) {
      level = isPlainObject(level) ? level[segment] : undefined;
      if (!isPlainObject(level)) return;
      layers.push(configsAtLevel(level));
    }
  };
  if (isPlainObject(tree[projectName])) {
    layers.push(configsAtLevel(tree[projectName] as Record<string, unknown>));
    walk(tree[projectName] as Record<string, unknown>);
  } else {
    walk(tree);
  }
  return layers;
}

/**
 * Builds a full {@link NodeConfig} from merged layers, filling defaults.
 * @param merged output of {@link mergeConfig}
 * @param defaultMaterialized the kind for this resource type (`view` for models, `seed`, `test`)
 */
export function finalizeConfig(merged: Record<string, unknown>, defaultMaterialized: string): NodeConfig {
  // A copy by Object.assign, then keys stored by name: V8 adds keys to an object made by spread
  // (`{ ...merged, materialized }`) through a slow runtime path, ~1 us a key, and every node's
  // config is built here (the same keys, in the same order, as that literal).
  const config = Object.assign({}, merged) as NodeConfig;
  config.materialized = String(merged.materialized ?? defaultMaterialized);
  config.schema = merged.schema === undefined || merged.schema === null ? undefined : String(merged.schema);
  config.alias = merged.alias === undefined || merged.alias === null ? undefined : String(merged.alias);
  config.tags = toTags(merged.tags);
  config.enabled = merged.enabled === undefined ? true : merged.enabled !== false && merged.enabled !== 'false';
  config.severity = merged.severity === undefined ? undefined : String(merged.severity).toLowerCase() === 'warn' ? 'warn' : 'error';
  config.where = merged.where === undefined || merged.where === null ? undefined : String(merged.where);
  return config;
}

const STRING_KEYS = new Set(['materialized', 'schema', 'alias', 'database', 'incremental_strategy', 'on_schema_change', 'where', 'access', 'group', 'location', 'format']);

/**
 * What is wrong with one config value, as dbt's config schema would reject it
 * (https://docs.getdbt.com/reference/configs-and-properties): `materialized: [table]`,
 * `severity: fatal`, `enabled: maybe`, `tags: {a: 1}`. Values still holding Jinja are not judged.
 * @param key the config key without its `+`
 * @returns a short message, or undefined when the value is fine
 */
export function configProblem(key: string, value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string' && (value.includes('{{') || value.includes('{%'))) return undefined;
  if (STRING_KEYS.has(key) && typeof value !== 'string') return `'${key}' must be a string, got ${JSON.stringify(value)}`;
  if (key === 'severity' && !/^(warn|error)$/i.test(String(value))) return `'severity' must be 'warn' or 'error', got '${String(value)}'`;
  if ((key === 'enabled' || key === 'full_refresh' || key === 'store_failures') && typeof value !== 'boolean' && !/^(true|false)$/i.test(String(value))) {
    return `'${key}' must be true or false, got ${JSON.stringify(value)}`;
  }
  if (key === 'tags' && typeof value !== 'string' && !(Array.isArray(value) && value.every((v) => typeof v === 'string'))) return `'tags' must be a string or a list of strings`;
  if ((key === 'meta' || key === 'docs' || key === 'column_types') && !isPlainObject(value)) return `'${key}' must be a mapping`;
  if (key === 'access' && !['private', 'protected', 'public'].includes(String(value))) return `'access' must be private, protected or public, got '${String(value)}'`;
  return undefined;
}
