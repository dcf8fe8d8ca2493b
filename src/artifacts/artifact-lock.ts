import { closeSync, openSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { makeFolder } from '../project/make-folder.js';

/** Name of the lock file, in the target dir, held while one invocation writes its artifacts. */
export const ARTIFACT_LOCK_FILE = '.artifacts.lock';

/** A lock older than this is left over from a killed process and is taken over. */
const STALE_MS = 30_000;
/** How long to wait for another process's lock before writing anyway. */
const WAIT_MS = 30_000;

const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Runs `write` holding `target/.artifacts.lock` (created exclusively), so that the artifacts one
 * invocation writes together (manifest.json, run_results.json, reports) are never interleaved
 * with another process's writing into the same target path. Waits for a lock held by another
 * process (taking over one older than 30 s, left by a killed process), for at most 30 s.
 */
export function withArtifactLock<T>(targetDir: string, write: () => T): T {
  makeFolder(targetDir, 'the target path');
  const lock = join(targetDir, ARTIFACT_LOCK_FILE);
  const deadline = Date.now() + WAIT_MS;
  let fd: number | undefined;
  while (fd === undefined) {
    try {
      fd = openSync(lock, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let age = 0;
      try {
        age = Date.now() - statSync(lock).mtimeMs;
      } catch {
        continue; // released meanwhile
      }
      if (age > STALE_MS || Date.now() > deadline) rmSync(lock, { force: true });
      else pause(10);
    }
  }
  try {
    return write();
  } finally {
    closeSync(fd);
    rmSync(lock, { force: true });
  }
}
