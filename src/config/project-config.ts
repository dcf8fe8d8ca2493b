import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { isPlainObject, readYamlFile } from './yaml-file.js';

/** Name of the project file, looked up in the project directory. */
export const PROJECT_FILE = 'dops_project.yml';

/**
 * The parsed `dops_project.yml`. Keys follow dbt_project.yml (kebab-case paths, `vars`, per-folder
 * `models:` / `seeds:` / `tests:` config with `+` prefixed keys).
 */
export interface ProjectConfig {
  /** Absolute path of the project directory. */
  projectDir: string;
  name: string;
  version: string;
  /** Profile name to look up in profiles.yml (defaults to the project name). */
  profile: string;
  modelPaths: string[];
  seedPaths: string[];
  testPaths: string[];
  macroPaths: string[];
  /** Folders holding `{% snapshot %}` files (default `snapshots`). */
  snapshotPaths?: string[];
  /** Folder external models are written under by default, relative to the project dir (`lake-path`, default `lake`). */
  lakePath?: string;
  /** Where compiled SQL and artifacts go, relative to the project dir (default `target`). */
  targetPath: string;
  /** DuckDB file used when no profile applies (default `dops.duckdb`; `:memory:` allowed). */
  databasePath: string;
  /** Project-level vars (overridden by `--vars`). */
  vars: Record<string, unknown>;
  /** Raw per-folder config trees, by resource kind (`models`, `seeds`, `tests`, `snapshots`). */
  folderConfig: Record<'models' | 'seeds' | 'tests', Record<string, unknown>> & { snapshots?: Record<string, unknown> };
}

function stringList(raw: Record<string, unknown>, key: string, fallback: string[]): string[] {
  const value = raw[key];
  if (value === undefined) return fallback;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  if (typeof value === 'string') return [value];
  throw new ConfigError(`'${key}' must be a list of paths`, { location: { file: PROJECT_FILE } });
}

function optionalString(raw: Record<string, unknown>, key: string, fallback: string): string {
  const value = raw[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  throw new ConfigError(`'${key}' must be a string`, { location: { file: PROJECT_FILE } });
}

function configTree(raw: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = raw[key];
  if (value === undefined || value === null) return {};
  if (isPlainObject(value)) return value;
  throw new ConfigError(`'${key}' must be a mapping of folder configs`, { location: { file: PROJECT_FILE } });
}

/**
 * Reads `dops_project.yml` from a project directory.
 * @param projectDir directory holding the project file (relative paths resolve against cwd)
 * @returns the validated config with defaults filled in
 * @throws ConfigError when the file is missing or a key has the wrong shape; ParseError on bad YAML
 */
export function loadProjectConfig(projectDir: string): ProjectConfig {
  const dir = resolve(projectDir);
  const file = join(dir, PROJECT_FILE);
  if (!existsSync(file)) {
    throw new ConfigError(`No ${PROJECT_FILE} found in ${dir}`, {
      hint: 'Run dops inside a project, pass --project-dir, or create one with `dops init`.',
    });
  }
  const raw = readYamlFile(file, PROJECT_FILE);
  if (!isPlainObject(raw)) throw new ConfigError('The project file must be a mapping', { location: { file: PROJECT_FILE } });
  if (typeof raw.name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(raw.name)) {
    throw new ConfigError("'name' is required: letters, digits and underscores, not starting with a digit", {
      location: { file: PROJECT_FILE },
    });
  }
  const vars = raw.vars ?? {};
  if (!isPlainObject(vars)) throw new ConfigError("'vars' must be a mapping", { location: { file: PROJECT_FILE } });
  return {
    projectDir: dir,
    name: raw.name,
    version: optionalString(raw, 'version', '1.0'),
    profile: optionalString(raw, 'profile', raw.name),
    modelPaths: stringList(raw, 'model-paths', ['models']),
    seedPaths: stringList(raw, 'seed-paths', ['seeds']),
    testPaths: stringList(raw, 'test-paths', ['tests']),
    macroPaths: stringList(raw, 'macro-paths', ['macros']),
    snapshotPaths: stringList(raw, 'snapshot-paths', ['snapshots']),
    lakePath: optionalString(raw, 'lake-path', 'lake'),
    targetPath: optionalString(raw, 'target-path', 'target'),
    databasePath: optionalString(raw, 'database-path', 'dops.duckdb'),
    vars,
    folderConfig: {
      models: configTree(raw, 'models'),
      seeds: configTree(raw, 'seeds'),
      tests: configTree(raw, 'tests'),
      snapshots: configTree(raw, 'snapshots'),
    },
  };
}
