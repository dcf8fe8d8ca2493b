import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProjectConfig } from '../config/project-config.js';
import { checksum, discoverProjectFiles, type ProjectFile, type ProjectFiles } from '../project/files.js';

const GROUPS = ['models', 'properties', 'seeds', 'tests', 'macros'] as const;

/** A file's text, or undefined when it is gone (it may vanish between the event and the read). */
function readIfPresent(absolutePath: string): string | undefined {
  try {
    return readFileSync(absolutePath, 'utf8');
  } catch {
    return undefined;
  }
}

/** The config keys that decide which files make up a project. */
function layoutKey(config: ProjectConfig): string {
  return JSON.stringify([config.projectDir, config.modelPaths, config.seedPaths, config.testPaths, config.macroPaths]);
}

/**
 * The project's files kept in memory between rebuilds. Only files reported changed are read again;
 * a new file, a deleted folder or a different path layout triggers a full discovery (the same one
 * every command does), so the result always equals {@link discoverProjectFiles}.
 */
export class FileCache {
  private files: ProjectFiles | undefined;
  private layout = '';
  private readonly dirty = new Set<string>();
  private rescan = true;

  /** Marks project-relative paths as changed (re-read, or dropped when gone, on the next discovery). */
  invalidate(paths: Iterable<string>): void {
    for (const path of paths) this.dirty.add(path);
  }

  /** Forces a full discovery next time (a folder was added or removed, or the project file changed). */
  invalidateAll(): void {
    this.rescan = true;
  }

  /** The project's files, as {@link discoverProjectFiles} would return them now. */
  discover(config: ProjectConfig): ProjectFiles {
    if (!this.files || this.rescan || this.layout !== layoutKey(config) || !this.updateDirty(config, this.files)) {
      this.files = discoverProjectFiles(config);
      this.layout = layoutKey(config);
    }
    this.rescan = false;
    this.dirty.clear();
    const files = this.files;
    return { models: [...files.models], properties: [...files.properties], seeds: [...files.seeds], tests: [...files.tests], macros: [...files.macros], snapshots: [...(files.snapshots ?? [])], docs: files.docs && [...files.docs] };
  }

  /** Applies the dirty paths to known files; false when a path is new (a full discovery is needed). */
  private updateDirty(config: ProjectConfig, files: ProjectFiles): boolean {
    const next: ProjectFiles = { ...files };
    for (const path of this.dirty) {
      const holders = GROUPS.filter((group) => next[group].some((file) => file.path === path));
      const contents = readIfPresent(join(config.projectDir, path));
      if (holders.length === 0) {
        if (contents !== undefined) return false;
        continue;
      }
      for (const group of holders) {
        next[group] = contents === undefined
          ? next[group].filter((file) => file.path !== path)
          : next[group].map((file): ProjectFile => (file.path === path ? { ...file, contents, checksum: checksum(contents) } : file));
      }
    }
    this.files = next;
    return true;
  }
}
