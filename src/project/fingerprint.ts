import { statSync } from 'node:fs';
import { isAbsolute, sep } from 'node:path';

/**
 * A path's modification time (ms since the epoch, with the file system's sub-ms precision) and
 * size in bytes, or null when the path did not exist.
 */
export type PathStamp = [mtimeMs: number, size: number] | null;

/** Paths (relative to a base directory, or absolute) with their {@link PathStamp}s. */
export type Fingerprint = Record<string, PathStamp>;

/**
 * How recent a path's mtime may be when it is stamped before the stamp is not trusted. File
 * systems stamp writes with a coarse clock (one kernel tick, up to ~10 ms), so a second write in
 * the same tick as the stamp would keep the recorded mtime. Git calls this the "racy" case; here
 * such a path gets a stamp that never matches, so the next check simply fails.
 */
const RACY_MARGIN_MS = 100;

/** A stamp no path ever has: recorded for paths modified too recently to trust. */
const RACY: PathStamp = [-1, -1];

/**
 * Stamps one path as it is now.
 * @param absolutePath the file or directory
 * @param readSince for an input: when (ms since the epoch) the run started reading it (for a file,
 *   now; for a folder, when it was listed). A path modified after that, or within
 *   {@link RACY_MARGIN_MS} before, gets a stamp that never matches (see there). Leave undefined
 *   for outputs the run wrote itself.
 * @returns the stamp, null when the path does not exist
 */
export function stampPath(absolutePath: string, readSince?: number): PathStamp {
  const stats = statSync(absolutePath, { throwIfNoEntry: false });
  if (!stats) return null;
  return stampOf(stats, readSince);
}

/**
 * The {@link PathStamp} of stats already taken (e.g. `fstat` of a file opened to be read).
 * @param readSince as for {@link stampPath}
 */
export function stampOf(stats: { mtimeMs: number; size: number }, readSince?: number): PathStamp {
  if (readSince !== undefined && stats.mtimeMs >= readSince - RACY_MARGIN_MS) return RACY;
  return [stats.mtimeMs, stats.size];
}

/** Faster than path.resolve for the plain relative paths dops records. */
const absolute = (baseDir: string, path: string): string => (isAbsolute(path) ? path : `${baseDir}${sep}${path}`);

/**
 * Stamps each path (files or directories). A directory's mtime changes when an entry is added,
 * removed or renamed in it, so stamping every directory of a tree catches new and deleted files
 * without listing it again (git's untracked cache relies on the same rule).
 * @param baseDir absolute directory relative paths are resolved against
 * @param paths relative or absolute paths; missing ones are stamped null
 * @param readSince see {@link stampPath}; stamp inputs before reading them, so a write during
 *   the run changes the mtime the next check sees
 */
export function takeFingerprint(baseDir: string, paths: Iterable<string>, readSince?: number): Fingerprint {
  const fingerprint: Fingerprint = {};
  for (const path of paths) fingerprint[path] = stampPath(absolute(baseDir, path), readSince);
  return fingerprint;
}

/**
 * True when every path still has its recorded stamp (same mtime and size, or still missing).
 * One `stat` per path; stops at the first difference.
 * @param baseDir absolute directory relative paths are resolved against
 */
export function fingerprintHolds(baseDir: string, fingerprint: Fingerprint): boolean {
  for (const path in fingerprint) {
    const recorded = fingerprint[path];
    const current = stampPath(absolute(baseDir, path));
    if (recorded === null || current === null) {
      if (recorded !== current) return false;
    } else if (recorded[0] !== current[0] || recorded[1] !== current[1]) {
      return false;
    }
  }
  return true;
}
