import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Writes text files unless they already hold exactly that text, creating folders as needed.
 * Re-running a command rewrites thousands of unchanged compiled files; reading one back costs a
 * fraction of rewriting it (measured in `npm run bench`), and an untouched file keeps its mtime.
 * A file that is missing or has another size is written without being read, and each folder is
 * created (or found) once per writer, so a first compile runs no failing calls (nor a `stat` per
 * file in the folders it created).
 */
export class TextFileWriter {
  /** Folders known to exist; true for those this writer created (so they hold only its files). */
  private readonly folders = new Map<string, boolean>();
  private readonly written = new Set<string>();

  /**
   * @param path absolute file path
   * @returns true when the file was written
   * @throws the file system's error when the file cannot be written
   */
  writeIfChanged(path: string, text: string): boolean {
    const folder = dirname(path);
    let created = this.folders.get(folder);
    if (created === undefined) {
      // mkdirSync returns the first folder it had to create: when it made this one, it is empty.
      created = mkdirSync(folder, { recursive: true }) !== undefined;
      this.folders.set(folder, created);
    }
    // In a folder this writer created, only files it wrote exist: no need to look first.
    const existing = created && !this.written.has(path) ? undefined : statSync(path, { throwIfNoEntry: false });
    if (existing?.isFile() && existing.size === Buffer.byteLength(text) && readFileSync(path, 'utf8') === text) return false;
    this.written.add(path);
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
