import { envFingerprint } from '../config/secrets.js';
import { noteEnvVarRead } from '../config/vars.js';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { PathStamp } from '../project/fingerprint.js';
import { DOPS_VERSION } from '../version.js';
import { makeFolder } from '../project/make-folder.js';
import { writeFileAtomic } from '../artifacts/atomic-write.js';

/** File the cache lives in, under the target dir. */
export const COMPILE_CACHE_FILE = 'compile_cache.json';

/** One node's compiled SQL and what it was compiled from. */
export interface CompileCacheEntry {
  /** sha1 of everything the render could see (see Compiler's inputKey). */
  key: string;
  /** Env vars the render read, with their values then (null: unset). */
  env: [string, string | null][];
  /** The compiled SQL. */
  sql: string;
  /** The compiled file as last written or checked, so an unchanged file is not read back. */
  file: PathStamp;
}

interface CacheFile {
  dops_version: string;
  entries: Record<string, CompileCacheEntry>;
}

/** sha1 hex digest of a string (a cache key, not a security measure). */
export function hashText(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/**
 * Compiled SQL of earlier invocations, kept in `target/compile_cache.json`: a node whose inputs
 * (its SQL, config, relation, its parents' relations, macros, target and vars, by key) are
 * unchanged and whose env vars still read the same compiles to the same SQL, so it is not
 * rendered again. Entries are by compile key (unique id, plus `#incremental` for the
 * `is_incremental()` variant).
 */
export class CompileCache {
  private readonly entries: Record<string, CompileCacheEntry>;
  private changed = false;

  /** @param file the cache file (read if present; a missing or damaged file is an empty cache) */
  constructor(private readonly file: string) {
    this.entries = readEntries(file);
  }

  /** True when an entry for `id` exists, whatever it was compiled from. */
  has(id: string): boolean {
    return Object.hasOwn(this.entries, id);
  }

  /**
   * The entry for `id` when it was compiled from `key` and its env vars read the same now.
   * @returns the entry (its `file` stamp may be updated with {@link stamp}), or undefined
   */
  lookup(id: string, key: string): CompileCacheEntry | undefined {
    const entry = this.entries[id];
    if (!entry || entry.key !== key) return undefined;
    for (const [name, value] of entry.env) if (envFingerprint(name, process.env[name]) !== value) return undefined;
    for (const [name, value] of entry.env) noteEnvVarRead(name, value);
    return entry;
  }

  /** Records a fresh compile of `id`. */
  store(id: string, entry: CompileCacheEntry): void {
    this.entries[id] = entry;
    this.changed = true;
  }

  /** Updates the stamp of an entry's compiled file after it was (re)written. */
  stamp(entry: CompileCacheEntry, file: PathStamp): void {
    entry.file = file;
    this.changed = true;
  }

  /**
   * Writes the cache when anything changed, dropping entries of nodes no longer in the project;
   * written aside and renamed, so a half-written file is never read.
   * @param liveIds unique ids of the project's nodes now
   */
  save(liveIds: ReadonlySet<string>): void {
    for (const id of Object.keys(this.entries)) {
      if (!liveIds.has(id.replace(/#incremental$/, ''))) {
        delete this.entries[id];
        this.changed = true;
      }
    }
    if (!this.changed) return;
    makeFolder(dirname(this.file), 'the target path');
    writeFileAtomic(this.file, JSON.stringify({ dops_version: DOPS_VERSION, entries: this.entries } satisfies CacheFile));
    this.changed = false;
  }
}

function readEntries(file: string): Record<string, CompileCacheEntry> {
  try {
    const content = JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
    if (content.dops_version === DOPS_VERSION && typeof content.entries === 'object' && content.entries !== null) return content.entries;
  } catch {
    // missing or damaged: start empty
  }
  return {};
}
