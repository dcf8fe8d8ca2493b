import { closestNames } from './similar.js';

/**
 * The keys dbt 1.10 accepts in each kind of properties-YAML entry
 * (https://docs.getdbt.com/reference/model-properties, /seed-properties, /snapshot-properties,
 * /source-properties, /column-properties, /resource-properties/versions). A key outside its set
 * gets a warning with the closest known key.
 */
export const PROPERTY_KEYS = {
  file: ['version', 'models', 'seeds', 'sources', 'snapshots', 'analyses', 'macros', 'exposures', 'metrics', 'semantic_models', 'saved_queries', 'groups', 'unit_tests'],
  model: ['name', 'description', 'docs', 'latest_version', 'deprecation_date', 'access', 'config', 'constraints', 'data_tests', 'tests', 'columns', 'versions', 'meta', 'tags', 'group', 'time_spine'],
  version: ['v', 'defined_in', 'description', 'docs', 'access', 'config', 'constraints', 'data_tests', 'tests', 'columns', 'deprecation_date', 'meta', 'tags', 'group'],
  seed: ['name', 'description', 'docs', 'config', 'data_tests', 'tests', 'columns', 'meta', 'tags', 'group'],
  snapshot: ['name', 'description', 'docs', 'config', 'data_tests', 'tests', 'columns', 'meta', 'tags', 'group', 'relation'],
  column: ['name', 'description', 'data_type', 'meta', 'tags', 'quote', 'constraints', 'data_tests', 'tests', 'granularity', 'docs', 'policy_tags', 'config', 'include', 'exclude'],
  source: ['name', 'description', 'database', 'schema', 'loader', 'loaded_at_field', 'loaded_at_query', 'meta', 'tags', 'config', 'overrides', 'freshness', 'quoting', 'tables'],
  table: ['name', 'description', 'meta', 'identifier', 'loaded_at_field', 'loaded_at_query', 'data_tests', 'tests', 'tags', 'freshness', 'quoting', 'external', 'columns', 'config'],
} as const;

/** Top-level property-file keys another part of dops reads (exposures, groups, ...), or none yet. */
export const OTHER_TOP_KEYS = new Set(['analyses', 'macros', 'exposures', 'metrics', 'semantic_models', 'saved_queries', 'groups', 'unit_tests']);

/**
 * Warnings for keys of a YAML entry that dbt does not know.
 * @param where e.g. `model 'orders'`, for the message
 * @param lineOf the line of a key of the entry
 * @returns one `file:line: ...` message per unknown key, with a did-you-mean when one is close
 */
export function unknownKeyWarnings(entry: Record<string, unknown>, kind: keyof typeof PROPERTY_KEYS, where: string, file: string, lineOf: (key: string) => number | undefined): string[] {
  const known: readonly string[] = PROPERTY_KEYS[kind];
  const warnings: string[] = [];
  for (const key of Object.keys(entry)) {
    if (known.includes(key)) continue;
    const close = closestNames(key, known, 1);
    warnings.push(`${file}:${lineOf(key) ?? 1}: unknown key '${key}' in ${where}${close.length ? ` (did you mean '${close[0]}'?)` : ''}; it is ignored`);
  }
  return warnings;
}
