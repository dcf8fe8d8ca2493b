import type { Target } from '../config/profiles.js';
import type { Adapter, Capabilities } from './adapter.js';
export { EngineCheckError } from './adapter.js';
import { DUCKDB_INFO } from './duckdb/info.js';
import { POSTGRES_INFO } from './postgres/info.js';

/** What the registry knows about an engine without loading its driver. */
export interface EngineInfo {
  /** The profile `type` (`duckdb`, `postgres`). */
  type: string;
  capabilities: Capabilities;
  /** Default schema of a target that names none (DuckDB `main`, PostgreSQL `public`). */
  defaultSchema: string;
  /**
   * The folder of the engine's `<type>__name` implementations of dbt's macros (Jinja `.sql` files,
   * as dbt-duckdb and dbt-postgres ship theirs), relative to the source root: e.g.
   * `adapter/postgres/macros` (under `src/`, and under `dist/` once built). They join the built-in
   * `dbt` package, which `adapter.dispatch` searches; undefined when the engine has none.
   */
  macros?: string;
  /**
   * Where dbt unit tests run (https://docs.getdbt.com/docs/build/unit-tests): `memory` on a
   * throwaway in-memory DuckDB, no warehouse needed (DuckDB targets: same engine, same SQL);
   * `target` on the target's own connection, fixtures as temp tables in a transaction that is
   * rolled back (dbt runs them on the warehouse; a model's engine-only SQL and its dispatched
   * `<type>__` macros need the engine they were rendered for).
   */
  unitTests: 'memory' | 'target';
  /**
   * Checks an output's keys at profile-load time.
   * @throws ConfigError naming the target and the bad key
   */
  checkTarget(target: Target, file: string): void;
  /** The database file a target opens, when the engine is embedded (DuckDB); undefined for servers and `:memory:`. */
  databaseFile(target: Target, projectDir: string): string | undefined;
  /** Loads the driver (on demand: DuckDB's native module costs ~0.5 s) and opens the target's database. */
  open(target: Target, projectDir: string): Promise<Adapter>;
  /**
   * Loads the driver without opening anything, so a later {@link open} reaches the engine at once
   * (its first step no longer waits for module loading); undefined when there is nothing to load.
   */
  loadDriver?(): Promise<void>;
  /**
   * `dops debug`'s connection check: reaches the target's database without changing it (DuckDB
   * opens an existing file read-only; a server runs `select 1`).
   * @returns what was checked, e.g. `db.duckdb: test query ran`
   * @throws EngineCheckError with the engine's message and the fix
   */
  checkConnection(target: Target, projectDir: string): Promise<string>;
  /** `dops debug`'s versions line: the engine's name and version (the embedded library, or the server's). */
  engineVersion(target: Target | undefined, projectDir: string): Promise<{ name: string; version: string }>;
}


/** The engines, by profile `type`. Adding an engine: a folder under src/adapter/ and one entry here. */
const ENGINES: ReadonlyMap<string, EngineInfo> = new Map([DUCKDB_INFO, POSTGRES_INFO].map((info) => [info.type, info]));

/** The engines' macro folders (see {@link EngineInfo.macros}) with their profile `type`, in registry order. */
export const ENGINE_MACRO_FOLDERS: readonly { type: string; folder: string }[] = [...ENGINES.values()].flatMap((info) => (info.macros ? [{ type: info.type, folder: info.macros }] : []));

/** The profile types dops knows, for error hints. */
export const ADAPTER_TYPES: readonly string[] = [...ENGINES.keys()];

/** The engine of a profile `type`, or undefined for an unknown type. */
export function engineInfo(type: string): EngineInfo | undefined {
  return ENGINES.get(type);
}

/**
 * Opens the target's database through the adapter its `type` names.
 * @throws ConfigError when the database cannot be opened or reached (message names the target)
 */
export function openAdapter(target: Target, projectDir: string): Promise<Adapter> {
  const info = ENGINES.get(target.type);
  if (!info) throw new Error(`no adapter for type '${target.type}'`); // resolveTarget rejects unknown types first
  return info.open(target, projectDir);
}
