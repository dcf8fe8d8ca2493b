import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Adapter, Connection } from '../adapter/adapter.js';
import { engineInfo, openAdapter } from '../adapter/registry.js';
import { resolveTarget, type Target } from '../config/profiles.js';
import { loadProjectConfig } from '../config/project-config.js';
import { RelationCatalog } from '../runner/catalog.js';
import type { CommonOptions } from './options.js';

/** An opened database with its first connection and the relations it holds. */
export interface OpenedDatabase {
  adapter: Adapter;
  /** The first runner thread's connection. */
  connection: Connection;
  /** Every table and view of the database when it was opened (see {@link RelationCatalog}). */
  catalog: RelationCatalog;
}

type Opening = { opened: OpenedDatabase } | { error: unknown };

/** The database a caller started opening before the command's options were parsed ({@link EarlyDatabase.begin}). */
let pending: { key: string; early: Promise<EarlyDatabase | undefined> } | undefined;

/** What decides the database a command opens: project dir (absolute), `--target`, `--profiles-dir`. */
function openingKey(options: CommonOptions): string {
  return JSON.stringify([resolve(options.projectDir ?? process.cwd()), options.target ?? null, options.profilesDir ? resolve(options.profilesDir) : null]);
}

/**
 * The target's database, opened while the project loads. Opening a database file reads its
 * catalog (~0.1-0.3 s with a thousand relations); DuckDB does that on its own threads while the
 * JS thread parses the project (connecting and listing the relations follow once the parse
 * yields the JS thread). Only a database file that already
 * exists is opened early, so a project that fails to load creates nothing; an error opening it
 * (e.g. another process holds it) is raised only once the project has loaded, as when opening it
 * afterwards.
 */
export class EarlyDatabase {
  private constructor(
    private readonly path: string,
    private readonly projectDir: string,
    private readonly opening: Promise<Opening>,
  ) {}

  /**
   * Starts opening the target's database, when its file exists.
   * @returns undefined when there is nothing to open early (no such file, `:memory:`, or a
   *   project or profile that does not load: loading the project reports that)
   */
  static async start(options: CommonOptions): Promise<EarlyDatabase | undefined> {
    let target: Target;
    let projectDir: string;
    try {
      const config = loadProjectConfig(options.projectDir ?? process.cwd());
      target = resolveTarget(config, options.target, options.profilesDir);
      projectDir = config.projectDir;
    } catch {
      return undefined;
    }
    const { path } = target;
    const engine = engineInfo(target.type);
    const file = engine?.databaseFile(target, projectDir);
    if (!file || !existsSync(file)) return undefined;
    // The driver is loaded first (JS work the run needs anyway), so that opening reaches the
    // engine before the project loads: the JS thread is busy parsing until then, and an opening
    // still waiting for its module would start only after the parse.
    await engine?.loadDriver?.().catch(() => undefined);
    const opening = (async (): Promise<Opening> => {
      const adapter = await openAdapter(target, projectDir);
      try {
        const connection = await adapter.connect();
        return { opened: { adapter, connection, catalog: await RelationCatalog.load(connection) } };
      } catch (error) {
        await adapter.close();
        throw error;
      }
    })().catch((error: unknown) => ({ error }));
    // One turn of the event loop: the opening's first steps (promise jobs) run, up to the engine's
    // own open, which then proceeds on the engine's threads while the project loads.
    await new Promise<void>((resolve) => setImmediate(resolve));
    return new EarlyDatabase(path, projectDir, opening);
  }

  /**
   * Starts opening the target's database before the program has loaded and parsed its options
   * (src/cli/main.ts, for commands that run nodes): DuckDB opens the file and the relations are
   * listed on the engine's threads while the command modules load and the project parses. The
   * command takes it with {@link claim}; one nobody claims is closed by {@link releasePending}.
   * @param options the project dir, target and profiles dir read from the command line
   * @returns once the driver has loaded and the opening has started (never throws)
   */
  static async begin(options: CommonOptions): Promise<void> {
    const early = EarlyDatabase.start(options).catch(() => undefined);
    pending = { key: openingKey(options), early };
    await early;
  }

  /**
   * The database {@link begin} started for these options, else one started now ({@link start}).
   * A database begun for other options (another project dir, target or profiles dir) is closed.
   */
  static async claim(options: CommonOptions): Promise<EarlyDatabase | undefined> {
    const begun = pending;
    pending = undefined;
    if (begun) {
      const early = await begun.early;
      if (begun.key === openingKey(options)) return early;
      await early?.discard().catch(() => undefined);
    }
    return EarlyDatabase.start(options);
  }

  /** Closes a database {@link begin} started that no command claimed (e.g. a usage error); errors are dropped. */
  static async releasePending(): Promise<void> {
    const begun = pending;
    pending = undefined;
    await (await begun?.early)?.discard().catch(() => undefined);
  }

  /**
   * The database, once open, for a run against `path` in `projectDir`.
   * @returns undefined (and closes it) when the loaded project targets another database
   * @throws the error opening it raised (e.g. a ConfigError: the database is in use)
   */
  async take(path: string, projectDir: string): Promise<OpenedDatabase | undefined> {
    if (path !== this.path || projectDir !== this.projectDir) {
      await this.discard();
      return undefined;
    }
    const opening = await this.opening;
    if ('error' in opening) throw opening.error;
    return opening.opened;
  }

  /** Closes the database (the project did not load); errors opening it are dropped. */
  async discard(): Promise<void> {
    const opening = await this.opening;
    if ('opened' in opening) await opening.opened.adapter.close();
  }
}
