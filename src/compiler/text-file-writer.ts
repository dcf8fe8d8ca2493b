import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Writes text files unless they already hold exactly that text, creating folders as needed.
 * Re-running a command rewrites thousands of unchanged compiled files; reading one back costs a
 * fraction of rewriting it (measured in `npm run bench`), and an untouched file keeps its mtime.
 * A file that is missing or has another size is written without being read, and each folder is
 * created (or found) once per writer, so a first compile runs no failing calls.
 */
export class TextFileWriter {
  private readonly folders = new Set<string>();

  /**
   * @param path absolute file path
   * @returns true when the file was written
   * @throws the file system's error when the file cannot be written
   */
  writeIfChanged(path: string, text: string): boolean {
    const folder = dirname(path);
    if (!this.folders.has(folder)) {
      mkdirSync(folder, { recursive: true });
      this.folders.add(folder);
    }
    const existing = statSync(path, { throwIfNoEntry: false });
    if (existing?.isFile() && existing.size === Buffer.byteLength(text) && readFileSync(path, 'utf8') === text) return false;
    try {
      writeFileSync(path, text);
    } catch (error) {
      // The folder went away since this writer made it (e.g. target/ deleted during `dops watch`).
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      mkdirSync(folder, { recursive: true });
      writeFileSync(path, text);
    }
    return true;
  }
}
