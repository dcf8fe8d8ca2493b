import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ProjectConfig } from '../config/project-config.js';
import { isPlainObject, parseYamlWithLines } from '../config/yaml-file.js';
import { ConfigError } from '../errors.js';
import { discoverProjectFiles, type ProjectFiles } from './files.js';
import type { Fingerprint } from './fingerprint.js';
import { installedPackageDirs, packagesInstallPath } from './packages.js';

/**
 * Installed packages joining the root project under their own names
 * (https://docs.getdbt.com/docs/build/packages): each package's files are found under its own
 * paths, its nodes get `<type>.<package>.<name>` ids, and the root project's `<package>:` config
 * subtrees and vars apply to it.
 */

/** One installed package, ready to parse. */
export interface PackageProject {
  /** The package's config: its own project file, with the root project's `<package>:` configs layered on top. */
  config: ProjectConfig;
  /** Its files; paths are relative to the root project (`dbt_packages/<name>/models/x.sql`). */
  files: ProjectFiles;
  /** vars its templates see: its own, then the root's global and `<package>:` scoped vars, then `--vars`. */
  vars: Record<string, unknown>;
}

function paths(raw: Record<string, unknown>, key: string, fallback: string[], file: string): string[] {
  const value = raw[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.map(String);
  throw new ConfigError(`'${key}' must be a list of paths`, { location: { file } });
}

function tree(raw: Record<string, unknown>, key: string): Record<string, unknown> {
  return isPlainObject(raw[key]) ? (raw[key] as Record<string, unknown>) : {};
}

/** Deep merge of config trees; `over` wins key by key. */
function mergeTrees(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    merged[key] = isPlainObject(value) && isPlainObject(merged[key]) ? mergeTrees(merged[key] as Record<string, unknown>, value) : value;
  }
  return merged;
}

/**
 * A package's subtree of a config tree: the tree under its name, or (for a package's own file
 * written without the project key) the whole tree.
 */
function packageSubtree(source: Record<string, unknown>, name: string, ownFile: boolean): Record<string, unknown> {
  if (isPlainObject(source[name])) return source[name] as Record<string, unknown>;
  return ownFile ? source : {};
}

/**
 * Reads a package's project file (`dbt_project.yml`, else `dops_project.yml`): name, resource
 * paths, vars and config trees. (A stand-in for the full project loader, which handles every key.)
 * @param dir absolute folder of the package
 * @param display its path relative to the root project, for errors
 * @throws ConfigError when there is no project file or no name
 */
export function readPackageConfig(dir: string, display: string): { raw: Record<string, unknown>; config: ProjectConfig } {
  const fileName = ['dbt_project.yml', 'dops_project.yml'].find((name) => existsSync(join(dir, name)));
  if (!fileName) throw new ConfigError(`Package ${display} has no dbt_project.yml`, { location: { file: display }, hint: 'Run `dops deps` again.' });
  const file = `${display}/${fileName}`;
  const yaml = parseYamlWithLines(readFileSync(join(dir, fileName), 'utf8'), file);
  const parsed = yaml.value;
  const raw = isPlainObject(parsed) ? parsed : {};
  if (typeof raw.name !== 'string') throw new ConfigError(`${file} has no 'name:'`, { location: { file } });
  const config: ProjectConfig = {
    projectDir: dir,
    name: raw.name,
    version: String(raw.version ?? '1.0'),
    projectFile: fileName,
    profile: raw.name,
    requireDbtVersion: raw['require-dbt-version'] === undefined || raw['require-dbt-version'] === null ? undefined : ([] as unknown[]).concat(raw['require-dbt-version']).map(String),
    requireDbtVersionLine: yaml.lineOf(['require-dbt-version']),
    restrictAccess: raw['restrict-access'] === true,
    modelPaths: paths(raw, 'model-paths', ['models'], file),
    seedPaths: paths(raw, 'seed-paths', ['seeds'], file),
    testPaths: paths(raw, 'test-paths', ['tests'], file),
    macroPaths: paths(raw, 'macro-paths', ['macros'], file),
    snapshotPaths: paths(raw, 'snapshot-paths', ['snapshots'], file),
    targetPath: 'target',
    databasePath: 'dops.duckdb',
    vars: isPlainObject(raw.vars) ? raw.vars : {},
    folderConfig: { models: tree(raw, 'models'), seeds: tree(raw, 'seeds'), tests: tree(raw, 'tests'), snapshots: tree(raw, 'snapshots') },
  };
  return { raw, config };
}

/** Rewrites a package's file paths to be relative to the root project, so errors and ids point at them. */
function rebase(files: ProjectFiles, prefix: string, packageDir: string): ProjectFiles {
  const move = (list: ProjectFiles['models'] | undefined) => (list ?? []).map((file) => ({ ...file, path: `${prefix}/${file.path}`, root: `${prefix}/${file.root}` }));
  const fingerprint: Fingerprint = {};
  for (const [path, stamp] of Object.entries(files.fingerprint ?? {})) fingerprint[join(packageDir, path)] = stamp;
  return { models: move(files.models), properties: move(files.properties), seeds: move(files.seeds), tests: move(files.tests), macros: move(files.macros), snapshots: move(files.snapshots), docs: move(files.docs), fingerprint };
}

/** A package's vars as dbt scopes them (https://docs.getdbt.com/docs/build/project-variables). */
function packageVars(own: Record<string, unknown>, name: string, root: ProjectConfig, packageNames: Set<string>, cliVars: Record<string, unknown>): Record<string, unknown> {
  const ownGlobal = Object.fromEntries(Object.entries(own).filter(([key, value]) => !(key === name && isPlainObject(value))));
  const ownScoped = isPlainObject(own[name]) ? (own[name] as Record<string, unknown>) : {};
  const rootGlobal = Object.fromEntries(Object.entries(root.vars).filter(([key, value]) => !((packageNames.has(key) || key === root.name) && isPlainObject(value))));
  const rootScoped = isPlainObject(root.vars[name]) ? (root.vars[name] as Record<string, unknown>) : {};
  return { ...ownGlobal, ...ownScoped, ...rootGlobal, ...rootScoped, ...cliVars };
}

/**
 * Finds the packages installed under the root project's `packages-install-path` and reads them.
 * A package also listed as the root project itself is skipped.
 * @param cliVars `--vars`, which win over every project's vars
 * @returns one entry per package, sorted by folder name; [] when nothing is installed
 * @throws ConfigError for a package without a readable project file
 */
export function loadPackageProjects(root: ProjectConfig, cliVars: Record<string, unknown>): PackageProject[] {
  const dirs = installedPackageDirs(root.projectDir, packagesInstallPath(root.projectDir));
  const read = dirs.map((dir) => ({ dir, display: relative(root.projectDir, dir).replaceAll('\\', '/'), ...readPackageConfig(dir, relative(root.projectDir, dir).replaceAll('\\', '/')) }));
  const names = new Set(read.map((entry) => entry.config.name));
  const packages: PackageProject[] = [];
  for (const { dir, display, config } of read) {
    if (config.name === root.name) continue;
    const scoped = (kind: 'models' | 'seeds' | 'tests' | 'snapshots') => {
      const tree = mergeTrees(packageSubtree(config.folderConfig[kind] ?? {}, config.name, true), packageSubtree(root.folderConfig[kind] ?? {}, config.name, false));
      // No configs at all: no `<package>:` path, which would be reported as applying to no resources.
      return Object.keys(tree).length ? { [config.name]: tree } : {};
    };
    const merged: ProjectConfig = { ...config, folderConfig: { models: scoped('models'), seeds: scoped('seeds'), tests: scoped('tests'), snapshots: scoped('snapshots') } };
    const files = rebase(discoverProjectFiles(merged), display, dir);
    packages.push({ config: merged, files, vars: packageVars(config.vars, config.name, root, names, cliVars) });
  }
  return packages;
}

