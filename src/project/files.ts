import * as crypto from 'node:crypto';
import { accessSync, closeSync, constants, fstatSync, openSync, readdirSync, readlinkSync, readSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { globSync } from 'tinyglobby';
import type { ProjectConfig } from '../config/project-config.js';
import { ConfigError } from '../errors.js';
import { fsReason } from './make-folder.js';
import { hasTestBlocks } from '../templating/test-blocks.js';
import { stampOf, takeFingerprint, type Fingerprint, type PathStamp } from './fingerprint.js';

/** One project file as read from disk. */
export interface ProjectFile {
  /** Path relative to the project dir, with forward slashes (used in ids, errors and target/). */
  path: string;
  absolutePath: string;
  /** The resource path it was found under (e.g. `models`), so folder config can be matched. */
  root: string;
  contents: string;
  /** sha256 of the contents, hex. */
  checksum: string;
}

/** Every file a project is made of, grouped by what it holds. */
export interface ProjectFiles {
  models: ProjectFile[];
  /** YAML property files under the model, seed, snapshot, analysis and test paths (schema.yml and friends). */
  properties: ProjectFile[];
  seeds: ProjectFile[];
  /** Singular tests: .sql files under the test paths. */
  tests: ProjectFile[];
  macros: ProjectFile[];
  /** `.sql` files under the snapshot paths holding `{% snapshot %}` blocks. */
  snapshots?: ProjectFile[];
  /** `.md` files under the resource paths, where docs blocks live (dbt's default `docs-paths`). */
  docs?: ProjectFile[];
  /**
   * Every file above and every folder under the configured paths, stamped before it was read: if
   * it still holds, the project's files are the same (see {@link fingerprintHolds}).
   */
  fingerprint?: Fingerprint;
}

/** Node's one-shot `crypto.hash` (20.12+): ~2x faster than a Hash object for one small input. */
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

/** sha256 hex digest of a string (of its UTF-8 bytes). */
export function checksum(text: string): string {
  return oneShot ? oneShot('sha256', text, 'hex') : crypto.createHash('sha256').update(text).digest('hex');
}

/** A root as the glob reports paths under it: normalized, no trailing slash, '' for the project dir. */
function globRoot(root: string): string {
  const normalized = posix.normalize(root.replaceAll('\\', '/')).replace(/\/+$/, '');
  return normalized === '.' ? '' : normalized;
}

/**
 * The glob skips a folder it cannot list without a word; a project folder dops cannot read is an
 * error instead, or its models would silently vanish from the build.
 * @throws ConfigError naming the folder and the permission it lacks
 */
function assertReadable(dir: string, folders: string[]): void {
  for (const folder of folders) {
    try {
      accessSync(join(dir, folder), constants.R_OK | constants.X_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') {
        throw new ConfigError(`Cannot read the folder ${join(dir, folder)}: ${fsReason(error)}`, { hint: 'dops needs read and execute (list) permission on every project folder' });
      }
    }
  }
}

/** Extensions of the files dops reads from the resource paths. */
const PROJECT_FILE_EXTENSIONS = ['.sql', '.yml', '.yaml', '.csv', '.md'];

/**
 * A symbolic link named like a project file whose target does not exist would be skipped without a
 * word by the directory walk (dbt fails reading it); it is an error naming the link and its target.
 * @throws ConfigError naming the first such link
 */
function assertNoBrokenLinks(dir: string, folders: string[]): void {
  for (const folder of folders) {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(join(dir, folder), { withFileTypes: true });
    } catch {
      continue; // a missing folder contributes nothing; an unreadable one was reported above
    }
    for (const entry of entries) {
      if (!entry.isSymbolicLink() || !PROJECT_FILE_EXTENSIONS.some((extension) => entry.name.endsWith(extension))) continue;
      const link = join(dir, folder, entry.name);
      try {
        statSync(link);
      } catch (error) {
        throw new ConfigError(`Cannot read ${link}: it is a symbolic link to ${readlinkSync(link)}, which ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read (${fsReason(error)})`}`, {
          hint: 'Remove the link or restore its target.',
        });
      }
    }
  }
}

/**
 * Reads a text file (UTF-8), stamping it from the open file before reading: one path lookup and
 * one `fstat` instead of a `stat` and then `readFileSync`'s own open and `fstat`.
 * @param stamped receives the file's stamp (see {@link stampPath}), taken before any byte is read
 * @throws the file system's error when the file cannot be opened or read
 */
function readStamped(absolutePath: string, stamped: (stamp: PathStamp) => void): string {
  const readSince = Date.now();
  const fd = openSync(absolutePath, 'r');
  try {
    const stats = fstatSync(fd);
    stamped(stampOf(stats, readSince));
    // The size fstat gave, growing while the file does (as readFileSync reads to the end).
    let buffer = Buffer.allocUnsafe(stats.size + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        const larger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(larger, 0, 0, length);
        buffer = larger;
      }
      const got = readSync(fd, buffer, length, buffer.length - length, null);
      if (got === 0) break;
      length += got;
    }
    return buffer.toString('utf8', 0, length);
  } finally {
    closeSync(fd);
  }
}

/**
 * Finds and reads the project's files under the configured paths (`model-paths`, `seed-paths`,
 * `test-paths`, `macro-paths`, `snapshot-paths`), sorted by path within each root so parsing is
 * deterministic. The tree is walked once; each file is stamped right before it is read, each
 * folder right after the walk. Test-path files holding `{% test %}` blocks (custom generic tests)
 * are returned as macro files.
 * @returns file contents with checksums; missing folders simply contribute nothing
 */
export function discoverProjectFiles(config: ProjectConfig): ProjectFiles {
  const dir = config.projectDir;
  const roots = [...new Set([...config.modelPaths, ...config.seedPaths, ...config.testPaths, ...config.macroPaths, ...(config.snapshotPaths ?? []), ...(config.analysisPaths ?? [])])];
  const listedAt = Date.now();
  const entries = globSync(roots.map((root) => `${root}/**`), { cwd: dir, onlyFiles: false });
  const files = entries.filter((path) => !path.endsWith('/')).sort();
  const folders = [...roots, ...entries.filter((path) => path.endsWith('/')).map((path) => path.slice(0, -1))];
  assertReadable(dir, folders);
  assertNoBrokenLinks(dir, folders);
  // A folder changed since the walk began (a file added or removed meanwhile) is never trusted.
  const fingerprint = takeFingerprint(dir, folders, listedAt);
  const readFiles = (paths: string[], extensions: string[]): ProjectFile[] => {
    const read: ProjectFile[] = [];
    for (const root of paths) {
      const prefix = globRoot(root) === '' ? '' : `${globRoot(root)}/`;
      for (const path of files) {
        if (!path.startsWith(prefix) || !extensions.some((extension) => path.endsWith(extension))) continue;
        const absolutePath = join(dir, path);
        const contents = readStamped(absolutePath, (stamp) => (fingerprint[path] = stamp));
        read.push({ path, absolutePath, root, contents, checksum: checksum(contents) });
      }
    }
    return read;
  };
  // Unit-test fixtures (`fixtures/` under the test paths) are rows, not singular tests.
  const testFiles = readFiles(config.testPaths, ['.sql']).filter((file) => !`/${file.path}`.includes('/fixtures/'));
  // dbt's custom generic tests (`{% test %}` blocks) may live under the test paths; they are macros, not singular tests.
  const genericTests = testFiles.filter((file) => hasTestBlocks(file.contents));
  return {
    models: readFiles(config.modelPaths, ['.sql']),
    // dbt reads properties YAML under the model, seed, snapshot, analysis and test paths.
    properties: readFiles([...new Set([...config.modelPaths, ...config.seedPaths, ...(config.snapshotPaths ?? []), ...(config.analysisPaths ?? []), ...config.testPaths])], ['.yml', '.yaml']),
    seeds: readFiles(config.seedPaths, ['.csv']),
    tests: testFiles.filter((file) => !genericTests.includes(file)),
    macros: [...readFiles(config.macroPaths, ['.sql']), ...genericTests],
    snapshots: readFiles(config.snapshotPaths ?? [], ['.sql']),
    docs: [...new Map(readFiles(roots, ['.md']).map((file) => [file.path, file])).values()],
    fingerprint,
  };
}

/**
 * The given folders and every folder under them.
 * @param baseDir absolute directory the folders are relative to
 * @returns relative paths without a trailing slash; missing roots are listed too (as given)
 */
export function listFolders(baseDir: string, roots: string[]): string[] {
  const found = globSync(roots.map((root) => `${root}/**`), { cwd: baseDir, onlyDirectories: true });
  return [...new Set([...roots, ...found.map((path) => path.replace(/\/$/, ''))])];
}
