import type { NodeConfig } from '../config/node-config.js';
import { DopsError } from '../errors.js';
import type { Relation } from '../manifest/nodes.js';
import { parseContext, type GlobalContext, type ParseCapture } from '../templating/context.js';
import { TemplateEngine } from '../templating/engine.js';

/** The node fields naming macros see as `node` (dbt passes the parsed node). */
export interface NamedNode {
  resourceType: string;
  name: string;
  uniqueId: string;
  packageName: string;
  fqn: string[];
  originalFilePath: string;
  config: NodeConfig;
  version?: string | number;
}

/** Where a node's relation lives: dbt's database, schema and alias. */
export interface NodeNames extends Relation {
  database: string;
}

/** The names dops renders to find a project's overrides. */
const MACROS = { database: 'generate_database_name', schema: 'generate_schema_name', alias: 'generate_alias_name' } as const;

function nodeContext(node: NamedNode): Record<string, unknown> {
  return {
    name: node.name,
    resource_type: node.resourceType,
    unique_id: node.uniqueId,
    package_name: node.packageName,
    fqn: node.fqn,
    original_file_path: node.originalFilePath,
    path: node.originalFilePath,
    config: node.config,
    tags: node.config.tags,
    version: node.version ?? null,
  };
}

function callOverride(engine: TemplateEngine, global: GlobalContext, macro: string, custom: unknown, node: NamedNode): string {
  const capture: ParseCapture = { refs: [], sources: [], config: {} };
  const context = { ...parseContext(engine, global, { schema: global.target.schema, identifier: node.name }, capture), __custom: custom ?? null, __node: nodeContext(node) };
  try {
    // The base class's render: the partial-parse engine replays parse renders for their calls
    // only (returning ''), but a name needs the macro's output every time.
    return TemplateEngine.prototype.render.call(engine, { path: `macros/${macro}`, contents: `{{ ${macro}(__custom, __node) }}` }, context).trim();
  } catch (error) {
    if (error instanceof DopsError) {
      const file = engine.macros.get(macro);
      Object.assign(error, { message: `${macro}() failed for ${node.resourceType} '${node.name}': ${error.message}`, location: file ? { file } : error.location });
    }
    throw error;
  }
}

/**
 * Names a node's relation as dbt does: `generate_database_name`, `generate_schema_name` and
 * `generate_alias_name`, each the project's own macro when it defines one
 * (https://docs.getdbt.com/docs/build/custom-schemas, /custom-aliases, /custom-databases), else
 * dbt's default: the target's schema, or `<target schema>_<custom schema>` for a `schema` config;
 * the `alias` config, else the node name (`<name>_v<N>` for a model version); the `database`
 * config, else the target's database.
 * @throws DopsError from an override macro, naming the macro and the node
 */
export function relationNames(engine: TemplateEngine, global: GlobalContext, node: NamedNode): NodeNames {
  const { target } = global;
  const custom = (key: 'schema' | 'alias' | 'database') => {
    const value = node.config[key];
    return value === undefined || value === null || value === '' ? undefined : String(value);
  };
  const has = (macro: string) => engine.macros.has(macro);
  const database = has(MACROS.database) ? callOverride(engine, global, MACROS.database, custom('database'), node) : (custom('database') ?? target.database ?? 'main');
  const schema = has(MACROS.schema)
    ? callOverride(engine, global, MACROS.schema, custom('schema'), node)
    : custom('schema') === undefined ? target.schema : `${target.schema}_${custom('schema')!.trim()}`;
  const identifier = has(MACROS.alias)
    ? callOverride(engine, global, MACROS.alias, custom('alias'), node)
    : (custom('alias')?.trim() ?? (node.version !== undefined ? `${node.name}_v${node.version}` : node.name));
  return { database, schema, identifier };
}
