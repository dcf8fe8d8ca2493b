import { isPlainObject, parseYamlWithLines } from '../config/yaml-file.js';
import { DopsError, ParseError } from '../errors.js';
import type { ExtraRef, Manifest } from '../manifest/manifest.js';
import type { ManifestNode } from '../manifest/nodes.js';
import type { ProjectFile } from '../project/files.js';

/**
 * Resources dbt parses into manifest.json but dops does not execute: exposures
 * (https://docs.getdbt.com/docs/build/exposures), groups (https://docs.getdbt.com/docs/build/groups),
 * semantic models, metrics and saved queries (https://docs.getdbt.com/docs/build/semantic-models,
 * https://docs.getdbt.com/docs/build/metrics-overview, https://docs.getdbt.com/docs/build/saved-queries).
 */

/** The manifest.json keys these resources go under, with the YAML key and unique-id prefix of each. */
export const EXTRA_RESOURCES = [
  { yaml: 'exposures', manifest: 'exposures', type: 'exposure' },
  { yaml: 'groups', manifest: 'groups', type: 'group' },
  { yaml: 'semantic_models', manifest: 'semantic_models', type: 'semantic_model' },
  { yaml: 'metrics', manifest: 'metrics', type: 'metric' },
  { yaml: 'saved_queries', manifest: 'saved_queries', type: 'saved_query' },
] as const;

/** One parsed entry: its manifest.json object plus the `ref()` / `source()` calls to resolve. */
export interface ExtraResource {
  key: (typeof EXTRA_RESOURCES)[number]['manifest'];
  json: Record<string, unknown>;
  refs: { call: string; file: string; line?: number }[];
}

const HAS_KEY = /^(exposures|groups|semantic_models|metrics|saved_queries)\s*:/m;

/**
 * Reads exposures, groups, semantic models, metrics and saved queries from property files.
 * @returns the entries and the problems found (an entry without a name, a non-list key)
 */
export function readExtraResources(files: ProjectFile[], packageName: string): { resources: ExtraResource[]; errors: DopsError[] } {
  const resources: ExtraResource[] = [];
  const errors: DopsError[] = [];
  for (const file of files) {
    if (!HAS_KEY.test(file.contents)) continue;
    try {
      const yaml = parseYamlWithLines(file.contents, file.path);
      if (!isPlainObject(yaml.value)) continue;
      for (const kind of EXTRA_RESOURCES) {
        const list = yaml.value[kind.yaml];
        if (list === undefined || list === null) continue;
        if (!Array.isArray(list)) throw new ParseError(`'${kind.yaml}' must be a list`, { location: { file: file.path, line: yaml.lineOf([kind.yaml]) } });
        list.forEach((raw: unknown, index: number) => {
          const line = yaml.lineOf([kind.yaml, index]);
          if (!isPlainObject(raw) || typeof raw.name !== 'string') {
            errors.push(new ParseError(`Each entry of '${kind.yaml}' needs a name`, { location: { file: file.path, line } }));
            return;
          }
          const refs: ExtraResource['refs'] = [];
          const calls = [...(Array.isArray(raw.depends_on) ? raw.depends_on : []), ...(typeof raw.model === 'string' ? [raw.model] : [])];
          for (const call of calls) if (typeof call === 'string') refs.push({ call, file: file.path, line });
          const uniqueId = `${kind.type}.${packageName}.${raw.name}`;
          const json: Record<string, unknown> = {
            ...raw,
            unique_id: uniqueId,
            resource_type: kind.type,
            package_name: packageName,
            path: file.path,
            original_file_path: file.path,
            fqn: [packageName, raw.name],
            description: typeof raw.description === 'string' ? raw.description : '',
            meta: isPlainObject(raw.meta) ? raw.meta : (isPlainObject(raw.config) && isPlainObject(raw.config.meta) ? raw.config.meta : {}),
            tags: Array.isArray(raw.tags) ? raw.tags : typeof raw.tags === 'string' ? [raw.tags] : [],
          };
          if (kind.type !== 'group') json.depends_on = { nodes: [], macros: [] };
          resources.push({ key: kind.manifest, json, refs });
        });
      }
    } catch (error) {
      if (error instanceof DopsError) errors.push(error);
      else throw error;
    }
  }
  return { resources, errors };
}

const REF = /^\s*ref\(\s*(['"])([^'"]+)\1\s*(?:,\s*(['"])([^'"]+)\3\s*)?(?:,\s*v(?:ersion)?\s*=\s*[^)]*)?\)\s*$/;
const SOURCE = /^\s*source\(\s*(['"])([^'"]+)\1\s*,\s*(['"])([^'"]+)\3\s*\)\s*$/;

/**
 * Resolves the `ref()` / `source()` strings of exposures (`depends_on:`) and semantic models
 * (`model:`) into `depends_on.nodes`, and groups the entries under their manifest.json keys.
 * @returns the manifest.json maps by key, an error (file and line) per unresolvable reference, and
 *   the resolved refs with their referrer (for the access check, Manifest.checkAccess)
 */
export function linkExtraResources(resources: ExtraResource[], manifest: Manifest): { json: Record<string, Record<string, Record<string, unknown>>>; errors: DopsError[]; refs: ExtraRef[] } {
  const json: Record<string, Record<string, Record<string, unknown>>> = Object.fromEntries(EXTRA_RESOURCES.map((kind) => [kind.manifest, {}]));
  const errors: DopsError[] = [];
  const refs: ExtraRef[] = [];
  for (const resource of resources) {
    const nodes: string[] = [];
    const from = { resourceType: resource.json.resource_type, name: resource.json.name, packageName: resource.json.package_name, originalFilePath: resource.refs[0]?.file ?? '' } as unknown as ManifestNode;
    // dbt's exposures have no group (dbt-core artifacts/resources/v1/exposure.py); semantic models,
    // metrics and saved queries have one, at the top level or under config.
    const config = isPlainObject(resource.json.config) ? resource.json.config : {};
    const group = resource.json.resource_type === 'exposure' ? undefined : (resource.json.group ?? config.group);
    const referrer = { uniqueId: String(resource.json.unique_id), name: String(resource.json.name), packageName: String(resource.json.package_name), group, resourceType: String(resource.json.resource_type) };
    for (const ref of resource.refs) {
      const location = { file: ref.file, line: ref.line };
      try {
        const r = REF.exec(ref.call);
        const s = SOURCE.exec(ref.call);
        if (r) {
          const target = manifest.resolveRef(r[4] === undefined ? { name: r[2] } : { package: r[2], name: r[4] }, from).uniqueId;
          nodes.push(target);
          refs.push({ from: referrer, target, location });
        }
        else if (s) nodes.push(manifest.resolveSource({ sourceName: s[2], tableName: s[4] }, from).uniqueId);
        else errors.push(new ParseError(`Expected ref('...') or source('...', '...'), got '${ref.call}'`, { location }));
      } catch (error) {
        if (!(error instanceof DopsError)) throw error;
        Object.assign(error, { location });
        errors.push(error);
      }
    }
    if (resource.json.depends_on) resource.json.depends_on = { nodes: [...new Set(nodes)], macros: [] };
    json[resource.key][resource.json.unique_id as string] = resource.json;
  }
  return { json, errors, refs };
}
