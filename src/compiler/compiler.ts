import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CompilationError, DatabaseError, DopsError } from '../errors.js';
import type { Manifest } from '../manifest/manifest.js';
import { isSqlNode, type ManifestNode, type ModelNode, type Relation, type SeedNode, type SqlNode, type UnitTestOverrides } from '../manifest/nodes.js';
import { runtimeContext, type GlobalContext, type RelationResolver } from '../templating/context.js';
import type { TemplateOutput } from '../templating/dbt-context.js';
import { NeedsDatabase, renderLive, type DatabaseReplay } from '../templating/introspection.js';
import type { ColumnType, Connection } from '../adapter/adapter.js';
import { serializeNode } from '../artifacts/manifest.js';
import type { TemplateEngine } from '../templating/engine.js';
import { TemplateRelation } from '../templating/relation.js';
import { MACRO_OVERRIDES } from '../templating/macro-namespaces.js';
import { absoluteLocation } from '../project/paths.js';
import { cteName, injectCtes, stripTrailingSemicolons } from './ctes.js';
import { TextFileWriter } from './text-file-writer.js';
import { hashText, type CompileCache, type CompileCacheEntry } from './compile-cache.js';
import { envVarReadCount, envVarReadsSince } from '../config/vars.js';
import { stampPath, type PathStamp } from '../project/fingerprint.js';
import { DOPS_VERSION } from '../version.js';
import { isInlined } from '../materializations/registry.js';

/** Template text that makes a render differ between invocations (or print): such nodes are not cached. */
const VOLATILE = /\b(run_started_at|invocation_id)\b|\b(run_query|statement|load_result|log|print|exceptions\.warn|modules\.datetime|adapter\.(get_|list_|check_|already_|load_))\s*\(|\bmodules\.datetime\.\w+\.(now|today|utcnow)\b/;

/** dbt's `model` in a render: the node as manifest.json shows it, plus its `path`. */
function modelJson(node: SqlNode): Record<string, unknown> {
  const json = serializeNode(node);
  // Set in place, not spread into a copy: the same keys in the same order, one object fewer.
  json.path = node.originalFilePath;
  return json;
}

/** A node's SQL after rendering with the runtime context. */
export interface CompiledNode {
  uniqueId: string;
  /** Final SQL, with ephemeral models inlined as CTEs and no trailing semicolon. */
  sql: string;
  /** Where the SQL was written, relative to the project dir (`target/compiled/...`). */
  path: string;
}

/**
 * What the runner knows about a node's relation when it compiles it (the compiler does no database
 * I/O): enough to answer `is_incremental()`.
 */
export interface CompileState {
  /** The node's relation exists and is a table. */
  relationExists: boolean;
  /** A full refresh applies to this node (`--full-refresh`, unless its `full_refresh` config says otherwise). */
  fullRefresh: boolean;
}

/**
 * dbt's `is_incremental()`: an incremental model whose table exists, without a full refresh.
 * @param state undefined (e.g. `dops compile`) means the relation is not known to exist
 */
export function isIncremental(node: SqlNode, state: CompileState | undefined): boolean {
  return node.resourceType === 'model' && node.config.materialized === 'incremental' && Boolean(state?.relationExists) && !state?.fullRefresh;
}

/** A compiled file this compiler wrote: its stamp once written, and cache entries waiting for it. */
interface WrittenFile {
  done: boolean;
  stamp: PathStamp;
  waiting: CompileCacheEntry[];
}

/**
 * Turns parsed nodes into compiled SQL (no database I/O). Results are cached, so compiling a model
 * and then its children renders each node once. Ephemeral models compile to CTEs injected into the
 * nodes that ref them.
 */
export class Compiler {
  private readonly cache = new Map<string, CompiledNode>();
  private deferred: ReadonlyMap<string, string> = new Map();
  private empty = false;
  private readonly files = new TextFileWriter();
  /** Compiled files written by this compiler, by path (relative to the project dir). */
  private readonly written = new Map<string, WrittenFile>();
  private common: string | undefined;
  /** Keys of cache entries stored before their key was needed, computed in {@link finish}. */
  private readonly keysToCompute: (() => void)[] = [];
  /** Unique ids the command selected (dbt's `selected_resources`). */
  private selected: string[] = [];
  /** dbt's `flags`. */
  private flags: Record<string, unknown> = {};
  /** dbt's `graph`, built on first use. */
  private graphJson: Record<string, unknown> | undefined;
  /** Nodes whose render reads per-invocation values or prints: never kept between invocations. */
  private readonly volatile = new Map<string, boolean>();
  /** What each render in progress said (innermost last), kept until it completes (see {@link render}). */
  private readonly saying: [keyof TemplateOutput, string][][] = [];
  /**
   * The output of every render: one object for all of them, so their contexts share one base
   * (see templating/context.ts); it keeps what it is told for the render in progress.
   */
  private readonly renderOutput: TemplateOutput = {
    info: (text) => this.saying.at(-1)?.push(['info', text]),
    warn: (text) => this.saying.at(-1)?.push(['warn', text]),
  };

  /**
   * @param saved compiled SQL kept between invocations (see {@link CompileCache}); without it
   *   every node is rendered
   */
  constructor(
    /** The manifest nodes compile against (read by the runner to resolve foreign keys' `to:`). */
    readonly manifest: Manifest,
    private readonly engine: TemplateEngine,
    private readonly global: GlobalContext,
    private readonly projectDir: string,
    private readonly targetPath: string,
    private readonly saved?: CompileCache,
  ) {}

  /**
   * Compiles a model or test and writes it to `target/compiled/<project>/<file path>`.
   * @param state the relation's state, which decides `is_incremental()` (see {@link isIncremental})
   * @throws DopsError (CompilationError, DependencyNotFoundError, ...) with the node's file and line
   */
  compile(node: SqlNode, state?: CompileState): CompiledNode {
    return this.compileWith(node, state);
  }

  /**
   * Compiles a node at run time, answering the queries its templates make (`run_query`,
   * `statement`, `adapter.get_relation`, ...) on `connection`: each query the render stops at is
   * run, and the node rendered again with the answers so far (see {@link DatabaseReplay}).
   * @throws DopsError as {@link compile}; DatabaseError when a query fails
   */
  async compileLive(node: SqlNode, connection: Connection, state?: CompileState): Promise<CompiledNode> {
    try {
      return this.compileWith(node, state);
    } catch (error) {
      if (!(error instanceof NeedsDatabase)) throw error;
    }
    return this.replayed((replay) => {
      const compiled = this.render(node, isIncremental(node, state), replay);
      this.cache.set(isIncremental(node, state) ? `${node.uniqueId}#incremental` : node.uniqueId, compiled);
      return compiled;
    }, connection, `${node.resourceType} ${node.name}`, node.originalFilePath);
  }

  /**
   * Renders until every query the render asks is answered (see {@link DatabaseReplay}): each query
   * a pass stops at is run on `connection` and the render tried again.
   * @param what the thing rendered, for error messages (`model orders`)
   * @throws DatabaseError when a query fails; what `render` throws otherwise
   */
  private replayed<T>(render: (replay: DatabaseReplay) => T, connection: Connection, what: string, file: string): Promise<T> {
    return renderLive(render, async (sql) => {
      try {
        return await connection.queryTable(sql);
      } catch (failure) {
        const first = String((failure as Error).message ?? failure).split('\n')[0];
        throw new DatabaseError(`Database error in a query of ${what} while compiling: ${first}`, { location: { file } });
      }
    });
  }


  /**
   * What templates know of the command: dbt's `selected_resources` (the unique ids it selected)
   * and `flags` (e.g. `FULL_REFRESH`, `WHICH`). Call before compiling.
   */
  setInvocation(selected: Iterable<string>, flags: Record<string, unknown>): void {
    this.selected = [...selected];
    this.flags = flags;
    // No compiled folder yet (a first compile): every selected SQL node's file is about to be
    // created, so a big selection starts the background writer at once (see TextFileWriter.expect).
    if (!existsSync(join(this.projectDir, this.targetPath, 'compiled'))) {
      let files = 0;
      for (const id of this.selected) {
        const node = this.manifest.nodes.get(id);
        if (node && isSqlNode(node)) files++;
      }
      this.files.expect(files);
    }
  }

  private compileWith(node: SqlNode, state?: CompileState): CompiledNode {
    const incremental = isIncremental(node, state);
    const cacheKey = incremental ? `${node.uniqueId}#incremental` : node.uniqueId;
    const cached = this.cache.get(cacheKey);
    if (cached) return cached;
    const usable = this.saved !== undefined && this.deferred.size === 0 && !this.empty;
    // With no entry to compare against (a first compile), the key can wait for finish(). An entry
    // is stored only for a cacheable node, and whether a node is cacheable follows from what its
    // key covers (its text, the macro files, its parents' kinds), so a hit needs no other check.
    const inputs = usable && this.saved!.has(cacheKey) ? this.inputKey(node, incremental) : undefined;
    const saved = inputs === undefined ? undefined : this.saved!.lookup(cacheKey, inputs);
    if (saved) {
      const compiled = { uniqueId: node.uniqueId, sql: saved.sql, path: this.compiledPath(node) };
      this.writeUnlessStamped(compiled, saved);
      this.cache.set(cacheKey, compiled);
      return compiled;
    }
    const cacheable = usable && this.cacheable(node);
    const envMark = envVarReadCount();
    const compiled = this.render(node, incremental);
    if (cacheable) {
      const env = envVarReadsSince(envMark).map(([name, value]): [string, string | null] => [name, value ?? null]);
      const entry: CompileCacheEntry = { key: inputs ?? '', env, sql: compiled.sql, file: null };
      if (inputs === undefined) this.keysToCompute.push(() => (entry.key = this.inputKey(node, incremental)));
      this.saved!.store(cacheKey, entry);
      this.stampWhenWritten(compiled.path, entry);
    }
    this.cache.set(cacheKey, compiled);
    return compiled;
  }

  /**
   * Waits for compiled files still being written (see {@link TextFileWriter}) and saves the cache
   * of compiled SQL kept between invocations (see {@link CompileCache}). Call once the command
   * has compiled what it needs, before relying on the compiled files.
   * @throws Error when a compiled file (or a file given to {@link writeAlongside}) could not be written
   */
  finish(): void {
    // Hashing keys here overlaps with the background thread still writing files.
    for (const compute of this.keysToCompute.splice(0)) compute();
    this.files.close();
    this.saved?.save(new Set(this.manifest.nodes.keys()));
  }

  /**
   * False for nodes never cached: those inlining an ephemeral parent, those whose templates (or
   * the macros they call) read `run_started_at` / `invocation_id`, query the database or print,
   * and all when refs are deferred.
   */
  private cacheable(node: SqlNode): boolean {
    if (this.deferred.size > 0 || this.empty) return false;
    if (this.isVolatile(node)) return false;
    return node.dependsOn.nodes.every((id) => {
      const parent = this.manifest.get(id);
      return !isInlined(parent);
    });
  }

  /**
   * True when the node's compiled SQL depends only on its inputs (see {@link inputKey}): neither
   * it, the macros it calls nor an ephemeral model it inlines reads `run_started_at` /
   * `invocation_id`, queries the database or prints. A state-aware build that reused every node
   * may be answered again without compiling only when all its nodes are reproducible
   * (src/state/build-stamp.ts).
   */
  reproducible(node: SqlNode): boolean {
    if (this.isVolatile(node)) return false;
    return node.dependsOn.nodes.every((id) => {
      const parent = this.manifest.get(id);
      return !(parent.resourceType === 'model' && parent.config.materialized === 'ephemeral') || this.reproducible(parent);
    });
  }

  /**
   * Everything a cacheable node's compiled SQL depends on, hashed: its file, text, config,
   * relation and test fields; each parent's relation, file location and whether it is inlined
   * (which also decides whether the node is cacheable: see {@link cacheable}); `is_incremental()`; and
   * what is the same for every node (dops version, target, vars, project dir, macro files). Env
   * vars are checked separately (recorded per render).
   */
  private inputKey(node: SqlNode, incremental: boolean): string {
    const parents = node.dependsOn.nodes.map((id) => {
      const parent = this.manifest.get(id);
      const { relation, externalLocation, readerOptions } = parent as Partial<Record<'relation' | 'externalLocation' | 'readerOptions', unknown>>;
      return [id, relation, externalLocation, readerOptions, isInlined(parent)];
    });
    const { testMetadata, attachedNode, columnName } = node as Partial<Record<'testMetadata' | 'attachedNode' | 'columnName', unknown>>;
    // A file's checksum stands for its text (cheaper to hash); generated tests have no file.
    const text = 'checksum' in node && node.checksum ? node.checksum : node.rawSql;
    const own = [node.uniqueId, node.originalFilePath, text, node.config, 'relation' in node ? node.relation : null, testMetadata, attachedNode, columnName, incremental];
    return hashText(JSON.stringify([this.commonKey(), own, parents]));
  }

  private commonKey(): string {
    this.common ??= hashText(JSON.stringify([DOPS_VERSION, this.global, this.projectDir, this.targetPath, this.engine.macrosChecksum]));
    return this.common;
  }

  private isVolatile(node: SqlNode): boolean {
    let known = this.volatile.get(node.uniqueId);
    if (known === undefined) {
      const texts = [node.rawSql, ...(node.dependsOn.macros ?? []).map((id) => this.manifest.macros.get(id)?.macroSql ?? '')];
      known = texts.some((text) => VOLATILE.test(text));
      this.volatile.set(node.uniqueId, known);
    }
    return known;
  }

  /** dbt's `graph`: nodes and sources in manifest.json's shape. */
  private graph(): Record<string, unknown> {
    if (!this.graphJson) {
      const nodes: Record<string, unknown> = {};
      const sources: Record<string, unknown> = {};
      for (const node of this.manifest.nodes.values()) {
        const json = serializeNode(node);
        if (node.resourceType === 'source') sources[node.uniqueId] = { ...json, identifier: node.relation.identifier, name: node.relation.identifier };
        else nodes[node.uniqueId] = json;
      }
      this.graphJson = { nodes, sources };
    }
    return this.graphJson;
  }

  private render(node: SqlNode, incremental: boolean, database?: DatabaseReplay): CompiledNode {
    const ctes = new Set<string>();
    const resolver = this.resolverFor(node, ctes);
    const self: Relation = node.resourceType !== 'test' ? node.relation : { schema: this.global.target.schema, identifier: node.name };
    // Output is kept until the render completes: a render stopped for a query runs again.
    const said: [keyof TemplateOutput, string][] = [];
    const extras = { node: modelJson(node), graph: () => this.graph(), selectedResources: this.selected, flags: this.flags, database, output: this.renderOutput };
    const context = runtimeContext(this.engine, this.global.packageVars?.[node.packageName] ? { ...this.global, vars: this.global.packageVars[node.packageName], currentPackage: node.packageName } : this.global, self, node.config, resolver, incremental, extras);
    context.__dops_model = (relation: TemplateRelation) => this.whereFiltered(node, relation);
    const source = { path: node.originalFilePath, contents: node.rawSql };
    let rendered: string;
    this.saying.push(said);
    try {
      rendered = this.engine.render(source, context);
    } catch (error) {
      if (error instanceof DopsError && node.resourceType === 'test' && node.testType === 'generic') Object.assign(error, { location: { file: node.originalFilePath, line: node.line } });
      throw error;
    } finally {
      this.saying.pop();
    }
    for (const [kind, text] of said) this.global.output?.[kind](text);
    const inlined = [...ctes].map((id): [string, string] => {
      const parent = this.manifest.get(id) as SqlNode;
      return [cteName(parent.name), this.compile(parent).sql];
    });
    const sql = injectCtes(stripTrailingSemicolons(rendered.trim()), inlined);
    const compiled = { uniqueId: node.uniqueId, sql, path: this.compiledPath(node) };
    this.write(compiled);
    return compiled;
  }

  /**
   * Renders a model for a unit test (https://docs.getdbt.com/docs/build/unit-tests): each ref,
   * source and `this` given in `inputs` renders as the name of its fixture (a CTE or temp table),
   * `overrides` replace vars, env vars and macros (`is_incremental` is false unless overridden).
   * Nothing is written to target/ and nothing is cached.
   * @param inputs unique id of an input node (the model itself for `this`) -> SQL name of its rows
   * @throws DopsError (CompilationError, ...) with the model's file, e.g. for an input not given
   */
  renderUnitTest(model: ModelNode, inputs: ReadonlyMap<string, string>, overrides: UnitTestOverrides, testName: string): string {
    const stand = (id: string, relation: Relation, what: string) => {
      const name = inputs.get(id);
      if (!name) throw new CompilationError(`Unit test '${testName}' gives no rows for ${what}, which model '${model.name}' reads`, { location: { file: model.originalFilePath } });
      return new TemplateRelation(relation, name);
    };
    const resolver: RelationResolver = {
      ref: (call) => {
        const target = this.manifest.resolveRef(call, model);
        return stand(target.uniqueId, target.relation, `ref('${call.name}')`);
      },
      source: (call) => {
        const target = this.manifest.resolveSource(call, model);
        return stand(target.uniqueId, target.relation, `source('${call.sourceName}', '${call.tableName}')`);
      },
    };
    const base = this.global.packageVars?.[model.packageName] ? { ...this.global, vars: this.global.packageVars[model.packageName], currentPackage: model.packageName } : this.global;
    const global = { ...base, vars: { ...base.vars, ...overrides.vars } };
    const incremental = overrides.macros.is_incremental === true || overrides.macros.is_incremental === 'true';
    const extras = { node: modelJson(model), graph: () => this.graph(), selectedResources: this.selected, flags: this.flags };
    const context = runtimeContext(this.engine, global, model.relation, model.config, resolver, incremental, extras);
    const envVar = context.env_var as (name: string, fallback?: unknown) => unknown;
    context.env_var = this.engine.guard((name: string, fallback?: unknown) => (Object.hasOwn(overrides.envVars, name) ? overrides.envVars[name] : envVar(name, fallback)));
    const macros = Object.fromEntries(Object.entries(overrides.macros).filter(([macro]) => macro !== 'is_incremental').map(([macro, value]) => [macro, () => value]));
    Object.assign(context, macros, { [MACRO_OVERRIDES]: macros });
    if (inputs.has(model.uniqueId)) context.this = new TemplateRelation(model.relation, inputs.get(model.uniqueId));
    return stripTrailingSemicolons(this.engine.render({ path: model.originalFilePath, contents: model.rawSql }, context).trim());
  }

  /**
   * Renders a hook (dbt's pre-/post-hook or on-run-start/end SQL) at run time with a node's runtime
   * context, plus `extra` names (on-run-end's `results` and `schemas`). Refs resolve without the
   * parse-time dependency check.
   * @param node the node the hook belongs to; for on-run hooks, any stand-in with the root project's `packageName`
   * @param path where the hook was written (for errors)
   * @param database answers to the queries the hook makes (see {@link renderHookLive}); without it a
   *   query throws NeedsDatabase
   * @throws DopsError (with `path`) when the hook's template fails
   */
  renderHook(text: string, path: string, node: ManifestNode, extra: Record<string, unknown> = {}, database?: DatabaseReplay): string {
    const resolver: RelationResolver = {
      ref: (call) => new TemplateRelation(this.manifest.resolveRef(call, node).relation),
      source: (call) => new TemplateRelation(this.manifest.resolveSource(call, node).relation),
    };
    const self: Relation = 'relation' in node && node.resourceType !== 'source' ? node.relation : { schema: this.global.target.schema, identifier: node.name };
    const global = this.global.packageVars?.[node.packageName] ? { ...this.global, vars: this.global.packageVars[node.packageName], currentPackage: node.packageName } : this.global;
    return this.engine.render({ path, contents: text }, { ...runtimeContext(this.engine, global, self, node.config, resolver, false, { database }), ...extra }).trim();
  }

  /**
   * {@link renderHook} at run time: queries the hook makes (`{% do adapter.drop_relation(this) %}`,
   * `run_query`) run on `connection` as the hook renders, as dbt runs them.
   * @throws DopsError as {@link renderHook}; DatabaseError when a query fails
   */
  async renderHookLive(text: string, path: string, node: ManifestNode, connection: Connection, extra: Record<string, unknown> = {}): Promise<string> {
    try {
      return this.renderHook(text, path, node, extra);
    } catch (error) {
      if (!(error instanceof NeedsDatabase)) throw error;
    }
    return this.replayed((replay) => this.renderHook(text, path, node, extra, replay), connection, path, path.replace(/ \(.*\)$/, ''));
  }

  /**
   * `--defer`: refs to these nodes render as the given SQL (the state target's relation) instead
   * of this target's. Call before compiling anything.
   * @param relations unique id -> rendered relation, e.g. `"dops_state"."main"."orders"`
   */
  deferTo(relations: ReadonlyMap<string, string>): void {
    this.deferred = relations;
  }

  /**
   * `--empty`: every ref and source renders as `(select * from x where false limit 0) alias`, so
   * models read zero rows (dbt's `--empty`, docs.getdbt.com/reference/commands/build). Call
   * before compiling anything.
   */
  readEmpty(): void {
    this.empty = true;
  }

  private limitedEmpty(relation: TemplateRelation): TemplateRelation {
    if (!this.empty) return relation;
    return new TemplateRelation(relation, `(select * from ${relation} where false limit 0) _dbt_limit_subq_${relation.identifier}`);
  }

  /** Path (relative to the project) a node's compiled SQL is written to. */
  compiledPath(node: ManifestNode): string {
    // Nodes defined in YAML (generic tests, YAML snapshots) get a file per node under the YAML file's path.
    const fromYaml = (node.resourceType === 'test' && node.testType === 'generic') || /\.ya?ml$/.test(node.originalFilePath);
    const file = fromYaml ? join(node.originalFilePath, `${node.name}.sql`) : node.originalFilePath;
    return join(this.targetPath, 'compiled', node.packageName, file);
  }

  /**
   * A seed's column types as inferred from its CSV, kept with the compiled SQL between
   * invocations (see {@link CompileCache}): a seed whose CSV (by the checksum the parser took),
   * delimiter, `column_types` and engine are unchanged is not read, checked and typed again. Only
   * a CSV that passed is kept, so its checks pass again.
   * @param engine the target's type (its dialect types the columns)
   * @param infer reads, checks and types the CSV (see seedTable); its errors are thrown, nothing kept
   */
  seedColumns(node: SeedNode, engine: string, infer: () => ColumnType[]): ColumnType[] {
    const key = hashText(JSON.stringify([node.checksum, node.config.delimiter ?? null, node.config.column_types ?? null, engine]));
    const saved = this.saved?.lookup(node.uniqueId, key);
    if (saved) return JSON.parse(saved.sql) as ColumnType[];
    const columns = infer();
    this.saved?.store(node.uniqueId, { key, env: [], sql: JSON.stringify(columns), file: null });
    return columns;
  }

  /**
   * Writes another file of the command under the project (the run files of target/run/) on the
   * background thread of the writer of compiled files (see TextFileWriter.writeInBackground), so
   * one thread writes both and this one goes on running nodes; {@link finish} waits for it.
   * @param path relative to the project dir
   */
  writeAlongside(path: string, text: string): void {
    this.files.writeInBackground(join(this.projectDir, path), text);
  }

  /** Writes a compiled file (perhaps in the background: see {@link TextFileWriter}). */
  private write(compiled: CompiledNode): void {
    const file: WrittenFile = { done: false, stamp: null, waiting: [] };
    this.written.set(compiled.path, file);
    const absolute = join(this.projectDir, compiled.path);
    this.files.writeIfChanged(absolute, `${compiled.sql}\n`, (stamp) => {
      Object.assign(file, { done: true, stamp });
      for (const entry of file.waiting.splice(0)) this.saved?.stamp(entry, file.stamp);
    });
  }

  /** Gives a cache entry the stamp of its compiled file, once that file is written. */
  private stampWhenWritten(path: string, entry: CompileCacheEntry): void {
    const file = this.written.get(path);
    if (!file) return;
    if (file.done) this.saved?.stamp(entry, file.stamp);
    else file.waiting.push(entry);
  }

  /** Writes a cached node's file unless it still has the stamp recorded when it was last written. */
  private writeUnlessStamped(compiled: CompiledNode, entry: CompileCacheEntry): void {
    const now = stampPath(join(this.projectDir, compiled.path));
    if (now !== null && entry.file !== null && now[0] === entry.file[0] && now[1] === entry.file[1]) return;
    this.write(compiled);
    this.stampWhenWritten(compiled.path, entry);
  }

  /** Applies a test's `where` config the way dbt does: the tested relation becomes a filtered subquery. */
  private whereFiltered(node: SqlNode, relation: TemplateRelation): TemplateRelation | string {
    const where = node.config.where;
    return where ? `(select * from ${relation} where ${where}) dbt_subquery` : relation;
  }

  private resolverFor(node: SqlNode, ctes: Set<string>): RelationResolver {
    return {
      ref: (call) => {
        const target = this.manifest.resolveRef(call, node);
        if (target.resourceType === 'model' && isInlined(target)) {
          ctes.add(target.uniqueId);
          return TemplateRelation.ephemeral(target.relation, cteName(target.name));
        }
        if (!node.dependsOn.nodes.includes(target.uniqueId)) {
          throw new CompilationError(`ref('${call.name}') was not seen when the project was parsed`, {
            hint: 'A ref inside a branch that is only taken at run time must also appear outside it (e.g. in a comment: -- depends_on: {{ ref(...) }}).',
          });
        }
        const deferred = this.deferred.get(target.uniqueId);
        return this.limitedEmpty(deferred ? new TemplateRelation(target.relation, deferred) : new TemplateRelation(target.relation));
      },
      source: (call) => {
        const target = this.manifest.resolveSource(call, node);
        if (!target.externalLocation) return this.limitedEmpty(new TemplateRelation(target.relation));
        return this.limitedEmpty(TemplateRelation.external(target.relation, absoluteLocation(this.projectDir, target.externalLocation), target.readerOptions));
      },
    };
  }
}
