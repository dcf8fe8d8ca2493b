import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, extname, join, resolve } from 'node:path';
import nunjucks from 'nunjucks';
import { ConfigError, DopsError } from '../errors.js';
import { scrubSecrets } from './secrets.js';
import { ADAPTER_TYPES, engineInfo } from '../adapter/registry.js';
import { closestNames } from '../parser/similar.js';
import { envVar } from './vars.js';
import { isPlainObject, parseYamlWithLines } from './yaml-file.js';
import type { ProjectConfig } from './project-config.js';

/** A DuckDB file attached beside the target's database (dbt-duckdb's `attach:`). */
export interface AttachSpec {
  /** File path (relative to the project dir), or any string DuckDB's ATTACH accepts. */
  path: string;
  /** Catalog name (default: the file's base name). */
  alias?: string;
  readOnly?: boolean;
  /** Storage type (e.g. `sqlite`); DuckDB files need none. */
  type?: string;
}

/**
 * The connection a command runs against, as dbt's `target` context variable describes it
 * (https://docs.getdbt.com/reference/dbt-jinja-functions/target). For DuckDB, `path` is a
 * database file (relative to the project dir) or `:memory:`; the other dbt-duckdb keys are
 * described at https://github.com/duckdb/dbt-duckdb#configuring-your-profile.
 */
export interface Target {
  name: string;
  /** The profile's `type`: picks the adapter (src/adapter/registry.ts), `duckdb` (default) or another registered engine's type. */
  type: string;
  /**
   * A non-DuckDB output's other keys, rendered (e.g. a server's `host`, `port`, `user`, `password`, `dbname`).
   * Holds secrets: never printed, never written to target/, left out of the template `target`.
   */
  credentials?: Record<string, unknown>;
  profileName: string;
  /** DuckDB database file, relative to the project dir, or `:memory:`. */
  path: string;
  /** dbt's `target.database`: on DuckDB the catalog name (the file's base name, `memory` for `:memory:`); on PostgreSQL the `dbname`. */
  database?: string;
  /** Default schema for models and seeds (dbt's `target.schema`). */
  schema: string;
  threads: number;
  /** DuckDB settings applied to every connection (`SET key = value`). */
  settings?: Record<string, string | number | boolean>;
  /** Other databases attached at open. */
  attach?: AttachSpec[];
  /** Default folder for external models (dbt-duckdb's `external_root`), relative to the project dir. */
  externalRoot?: string;
  /** Extensions asked for; the statically linked ones are always loaded. */
  extensions?: string[];
  /** Notes about the profile (keys not applied, extensions not available), `file:line: text`. */
  warnings?: string[];
}

/** Extensions linked into the DuckDB that dops ships (`duckdb_extensions()` install_mode STATICALLY_LINKED). */
export const STATIC_EXTENSIONS = new Set(['autocomplete', 'core_functions', 'icu', 'json', 'parquet']);

/** dbt-duckdb profile keys dops applies. */
const APPLIED_KEYS = new Set(['type', 'path', 'database', 'schema', 'threads', 'extensions', 'settings', 'attach', 'external_root']);
/** Other dbt-duckdb keys: accepted with a note that dops does not apply them. */
const OTHER_DUCKDB_KEYS = new Set([
  'plugins', 'filesystems', 'secrets', 'module_paths', 'use_credential_provider', 'disable_transactions', 'keep_open',
  'retries', 'config_options', 'motherduck_token', 'is_ducklake', 'remote', 'tmp_dir', 'catalog', 'user', 'password', 'host', 'port',
]);

/**
 * Where profiles.yml is looked for, in dbt's order: `--profiles-dir`, `$DBT_PROFILES_DIR`, the
 * project dir, `~/.dbt/` (https://docs.getdbt.com/docs/core/connect-data-platform/connection-profiles).
 * The first that exists is used.
 */
export function profileSearchPaths(projectDir: string, profilesDir?: string): string[] {
  if (profilesDir) return [join(resolve(profilesDir), 'profiles.yml')];
  const fromEnv = envVar('DBT_PROFILES_DIR', '');
  const dirs = [...(fromEnv ? [resolve(fromEnv)] : []), projectDir, join(process.env.HOME || homedir(), '.dbt')];
  return dirs.map((dir) => join(dir, 'profiles.yml'));
}

function renderValue(value: unknown, file: string, line: number | undefined): unknown {
  if (Array.isArray(value)) return value.map((v) => renderValue(v, file, line));
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderValue(v, file, line)]));
  if (typeof value !== 'string' || !value.includes('{{')) return value;
  // nunjucks wraps errors thrown by context functions; keep ours to report its own message.
  let raised: DopsError | undefined;
  const env_var = (name: string, fallback?: unknown) => {
    try {
      return envVar(name, fallback, true);
    } catch (error) {
      raised = error as DopsError;
      throw error;
    }
  };
  try {
    const rendered = nunjucks.renderString(value, { env_var });
    // dbt renders profile values as text, then reads numbers and booleans back.
    return /^-?\d+$/.test(rendered.trim()) ? Number(rendered) : rendered === 'True' || rendered === 'true' ? true : rendered === 'False' || rendered === 'false' ? false : rendered;
  } catch (error) {
    const cause = raised?.message ?? String((error as Error).message).split('\n').pop()?.trim();
    throw new ConfigError(scrubSecrets(`Cannot render '${value}': ${cause}`), { location: { file, line } });
  }
}

function catalogName(path: string): string {
  return path === ':memory:' ? 'memory' : basename(path, extname(path));
}

function defaultTarget(project: ProjectConfig, name: string): Target {
  const path = project.databasePath;
  return { name, type: 'duckdb', profileName: project.profile, path, database: catalogName(path), schema: 'main', threads: 1, warnings: [] };
}

function readAttach(value: unknown, fail: (message: string) => never): AttachSpec[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) fail("'attach' must be a list of {path, alias, read_only}");
  return (value as unknown[]).map((entry) => {
    if (!isPlainObject(entry) || typeof entry.path !== 'string') fail("each 'attach' entry needs a 'path'");
    const spec = entry as Record<string, unknown>;
    return { path: String(spec.path), alias: spec.alias === undefined ? undefined : String(spec.alias), readOnly: spec.read_only === true, type: spec.type === undefined ? undefined : String(spec.type) };
  });
}

/**
 * Resolves the target for a command, as dbt does: the profile the project names (`profile:`, else
 * one named after the project) from the first profiles.yml found (see {@link profileSearchPaths}),
 * and its `--target` or `target:` output. Values may use `{{ env_var('X') }}`.
 * When no profiles.yml has the project's profile and the project file names none, a `dev` target
 * on the project's `database-path` (default `dops.duckdb`) is used (dops' zero-setup default).
 * @param project the project config (supplies profile name and the default database path)
 * @param targetName `--target` value, or undefined for the profile's default
 * @param profilesDir `--profiles-dir` value
 * @throws ConfigError (with file and line) for a named profile that is not found, an unknown
 *   target, a non-duckdb type or keys of the wrong type (`threads: lots`)
 */
export function resolveTarget(project: ProjectConfig, targetName?: string, profilesDir?: string): Target {
  const searched = profileSearchPaths(project.projectDir, profilesDir);
  const file = searched.find((path) => existsSync(path));
  const yaml = file ? parseYamlWithLines(readFileSync(file, 'utf8'), file) : undefined;
  const profiles = yaml?.value;
  const profile = isPlainObject(profiles) ? profiles[project.profile] : undefined;
  if (!isPlainObject(profile)) {
    if (!project.profileNamed) {
      if (targetName === undefined || targetName === 'dev') return defaultTarget(project, 'dev');
      throw new ConfigError(`Target '${targetName}' not found: no profile '${project.profile}' in profiles.yml`, {
        hint: `Define it under ${project.profile}.outputs in profiles.yml (looked in: ${searched.join(', ')}).`,
      });
    }
    const names = isPlainObject(profiles) ? Object.keys(profiles).filter((k) => k !== 'config') : [];
    const close = closestNames(project.profile, names, 1);
    throw new ConfigError(`Profile '${project.profile}' not found${file ? ` in ${file}` : ': no profiles.yml'}`, {
      location: { file: project.projectFile ?? 'dbt_project.yml' },
      hint: file
        ? `${close.length ? `Did you mean '${close[0]}'? ` : ''}Profiles there: ${names.join(', ') || '(none)'}.`
        : `Looked in: ${searched.join(', ')}. Create one, or pass --profiles-dir.`,
    });
  }
  const outputs = isPlainObject(profile.outputs) ? profile.outputs : {};
  const profileTarget = renderValue(profile.target, file!, yaml!.lineOf([project.profile, 'target']));
  const name = targetName ?? (typeof profileTarget === 'string' ? profileTarget : 'dev');
  const output = outputs[name];
  if (!isPlainObject(output)) {
    throw new ConfigError(`Target '${name}' not found in profile '${project.profile}'`, {
      location: { file: file!, line: yaml!.lineOf([project.profile, 'outputs']) },
      hint: `Available targets: ${Object.keys(outputs).join(', ') || '(none)'}`,
    });
  }
  const path = [project.profile, 'outputs', name];
  const lineOf = (key?: string) => yaml!.lineOf(key ? [...path, key] : path);
  const fail = (key: string, message: string): never => {
    throw new ConfigError(message, { location: { file: file!, line: lineOf(key) } });
  };
  const values = Object.fromEntries(Object.entries(output).map(([k, v]) => [k, renderValue(v, file!, lineOf(k))]));
  const type = String(values.type ?? 'duckdb');
  const engine = engineInfo(type);
  if (!engine) throw new ConfigError(`Target '${name}' has type '${type}', which dops does not support`, { location: { file: file!, line: lineOf('type') }, hint: `Use one of: ${ADAPTER_TYPES.join(', ')}.` });
  if (type !== 'duckdb') {
    // A server engine: its keys are checked by its adapter and kept as credentials.
    const count = values.threads === undefined ? 1 : Number(values.threads);
    if (!Number.isInteger(count) || count < 1) fail('threads', `'threads' must be a positive whole number, got '${values.threads}'`);
    const { type: _type, schema, threads: _threads, ...credentials } = values;
    const target: Target = { name, type, profileName: project.profile, path: project.databasePath, schema: String(schema ?? engine.defaultSchema), threads: count, credentials };
    // dbt-postgres' `target.database` is the output's `dbname` (alias `database`): what
    // `{{ target.database }}.information_schema.tables` and relations' `database` name.
    const database = values.dbname ?? values.database;
    if (database !== undefined && database !== null && database !== '') target.database = String(database);
    engine.checkTarget(target, file!);
    return target;
  }
  const warnings: string[] = [];
  for (const key of Object.keys(values)) {
    if (APPLIED_KEYS.has(key)) continue;
    if (OTHER_DUCKDB_KEYS.has(key)) warnings.push(`${file}:${lineOf(key)}: profile key '${key}' is not applied by dops`);
    else {
      const close = closestNames(key, [...APPLIED_KEYS, ...OTHER_DUCKDB_KEYS], 1);
      warnings.push(`${file}:${lineOf(key)}: unknown profile key '${key}'${close.length ? ` (did you mean '${close[0]}'?)` : ''}; it is ignored`);
    }
  }
  const threads = values.threads === undefined ? 1 : Number(values.threads);
  if (!Number.isInteger(threads) || threads < 1) fail('threads', `'threads' must be a positive whole number, got '${values.threads}'`);
  for (const key of ['path', 'database', 'schema', 'external_root'] as const) {
    if (values[key] !== undefined && typeof values[key] !== 'string') fail(key, `'${key}' must be a string`);
  }
  if (values.settings !== undefined && !isPlainObject(values.settings)) fail('settings', "'settings' must be a mapping of DuckDB settings");
  const extensions = values.extensions === undefined ? undefined : Array.isArray(values.extensions) ? values.extensions : fail('extensions', "'extensions' must be a list");
  const extensionNames = extensions?.map((e) => (isPlainObject(e) ? String(e.name) : String(e)));
  for (const extension of extensionNames ?? []) {
    if (!STATIC_EXTENSIONS.has(extension)) warnings.push(`${file}:${lineOf('extensions')}: DuckDB extension '${extension}' is not built into dops' DuckDB and is not installed; models using it will fail`);
  }
  const dbPath = String(values.path ?? project.databasePath);
  if (values.database !== undefined && values.database !== catalogName(dbPath)) {
    warnings.push(`${file}:${lineOf('database')}: 'database: ${values.database}' differs from the file's catalog '${catalogName(dbPath)}'; dops uses the file's`);
  }
  return {
    name,
    type: 'duckdb',
    profileName: project.profile,
    path: dbPath,
    database: catalogName(dbPath),
    schema: String(values.schema ?? 'main'),
    threads,
    settings: values.settings as Target['settings'],
    attach: readAttach(values.attach, (message) => fail('attach', message)),
    externalRoot: values.external_root as string | undefined,
    extensions: extensionNames,
    warnings,
  };
}
