import type { CommonOptions } from '../api/options.js';
import { loadProject, type LoadedProject } from '../api/project.js';
import { DopsError } from '../errors.js';
import type { ManifestNode } from '../manifest/nodes.js';
import { parseProject, type ParseInput, type ParseResult } from '../parser/parse-project.js';
import type { ProjectFile, ProjectFiles } from '../project/files.js';
import { parseContext, type GlobalContext } from '../templating/context.js';
import type { TemplateEngine, TemplateSource } from '../templating/engine.js';
import { FileCache } from './file-cache.js';
import { ParseCachingEngine } from './parse-cache.js';

/** What decides every template's parse-time output besides its own text: vars and target. */
export function globalKey(global: GlobalContext): string {
  return JSON.stringify([global.projectName, global.target, global.vars]);
}

function macrosKey(sources: TemplateSource[]): string {
  return JSON.stringify(sources.map((s) => [s.path, s.contents]));
}

function sameFiles(a: ProjectFile[], b: ProjectFile[]): boolean {
  return a.length === b.length && a.every((file, i) => file.path === b[i].path && file.checksum === b[i].checksum);
}

/** A parse that ended in a project that loaded, kept to answer the next parse incrementally. */
interface GoodParse {
  configKey: string;
  globalKey: string;
  engine: TemplateEngine;
  files: ProjectFiles;
  result: ParseResult;
}

/**
 * Loads a project again and again for watch mode, keeping in memory what did not change: file
 * contents (only changed files are re-read), the template engine with its compiled templates (kept
 * until a macro file changes) and parse-time renders of unchanged files. Every load goes through
 * {@link loadProject}, so linking, validation and errors are exactly `build`'s.
 *
 * Parsing itself is incremental in the common case: when the only difference from the last good
 * load is the SQL of some models, and each of those still makes the same `ref()`, `source()` and
 * `config()` calls, only those files are rendered again and every other node is reused. Anything
 * else (the project file, YAML, seeds, tests, macros, vars, added or deleted files, changed refs or
 * config, a template error) takes the full parse, which still answers unchanged templates from the
 * parse cache.
 */
export class ProjectLoader {
  private readonly files = new FileCache();
  private engine: ParseCachingEngine | undefined;
  private macros = '';
  private global = '';
  private lastGood: GoodParse | undefined;

  /** The files of the last load that got as far as discovering them. */
  lastFiles: ProjectFiles | undefined;

  constructor(private readonly options: CommonOptions) {}

  /** Marks files changed since the last load (project-relative paths). */
  invalidate(paths: Iterable<string>): void {
    this.files.invalidate(paths);
  }

  /** Forgets every file read, e.g. after the project file changed or a folder was removed. */
  invalidateAll(): void {
    this.files.invalidateAll();
  }

  /**
   * Loads the project with everything reusable reused.
   * @throws DopsError (or DopsErrorGroup) exactly as {@link loadProject}
   */
  load(): LoadedProject {
    let parse: GoodParse | undefined;
    try {
      const project = loadProject(
        { ...this.options, reporter: undefined },
        {
          discoverFiles: (config) => (this.lastFiles = this.files.discover(config)),
          createEngine: (sources, global) => this.engineFor(sources, global),
          parse: (input) => {
            const result = this.parseIncrementally(input) ?? parseProject(input);
            parse = { configKey: JSON.stringify(input.project), globalKey: globalKey(input.global), engine: input.engine, files: input.files, result };
            return result;
          },
        },
      );
      this.lastGood = parse;
      return project;
    } catch (error) {
      this.lastGood = undefined;
      throw error;
    }
  }

  /**
   * The last good parse with the edited models' SQL swapped in, when that is all that changed and
   * their parse-time calls are the same; otherwise undefined (parse everything).
   */
  private parseIncrementally(input: ParseInput): ParseResult | undefined {
    const last = this.lastGood;
    const engine = input.engine;
    if (!last || !(engine instanceof ParseCachingEngine) || engine !== last.engine) return undefined;
    if (globalKey(input.global) !== last.globalKey || JSON.stringify(input.project) !== last.configKey) return undefined;
    const { files } = input;
    if (!sameFiles(files.properties, last.files.properties) || !sameFiles(files.seeds, last.files.seeds) || !sameFiles(files.tests, last.files.tests) || !sameFiles(files.macros, last.files.macros)) {
      return undefined;
    }
    if (files.models.length !== last.files.models.length || files.models.some((file, i) => file.path !== last.files.models[i].path)) return undefined;
    const edited = files.models.filter((file, i) => file.checksum !== last.files.models[i].checksum);
    const replaced = new Map<ManifestNode, ManifestNode>();
    for (const file of edited) {
      const old = last.result.nodes.find((node) => node.resourceType === 'model' && node.originalFilePath === file.path);
      if (!old || old.resourceType !== 'model') return undefined;
      const self = { schema: input.global.target.schema, identifier: old.name };
      const before = engine.recordedCalls(file.path, self, old.rawSql);
      if (!before) return undefined;
      try {
        engine.render(file, parseContext(engine, input.global, self, { refs: [], sources: [], config: {} }));
      } catch (error) {
        if (error instanceof DopsError) return undefined;
        throw error;
      }
      const after = engine.recordedCalls(file.path, self, file.contents);
      if (!after || JSON.stringify(after) !== JSON.stringify(before)) return undefined;
      replaced.set(old, { ...old, rawSql: file.contents, checksum: file.checksum, dependsOn: { ...old.dependsOn, nodes: [] } });
    }
    return { nodes: last.result.nodes.map((node) => replaced.get(node) ?? node), errors: [], warnings: last.result.warnings };
  }

  private engineFor(sources: TemplateSource[], global: GlobalContext): ParseCachingEngine {
    const macros = macrosKey(sources);
    const vars = globalKey(global);
    if (!this.engine || macros !== this.macros) {
      // Build the new engine first: a macro syntax error throws and keeps the old one.
      this.engine = new ParseCachingEngine(sources);
      this.macros = macros;
    } else if (vars !== this.global) {
      this.engine.clearParseCache();
    }
    this.global = vars;
    return this.engine;
  }
}
