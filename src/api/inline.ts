import { posix } from 'node:path';
import { ConfigError } from '../errors.js';
import { checksum, discoverProjectFiles } from '../project/files.js';
import type { ModelNode, SqlNode } from '../manifest/nodes.js';
import { isSqlNode } from '../manifest/nodes.js';
import type { Command } from '../session/commands.js';
import type { Session } from '../session/session.js';
import type { LoadedProject, LoadHooks } from './project.js';

/** Name dbt gives an `--inline` query's node. */
export const INLINE_NAME = 'inline_query';

/** Load hooks adding an `--inline` query as a model, and how to find that model once loaded. */
export interface InlineModel {
  hooks: LoadHooks;
  /**
   * The inline model of the loaded project.
   * @throws ConfigError when the query did not become a model
   */
  node(project: LoadedProject): ModelNode;
}

/**
 * Adds `sql` to the project as one more model, `inline_query` (dbt's `--inline`,
 * docs.getdbt.com/reference/commands/compile): its `ref()` and `source()` calls resolve like any
 * model's. The model exists only for this invocation: pass {@link InlineModel.hooks} to
 * `Session.load` / `inSession`.
 * @throws ConfigError (while loading) when the project has a model named `inline_query`
 */
export function inlineModel(sql: string): InlineModel {
  let root = 'models';
  return {
    hooks: {
      discoverFiles: (config) => {
        const files = discoverProjectFiles(config);
        root = config.modelPaths[0] ?? 'models';
        const path = posix.join(root, `${INLINE_NAME}.sql`);
        if (files.models.some((f) => f.path === path)) throw new ConfigError(`A model named ${INLINE_NAME} exists (${path}); --inline needs that name`);
        // Without a fingerprint the load is never reused as up to date.
        return { ...files, fingerprint: undefined, models: [...files.models, { path, absolutePath: posix.join(config.projectDir, path), root, contents: sql, checksum: checksum(sql) }] };
      },
    },
    node: (project) => {
      const node = [...project.manifest.nodes.values()].find((n) => n.resourceType === 'model' && n.name === INLINE_NAME && n.originalFilePath.startsWith(root));
      if (!node || node.resourceType !== 'model') throw new ConfigError('The --inline query could not be parsed as a model');
      return node;
    },
  };
}

/**
 * Checks that `--inline` and `--select` are not both given.
 * @throws ConfigError when they are
 */
export function checkInline(options: { inline?: string; select?: string[] }): void {
  if (options.inline !== undefined && options.select?.length) throw new ConfigError('Use either --inline or --select, not both');
}

/**
 * The SQL nodes a command like `show` prints: the `--inline` query's model (when `inline` is
 * given), or the selected nodes of the command's resource types (less `--exclude-resource-type`),
 * in DAG order.
 * @param inline the model from {@link inlineModel}, when the session was loaded with its hooks
 * @throws ConfigError when a selection criterion matches nothing under --warn-error, or for a malformed selector
 */
export function nodesToPrint(session: Session, command: Command, inline?: InlineModel): SqlNode[] {
  if (inline) return [inline.node(session.project)];
  return session.select(command).map((id) => session.project.manifest.get(id)).filter(isSqlNode);
}
