import { posix } from 'node:path';
import { ConfigError } from '../errors.js';
import { checksum, discoverProjectFiles } from '../project/files.js';
import type { ModelNode, SqlNode } from '../manifest/nodes.js';
import { selectNodes } from '../graph/selector.js';
import { isSqlNode } from '../manifest/nodes.js';
import type { SelectOptions } from './options.js';
import { loadProject, type LoadedProject } from './project.js';
import { resolveSelection } from './selection.js';
import { checkSelection } from './selection-check.js';

/** Name dbt gives an `--inline` query's node. */
export const INLINE_NAME = 'inline_query';

/**
 * Loads the project with `sql` added as one more model, `inline_query` (dbt's `--inline`,
 * docs.getdbt.com/reference/commands/compile): its `ref()` and `source()` calls resolve like any
 * model's. The model exists only for this invocation.
 * @returns the project and the inline model
 * @throws DopsError for project errors and template or ref errors in `sql`
 */
export function loadWithInline(options: SelectOptions, sql: string): { project: LoadedProject; node: ModelNode } {
  let root = 'models';
  const project = loadProject(options, {
    discoverFiles: (config) => {
      const files = discoverProjectFiles(config);
      root = config.modelPaths[0] ?? 'models';
      const path = posix.join(root, `${INLINE_NAME}.sql`);
      if (files.models.some((f) => f.path === path)) throw new ConfigError(`A model named ${INLINE_NAME} exists (${path}); --inline needs that name`);
      // Without a fingerprint the load is never reused as up to date.
      return { ...files, fingerprint: undefined, models: [...files.models, { path, absolutePath: posix.join(config.projectDir, path), root, contents: sql, checksum: checksum(sql) }] };
    },
  });
  const node = [...project.manifest.nodes.values()].find((n) => n.resourceType === 'model' && n.name === INLINE_NAME && n.originalFilePath.startsWith(root));
  if (!node || node.resourceType !== 'model') throw new ConfigError('The --inline query could not be parsed as a model');
  return { project, node };
}

/**
 * The SQL nodes a command like `show` or `compile` prints: the `--inline` query, or the selected
 * models, snapshots and tests in DAG order.
 * @throws ConfigError when nothing is selected (naming the criteria that matched nothing)
 */
export function nodesToPrint(options: SelectOptions & { inline?: string }, types = ['model', 'snapshot', 'test']): { project: LoadedProject; nodes: SqlNode[] } {
  if (options.inline !== undefined) {
    if (options.select?.length) throw new ConfigError('Use either --inline or --select, not both');
    const { project, node } = loadWithInline(options, options.inline);
    return { project, nodes: [node] };
  }
  const project = loadProject(options);
  const selection = resolveSelection(project, options);
  checkSelection(project, options, selection);
  const selected = selectNodes(project.manifest, project.dag, selection, types);
  const nodes = project.dag.topologicalOrder().filter((id) => selected.has(id)).map((id) => project.manifest.get(id)).filter(isSqlNode);
  return { project, nodes };
}
