import type { Connection } from '../adapter/adapter.js';
import type { Compiler } from '../compiler/compiler.js';
import { isPlainObject } from '../config/yaml-file.js';
import { DatabaseError, DopsError } from '../errors.js';
import type { ManifestNode } from '../manifest/nodes.js';
import type { MaterializationPlan } from '../materializations/plan.js';
import { NeedsDatabase } from '../templating/introspection.js';

/**
 * dbt's hooks: a node's `pre_hook` / `post_hook` and the project's `on-run-start` / `on-run-end`
 * (https://docs.getdbt.com/reference/resource-configs/pre-hook-post-hook,
 * https://docs.getdbt.com/reference/project-configs/on-run-start-on-run-end).
 */

/** One hook: its SQL template and whether it runs inside the node's transaction (dbt's default). */
export interface Hook {
  sql: string;
  transaction: boolean;
}

/**
 * Reads hooks as dbt accepts them: a string, a `{sql, transaction}` mapping, or a list of either.
 * @throws DopsError for any other shape
 */
export function readHooks(value: unknown, where: string): Hook[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.flatMap((entry): Hook[] => {
    if (entry === null || entry === undefined || entry === '') return [];
    if (typeof entry === 'string') return [{ sql: entry, transaction: true }];
    if (isPlainObject(entry) && typeof entry.sql === 'string') return [{ sql: entry.sql, transaction: entry.transaction !== false }];
    if (Array.isArray(entry)) return readHooks(entry, where);
    throw new DopsError(`A hook must be SQL text or {sql: ..., transaction: ...}; got ${JSON.stringify(entry)}`, { location: { file: where } });
  });
}

/** A node's pre- and post-hooks, from `pre_hook` / `pre-hook` (and post) in its config, in the order they accumulated. */
export function nodeHooks(node: ManifestNode): { pre: Hook[]; post: Hook[] } {
  const config = node.config as Record<string, unknown>;
  return {
    pre: [...readHooks(config['pre-hook'], node.originalFilePath), ...readHooks(config.pre_hook, node.originalFilePath)],
    post: [...readHooks(config['post-hook'], node.originalFilePath), ...readHooks(config.post_hook, node.originalFilePath)],
  };
}

/**
 * A node's hook rendered ahead of its build. A hook whose template queries the database as it
 * renders (`{% do adapter.drop_relation(this) %}`) cannot be rendered ahead: it keeps its template
 * in `live`, renders when it runs (dbt renders hooks when it runs them) and runs outside the
 * transaction.
 */
export interface RenderedHook extends Hook {
  live?: { text: string; path: string };
}

/** Renders a node's hooks with its runtime context (dbt renders hooks at run time, so `this` is the node's relation). */
export function renderNodeHooks(node: ManifestNode, compiler: Compiler): { pre: RenderedHook[]; post: RenderedHook[] } {
  const { pre, post } = nodeHooks(node);
  const render = (kind: string) => (hook: Hook, index: number): RenderedHook => {
    const path = `${node.originalFilePath} (${kind} ${index})`;
    try {
      return { ...hook, sql: compiler.renderHook(hook.sql, path, node) };
    } catch (error) {
      if (error instanceof NeedsDatabase) return { sql: '', transaction: false, live: { text: hook.sql, path } };
      throw error;
    }
  };
  const kept = (hook: RenderedHook) => Boolean(hook.sql || hook.live);
  return { pre: pre.map(render('pre-hook')).filter(kept), post: post.map(render('post-hook')).filter(kept) };
}

/**
 * Adds hooks that run inside the transaction to a transactional plan (`begin`, `create schema`,
 * ..., `commit`): pre-hooks right after the schema is created, post-hooks right before `commit`.
 */
export function spliceHooks(plan: MaterializationPlan, pre: string[], post: string[]): MaterializationPlan {
  if (!pre.length && !post.length) return plan;
  const statements = [...plan.statements];
  const commit = statements.length - 1;
  if (statements[0] !== 'begin transaction' || statements[commit] !== 'commit') {
    return { statements: [...pre, ...statements, ...post], rowCountStatement: plan.rowCountStatement === undefined ? undefined : plan.rowCountStatement + pre.length };
  }
  statements.splice(commit, 0, ...post);
  statements.splice(2, 0, ...pre);
  return { statements, rowCountStatement: plan.rowCountStatement === undefined ? undefined : plan.rowCountStatement + pre.length };
}

/**
 * Runs hook statements one by one, outside any transaction.
 * @throws DatabaseError naming the node and the hook when DuckDB rejects one
 */
export async function runHookStatements(connection: Connection, sqls: string[], label: string, file: string): Promise<void> {
  for (const sql of sqls) {
    try {
      await connection.execute(sql);
    } catch (error) {
      throw new DatabaseError(`Hook failed in ${label}: ${connection.describeError(error, 0).text}`, { location: { file } });
    }
  }
}

/** What an on-run-start/end hook did, for output (dbt prints one line per hook). */
export interface ProjectHookResult {
  /** dbt's statement name: `<project>.on-run-start.<n>` (n 0-based, as dbt prints it). */
  name: string;
  /** `skipped`: an earlier hook failed, so this one did not run (dbt's `safe_run_hooks`). */
  status: 'success' | 'error' | 'skipped';
  message: string;
  seconds: number;
}

/** Callbacks {@link runProjectHooks} calls around each hook, as it runs (for the run's output). */
export interface ProjectHookEvents {
  /** Hook `index` (0-based) named `name` starts. */
  started?(name: string, index: number): void;
  /** Hook `index` (0-based) ended with `result` (skipped hooks end without starting). */
  finished?(result: ProjectHookResult, index: number): void;
}

/**
 * Runs the project's on-run-start or on-run-end hooks in order, each rendered at run time
 * (on-run-end also sees `results` and `schemas`). After the first failure the remaining hooks
 * are not run: each is a `skipped` result, as dbt reports them.
 * @param stand-in a node-like object giving the root project's name and target schema to the context
 * @param events told when each hook starts and ends
 * @returns one result per hook, in order
 */
export async function runProjectHooks(
  connection: Connection,
  compiler: Compiler,
  hooks: Hook[],
  kind: 'on-run-start' | 'on-run-end',
  projectName: string,
  standIn: ManifestNode,
  extra: Record<string, unknown> = {},
  events: ProjectHookEvents = {},
): Promise<ProjectHookResult[]> {
  const results: ProjectHookResult[] = [];
  for (const [index, hook] of hooks.entries()) {
    const name = `${projectName}.${kind}.${index}`;
    if (results.some((done) => done.status === 'error')) {
      const skipped: ProjectHookResult = { name, status: 'skipped', message: 'SKIP', seconds: 0 };
      results.push(skipped);
      events.finished?.(skipped, index);
      continue;
    }
    const started = Date.now();
    events.started?.(name, index);
    let result: ProjectHookResult;
    try {
      const sql = await compiler.renderHookLive(hook.sql, `dbt_project.yml (${kind} ${index})`, standIn, connection, extra);
      if (sql) await runHookStatements(connection, [sql], name, 'dbt_project.yml');
      result = { name, status: 'success', message: 'OK', seconds: (Date.now() - started) / 1000 };
    } catch (error) {
      if (!(error instanceof DopsError)) throw error;
      result = { name, status: 'error', message: error.message, seconds: (Date.now() - started) / 1000 };
    }
    results.push(result);
    events.finished?.(result, index);
  }
  return results;
}

/**
 * Runs a node's build between its hooks. Hooks that run inside the transaction are handed to
 * `build` to splice into its plan; when `build` cannot take them (stateful materializations run
 * their own transactions), every hook runs outside, pre-hooks before and post-hooks after.
 * @param build receives the inside pre- and post-hook SQL (empty lists when the node has none)
 */
export function withNodeHooks<T>(
  node: ManifestNode,
  connection: Connection,
  compiler: Compiler,
  canSplice: boolean,
  build: (pre: string[], post: string[]) => Promise<T>,
): Promise<T> {
  const config = node.config as Record<string, unknown>;
  // No hooks: the build's own promise (no extra async step per node).
  if (config.pre_hook === undefined && config.post_hook === undefined && config['pre-hook'] === undefined && config['post-hook'] === undefined) return build([], []);
  return withHooks(node, connection, compiler, canSplice, build);
}

async function withHooks<T>(node: ManifestNode, connection: Connection, compiler: Compiler, canSplice: boolean, build: (pre: string[], post: string[]) => Promise<T>): Promise<T> {
  const { pre, post } = renderNodeHooks(node, compiler);
  const label = `${node.resourceType} ${node.name}`;
  const outside = async (hooks: RenderedHook[]) => {
    for (const hook of hooks.filter((h) => !canSplice || !h.transaction)) {
      const sql = hook.live ? await compiler.renderHookLive(hook.live.text, hook.live.path, node, connection) : hook.sql;
      if (sql) await runHookStatements(connection, [sql], label, node.originalFilePath);
    }
  };
  const inside = (hooks: RenderedHook[]) => (canSplice ? hooks.filter((hook) => hook.transaction).map((hook) => hook.sql) : []);
  await outside(pre);
  const result = await build(inside(pre), inside(post));
  await outside(post);
  return result;
}
