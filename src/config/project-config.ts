import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, DopsError, throwIfAny } from '../errors.js';
import { closestNames } from '../parser/similar.js';
import { APPLIED_FLAGS, flagProblem, MATCHED_BEHAVIOUR_FLAGS } from './flags.js';
import { configProblem, KNOWN_KEYS } from './node-config.js';
import { isPlainObject, parseYamlWithLines, type YamlWithLines } from './yaml-file.js';

/** dbt's project file name (https://docs.getdbt.com/reference/dbt_project.yml). */
export const DBT_PROJECT_FILE = 'dbt_project.yml';
/** dops' older project file name, still read when it is the only one present. */
export const DOPS_PROJECT_FILE = 'dops_project.yml';
/** Both project file names, in the order they are looked for. */
export const PROJECT_FILES = [DBT_PROJECT_FILE, DOPS_PROJECT_FILE] as const;
/** @deprecated the legacy name; use {@link ProjectConfig.projectFile} for the file a project uses. */
export const PROJECT_FILE = DOPS_PROJECT_FILE;

/** Resource kinds that have a config tree in the project file (`models:`, `seeds:`, ...). */
export const CONFIG_TREE_KEYS = ['models', 'seeds', 'snapshots', 'tests', 'sources', 'analyses', 'unit_tests', 'exposures', 'metrics', 'semantic-models', 'saved-queries'] as const;
type TreeKey = (typeof CONFIG_TREE_KEYS)[number];

/**
 * The parsed project file (`dbt_project.yml`, or the legacy `dops_project.yml`). Keys follow
 * https://docs.getdbt.com/reference/dbt_project.yml: kebab-case paths, `vars` (global, and scoped
 * per package under the package's name), and per-folder config trees with `+` prefixed keys.
 */
export interface ProjectConfig {
  /** Absolute path of the project directory. */
  projectDir: string;
  /** File name the config came from (`dbt_project.yml` or `dops_project.yml`), relative to projectDir. */
  projectFile?: string;
  name: string;
  version: string;
  /** Profile name to look up in profiles.yml (defaults to the project name). */
  profile: string;
  /** True when the project file names its `profile:` (then a missing profile is an error). */
  profileNamed?: boolean;
  /** `config-version` (dbt accepts only 2). */
  configVersion?: number;
  /** `require-dbt-version`: a version range or a list of them, as written. */
  requireDbtVersion?: string[];
  /** Line of `require-dbt-version` in the project file. */
  requireDbtVersionLine?: number;
  /** `restrict-access` (dbt_project.yml): other projects may not ref this one's protected models. */
  restrictAccess?: boolean;
  modelPaths: string[];
  seedPaths: string[];
  testPaths: string[];
  macroPaths: string[];
  /** Folders holding `{% snapshot %}` files (default `snapshots`). */
  snapshotPaths?: string[];
  /** `analysis-paths` (default `analyses`). */
  analysisPaths?: string[];
  /** `docs-paths` (default: the model, seed, snapshot, analysis and macro paths, as dbt). */
  docsPaths?: string[];
  /** `asset-paths` (default none). */
  assetPaths?: string[];
  /** `clean-targets`: folders `dops clean` removes (default `[target-path]`). */
  cleanTargets?: string[];
  /** `packages-install-path` (default `dbt_packages`). */
  packagesInstallPath?: string;
  /** Folder external models are written under by default, relative to the project dir (`lake-path`, default `lake`). */
  lakePath?: string;
  /** Where compiled SQL and artifacts go, relative to the project dir (default `target`). */
  targetPath: string;
  /** DuckDB file used when no profile applies (dops' `database-path`, default `dops.duckdb`; `:memory:` allowed). */
  databasePath: string;
  /**
   * Project-level vars as written (overridden by `--vars`): global ones, plus mappings under a
   * package's name that apply to that package only (see {@link varsFor}).
   */
  vars: Record<string, unknown>;
  /** `dispatch:` entries (`[{macro_namespace, search_order}]`), as written. */
  dispatch?: { macroNamespace: string; searchOrder: string[] }[];
  /** `flags:` as written. */
  flags?: Record<string, unknown>;
  /** `quoting:` (`database`, `schema`, `identifier`), as written. */
  quoting?: Record<string, unknown>;
  /** `on-run-start` SQL statements (Jinja), in order. */
  onRunStart?: string[];
  /** `on-run-end` SQL statements (Jinja), in order. */
  onRunEnd?: string[];
  /**
   * Raw per-folder config trees, by resource kind. `tests` merges `tests:` and `data_tests:`.
   * Values may still hold Jinja (see renderConfigTrees in config/render-project.ts).
   */
  folderConfig: Record<'models' | 'seeds' | 'tests', Record<string, unknown>> & Partial<Record<TreeKey, Record<string, unknown>>>;
  /** Notes found while reading the file (unknown keys, keys dops does not apply), as `file:line: text`. */
  warnings?: string[];
}

/** Every top-level key of dbt_project.yml dbt 1.10 knows, plus dops' own (`database-path`, `lake-path`). */
const KNOWN_TOP_KEYS = new Set([
  'name', 'version', 'config-version', 'profile', 'require-dbt-version', 'model-paths', 'seed-paths', 'test-paths',
  'analysis-paths', 'macro-paths', 'snapshot-paths', 'docs-paths', 'asset-paths', 'target-path', 'log-path',
  'packages-install-path', 'clean-targets', 'query-comment', 'vars', 'dispatch', 'flags', 'quoting',
  'on-run-start', 'on-run-end', 'data_tests', 'restrict-access', 'dbt-cloud', ...CONFIG_TREE_KEYS,
  'database-path', 'lake-path',
]);

/** Keys dops reads but does not act on yet: one warning per run naming the key. */
const NOT_APPLIED: Record<string, string> = {
  'query-comment': 'dops adds no query comments',
  'dbt-cloud': 'dbt Cloud settings do not apply',
  quoting: 'dops always quotes schema and identifiers',
};

/** Keys dbt removed in 1.0, with their replacement. */
const RENAMED: Record<string, string> = { 'source-paths': 'model-paths', 'data-paths': 'seed-paths', 'modules-path': 'packages-install-path' };

class Reader {
  readonly errors: DopsError[] = [];
  readonly warnings: string[] = [];
  constructor(readonly raw: Record<string, unknown>, readonly yaml: YamlWithLines, readonly file: string) {}

  line(key: string): number | undefined {
    return this.yaml.lineOf([key]);
  }

  fail(key: string, message: string): undefined {
    this.errors.push(new ConfigError(message, { location: { file: this.file, line: this.line(key) } }));
    return undefined;
  }

  warn(key: string, message: string): void {
    this.warnings.push(`${this.file}:${this.line(key) ?? 1}: ${message}`);
  }

  paths(key: string, fallback: string[]): string[] {
    const value = this.raw[key];
    if (value === undefined || value === null) return fallback;
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
    if (typeof value === 'string') return [value];
    return this.fail(key, `'${key}' must be a list of paths`) ?? fallback;
  }

  string(key: string, fallback: string): string {
    const value = this.raw[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value === 'string' || typeof value === 'number') return String(value);
    return this.fail(key, `'${key}' must be a string`) ?? fallback;
  }

  mapping(key: string): Record<string, unknown> {
    const value = this.raw[key];
    if (value === undefined || value === null) return {};
    if (isPlainObject(value)) return value;
    return this.fail(key, `'${key}' must be a mapping`) ?? {};
  }

  hooks(key: string): string[] | undefined {
    const value = this.raw[key];
    if (value === undefined || value === null) return undefined;
    const list = Array.isArray(value) ? value : [value];
    if (list.every((v) => typeof v === 'string')) return list as string[];
    return this.fail(key, `'${key}' must be a SQL statement or a list of them`);
  }
}

/** Checks the config values of a `models:` / `seeds:` / ... tree, with the line of each problem. */
function checkTree(reader: Reader, tree: unknown, path: string[]): void {
  if (!isPlainObject(tree)) return;
  for (const [key, value] of Object.entries(tree)) {
    const at = [...path, key];
    const configKey = key.startsWith('+') ? key.slice(1) : KNOWN_KEYS.has(key) && (!isPlainObject(value) || key === 'column_types') ? key : undefined;
    if (configKey !== undefined) {
      const problem = configProblem(configKey, value);
      if (problem) reader.errors.push(new ConfigError(`${at.join('.')}: ${problem}`, { location: { file: reader.file, line: reader.yaml.lineOf(at) } }));
    } else if (isPlainObject(value)) {
      checkTree(reader, value, at);
    } else if (value !== null) {
      const close = closestNames(key, KNOWN_KEYS, 1);
      reader.warnings.push(`${reader.file}:${reader.yaml.lineOf(at) ?? 1}: '${at.join('.')}' is neither a config (configs start with '+') nor a folder${close.length ? ` (did you mean '+${close[0]}'?)` : ''}; it is ignored`);
    }
  }
}

function readDispatch(reader: Reader): ProjectConfig['dispatch'] {
  const value = reader.raw.dispatch;
  if (value === undefined || value === null) return undefined;
  const ok = Array.isArray(value) && value.every((e) => isPlainObject(e) && typeof e.macro_namespace === 'string' && Array.isArray(e.search_order));
  if (!ok) return reader.fail('dispatch', "'dispatch' must be a list of {macro_namespace: name, search_order: [packages]}");
  return (value as Record<string, unknown>[]).map((e) => ({ macroNamespace: e.macro_namespace as string, searchOrder: (e.search_order as unknown[]).map(String) }));
}

/**
 * Finds the project file of a directory: `dbt_project.yml`, else `dops_project.yml`.
 * @returns the file name, or undefined when there is none
 * @throws ConfigError (exit 2) when both are present
 */
export function findProjectFile(dir: string): string | undefined {
  const present = PROJECT_FILES.filter((name) => existsSync(join(dir, name)));
  if (present.length > 1) {
    throw new ConfigError(`Both ${DBT_PROJECT_FILE} and ${DOPS_PROJECT_FILE} are in ${dir}`, {
      location: { file: DOPS_PROJECT_FILE },
      hint: `Keep one: dops reads ${DBT_PROJECT_FILE} as dbt does; move the settings of ${DOPS_PROJECT_FILE} into it and delete it.`,
    });
  }
  return present[0];
}

/**
 * Reads a project's `dbt_project.yml` (or legacy `dops_project.yml`) from a directory. The same
 * loader reads an installed package's own project file (`dbt_packages/<pkg>/dbt_project.yml`).
 * Unknown keys become warnings with a did-you-mean; keys of the wrong type are errors.
 * @param projectDir directory holding the project file (relative paths resolve against cwd)
 * @returns the validated config with defaults filled in (config-tree values still raw)
 * @throws ConfigError when the file is missing, both files exist, or keys have the wrong shape
 *   (all such problems together, each with file and line); ParseError on bad YAML
 */
export function loadProjectConfig(projectDir: string): ProjectConfig {
  const dir = resolve(projectDir);
  const fileName = findProjectFile(dir);
  if (!fileName) {
    throw new ConfigError(`No ${DBT_PROJECT_FILE} found in ${dir}`, {
      hint: 'Run dops inside a project, pass --project-dir, or create one with `dops init`.',
    });
  }
  const yaml = parseYamlWithLines(readFileSync(join(dir, fileName), 'utf8'), fileName);
  const raw = yaml.value;
  if (!isPlainObject(raw)) throw new ConfigError('The project file must be a mapping', { location: { file: fileName } });
  const reader = new Reader(raw, yaml, fileName);
  if (typeof raw.name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(raw.name)) {
    throw new ConfigError("'name' is required: letters, digits and underscores, not starting with a digit", {
      location: { file: fileName, line: reader.line('name') },
    });
  }
  for (const key of Object.keys(raw)) {
    if (RENAMED[key]) reader.fail(key, `'${key}' was renamed '${RENAMED[key]}' in dbt 1.0`);
    else if (!KNOWN_TOP_KEYS.has(key)) {
      const close = closestNames(key, KNOWN_TOP_KEYS, 1);
      reader.warn(key, `unknown key '${key}' in ${fileName}${close.length ? ` (did you mean '${close[0]}'?)` : ''}; it is ignored`);
    } else if (NOT_APPLIED[key] && raw[key] !== null && raw[key] !== undefined && !(Array.isArray(raw[key]) && (raw[key] as unknown[]).length === 0)) {
      reader.warn(key, `'${key}' is read but not applied: ${NOT_APPLIED[key]}`);
    }
  }
  const configVersion = raw['config-version'];
  if (configVersion !== undefined && configVersion !== 2) reader.fail('config-version', "'config-version' must be 2 (dbt 1.x)");
  const required = raw['require-dbt-version'];
  if (required !== undefined && typeof required !== 'string' && !(Array.isArray(required) && required.every((v) => typeof v === 'string'))) {
    reader.fail('require-dbt-version', "'require-dbt-version' must be a version range or a list of them");
  }
  const flags = raw.flags === undefined ? undefined : reader.mapping('flags');
  for (const [name, value] of Object.entries(flags ?? {})) {
    const problem = flagProblem(name, value);
    const line = yaml.lineOf(['flags', name]) ?? reader.line('flags');
    if (problem) reader.errors.push(new ConfigError(problem, { location: { file: fileName, line } }));
    else if (!APPLIED_FLAGS[name] && MATCHED_BEHAVIOUR_FLAGS[name] !== value) reader.warnings.push(`${fileName}:${line ?? 1}: flags: '${name}' is read but not applied (templates see it as flags.${name.toUpperCase()})`);
  }
  const vars = reader.mapping('vars');
  const targetPath = reader.string('target-path', 'target');
  const tests = { ...reader.mapping('tests'), ...reader.mapping('data_tests') };
  const folderConfig = Object.fromEntries(CONFIG_TREE_KEYS.map((key) => [key, key === 'tests' ? tests : reader.mapping(key)])) as ProjectConfig['folderConfig'];
  for (const key of [...CONFIG_TREE_KEYS, 'data_tests']) checkTree(reader, raw[key], [key]);
  const modelPaths = reader.paths('model-paths', ['models']);
  const seedPaths = reader.paths('seed-paths', ['seeds']);
  const snapshotPaths = reader.paths('snapshot-paths', ['snapshots']);
  const analysisPaths = reader.paths('analysis-paths', ['analyses']);
  const macroPaths = reader.paths('macro-paths', ['macros']);
  const config: ProjectConfig = {
    projectDir: dir,
    projectFile: fileName,
    name: raw.name,
    version: reader.string('version', '1.0'),
    profile: reader.string('profile', raw.name),
    profileNamed: raw.profile !== undefined && raw.profile !== null,
    configVersion: 2,
    requireDbtVersion: required === undefined ? undefined : Array.isArray(required) ? (required as string[]) : [String(required)],
    requireDbtVersionLine: reader.line('require-dbt-version'),
    restrictAccess: raw['restrict-access'] === true,
    modelPaths,
    seedPaths,
    testPaths: reader.paths('test-paths', ['tests']),
    macroPaths,
    snapshotPaths,
    analysisPaths,
    docsPaths: reader.paths('docs-paths', [...modelPaths, ...seedPaths, ...snapshotPaths, ...analysisPaths, ...macroPaths]),
    assetPaths: reader.paths('asset-paths', []),
    cleanTargets: reader.paths('clean-targets', [targetPath]),
    packagesInstallPath: reader.string('packages-install-path', 'dbt_packages'),
    lakePath: reader.string('lake-path', 'lake'),
    targetPath,
    databasePath: reader.string('database-path', 'dops.duckdb'),
    vars,
    dispatch: readDispatch(reader),
    flags,
    quoting: raw.quoting === undefined ? undefined : reader.mapping('quoting'),
    onRunStart: reader.hooks('on-run-start'),
    onRunEnd: reader.hooks('on-run-end'),
    folderConfig,
    warnings: reader.warnings,
  };
  throwIfAny(reader.errors);
  return config;
}

/**
 * The vars a node of a package sees, as dbt scopes them: every project var, then the mapping under
 * the package's own name on top (https://docs.getdbt.com/docs/build/project-variables).
 */
export function varsFor(vars: Record<string, unknown>, packageName: string): Record<string, unknown> {
  const scoped = vars[packageName];
  return isPlainObject(scoped) ? { ...vars, ...scoped } : vars;
}
