import { KNOWN_KEYS } from '../config/node-config.js';
import type { ProjectConfig } from '../config/project-config.js';
import { isPlainObject } from '../config/yaml-file.js';
import type { ManifestNode } from '../manifest/nodes.js';

/** Project-file tree -> the resource types its paths match. */
const TREES: [keyof ProjectConfig['folderConfig'], string[]][] = [
  ['models', ['model']],
  ['seeds', ['seed']],
  ['snapshots', ['snapshot']],
  ['tests', ['test']],
  ['sources', ['source']],
];

const isConfigKey = (key: string, value: unknown) => key.startsWith('+') || (KNOWN_KEYS.has(key) && (!isPlainObject(value) || key === 'column_types'));

/** Whether a folder's subtree sets any config (dbt-core's `_get_config_paths` skips empty mappings). */
function setsConfig(tree: Record<string, unknown>): boolean {
  return Object.entries(tree).some(([key, value]) => isConfigKey(key, value) || !isPlainObject(value) || setsConfig(value as Record<string, unknown>));
}

/**
 * Every folder path of a config tree that sets a config somewhere below it: keys that are not
 * configs (`+x` or a known config key). An empty mapping (a package's own tree, `codegen: {}`,
 * when its project file configures nothing) is no path.
 */
function treePaths(tree: unknown, prefix: string[], out: string[][]): void {
  if (!isPlainObject(tree)) return;
  for (const [key, value] of Object.entries(tree)) {
    if (isConfigKey(key, value)) continue;
    if (!isPlainObject(value) || !setsConfig(value as Record<string, unknown>)) continue;
    const path = [...prefix, key];
    out.push(path);
    treePaths(value, path, out);
  }
}

function startsWith(fqn: string[], path: string[]): boolean {
  return path.length <= fqn.length && path.every((part, i) => fqn[i] === part);
}

/**
 * dbt's "Configuration paths exist in your dbt_project.yml file which do not apply to any
 * resources" (https://docs.getdbt.com/reference/node-selection/configs... and
 * https://docs.getdbt.com/reference/dbt_project.yml): the folder paths of the `models:`,
 * `seeds:`, `snapshots:`, `tests:` and `sources:` trees that match no node's fqn. Trees keyed by
 * folder directly (dops' older shape) are matched without the project name.
 * @returns one warning naming the file and the unused paths, or none
 */
export function unusedConfigPaths(project: ProjectConfig, nodes: ManifestNode[]): string[] {
  const unused: string[] = [];
  for (const [key, types] of TREES) {
    const paths: string[][] = [];
    treePaths(project.folderConfig[key], [], paths);
    if (!paths.length) continue;
    const fqns = nodes.filter((node) => types.includes(node.resourceType)).map((node) => node.fqn);
    for (const path of paths) {
      const used = fqns.some((fqn) => startsWith(fqn, path) || (path[0] !== project.name && startsWith(fqn.slice(1), path)));
      const parentUnused = unused.includes(`${key}.${path.slice(0, -1).join('.')}`);
      if (!used && !parentUnused) unused.push(`${key}.${path.join('.')}`);
    }
  }
  if (!unused.length) return [];
  const file = project.projectFile ?? 'dbt_project.yml';
  return [`${file}: Configuration paths exist in your ${file} file which do not apply to any resources: ${unused.join(', ')}`];
}
