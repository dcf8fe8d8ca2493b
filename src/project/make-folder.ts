import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { scrubSecrets } from '../config/secrets.js';
import { ConfigError } from '../errors.js';

/** A short reason for a file system error code, e.g. `permission denied` for EACCES. */
export function fsReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  const reasons: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENOENT: 'no such file or directory',
    ENOTDIR: 'a part of the path is a file, not a folder',
    EROFS: 'read-only file system',
    ENOSPC: 'no space left on the device',
    EEXIST: 'a file of that name exists',
    EISDIR: 'it is a folder',
    ELOOP: 'too many symbolic links',
    ENAMETOOLONG: 'the name is too long',
  };
  return (code && reasons[code]) ?? (error as Error)?.message ?? String(error);
}

/**
 * Creates a folder and its missing parents, one level at a time. Node's `mkdirSync(path,
 * {recursive: true})` loops forever when the file system answers ENOENT for a child of a folder
 * that exists (e.g. under `/proc`); this stops at the first level that cannot be made.
 * @param purpose what the folder is for, named in the error (e.g. `the database file`)
 * @throws ConfigError naming the folder and the reason (exit 2)
 */
export function makeFolder(path: string, purpose: string): void {
  const missing: string[] = [];
  let current = path;
  for (;;) {
    try {
      if (statSync(current).isDirectory()) break;
      throw Object.assign(new Error('not a folder'), { code: missing.length ? 'ENOTDIR' : 'EEXIST' });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw new ConfigError(scrubSecrets(`Cannot create the folder ${path} for ${purpose}: ${fsReason(error)} (${current})`));
    }
    missing.push(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const folder of missing.reverse()) {
    try {
      mkdirSync(folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw new ConfigError(scrubSecrets(`Cannot create the folder ${path} for ${purpose}: ${fsReason(error)} (${folder})`));
    }
  }
}
