import { relative, sep } from 'node:path';
import chokidar from 'chokidar';
import { PROJECT_FILES, type ProjectConfig } from '../config/project-config.js';
import type { ChangeKind, FileChange } from './changes.js';

/** File extensions a project is made of (models, tests, macros, YAML properties, seeds). */
const PROJECT_EXTENSIONS = /\.(sql|ya?ml|csv)$/i;

/** Which paths of a project watch mode follows. */
export interface WatchLayout {
  /** Model, seed, test and macro paths, project-relative with forward slashes. */
  roots: string[];
  /** Single files followed wherever they are: the project file, a project-local profiles.yml. */
  files: string[];
  /** Folders never followed (the target path). */
  skip: string[];
}

function clean(path: string): string {
  return path.split(sep).join('/').replace(/^\.\//, '').replace(/\/+$/, '');
}

/** The layout for a project config: its resource paths, the project file and profiles.yml. */
export function watchLayout(config: ProjectConfig): WatchLayout {
  const roots = [...config.modelPaths, ...config.seedPaths, ...config.testPaths, ...config.macroPaths, ...(config.snapshotPaths ?? []), ...(config.analysisPaths ?? [])].map(clean);
  return { roots: [...new Set(roots)], files: [...PROJECT_FILES, 'profiles.yml'], skip: [clean(config.targetPath)] };
}

function hidden(path: string, layout: WatchLayout): boolean {
  return path.split('/').some((part) => part.startsWith('.') || part === 'node_modules') || layout.skip.some((s) => path === s || path.startsWith(`${s}/`));
}

function under(path: string, root: string): boolean {
  return root === '' || root === '.' || path === root || path.startsWith(`${root}/`);
}

/** True for a project file watch mode reacts to (path project-relative, forward slashes). */
export function isWatchedFile(path: string, layout: WatchLayout): boolean {
  if (layout.files.includes(path)) return true;
  if (hidden(path, layout)) return false;
  return PROJECT_EXTENSIONS.test(path) && layout.roots.some((root) => under(path, root));
}

/** True for a folder that is, holds or lies inside a resource path. */
export function isWatchedDir(path: string, layout: WatchLayout): boolean {
  if (path === '') return true;
  if (hidden(path, layout)) return false;
  return layout.roots.some((root) => under(path, root) || root.startsWith(`${path}/`));
}

/** A running file watcher. */
export interface ProjectWatcher {
  close(): Promise<void>;
}

/**
 * Watches a project's model, seed, test and macro paths, its project file and profiles.yml with
 * chokidar (folders that do not exist yet are picked up when created).
 * @param onChange gets each relevant event as it happens
 * @returns once the initial scan is done
 */
export async function watchProject(projectDir: string, layout: WatchLayout, onChange: (change: FileChange) => void, onError: (error: Error) => void): Promise<ProjectWatcher> {
  const rel = (absolute: string) => clean(relative(projectDir, absolute));
  const watcher = chokidar.watch(projectDir, {
    ignoreInitial: true,
    persistent: true,
    ignored: (absolute: string, stats?: { isDirectory(): boolean; isFile(): boolean }) => {
      const path = rel(absolute);
      if (path.startsWith('..')) return true;
      if (stats?.isDirectory()) return !isWatchedDir(path, layout);
      if (stats?.isFile()) return !isWatchedFile(path, layout);
      return !isWatchedDir(path, layout) && !isWatchedFile(path, layout);
    },
  });
  watcher.on('all', (kind: ChangeKind, absolute: string) => {
    const path = rel(absolute);
    // A new folder's files arrive as their own `add` events; a removed folder may not report each file.
    if (kind === 'addDir') return;
    const relevant = kind === 'unlinkDir' ? path !== '' && isWatchedDir(path, layout) : isWatchedFile(path, layout);
    if (relevant) onChange({ kind, path });
  });
  watcher.on('error', (error: Error) => onError(error));
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return { close: () => watcher.close() };
}
