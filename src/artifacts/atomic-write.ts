import { renameSync, rmSync, writeFileSync } from 'node:fs';

/** Writes started by this process, numbering their temp files. */
let started = 0;

/**
 * The temp file a write of `path` goes to first: beside it (same folder, so the rename is atomic),
 * named `<path>.<pid>.<n>.tmp`, `n` counting this process's writes, so two writers (processes, or
 * writes in turn) never share one.
 */
function tempPath(path: string): string {
  return `${path}.${process.pid}.${++started}.tmp`;
}

/**
 * Replaces the file at `path` with `data` atomically: the data goes to a temp file beside it (see
 * tempPath), which is then renamed over `path`. A reader sees the old file or the new one, never
 * half a file (one that opened the old file reads it whole to the end); a failed write (disk full,
 * file too large, the target a folder) removes its temp file and leaves the old file as it was; a
 * process killed mid-write leaves the old file and, at worst, a stray `.tmp` file (never read).
 *
 * Not through the `write-file-atomic` library (npm's), nor `atomically`: both write the temp file
 * with one `writeSync` and ignore the count it returns, so a short write (the disk filling up, the
 * file size limit) is renamed over the good file as a truncated one. Node's `writeFileSync` loops
 * until every byte is written, and throws (ENOSPC, EFBIG) when one cannot be.
 *
 * No fsync: the guarantee wanted is the rename's, that no reader and no crashed or killed process
 * ever sees half a file. An fsync per file would add durability across a power loss, at tens of ms
 * per file on this VM (a run writes one file per node), and dbt does not fsync its artifacts either
 * (docs.getdbt.com/reference/artifacts/dbt-artifacts); every file written here (artifacts, caches,
 * stamps) is rebuilt by the next invocation when lost.
 *
 * @param path the file to replace or create; its folder must exist (see makeFolder)
 * @param data the whole content; a string is written as UTF-8
 * @throws the file system error (e.g. EISDIR, ENOTDIR, ENOSPC, EFBIG) when it cannot be written
 */
export function writeFileAtomic(path: string, data: string | Buffer): void {
  const temporary = tempPath(path);
  try {
    writeFileSync(temporary, data);
    renameSync(temporary, path);
  } catch (error) {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // the temp file could not be made in the first place (e.g. its folder is a file)
    }
    throw error;
  }
}
