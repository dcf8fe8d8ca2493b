import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import nunjucks from 'nunjucks';
import { ConfigError, DopsError } from '../errors.js';
import { scrubSecrets } from './secrets.js';
import { envVar } from './vars.js';
import { isPlainObject, readYamlFile } from './yaml-file.js';
import type { ProjectConfig } from './project-config.js';

/**
 * The connection a command runs against, as dbt's `target` context variable describes it.
 * Only DuckDB is supported: `path` is a database file (relative to the project dir) or `:memory:`.
 */
export interface Target {
  name: string;
  type: 'duckdb';
  profileName: string;
  /** DuckDB database file, relative to the project dir, or `:memory:`. */
  path: string;
  /** Default schema for models and seeds (dbt's `target.schema`). */
  schema: string;
  threads: number;
}

/** Where profiles.yml was looked for, in order (project dir, then `~/.dops/`). */
export function profileSearchPaths(projectDir: string, profilesDir?: string): string[] {
  if (profilesDir) return [join(profilesDir, 'profiles.yml')];
  return [join(projectDir, 'profiles.yml'), join(homedir(), '.dops', 'profiles.yml')];
}

function renderValue(value: unknown, file: string): unknown {
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
    return nunjucks.renderString(value, { env_var });
  } catch (error) {
    const cause = raised?.message ?? String((error as Error).message).split('\n').pop()?.trim();
    throw new ConfigError(scrubSecrets(`Cannot render '${value}': ${cause}`), { location: { file } });
  }
}

function defaultTarget(project: ProjectConfig, name: string): Target {
  return { name, type: 'duckdb', profileName: project.profile, path: project.databasePath, schema: 'main', threads: 1 };
}

/**
 * Resolves the target for a command: from profiles.yml when it defines the project's profile,
 * else a `dev` target on the project's embedded DuckDB file. Values may use `{{ env_var('X') }}`.
 * @param project the project config (supplies profile name and the default database path)
 * @param targetName `--target` value, or undefined for the profile's default
 * @param profilesDir `--profiles-dir` value
 * @throws ConfigError for an unknown target, a non-duckdb type or a bad profile shape
 */
export function resolveTarget(project: ProjectConfig, targetName?: string, profilesDir?: string): Target {
  const file = profileSearchPaths(project.projectDir, profilesDir).find((path) => existsSync(path));
  const profiles = file ? readYamlFile(file, file) : undefined;
  const profile = isPlainObject(profiles) ? profiles[project.profile] : undefined;
  if (!isPlainObject(profile)) {
    if (targetName === undefined || targetName === 'dev') return defaultTarget(project, 'dev');
    throw new ConfigError(`Target '${targetName}' not found: no profile '${project.profile}' in profiles.yml`, {
      hint: `Define it under ${project.profile}.outputs in profiles.yml (project dir or ~/.dops/).`,
    });
  }
  const outputs = isPlainObject(profile.outputs) ? profile.outputs : {};
  const name = targetName ?? (typeof profile.target === 'string' ? profile.target : 'dev');
  const output = outputs[name];
  if (!isPlainObject(output)) {
    throw new ConfigError(`Target '${name}' not found in profile '${project.profile}'`, {
      location: { file: file! },
      hint: `Available targets: ${Object.keys(outputs).join(', ') || '(none)'}`,
    });
  }
  const values = Object.fromEntries(Object.entries(output).map(([k, v]) => [k, renderValue(v, file!)]));
  if (values.type !== undefined && values.type !== 'duckdb') {
    throw new ConfigError(`Target '${name}' has type '${values.type}'; dops supports only duckdb`, { location: { file: file! } });
  }
  const threads = Number(values.threads ?? 1);
  return {
    name,
    type: 'duckdb',
    profileName: project.profile,
    path: String(values.path ?? project.databasePath),
    schema: String(values.schema ?? 'main'),
    threads: Number.isInteger(threads) && threads > 0 ? threads : 1,
  };
}
