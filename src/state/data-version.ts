import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { globSync } from 'tinyglobby';

/** How recent a data file's mtime may be before its version is not trusted (ms). */
const RACY_MARGIN_MS = 100;

/**
 * The data version of files a location matches: each file's path, size and mtime.
 * @returns undefined for remote locations (`s3://`, `https://`): their version is unknown
 */
export function filesVersion(location: string, projectDir: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) return undefined;
  const absolute = isAbsolute(location) ? location : join(projectDir, location);
  const matched = /[*?[{]/.test(absolute) ? globSync(absolute.replace(/\\/g, '/'), { absolute: true, dot: true }).sort() : [absolute];
  const now = Date.now();
  const parts = matched.map((file) => {
    try {
      const stat = statSync(file);
      // Written moments ago: a second write in the same clock tick would keep this mtime, so the
      // version is one no later look matches (git's "racy" rule; see project/fingerprint.ts).
      if (stat.mtimeMs >= now - RACY_MARGIN_MS) return `${file}:racy:${randomUUID()}`;
      return `${file}:${stat.size}:${stat.mtimeMs}`;
    } catch {
      return `${file}:missing`;
    }
  });
  return `files:${parts.join('|')}`;
}

