import { createRequire } from 'node:module';

type Library = typeof import('write-file-atomic');

/**
 * The library, loaded on the first write: `dops compile` answered from its stamp reads files only,
 * and src/api/stamp.ts (which imports this module) is kept free of imports that it would not use.
 */
let library: Library | undefined;

/** The library's options for every write: no fsync (see {@link writeFileAtomic}). */
const ATOMIC_WRITE_OPTIONS = { fsync: false };

/**
 * Replaces the file at `path` with `data` atomically, through the `write-file-atomic` library (the
 * npm team's): the data goes to a temp file beside it (`<path>.<hash of pid, thread and call>`),
 * which is then renamed over `path`. A reader sees the old file or the new one, never half a file;
 * a failed write (disk full, file too large, the target a folder) removes its temp file and leaves
 * the old file as it was; a process killed mid-write leaves the old file and, at worst, a stray
 * temp file of another name (never read). A `path` that is a symbolic link has its target replaced;
 * an existing file keeps its mode. The folder must exist (see makeFolder).
 *
 * No fsync (`fsync: false`): the guarantee wanted is the rename's, that no reader and no crashed
 * or killed process ever leaves half a file. An fsync per file would add durability across a power
 * loss, at tens of ms per file on this VM (a run writes one file per node), and dbt does not fsync
 * its artifacts either (docs.getdbt.com/reference/artifacts/dbt-artifacts); every file written here
 * (artifacts, caches, stamps) is rebuilt by the next invocation when lost.
 *
 * @param path the file to replace or create
 * @param data the whole content; a string is written as UTF-8
 * @throws the file system error (e.g. EISDIR, ENOTDIR, ENOSPC, EFBIG) when it cannot be written
 */
export function writeFileAtomic(path: string, data: string | Buffer): void {
  library ??= createRequire(import.meta.url)('write-file-atomic') as Library;
  library.sync(path, data, ATOMIC_WRITE_OPTIONS);
}

/**
 * What a thread that cannot import this module (the run files' writer, src/artifacts/run-files.ts,
 * runs CommonJS code) needs to write as {@link writeFileAtomic} does: the library's resolved
 * entry file, to `require`, and the options to pass its `sync`.
 */
export function atomicWriteForThread(): { library: string; options: { fsync: boolean } } {
  return { library: createRequire(import.meta.url).resolve('write-file-atomic'), options: { ...ATOMIC_WRITE_OPTIONS } };
}
