import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Contents of a file, or undefined when it cannot be read (missing, a folder...). */
function readIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Writes a text file unless it already holds exactly that text, creating its folder when needed.
 * Re-running a command rewrites thousands of unchanged compiled files; reading one back costs a
 * fraction of rewriting it (measured in `npm run bench`), and an untouched file keeps its mtime.
 * @param path absolute file path
 * @returns true when the file was written
 * @throws the file system's error when the file cannot be written
 */
export function writeIfChanged(path: string, text: string): boolean {
  if (readIfPresent(path) === text) return false;
  try {
    writeFileSync(path, text);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  return true;
}
