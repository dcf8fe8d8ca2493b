import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ProjectConfig } from '../config/project-config.js';
import type { GlobalContext } from '../templating/context.js';
import { TemplateEngine, type TemplateContext, type TemplateSource } from '../templating/engine.js';
import { DOPS_VERSION } from '../version.js';
import { YamlCache, type YamlEntry } from './yaml-cache.js';
import { makeFolder } from '../project/make-folder.js';
import { writeFileAtomic } from '../artifacts/atomic-write.js';
import { BUILTIN_TEST_CALL } from './generic-tests.js';

/** File the cache lives in, under the target dir (dbt keeps `target/partial_parse.msgpack`). */
export const PARTIAL_PARSE_FILE = 'partial_parse.json';

/**
 * Context functions that only read (so a cached render need not call them again) but whose
 * answers decide what a render does: each call is recorded with its answer, and a cached render
 * is used only while every one of them still answers the same.
 */
const READS = new Set(['var', 'env_var']);
/** Context functions known to have no effect at parse time; never recorded. */
const PURE = new Set([
  '__dops_model', BUILTIN_TEST_CALL, 'log', 'print', 'is_incremental',
  // dbt's helpers (templating/dbt-context.ts): pure, or no-ops at parse (execute false)
  'run_query', 'statement', 'load_result', 'store_result', 'zip', 'zip_strict', 'set', 'set_strict',
  'tojson', 'fromjson', 'toyaml', 'fromyaml', 'local_md5', 'diff_of_two_dicts',
]);

/** What rendering one template at parse time did, enough to do it again without rendering. */
interface ParseEntry {
  /** The file's checksum (or a generated template's text), so an edited file misses. */
  fingerprint: string;
  /** Calls of context functions (ref, source, config, ...), in order, with their arguments. */
  calls: [string, unknown[]][];
  /** `var()` / `env_var()` calls with their arguments and JSON-encoded answers. */
  reads: [string, unknown[], string][];
}

/** A parse render being recorded: its entry, and whether every call so far can be replayed from JSON. */
interface Recording {
  entry: ParseEntry;
  replayable: boolean;
}

interface CacheFile {
  dops_version: string;
  key: string;
  entries: Record<string, ParseEntry>;
  /** Parsed YAML property files, by path. */
  yaml: Record<string, YamlEntry>;
}

/**
 * What every parse render depends on besides its own text, `this` and the vars and env vars it
 * reads: dops' version, the project file's settings, the target, and every macro file.
 * @returns a sha256 hex digest
 */
export function partialParseKey(config: ProjectConfig, global: GlobalContext, macroSources: TemplateSource[]): string {
  // Vars are left out on purpose: each entry records the vars it read (see READS).
  const { vars: _configVars, ...settings } = config;
  // Flags are left out too: the project's are in `settings`; the run's (--full-refresh, --warn-error)
  // do not force a re-parse, as in dbt.
  const { vars: _vars, flags: _flags, ...context } = global;
  const macros = macroSources.map((source) => [source.path, source.contents]);
  return createHash('sha256').update(JSON.stringify([DOPS_VERSION, settings, context, macros])).digest('hex');
}

/** True for strings, numbers, booleans, null, and arrays / plain objects of those (what JSON keeps as is). */
function isPlainData(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isPlainData);
  if (typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && Object.values(value as object).every(isPlainData);
}

const encode = (value: unknown): string => JSON.stringify([value]);

function fingerprint(source: TemplateSource): string {
  const { checksum } = source as TemplateSource & { checksum?: unknown };
  return typeof checksum === 'string' ? checksum : source.contents;
}

function entryKey(source: TemplateSource, context: TemplateContext): string {
  const self = context.this as { schema?: string; identifier?: string } | undefined;
  return `${source.path}\u0000${self?.schema ?? ''}\u0000${self?.identifier ?? ''}`;
}

/**
 * A template engine that keeps parse-time renders in `target/partial_parse.json` between
 * invocations (dbt's partial parsing). Parsing only needs the calls a template makes to `ref()`,
 * `source()`, `config()` and the like, so a render whose file, `this`, macros, project settings,
 * target and dops version are unchanged, and whose `var()` / `env_var()` calls still answer the
 * same, is replayed: its recorded calls are made again on the new parse context, which fills its
 * capture exactly as rendering would, and '' is returned (parse output is never used).
 *
 * Renders at run time (`execute` true) are never cached. A render is not cached when a recorded
 * argument is not plain data (it could not be replayed from JSON).
 */
export class PartialParseEngine extends TemplateEngine {
  private readonly previous: Record<string, ParseEntry>;
  private readonly next: Record<string, ParseEntry> = {};
  private changed = false;
  /** The recorded render in progress (see {@link render}). */
  private recording: Recording | undefined;
  /** The last recording stand-in made for each context function name (see {@link recorder}). */
  private readonly recorders = new Map<string, { original: (...a: unknown[]) => unknown; fn: (...a: unknown[]) => unknown }>();
  /** Renders answered from the cache, and renders done, in this invocation. */
  readonly stats = { hits: 0, misses: 0 };
  /** Parsed YAML property files, kept in the same cache file; pass `yaml.parse` to the parser. */
  readonly yaml: YamlCache;

  /**
   * @param macroSources as for {@link TemplateEngine}
   * @param file the cache file (read if present and written by {@link save})
   * @param key the {@link partialParseKey}; a cache written with another key is ignored
   * @throws ParseError as {@link TemplateEngine} does
   */
  constructor(macroSources: TemplateSource[], private readonly file: string, private readonly key: string) {
    super(macroSources);
    const cached = readCache(file, key);
    this.previous = cached.entries;
    this.yaml = new YamlCache(cached.yaml);
  }

  override render(source: TemplateSource, context: TemplateContext): string {
    if (context.execute !== false) return super.render(source, context);
    const key = entryKey(source, context);
    const known = this.previous[key];
    if (known && known.fingerprint === fingerprint(source) && stillAnswers(known, context)) {
      for (const [name, args] of known.calls) (context[name] as (...a: unknown[]) => unknown)(...args);
      this.next[key] = known;
      this.stats.hits++;
      return '';
    }
    this.stats.misses++;
    const recording: Recording = { entry: { fingerprint: fingerprint(source), calls: [], reads: [] }, replayable: true };
    // The context's functions are swapped for recording stand-ins in place (a copy of the context
    // per render cost more than the rest of a simple render) and put back before returning.
    const swapped: [string, unknown][] = [];
    for (const name in context) {
      const original = context[name];
      if (typeof original !== 'function' || PURE.has(name)) continue;
      swapped.push([name, original]);
      context[name] = this.recorder(name, original as (...a: unknown[]) => unknown);
    }
    const outer = this.recording;
    this.recording = recording;
    let output: string;
    try {
      output = super.render(source, context);
    } finally {
      this.recording = outer;
      for (const [name, original] of swapped) context[name] = original;
    }
    if (recording.replayable) this.next[key] = recording.entry;
    this.changed = true;
    return output;
  }

  /**
   * The function standing for context function `original` (named `name`) in a recorded render: it
   * calls `original` and records the call in the render in progress. Reused while the name holds the
   * same function: most of a parse context's functions are shared by every render.
   */
  private recorder(name: string, original: (...a: unknown[]) => unknown): (...a: unknown[]) => unknown {
    const known = this.recorders.get(name);
    if (known?.original === original) return known.fn;
    const read = READS.has(name);
    const fn = Object.assign((...args: unknown[]) => {
      const result = original(...args);
      const recording = this.recording;
      if (recording) {
        recording.replayable &&= isPlainData(args);
        if (read) recording.entry.reads.push([name, args, encode(result)]);
        else recording.entry.calls.push([name, args]);
      }
      return result;
    }, original);
    this.recorders.set(name, { original, fn });
    return fn;
  }

  /**
   * Writes the renders of this invocation (answered or done) to the cache file, when anything
   * changed. Entries of files no longer rendered are dropped.
   */
  save(): void {
    const dropped = Object.keys(this.previous).some((key) => !(key in this.next));
    if (!this.changed && !dropped && !this.yaml.changed) return;
    const content: CacheFile = { dops_version: DOPS_VERSION, key: this.key, entries: this.next, yaml: this.yaml.used };
    makeFolder(dirname(this.file), 'the target path');
    // Written aside, then renamed: an interrupted write never leaves a half file to be read.
    writeFileAtomic(this.file, JSON.stringify(content));
  }
}

/** True when every var / env_var call of a cached render answers the same now. */
function stillAnswers(entry: ParseEntry, context: TemplateContext): boolean {
  for (const [name, args, answer] of entry.reads) {
    const read = context[name];
    if (typeof read !== 'function') return false;
    try {
      if (encode(read(...args)) !== answer) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** The cache's entries, or none when the file is missing, unreadable or written for another key. */
function readCache(file: string, key: string): Pick<CacheFile, 'entries' | 'yaml'> {
  try {
    const content = JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
    if (content.key === key && content.dops_version === DOPS_VERSION && content.entries && content.yaml) return content;
  } catch {
    // a missing or damaged cache: start over
  }
  return { entries: {}, yaml: {} };
}

/**
 * The engine `loadProject` parses with: a {@link PartialParseEngine} on the project's
 * `target/partial_parse.json`.
 * @throws ParseError as {@link TemplateEngine} does
 */
export function partialParseEngine(config: ProjectConfig, global: GlobalContext, macroSources: TemplateSource[]): PartialParseEngine {
  const file = join(config.projectDir, config.targetPath, PARTIAL_PARSE_FILE);
  return new PartialParseEngine(macroSources, file, partialParseKey(config, global, macroSources));
}
