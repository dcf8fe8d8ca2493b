import { createHash } from 'node:crypto';
import { parseYamlWithLines, type YamlWithLines } from '../config/yaml-file.js';

/** A YAML file's parsed value and the lines asked of it, as kept in the partial-parse cache. */
export interface YamlEntry {
  /** sha1 of the file's text. */
  fingerprint: string;
  value: unknown;
  /** JSON of a key path -> its line (null: no such entry), for every `lineOf` asked so far. */
  lines: Record<string, number | null>;
}

const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex');

/** True for what survives a JSON round trip unchanged (strings, finite numbers, booleans, null, arrays, plain objects). */
function isJsonData(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isJsonData);
  if (typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.values(value as object).every(isJsonData);
}

/**
 * Parsed YAML property files kept between invocations: a file whose text is unchanged is not
 * parsed again (YAML parsing is the largest parse cost left once templates are cached). Lines of
 * entries (for error messages) are answered from the lines recorded last time; a line never asked
 * before makes the file be parsed after all, so answers always equal {@link parseYamlWithLines}.
 * Callers get a copy of each value, so what is saved is never what they changed.
 */
export class YamlCache {
  /** Entries of the files parsed or answered in this invocation (what {@link save} keeps). */
  readonly used: Record<string, YamlEntry> = {};
  /** True when an entry was added or changed in this invocation. */
  changed = false;

  /** @param previous entries read from the cache file, by project-relative path */
  constructor(private readonly previous: Record<string, YamlEntry>) {}

  /**
   * Same contract as {@link parseYamlWithLines}.
   * @throws ParseError on malformed YAML (never cached)
   */
  readonly parse = (text: string, file: string): YamlWithLines => {
    const fingerprint = sha1(text);
    const known = this.previous[file];
    if (known && known.fingerprint === fingerprint) {
      this.used[file] = known;
      return { value: structuredClone(known.value), lineOf: this.lineOf(known, text, file) };
    }
    const parsed = parseYamlWithLines(text, file);
    const entry: YamlEntry = { fingerprint, value: parsed.value, lines: {} };
    if (isJsonData(parsed.value)) {
      this.used[file] = entry;
      this.changed = true;
    }
    return { value: structuredClone(parsed.value), lineOf: this.recorded(entry, parsed) };
  };

  private recorded(entry: YamlEntry, parsed: YamlWithLines): YamlWithLines['lineOf'] {
    return (path) => {
      const line = parsed.lineOf(path);
      entry.lines[JSON.stringify(path)] = line ?? null;
      return line;
    };
  }

  private lineOf(entry: YamlEntry, text: string, file: string): YamlWithLines['lineOf'] {
    let parsed: YamlWithLines | undefined;
    return (path) => {
      const key = JSON.stringify(path);
      if (key in entry.lines) return entry.lines[key] ?? undefined;
      parsed ??= parseYamlWithLines(text, file);
      this.changed = true;
      return this.recorded(entry, parsed)(path);
    };
  }
}
