import { resolve } from 'node:path';
import { quoteIdentifier, renderRelation } from '../adapter/quoting.js';
import { OTHER_COMMANDS } from '../session/commands.js';
import { inSession } from '../session/session.js';
import { ConfigError } from '../errors.js';
import { stateDatabaseFile, stateRelation } from '../graph/state.js';
import { relationName, type RelationNode } from '../manifest/nodes.js';
import { summarize, type NodeResult } from '../runner/results.js';
import type { RunOutcome } from './execute.js';
import type { SelectOptions } from './options.js';
import { STATE_ALIAS } from './run-controls.js';
import { loadState } from './selection.js';

/**
 * `dops clone --state DIR` (docs.getdbt.com/reference/commands/clone): makes each selected model,
 * seed and snapshot of the state's database exist in this target's schemas. When both targets are
 * the same DuckDB file, a clone is a view over the state relation (zero copy); across files it is
 * a table copied from the attached state database, since a DuckDB view over an attached database
 * breaks once that database is detached. On a server engine (PostgreSQL) the state's relations are
 * read on the same database, as `--defer` reads them, and each clone is a view over its state
 * relation (dbt-postgres has no zero-copy clone either). Relations this target already has are left
 * alone unless `fullRefresh` (dbt's rule). Runs through the session (the profile's adapter, opened
 * and closed there); writes `target/manifest.json` and `target/run_results.json` once it ran.
 * @throws ConfigError without `--state`, or for selection errors (nothing written)
 */
export async function clone(options: SelectOptions): Promise<RunOutcome> {
  if (!options.state) throw new ConfigError('dops clone needs --state DIR (the folder of the manifest.json whose relations to clone)');
  const command = OTHER_COMMANDS.clone;
  return inSession(command, options, async (session) => {
    const { project } = session;
    const state = loadState(options)!;
    const nodes = session
      .select(command)
      .map((id) => project.manifest.get(id) as RelationNode)
      .filter((node) => !(node.resourceType === 'model' && ['ephemeral', 'external'].includes(String(node.config.materialized))));
    const startedAt = Date.now();
    const results: NodeResult[] = [];
    const reporter = options.reporter;
    reporter?.runStarted?.(nodes.length, { nodes: project.manifest.nodes.values(), threads: 1, target: project.target.name });
    const connection = await session.connection();
    // Engines with database files (DuckDB) attach the state's file when it is another one; server
    // engines (PostgreSQL) read the state's relations on the same database, as `--defer` does.
    let sameDatabase = true;
    if (connection.dialect.attachReadOnly) {
      const file = stateDatabaseFile(state, project.config.projectDir);
      const current = project.target.path === ':memory:' ? undefined : resolve(project.config.projectDir, project.target.path);
      sameDatabase = current === resolve(file);
      if (!sameDatabase && nodes.length) await connection.execute(connection.dialect.attachReadOnly(file, STATE_ALIAS));
    }
    const existing = new Map((await connection.listRelations()).map((r) => [`${r.schema}.${r.identifier}`.toLowerCase(), r.kind]));
    for (const [index, node] of nodes.entries()) {
      reporter?.nodeStarted?.(node, 0);
      const started = new Date();
      const done = (status: NodeResult['status'], message: string): NodeResult => {
        const completed = new Date();
        const result: NodeResult = { uniqueId: node.uniqueId, status, message, executionTime: (completed.getTime() - started.getTime()) / 1000, startedAt: started.toISOString(), completedAt: completed.toISOString(), relationName: relationName(node.relation), thread: 0 };
        results.push(result);
        reporter?.nodeFinished?.(node, result, index + 1, nodes.length);
        return result;
      };
      const from = stateRelation(state, node.uniqueId);
      const key = `${node.relation.schema}.${node.relation.identifier}`.toLowerCase();
      if (!from) {
        done('skipped', 'not in the state manifest');
        continue;
      }
      if (sameDatabase && `${from.schema}.${from.identifier}`.toLowerCase() === key) {
        done('success', 'no-op (same relation)');
        continue;
      }
      if (existing.has(key) && !options.fullRefresh) {
        done('success', `no-op (${existing.get(key)} exists)`);
        continue;
      }
      const source = sameDatabase ? renderRelation(from) : `${quoteIdentifier(STATE_ALIAS)}.${renderRelation(from)}`;
      try {
        await connection.execute(`create schema if not exists ${quoteIdentifier(node.relation.schema)}`);
        const kind = existing.get(key);
        if (kind) await connection.execute(connection.dialect.dropRelation(node.relation, kind));
        await connection.execute(sameDatabase ? `create view ${renderRelation(node.relation)} as select * from ${source}` : `create table ${renderRelation(node.relation)} as select * from ${source}`);
        done('success', sameDatabase ? 'cloned view' : 'cloned table');
      } catch (error) {
        done('error', `Database error cloning ${node.name}: ${(error as Error).message.split('\n')[0]}`);
      }
    }
    const elapsed = (Date.now() - startedAt) / 1000;
    const summary = summarize(results, elapsed);
    // Reported once the artifacts are written (after the session closes the database): see below.
    const args = { command: 'clone', select: options.select ?? [], exclude: options.exclude ?? [], state: options.state, full_refresh: Boolean(options.fullRefresh), target: project.target.name };
    return { value: { results, summary, success: summary.error === 0, project }, artifacts: { manifest: {}, runResults: { results, elapsed, startedAt, args } } };
  }).then((outcome) => {
    options.reporter?.runFinished?.(outcome.results, outcome.summary, outcome.project.manifest.nodes);
    return outcome;
  });
}
