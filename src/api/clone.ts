import { resolve } from 'node:path';
import type { Connection, Dialect } from '../adapter/adapter.js';
import { quoteIdentifier, renderRelation } from '../adapter/quoting.js';
import { OTHER_COMMANDS } from '../session/commands.js';
import { inSession } from '../session/session.js';
import { ConfigError } from '../errors.js';
import { stateDatabaseFile, stateRelation } from '../graph/state.js';
import { relationName, type RelationNode } from '../manifest/nodes.js';
import { summarize, type NodeResult } from '../runner/results.js';
import { inTransaction, runStatements } from '../runner/transaction.js';
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
 * alone unless `fullRefresh` (dbt's rule); a relation replaced then keeps the views reading it where
 * its drop would take them (PostgreSQL's CASCADE: {@link Dialect.keepDependentViews}), with their
 * grants, comments and options. Runs through the session (the profile's adapter, opened
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
    // Clones are independent of each other: up to `--threads` (the target's `threads`) run at once, as in dbt clone.
    const threads = Math.max(1, Math.min(options.threads ?? project.target.threads, nodes.length));
    reporter?.runStarted?.(nodes.length, { nodes: project.manifest.nodes.values(), threads, target: project.target.name });
    const connections = await session.connect(threads);
    const [connection] = connections;
    // Engines with database files (DuckDB) attach the state's file when it is another one (for
    // every connection of the database); server engines (PostgreSQL) read the state's relations on
    // the same database, as `--defer` does.
    let sameDatabase = true;
    if (connection.dialect.attachReadOnly) {
      const file = stateDatabaseFile(state, project.config.projectDir);
      const current = project.target.path === ':memory:' ? undefined : resolve(project.config.projectDir, project.target.path);
      sameDatabase = current === resolve(file);
      if (!sameDatabase && nodes.length) await connection.execute(connection.dialect.attachReadOnly(file, STATE_ALIAS));
    }
    const existing = new Map((await connection.listRelations()).map((r) => [`${r.schema}.${r.identifier}`.toLowerCase(), r.kind]));
    // What each node needs, decided up front: a reason to leave it, or the relation to clone it from.
    const work = nodes.map((node) => {
      const from = stateRelation(state, node.uniqueId);
      const key = `${node.relation.schema}.${node.relation.identifier}`.toLowerCase();
      if (!from) return { node, skip: ['skipped', 'not in the state manifest'] as const };
      if (sameDatabase && `${from.schema}.${from.identifier}`.toLowerCase() === key) return { node, skip: ['success', 'no-op (same relation)'] as const };
      if (existing.has(key) && !options.fullRefresh) return { node, skip: ['success', `no-op (${existing.get(key)} exists)`] as const };
      return { node, from, kind: existing.get(key) };
    });
    // Schemas one at a time, before the clones run in parallel (DuckDB reports a write-write
    // conflict when two connections create the same schema at once); a schema that cannot be made
    // fails its nodes' clones, each with the database's message.
    for (const schema of new Set(work.filter((item) => item.from).map((item) => item.node.relation.schema))) {
      await connection.execute(`create schema if not exists ${quoteIdentifier(schema)}`).catch(() => undefined);
    }
    let next = 0;
    const lane = async (lane: Connection, thread: number): Promise<void> => {
      while (next < work.length) {
        const item = work[next++];
        const { node } = item;
        reporter?.nodeStarted?.(node, thread);
        const started = new Date();
        const done = (status: NodeResult['status'], message: string): void => {
          const completed = new Date();
          const result: NodeResult = { uniqueId: node.uniqueId, status, message, executionTime: (completed.getTime() - started.getTime()) / 1000, startedAt: started.toISOString(), completedAt: completed.toISOString(), relationName: relationName(node.relation), thread };
          results.push(result);
          reporter?.nodeFinished?.(node, result, results.length, work.length);
        };
        if (!item.from) {
          done(item.skip![0], item.skip![1]);
          continue;
        }
        const source = sameDatabase ? renderRelation(item.from) : `${quoteIdentifier(STATE_ALIAS)}.${renderRelation(item.from)}`;
        try {
          const create = sameDatabase ? `create view ${renderRelation(node.relation)} as select * from ${source}` : `create table ${renderRelation(node.relation)} as select * from ${source}`;
          // Where the drop cascades to the views reading the relation (PostgreSQL), they are
          // recorded first and re-created over the clone, in one transaction, so a view outside
          // the selection (or one dops does not manage) survives --full-refresh.
          const keep = item.kind ? lane.dialect.keepDependentViews?.(node.relation) : undefined;
          if (keep) await inTransaction(lane, () => runStatements(lane, [keep.save, lane.dialect.dropRelation(node.relation, item.kind!), create, keep.restore]));
          else {
            if (item.kind) await lane.execute(lane.dialect.dropRelation(node.relation, item.kind));
            await lane.execute(create);
          }
          done('success', sameDatabase ? 'cloned view' : 'cloned table');
        } catch (error) {
          done('error', `Database error cloning ${node.name}: ${(error as Error).message.split('\n')[0]}`);
        }
      }
    };
    await Promise.all(connections.slice(0, threads).map((each, thread) => lane(each, thread)));
    const elapsed = (Date.now() - startedAt) / 1000;
    const summary = summarize(results, elapsed);
    // Reported once the artifacts are written (after the session closes the database): see below.
    const args = { command: 'clone', select: options.select ?? [], exclude: options.exclude ?? [], state: options.state, full_refresh: Boolean(options.fullRefresh), target: project.target.name, threads };
    return { value: { results, summary, success: summary.error === 0, project }, artifacts: { manifest: {}, runResults: { results, elapsed, startedAt, args } } };
  }).then((outcome) => {
    options.reporter?.runFinished?.(outcome.results, outcome.summary, outcome.project.manifest.nodes);
    return outcome;
  });
}
