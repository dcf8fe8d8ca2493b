import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { ConfigError } from '../errors.js';
import { isPlainObject, parseYamlWithLines } from '../config/yaml-file.js';

/**
 * Packages: `packages.yml` / `dependencies.yml`, `package-lock.yml` and `dops deps`.
 * Mirrors https://docs.getdbt.com/docs/build/packages and
 * https://docs.getdbt.com/reference/commands/deps.
 */

/** One entry of `packages:` as written. Exactly one of `local`, `git`, `package` is set. */
export interface PackageSpec {
  local?: string;
  git?: string;
  /** Git ref (tag, branch or commit) to check out; default the remote's HEAD. */
  revision?: string;
  /** Folder inside the git repository holding the dbt project. */
  subdirectory?: string;
  /** Hub id, e.g. `dbt-labs/dbt_utils`. */
  package?: string;
  /** Hub version: an exact version, a range string (`>=1.0.0`) or a list of ranges. */
  version?: string | string[];
  /** File and 1-based line the entry came from. */
  file: string;
  line?: number;
}

/** A package as installed: its project name and where its files came from (one entry of package-lock.yml). */
export interface InstalledPackage {
  name: string;
  spec: PackageSpec;
  /** Folder the package was copied or linked from (for git: the commit checked out is in `commit`). */
  source: string;
  commit?: string;
  version?: string;
}

/** The files that list a project's packages, in dbt's order of preference. */
export const PACKAGE_FILES = ['dependencies.yml', 'packages.yml'] as const;
/** The lock file `dops deps` writes next to the project file. */
export const LOCK_FILE = 'package-lock.yml';

/**
 * Reads a project's package list from `packages.yml` or `dependencies.yml` (both holding `packages:`).
 * @param dir project directory
 * @returns the entries, or [] when neither file exists; and the sha1 of the file's text (the lock's `sha1_hash`)
 * @throws ConfigError when both files list packages, or an entry has no `local`/`git`/`package` key
 */
export function readPackageSpecs(dir: string): { specs: PackageSpec[]; hash: string } {
  const present = PACKAGE_FILES.filter((name) => existsSync(join(dir, name)));
  const specs: PackageSpec[] = [];
  let hash = '';
  const withPackages: string[] = [];
  for (const file of present) {
    const text = readFileSync(join(dir, file), 'utf8');
    const parsed = parseYamlWithLines(text, file);
    const value = parsed.value;
    if (value === null || value === undefined) continue;
    if (!isPlainObject(value)) throw new ConfigError(`${file} must be a mapping with a 'packages:' list`, { location: { file, line: 1 } });
    if (value.projects !== undefined) {
      process.stderr.write(`Warning: ${file}:${parsed.lineOf(['projects'])}: 'projects:' (dbt Mesh cross-project refs) is not supported by dops and is ignored\n`);
    }
    if (value.packages === undefined || value.packages === null) continue;
    withPackages.push(file);
    if (!Array.isArray(value.packages)) throw new ConfigError(`'packages' must be a list`, { location: { file, line: parsed.lineOf(['packages']) } });
    hash = createHash('sha1').update(text).digest('hex');
    value.packages.forEach((entry: unknown, index: number) => {
      const line = parsed.lineOf(['packages', index]);
      if (!isPlainObject(entry) || !['local', 'git', 'package', 'tarball'].some((key) => typeof entry[key] === 'string')) {
        throw new ConfigError(`A package entry needs 'local:', 'git:' or 'package:'`, { location: { file, line } });
      }
      if (typeof entry.tarball === 'string') {
        throw new ConfigError(`tarball packages are not supported by dops deps: ${entry.tarball}`, { location: { file, line }, hint: 'Unpack it into a folder and use `local:`.' });
      }
      const version = entry.version;
      specs.push({
        local: typeof entry.local === 'string' ? entry.local : undefined,
        git: typeof entry.git === 'string' ? entry.git : undefined,
        revision: entry.revision === undefined ? undefined : String(entry.revision),
        subdirectory: typeof entry.subdirectory === 'string' ? entry.subdirectory : undefined,
        package: typeof entry.package === 'string' ? entry.package : undefined,
        version: Array.isArray(version) ? version.map(String) : version === undefined ? undefined : String(version),
        file,
        line,
      });
    });
  }
  if (withPackages.length > 1) {
    throw new ConfigError(`Packages are listed in both ${withPackages.join(' and ')}`, { location: { file: withPackages[1] }, hint: 'Keep one of them (dbt reads only one).' });
  }
  return { specs, hash };
}

/** Name of the dbt project in a folder (`name:` of dbt_project.yml or dops_project.yml). */
export function packageProjectName(dir: string, displayPath: string): string {
  for (const file of ['dbt_project.yml', 'dops_project.yml']) {
    const path = join(dir, file);
    if (!existsSync(path)) continue;
    const parsed = parseYamlWithLines(readFileSync(path, 'utf8'), `${displayPath}/${file}`).value;
    if (isPlainObject(parsed) && typeof parsed.name === 'string') return parsed.name;
    throw new ConfigError(`${displayPath}/${file} has no 'name:'`, { location: { file: `${displayPath}/${file}` } });
  }
  throw new ConfigError(`${displayPath} is not a dbt project (no dbt_project.yml)`, { location: { file: displayPath } });
}

/** One entry of the local package index (`index.yml`'s `packages:`). */
interface IndexEntry {
  hub: string;
  aliases?: string[];
  name: string;
  version: string;
  path: string;
}

function readIndex(indexDir: string): IndexEntry[] {
  const file = join(indexDir, 'index.yml');
  if (!existsSync(file)) throw new ConfigError(`No index.yml in the package index ${indexDir}`);
  const value = parseYamlWithLines(readFileSync(file, 'utf8'), file).value;
  const list = isPlainObject(value) && Array.isArray(value.packages) ? value.packages : [];
  return list.filter((entry): entry is IndexEntry => isPlainObject(entry) && typeof entry.hub === 'string' && typeof entry.path === 'string');
}

function compareVersions(a: string, b: string): number {
  const pa = a.replace(/^v/, '').split(/[.-]/).map((part) => Number.parseInt(part, 10) || 0);
  const pb = b.replace(/^v/, '').split(/[.-]/).map((part) => Number.parseInt(part, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff) return Math.sign(diff);
  }
  return 0;
}

/**
 * Whether a version satisfies dbt's hub version spec: an exact version or ranges such as
 * `[">=0.9.0", "<2.0.0"]` (https://docs.getdbt.com/docs/build/packages#hub-packages-recommended).
 */
export function versionSatisfies(version: string, spec: string | string[] | undefined): boolean {
  if (spec === undefined) return true;
  for (const part of (Array.isArray(spec) ? spec : spec.split(',')).map((s) => s.trim()).filter(Boolean)) {
    const match = /^(>=|<=|>|<|==|=)?\s*(.+)$/.exec(part)!;
    const cmp = compareVersions(version, match[2]);
    const ok = { '>=': cmp >= 0, '<=': cmp <= 0, '>': cmp > 0, '<': cmp < 0, '==': cmp === 0, '=': cmp === 0, '': cmp === 0 }[match[1] ?? ''];
    if (!ok) return false;
  }
  return true;
}

/** Options of {@link installPackages}. */
export interface DepsOptions {
  /** Folder holding `index.yml` (a local stand-in for hub.getdbt.com); default `DOPS_PACKAGE_INDEX`. */
  packageIndex?: string;
  /** Where packages go, relative to the project dir (dbt's `packages-install-path`, default `dbt_packages`). */
  installPath?: string;
  /** Copy local packages instead of symlinking them (dbt symlinks). */
  copyLocal?: boolean;
}

function git(args: string[], cwd?: string): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim().split('\n').pop();
    throw new ConfigError(`git ${args.join(' ')} failed: ${stderr || (error as Error).message}`);
  }
}

function readLock(projectDir: string): { hash?: string; entries: Record<string, unknown>[] } {
  const file = join(projectDir, LOCK_FILE);
  if (!existsSync(file)) return { entries: [] };
  const value = parseYamlWithLines(readFileSync(file, 'utf8'), LOCK_FILE).value;
  if (!isPlainObject(value)) return { entries: [] };
  return { hash: typeof value.sha1_hash === 'string' ? value.sha1_hash : undefined, entries: Array.isArray(value.packages) ? value.packages.filter(isPlainObject) : [] };
}

/**
 * Installs a project's packages and the packages they list (transitively) into the install path,
 * then writes `package-lock.yml` (dbt 1.7+ shape: `packages:` pinned, `sha1_hash` of packages.yml).
 * `local:` packages are symlinked (or copied), `git:` ones cloned with the system git (a local path
 * or file:// URL works offline) at `revision`, hub ids resolved from the package index folder.
 * A lock whose hash matches the package file pins git commits.
 * @param projectDir the root project
 * @returns the installed packages, root's first
 * @throws ConfigError naming the entry (file and line) that cannot be installed; for a hub package
 *   without an index entry, one line saying how to vendor it
 */
export function installPackages(projectDir: string, options: DepsOptions = {}): InstalledPackage[] {
  const root = resolve(projectDir);
  const installDir = resolve(root, options.installPath ?? 'dbt_packages');
  const indexDir = options.packageIndex ?? process.env.DOPS_PACKAGE_INDEX;
  const index = indexDir ? readIndex(resolve(indexDir)) : undefined;
  const { specs, hash } = readPackageSpecs(root);
  const lock = readLock(root);
  const pinned = new Map<string, string>();
  if (lock.hash === hash) for (const entry of lock.entries) if (typeof entry.git === 'string' && typeof entry.revision === 'string') pinned.set(entry.git, entry.revision);
  const installed = new Map<string, InstalledPackage>();
  const work = mkdtempSync(join(tmpdir(), 'dops-deps-'));
  rmSync(installDir, { recursive: true, force: true });
  mkdirSync(installDir, { recursive: true });
  try {
    const install = (spec: PackageSpec, baseDir: string, display: string): void => {
      const where = { location: { file: spec.file, line: spec.line } };
      let source: string;
      let commit: string | undefined;
      let version: string | undefined;
      let link = false;
      if (spec.local !== undefined) {
        source = resolve(baseDir, spec.local);
        if (!existsSync(source)) throw new ConfigError(`Local package not found: ${spec.local} (${source})`, where);
        link = !options.copyLocal;
      } else if (spec.git !== undefined) {
        const url = spec.git.startsWith('file://') ? fileURLToPath(spec.git) : /^[a-z]+:\/\/|^git@/.test(spec.git) || isAbsolute(spec.git) ? spec.git : resolve(baseDir, spec.git);
        const clone = join(work, `git-${installed.size}-${Date.now()}`);
        git(['clone', '--quiet', url, clone]);
        const revision = pinned.get(spec.git) ?? spec.revision;
        if (revision) git(['-c', 'advice.detachedHead=false', 'checkout', '--quiet', revision], clone);
        commit = git(['rev-parse', 'HEAD'], clone);
        source = spec.subdirectory ? join(clone, spec.subdirectory) : clone;
        if (!existsSync(source)) throw new ConfigError(`No folder '${spec.subdirectory}' in ${spec.git}`, where);
      } else {
        const id = spec.package!;
        const entry = index?.find((candidate) => candidate.hub === id || candidate.aliases?.includes(id));
        if (!entry) {
          throw new ConfigError(
            `Package '${id}' is a hub package and no package index lists it; dops does not download from hub.getdbt.com`,
            { ...where, hint: `Vendor it: put its folder and an entry in an index.yml and pass --package-index DIR (or DOPS_PACKAGE_INDEX), or use 'git:' / 'local:' instead.` },
          );
        }
        if (!versionSatisfies(entry.version, spec.version)) {
          throw new ConfigError(`Package '${id}' needs version ${JSON.stringify(spec.version)}, but the index has ${entry.version}`, where);
        }
        source = resolve(indexDir!, entry.path);
        version = entry.version;
      }
      const name = packageProjectName(source, display);
      if (installed.has(name)) return;
      const target = join(installDir, name);
      if (link) symlinkSync(source, target, 'dir');
      else {
        cpSync(source, target, { recursive: true, filter: (path) => !path.split(/[\\/]/).includes('.git') });
        // A vendored copy of a read-only folder must stay removable by the next `deps` or `clean`.
        execFileSync('chmod', ['-R', 'u+w', target]);
      }
      installed.set(name, { name, spec, source, commit, version });
      // A package's own packages (https://docs.getdbt.com/docs/build/packages: transitive dependencies).
      for (const child of readPackageSpecs(source).specs) install({ ...child, file: `${relative(root, source) || '.'}/${child.file}` }, source, name);
    };
    for (const spec of specs) install(spec, root, spec.local ?? spec.git ?? spec.package ?? '');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const packages = [...installed.values()];
  const lockEntries = packages.map(({ name, spec, commit, version }) => {
    if (spec.local !== undefined) return { local: spec.local, name };
    if (spec.git !== undefined) return { git: spec.git, revision: commit, ...(spec.subdirectory ? { subdirectory: spec.subdirectory } : {}), name };
    return { package: spec.package, version, name };
  });
  // The `yaml` package loads only here (`dops deps`), not in every command that reads packages.
  const { stringify } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  if (specs.length) writeFileSync(join(root, LOCK_FILE), stringify({ packages: lockEntries, sha1_hash: hash }));
  return packages;
}

/**
 * The packages installed under a project's install path (one folder, or symlink, per package).
 * @returns absolute folders, sorted by name; [] when the folder does not exist
 */
export function installedPackageDirs(projectDir: string, installPath = 'dbt_packages'): string[] {
  const dir = resolve(projectDir, installPath);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .map((name) => join(dir, name))
    .filter((path) => {
      try {
        return lstatSync(path).isDirectory() || lstatSync(path).isSymbolicLink();
      } catch {
        return false;
      }
    });
}

/**
 * The raw mapping of a project's file (`dbt_project.yml`, else `dops_project.yml`), for the few keys
 * `deps` and `clean` read before a full load (`packages-install-path`, `clean-targets`, `target-path`).
 * @returns {} when there is no project file
 */
export function rawProjectFile(projectDir: string): Record<string, unknown> {
  for (const file of ['dbt_project.yml', 'dops_project.yml']) {
    const path = join(projectDir, file);
    if (!existsSync(path)) continue;
    const value = parseYamlWithLines(readFileSync(path, 'utf8'), file).value;
    return isPlainObject(value) ? value : {};
  }
  return {};
}

/** The project's `packages-install-path` (default `dbt_packages`). */
export function packagesInstallPath(projectDir: string): string {
  const value = rawProjectFile(projectDir)['packages-install-path'];
  return typeof value === 'string' ? value : 'dbt_packages';
}

/**
 * Removes the project's `clean-targets` (https://docs.getdbt.com/reference/project-configs/clean-targets;
 * default: the target path and the packages install path). Paths outside the project are refused.
 * @returns the paths removed, relative to the project dir
 * @throws ConfigError for a clean target outside the project directory
 */
export function cleanProject(projectDir: string): string[] {
  const dir = resolve(projectDir);
  const raw = rawProjectFile(dir);
  const targetPath = typeof raw['target-path'] === 'string' ? raw['target-path'] : 'target';
  const configured = raw['clean-targets'];
  const targets = Array.isArray(configured) ? configured.map(String) : [targetPath, packagesInstallPath(dir)];
  const removed: string[] = [];
  for (const target of targets) {
    const path = resolve(dir, target);
    const rel = relative(dir, path);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
      throw new ConfigError(`clean-targets entry '${target}' is outside the project directory`, { location: { file: 'dbt_project.yml' } });
    }
    if (!existsSync(path)) continue;
    rmSync(path, { recursive: true, force: true });
    removed.push(target);
  }
  return removed;
}
