import type { Connection } from '../adapter/adapter.js';
import type { Compiler } from '../compiler/compiler.js';
import { finalizeConfig } from '../config/node-config.js';
import type { ManifestNode } from '../manifest/nodes.js';
import { rawProjectFile } from '../project/packages.js';
import type { NodeResult } from '../runner/results.js';
import { readHooks, runProjectHooks } from '../runner/hooks.js';
import type { SelectOptions } from './options.js';
import type { LoadedProject } from './project.js';

/**
 * Runs the project's `on-run-start` or `on-run-end` hooks
 * (https://docs.getdbt.com/reference/project-configs/on-run-start-on-run-end) and reports each one
 * as it starts (`hookStarted`) and ends (`hookFinished`).
 * on-run-end sees dbt's `results` (one object per node: `status`, `message`, `execution_time`,
 * `node` with `unique_id`, `name`, `resource_type`, `schema`, `alias`) and `schemas` (the schemas the
 * run built into).
 * @returns false when a hook failed (the run then exits 1)
 */
export async function runOnRunHooks(
  project: LoadedProject,
  connection: Connection,
  compiler: Compiler,
  kind: 'on-run-start' | 'on-run-end',
  options: SelectOptions,
  results: NodeResult[] = [],
): Promise<boolean> {
  const hooks = readHooks(rawProjectFile(project.config.projectDir)[kind], 'dbt_project.yml');
  if (!hooks.length) return true;
  const name = project.config.name;
  const standIn = { uniqueId: `operation.${name}.${name}-${kind}`, resourceType: 'model', name: `${name}-${kind}`, packageName: name, originalFilePath: 'dbt_project.yml', fqn: [name, 'hooks'], description: '', config: finalizeConfig({}, 'view') } as unknown as ManifestNode;
  const extra: Record<string, unknown> = {};
  if (kind === 'on-run-end') {
    const schemas = new Set<string>();
    extra.results = results.map((result) => {
      const node = project.manifest.nodes.get(result.uniqueId);
      const relation = node && 'relation' in node ? node.relation : undefined;
      if (relation && node?.resourceType !== 'test' && node?.resourceType !== 'source' && result.status !== 'skipped') schemas.add(relation.schema);
      return {
        status: result.status,
        message: result.message ?? null,
        execution_time: result.executionTime,
        failures: result.failures ?? null,
        unique_id: result.uniqueId,
        node: { unique_id: result.uniqueId, name: node?.name, resource_type: node?.resourceType, package_name: node?.packageName, schema: relation?.schema, alias: relation?.identifier, config: node?.config },
      };
    });
    extra.schemas = [...schemas].sort();
    extra.database_schemas = [...schemas].sort().map((schema) => [null, schema]);
  }
  const reporter = options.reporter;
  const ran = await runProjectHooks(connection, compiler, hooks, kind, name, standIn, extra, {
    started: (statement, index) => reporter?.hookStarted?.(statement, index + 1, hooks.length, kind),
    finished: (result, index) => reporter?.hookFinished?.(result.name, result.status, result.message, result.seconds, index + 1, hooks.length, kind),
  });
  return ran.every((result) => result.status === 'success');
}
