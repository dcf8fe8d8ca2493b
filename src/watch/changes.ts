/** What happened to a path, in chokidar's words. */
export type ChangeKind = 'add' | 'change' | 'unlink' | 'addDir' | 'unlinkDir';

/** One file-system event, with its project-relative path (forward slashes). */
export interface FileChange {
  kind: ChangeKind;
  path: string;
}

/**
 * Merges a batch of events into one event per path. The last event wins, except that a file
 * deleted and created again within the batch counts as changed, and one created then deleted is
 * left out.
 */
export function mergeChanges(changes: readonly FileChange[]): FileChange[] {
  const byPath = new Map<string, ChangeKind>();
  for (const { kind, path } of changes) {
    const previous = byPath.get(path);
    if (previous === 'unlink' && kind === 'add') byPath.set(path, 'change');
    else if (previous === 'add' && kind === 'unlink') byPath.delete(path);
    else if (previous === 'add' && kind === 'change') continue;
    else byPath.set(path, kind);
  }
  return [...byPath].map(([path, kind]) => ({ path, kind }));
}

const VERBS: Record<ChangeKind, string> = { add: 'added', change: 'changed', unlink: 'deleted', addDir: 'added', unlinkDir: 'deleted' };

/**
 * Says what changed in a few words: `models/a.sql changed`, `models/a.sql deleted, models/b.sql
 * added`, `models/a.sql changed and 4 more files`.
 * @param max how many paths to name
 */
export function describeChanges(changes: readonly FileChange[], max = 2): string {
  if (changes.length === 0) return 'nothing changed';
  const named = changes.slice(0, max).map((c) => `${c.path} ${VERBS[c.kind]}`);
  const rest = changes.length - named.length;
  return rest > 0 ? `${named.join(', ')} and ${rest} more file${rest === 1 ? '' : 's'}` : named.join(', ');
}
