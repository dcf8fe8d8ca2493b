import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Adapter, Connection, Dialect } from '../adapter/adapter.js';
import { openAdapter } from '../adapter/registry.js';
import { resolveTarget } from '../config/profiles.js';
import { loadProjectConfig, PROJECT_FILES } from '../config/project-config.js';
import { DopsError } from '../errors.js';
import { Dag } from '../graph/dag.js';
import { selectNodes } from '../graph/selector.js';
import { Manifest } from '../manifest/manifest.js';
import { relationName } from '../manifest/nodes.js';
import { dropStatement } from '../materializations/plan.js';
import { Session } from '../session/session.js';
import { RUN_COMMANDS } from '../session/commands.js';
import type { SelectOptions } from '../api/options.js';
import type { LoadedProject } from '../api/project.js';
import { affectedNodes, builtRelation, diffProjects, staleRelations, type ProjectState, type StaleRelation } from './affected.js';
import { mergeChanges, type FileChange } from './changes.js';
import { globalKey, ProjectLoader } from './loader.js';
import { RebuildQueue } from './queue.js';
import type { RebuildReport, WatchReporter } from './reporter.js';
import { watchLayout, watchProject, type ProjectWatcher } from './watcher.js';

/** Watch mode runs `build` (snapshots included) over its kept session. */
const BUILD = RUN_COMMANDS.build;

/** Default quiet time after the last file event before a rebuild starts. */
export const DEFAULT_DEBOUNCE_MS = 100;

/** Options of a watch session: `build`'s, plus watch-mode settings. */
export interface WatchOptions extends SelectOptions {
  /** Quiet time after the last file event before a rebuild starts (default 100 ms). */
  debounceMs?: number;
  /** Receives watch mode's own events (summaries, project errors, dropped relations). */
  watchReporter?: WatchReporter;
}

/** The initial build, queued like a file change. */
interface InitialBuild {
  initial: true;
  at: number;
}

type Trigger = InitialBuild | (FileChange & { at: number });

function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

/** The parts of a loaded project change detection compares. */
function stateOf(project: LoadedProject, macroFiles: Map<string, string>): ProjectState {
  return { nodes: project.manifest.nodes, macroFiles, macros: project.engine.macros, globalKey: globalKey(project.global) };
}

/**
 * A running `dops watch`: one DuckDB database held open for the whole session, a chokidar watcher
 * on the project's files, and a queue that turns bursts of saves into single rebuilds. Each rebuild
 * re-loads the project (reusing unchanged files and parse results), works out what changed since
 * the last good load, drops relations of deleted models, and runs the changed nodes, everything
 * downstream of them and their tests in DAG order. Project errors are reported and the session
 * keeps watching; the next good save rebuilds everything changed since the last good load.
 */
export class WatchSession {
  /** Resolves once the session has stopped and the database is closed. */
  readonly closed: Promise<void>;
  private resolveClosed!: () => void;
  private readonly loader: ProjectLoader;
  private readonly queue: RebuildQueue<Trigger>;
  private readonly abort = new AbortController();
  private readonly reporter: WatchReporter;
  private watcher: ProjectWatcher | undefined;
  /** The last project that loaded, as change detection sees it. */
  private last: ProjectState | undefined;
  private lastWarnings = '';
  /** Relations dropped since the last good load (by relation name), and their nodes' ids. */
  private readonly droppedRelations = new Set<string>();
  private readonly droppedIds = new Set<string>();
  private closing: Promise<void> | undefined;
  private warnedTarget = false;

  private constructor(
    private readonly options: WatchOptions,
    private readonly projectDir: string,
    private readonly databasePath: string,
    private readonly adapter: Adapter,
    private readonly connections: Connection[],
  ) {
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    this.reporter = options.watchReporter ?? {};
    this.loader = new ProjectLoader(options);
    this.queue = new RebuildQueue((batch) => this.rebuild(batch), options.debounceMs ?? DEFAULT_DEBOUNCE_MS, (error) => this.reporter.internalError?.(error));
  }

  /**
   * Opens the target's database, starts watching and queues the initial build (it runs in the
   * background: wait for {@link idle} or the reporter's first `rebuildFinished`).
   * @throws ConfigError when the project file, target or selectors are invalid, or when another
   *   process holds the DuckDB file (DuckDB allows one writer)
   */
  static async start(options: WatchOptions): Promise<WatchSession> {
    const config = loadProjectConfig(options.projectDir ?? process.cwd());
    const target = resolveTarget(config, options.target, options.profilesDir);
    // Selector syntax errors are usage errors: report them now, not on every rebuild.
    const empty = new Manifest([]);
    selectNodes(empty, Dag.fromManifest(empty), { select: options.select, exclude: options.exclude }, [...BUILD.resourceTypes]);
    const adapter = await openAdapter(target, config.projectDir);
    let session: WatchSession;
    try {
      const connections: Connection[] = [];
      for (let i = 0; i < Math.max(1, options.threads ?? target.threads); i++) connections.push(await adapter.connect());
      session = new WatchSession(options, config.projectDir, target.path, adapter, connections);
      session.watcher = await watchProject(config.projectDir, watchLayout(config), (change) => session.onChange(change), (error) => session.reporter.notice?.(`file watcher error: ${error.message}`));
    } catch (error) {
      await adapter.close();
      throw error;
    }
    session.queue.pushNow({ initial: true, at: epochNow() });
    session.reporter.watching?.(config.projectDir);
    return session;
  }

  /** Resolves when no rebuild is running or waiting. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  /**
   * Stops watching: no new rebuilds start, nodes of the running rebuild that have not started are
   * skipped, the node that is running finishes (materializations are transactional), then the
   * database is closed. Safe to call more than once.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.abort.abort();
      await this.watcher?.close();
      await this.queue.close();
      await this.adapter.close();
      this.reporter.stopped?.();
      this.resolveClosed();
    })();
    return this.closing;
  }

  private onChange(change: FileChange): void {
    this.queue.push({ ...change, at: epochNow() });
  }

  private async rebuild(batch: Trigger[]): Promise<void> {
    const startedAt = epochNow();
    const t0 = performance.now();
    const initial = batch.some((t) => 'initial' in t);
    const changes = mergeChanges(batch.filter((t): t is FileChange & { at: number } => !('initial' in t)));
    const report: RebuildReport = {
      initial,
      changes,
      dropped: [],
      results: [],
      resourceTypes: new Map(),
      firstEventAt: Math.min(...batch.map((t) => t.at)),
      startedAt,
      timings: { loadMs: 0, planMs: 0, runMs: 0, nodeMs: 0, manifestMs: 0, totalMs: 0 },
    };
    const finish = () => {
      report.timings.totalMs = performance.now() - t0;
      this.reporter.rebuildFinished?.(report);
    };
    this.reporter.rebuildStarted?.(changes, initial);
    if (changes.some((c) => (PROJECT_FILES as readonly string[]).includes(c.path) || c.path === 'profiles.yml' || c.kind === 'unlinkDir')) this.loader.invalidateAll();
    this.loader.invalidate(changes.map((c) => c.path));

    let project: LoadedProject;
    try {
      project = this.loader.load();
    } catch (error) {
      if (!(error instanceof DopsError)) throw error;
      report.timings.loadMs = performance.now() - t0;
      report.error = error;
      this.reporter.projectError?.(error);
      report.dropped = await this.dropDeletedFiles(changes);
      return finish();
    }
    const t1 = performance.now();
    report.timings.loadMs = t1 - t0;
    this.reportLoadNotes(project);

    const state = stateOf(project, new Map(this.loader.lastFiles?.macros.map((f) => [f.path, f.contents])));
    const diff = diffProjects(this.last, state);
    let undropped: StaleRelation[] = [];
    if (this.last) {
      const stale = staleRelations(this.last, state).filter((s) => !this.droppedRelations.has(relationName(s.relation)));
      this.markDropped(stale);
      // Relations views still read are tried again once the rebuild re-created the project's own
      // views over the new relations: what is left then is read by views dops does not build.
      const { dropped, kept } = await this.dropAll(stale, false);
      report.dropped.push(...dropped);
      undropped = kept;
    }
    const changed = new Set(diff.changed);
    for (const id of this.droppedIds) if (state.nodes.has(id)) changed.add(id);
    const affected = affectedNodes(changed, project.dag);
    const session = Session.over(project, this.options);
    let plan;
    try {
      plan = session.plan(BUILD, affected);
    } catch (error) {
      if (!(error instanceof DopsError)) throw error;
      report.error = error;
      this.reporter.projectError?.(error);
      if (undropped.length) report.dropped.push(...(await this.dropAll(undropped, true)).dropped);
      return finish();
    }
    this.last = state;
    this.droppedIds.clear();
    this.droppedRelations.clear();
    const t2 = performance.now();
    report.timings.planMs = t2 - t1;
    if (plan.order.length > 0) {
      const outcome = await session.execute(plan, BUILD, this.abort.signal, {}, this.connections);
      report.results = outcome.results;
      for (const result of outcome.results) report.resourceTypes.set(result.uniqueId, project.manifest.get(result.uniqueId).resourceType);
      report.timings.nodeMs = outcome.results.reduce((sum, r) => sum + r.executionTime * 1000, 0);
    }
    if (undropped.length) report.dropped.push(...(await this.dropAll(undropped, true)).dropped);
    report.timings.runMs = performance.now() - t2;
    finish();
    // manifest.json (the whole project, large on big projects) is rewritten right after the summary,
    // before the next rebuild can start; run_results.json was written before it.
    const t3 = performance.now();
    session.write(BUILD, { manifest: {} });
    report.timings.manifestMs = performance.now() - t3;
  }

  /** Parse warnings when they differ from the last load's; a notice when the database path changed. */
  private reportLoadNotes(project: LoadedProject): void {
    const warnings = JSON.stringify(project.warnings);
    if (warnings !== this.lastWarnings && project.warnings.length) this.options.reporter?.warnings?.(project.warnings);
    this.lastWarnings = warnings;
    if (project.target.path !== this.databasePath && !this.warnedTarget) {
      this.warnedTarget = true;
      this.reporter.notice?.(`the target's database is now ${project.target.path}; still writing to ${this.databasePath} until dops watch restarts`);
    }
  }

  /**
   * When the project failed to load, still drops the relations of models and seeds whose files
   * were deleted (their dependants now fail with the unknown-ref error just reported).
   */
  private async dropDeletedFiles(changes: FileChange[]): Promise<StaleRelation[]> {
    if (!this.last) return [];
    const gone = changes.filter((c) => (c.kind === 'unlink' || c.kind === 'unlinkDir') && !existsSync(join(this.projectDir, c.path)));
    const stale: StaleRelation[] = [];
    for (const node of this.last.nodes.values()) {
      const relation = builtRelation(node);
      if (!relation || this.droppedRelations.has(relationName(relation))) continue;
      if (!gone.some((c) => node.originalFilePath === c.path || node.originalFilePath.startsWith(`${c.path}/`))) continue;
      stale.push({ node, relation, reason: 'deleted' });
    }
    this.markDropped(stale);
    return (await this.dropAll(stale, true)).dropped;
  }

  /**
   * Drops the stale relations that exist, without the views reading them: where the engine's drop
   * cascades (PostgreSQL) a relation is kept while views read it ({@link Dialect.dropUnlessRead}).
   * A drop that fails is tried again once another one succeeded, so a relation read only by other
   * stale relations (a deleted folder of models) is dropped after them.
   * @param notify report a notice for each relation left (else the caller tries them again later)
   * @returns the relations dropped, in the order they were, and those left
   */
  private async dropAll(stale: StaleRelation[], notify: boolean): Promise<{ dropped: StaleRelation[]; kept: StaleRelation[] }> {
    const connection = this.connections[0];
    const dropped: StaleRelation[] = [];
    let pending = stale.map((each) => ({ stale: each, error: undefined as unknown }));
    while (pending.length) {
      const failed: typeof pending = [];
      for (const { stale: each } of pending) {
        try {
          const kind = await connection.relationKind(each.relation);
          if (!kind) continue;
          // A relation dropped for good cannot give the views reading it back (PostgreSQL's
          // CASCADE would drop them, a BI view made by hand included): on such engines it is kept
          // while anything reads it.
          await connection.execute(connection.dialect.dropUnlessRead?.(each.relation, kind) ?? dropStatement(each.relation, kind, connection.dialect));
          this.reporter.relationDropped?.(each);
          dropped.push(each);
        } catch (error) {
          failed.push({ stale: each, error });
        }
      }
      if (failed.length === pending.length) {
        if (notify) for (const { stale: each, error } of failed) this.reporter.notice?.(`could not drop ${relationName(each.relation)}: ${String((error as Error).message).split('\n')[0]}`);
        return { dropped, kept: failed.map((f) => f.stale) };
      }
      pending = failed;
    }
    return { dropped, kept: [] };
  }

  /** Marks stale relations as dropped (whether or not the drop succeeds), so the next good load does not try them again and rebuilds their nodes if they come back. */
  private markDropped(stale: StaleRelation[]): void {
    for (const each of stale) {
      this.droppedRelations.add(relationName(each.relation));
      this.droppedIds.add(each.node.uniqueId);
    }
  }
}
