import { DBT_VERSION } from '../version.js';
import { scrubSecrets } from '../config/secrets.js';
import { userPrint } from '../reporter/print.js';
import { envVar } from '../config/vars.js';
import type { Target } from '../config/profiles.js';
import { CompilationError } from '../errors.js';
import type { RefCall, Relation, SourceCall } from '../manifest/nodes.js';
import type { TemplateContext, TemplateEngine } from './engine.js';
import { TemplateRelation } from './relation.js';
import { dbtContext, dbtRenderMembers, type DbtContextOptions, type TemplateOutput } from './dbt-context.js';
import { DISPATCH_SETTINGS, type DispatchConfig, type DispatchSettings } from './macro-namespaces.js';

/** Values shared by every template of one invocation. */
export interface GlobalContext {
  projectName: string;
  target: Target;
  /** Project vars with `--vars` applied on top. */
  vars: Record<string, unknown>;
  /** Installed packages' vars (package name -> vars as that package sees them), for their nodes. */
  packageVars?: Record<string, Record<string, unknown>>;
  /** Set while rendering an installed package's nodes: that package's name. */
  currentPackage?: string;
  /** The project's `dispatch:` search orders (dbt_project.yml), for `adapter.dispatch`. */
  dispatch?: DispatchConfig[];
  /**
   * dbt's `flags` as templates see them before a command adds its own (`WHICH`, ...): the project's
   * `flags:` under upper-case names and the run's `FAIL_FAST`, `WARN_ERROR`, `FULL_REFRESH`, ...
   */
  flags?: Record<string, unknown>;
  /**
   * Where templates' `log(..., info=True)`, `print` and warnings go. Not enumerable (set it with
   * {@link attachTemplateOutput}), so the keys hashed from the global context ignore it.
   */
  readonly output?: TemplateOutput;
}

/** Sends a global context's template output (log, print, exceptions.warn) to `output`. */
export function attachTemplateOutput(global: GlobalContext, output: TemplateOutput): void {
  Object.defineProperty(global, 'output', { value: output, enumerable: false, configurable: true });
}

/**
 * What a render may know besides the global context: the node (dbt's `model`), the graph, the
 * selection, the database's answers and where its output goes (see {@link DbtContextOptions}).
 */
export type RenderExtras = Partial<Omit<DbtContextOptions, 'adapterType' | 'execute'>>;

/** What rendering a file at parse time found: its refs, sources and `config()` calls. */
export interface ParseCapture {
  refs: RefCall[];
  sources: SourceCall[];
  config: Record<string, unknown>;
}

/** Resolves `ref()` / `source()` to relations at compile time. */
export interface RelationResolver {
  /** @throws DependencyNotFoundError when the ref names no node */
  ref(call: RefCall): TemplateRelation;
  /** @throws DependencyNotFoundError when the source is not declared */
  source(call: SourceCall): TemplateRelation;
}

function positional(args: unknown[]): unknown[] {
  return args.filter((arg) => !(typeof arg === 'object' && arg !== null && (arg as { __keywords?: boolean }).__keywords));
}

function keywords(args: unknown[]): Record<string, unknown> {
  const kw = args.find((arg) => typeof arg === 'object' && arg !== null && (arg as { __keywords?: boolean }).__keywords);
  if (!kw) return {};
  const { __keywords: _ignored, ...rest } = kw as Record<string, unknown>;
  return rest;
}

/**
 * Reads `ref('name')` / `ref('package', 'name')` arguments, with `v=` / `version=` pinning a model
 * version (https://docs.getdbt.com/reference/dbt-jinja-functions/ref#versioned-ref).
 * @throws CompilationError for any other shape
 */
export function refCall(args: unknown[]): RefCall {
  const names = positional(args);
  const kw = keywords(args);
  const pinned = kw.v ?? kw.version;
  const version = pinned === undefined || pinned === null ? {} : { version: String(pinned) };
  if (names.length === 1 && typeof names[0] === 'string') return { name: names[0], ...version };
  if (names.length === 2 && typeof names[0] === 'string' && typeof names[1] === 'string') return { package: names[0], name: names[1], ...version };
  throw new CompilationError(`ref() takes a model name, or a package and a model name; got ref(${names.map((n) => JSON.stringify(n)).join(', ')})`);
}

/**
 * Reads `source('source_name', 'table_name')` arguments.
 * @throws CompilationError for any other shape
 */
export function sourceCall(args: unknown[]): SourceCall {
  const names = positional(args);
  if (names.length === 2 && typeof names[0] === 'string' && typeof names[1] === 'string') return { sourceName: names[0], tableName: names[1] };
  throw new CompilationError(`source() takes a source name and a table name; got source(${names.map((n) => JSON.stringify(n)).join(', ')})`);
}

function baseContext(engine: TemplateEngine, global: GlobalContext, self: Relation, execute: boolean, incremental = false, extras: RenderExtras = {}): TemplateContext {
  const output = extras.output ?? global.output;
  // Renders whose extras are the node, graph and selection (each render's own) plus flags and an
  // output shared by many renders (every parse render, every compile render) start from a copy
  // of one context built per engine, global context, mode, flags and output: building dbt's ~20
  // functions and objects again for each of 10,000s of renders was the largest cost of a parse
  // after YAML, and of a compile's renders.
  const template = shareable(extras) ? sharedBase(engine, global, execute, incremental, extras.flags, output) : undefined;
  if (template) {
    // Object.assign, not a spread: V8 adds the keys parseContext / runtimeContext add next (ref,
    // source, config, builtins, ...) to a spread copy through a slow runtime path, ~1 us a key.
    const context: TemplateContext = Object.assign({}, template);
    // In place (the keys exist): what each render gets afresh, as the full build below gives it.
    Object.assign(context, dbtRenderMembers(engine, { adapterType: global.target.type, execute, ...extras, output }));
    context.target = visibleTarget(global.target);
    context.this = new TemplateRelation(self);
    return context;
  }
  return buildBase(engine, global, self, execute, incremental, extras, output);
}

/** Extras a shared base context allows: each render's own (node, graph, selection) and what the sharing is keyed by. */
const SHAREABLE_EXTRAS = new Set(['node', 'graph', 'selectedResources', 'flags', 'output']);

function shareable(extras: RenderExtras): boolean {
  for (const key in extras) {
    if (!SHAREABLE_EXTRAS.has(key) && (extras as Record<string, unknown>)[key] !== undefined) return false;
  }
  return true;
}

/** Shared bases kept per engine, global context and mode; callers with more flags / outputs build their contexts in full. */
const MAX_SHARED_BASES = 8;

interface SharedBase {
  flags: Record<string, unknown> | undefined;
  output: TemplateOutput | undefined;
  template: TemplateContext;
}

/** Base contexts by engine, global context, execute / incremental, flags and output (see {@link baseContext}). */
const sharedBases = new WeakMap<TemplateEngine, WeakMap<GlobalContext, Map<string, SharedBase[]>>>();

function sharedBase(engine: TemplateEngine, global: GlobalContext, execute: boolean, incremental: boolean, flags: Record<string, unknown> | undefined, output: TemplateOutput | undefined): TemplateContext | undefined {
  let byGlobal = sharedBases.get(engine);
  if (!byGlobal) sharedBases.set(engine, (byGlobal = new WeakMap()));
  let byMode = byGlobal.get(global);
  if (!byMode) byGlobal.set(global, (byMode = new Map()));
  const mode = `${execute}|${incremental}`;
  let known = byMode.get(mode);
  if (!known) byMode.set(mode, (known = []));
  let entry = known.find((candidate) => candidate.output === output && candidate.flags === flags);
  if (!entry) {
    if (known.length >= MAX_SHARED_BASES) return undefined;
    entry = { flags, output, template: buildBase(engine, global, { schema: global.target.schema, identifier: '' }, execute, incremental, { flags }, output) };
    known.push(entry);
  }
  return entry.template;
}

function buildBase(engine: TemplateEngine, global: GlobalContext, self: Relation, execute: boolean, incremental: boolean, extras: RenderExtras, output: TemplateOutput | undefined): TemplateContext {
  const settings: DispatchSettings = { adapterType: global.target.type, rootName: global.projectName, dispatch: global.dispatch ?? [], currentPackage: global.currentPackage };
  const context: TemplateContext = {
    ...dbtContext(engine, { adapterType: global.target.type, execute, ...extras, flags: { ...global.flags, ...extras.flags }, output }),
    [DISPATCH_SETTINGS]: settings,
    var: engine.guard((name: string, fallback?: unknown) => {
      if (Object.prototype.hasOwnProperty.call(global.vars, name)) return global.vars[name];
      if (fallback !== undefined) return fallback;
      throw new CompilationError(`Required var '${name}' not found in the project file or --vars`, {
        hint: `Set it under vars: in dbt_project.yml, pass --vars '{"${name}": ...}', or give var() a default.`,
      });
    }),
    env_var: engine.guard((name: string, fallback?: unknown) => envVar(name, fallback)),
    ...namingMacros(global.target),
    load_relation: (relation: unknown) => (context.adapter as { load_relation(r: unknown): unknown }).load_relation(relation),
    target: visibleTarget(global.target),
    project_name: global.projectName,
    // dbt's `dbt_version`: the dbt-core version dops mirrors (docs.getdbt.com/reference/dbt-jinja-functions/dbt_version).
    dbt_version: DBT_VERSION,
    this: new TemplateRelation(self),
    execute,
    is_incremental: () => incremental,
    // dbt's print(): writes to stdout even with --quiet; --no-print silences it (docs.getdbt.com/reference/dbt-jinja-functions/print).
    print: (value: unknown) => {
      userPrint(String(value));
      return '';
    },
  };
  return context;
}

/**
 * Adds dbt's `builtins` (the original ref, source and config, for macros that override them) and
 * dbt's global macros that read the node's config: `should_store_failures()` and
 * `should_full_refresh()` (the config, else the `--store-failures` / `--full-refresh` flag), as
 * dbt's materialization helpers define them (docs.getdbt.com/reference/resource-configs/store_failures,
 * /full_refresh).
 */
function withBuiltins(context: TemplateContext): TemplateContext {
  context.builtins = { ref: context.ref, source: context.source, config: context.config };
  const config = context.config as { get(key: string, fallback?: unknown): unknown };
  const flags = (context.flags ?? {}) as Record<string, unknown>;
  const setting = (key: string, flag: string) => () => {
    const value = config.get(key);
    return value === undefined || value === null ? Boolean(flags[flag]) : value;
  };
  context.should_store_failures = setting('store_failures', 'STORE_FAILURES');
  context.should_full_refresh = setting('full_refresh', 'FULL_REFRESH');
  return context;
}

/**
 * dbt's default naming macros, callable from templates (codegen calls `generate_schema_name`):
 * the project's own `generate_*_name` macro, when it defines one, takes their place
 * (https://docs.getdbt.com/docs/build/custom-schemas, /custom-aliases, /custom-databases).
 */
function namingMacros(target: Target): TemplateContext {
  const custom = (value: unknown) => (value === undefined || value === null || value === '' ? undefined : String(value).trim());
  return {
    generate_schema_name: (name: unknown) => (custom(name) === undefined ? target.schema : `${target.schema}_${custom(name)}`),
    generate_alias_name: (name: unknown, node?: Record<string, unknown>) => {
      if (custom(name) !== undefined) return custom(name);
      const version = node?.version;
      return version === undefined || version === null ? String(node?.name ?? '') : `${node?.name}_v${version}`;
    },
    generate_database_name: (name: unknown) => custom(name) ?? target.database ?? 'main',
  };
}

/**
 * The context for rendering at parse time (dbt's parse context): `ref()` and `source()` only
 * record what they are given and return a placeholder relation; `config()` records its keywords.
 * @param capture receives the calls (mutated while rendering)
 * @param self the node's own relation (for `this`)
 */
export function parseContext(engine: TemplateEngine, global: GlobalContext, self: Relation, capture: ParseCapture, extras: RenderExtras = {}): TemplateContext {
  const config = engine.guard((...args: unknown[]) => {
    Object.assign(capture.config, keywords(args), ...positional(args).filter((a) => typeof a === 'object'));
    return '';
  });
  // baseContext returns a fresh object: adding to it keeps the keys (and their order) a spread gave.
  const context = baseContext(engine, global, self, false, false, extras);
  context.ref = engine.guard((...args: unknown[]) => {
    const call = refCall(args);
    capture.refs.push(call);
    return new TemplateRelation({ schema: global.target.schema, identifier: call.name });
  });
  context.source = engine.guard((...args: unknown[]) => {
    const call = sourceCall(args);
    capture.sources.push(call);
    return new TemplateRelation({ schema: call.sourceName, identifier: call.tableName });
  });
  context.config = Object.assign(config, { get: (key: string, fallback?: unknown) => capture.config[key] ?? fallback });
  // print() fires once per node, when it runs (or compiles), not again at parse time; dbt's
  // prints come from execution (docs.getdbt.com/reference/dbt-jinja-functions/print).
  context.print = () => '';
  return withBuiltins(context);
}

/**
 * The context for rendering at compile time: `ref()` and `source()` return the real relations
 * (ephemeral models as CTE names), `config()` is a no-op and `config.get()` reads the node's config.
 * @param nodeConfig the node's resolved config
 * @param incremental what `is_incremental()` returns (decided by the runner; see compiler's `isIncremental`)
 */
export function runtimeContext(
  engine: TemplateEngine,
  global: GlobalContext,
  self: Relation,
  nodeConfig: Record<string, unknown>,
  resolver: RelationResolver,
  incremental = false,
  extras: RenderExtras = {},
): TemplateContext {
  const config = () => '';
  const context = baseContext(engine, global, self, true, incremental, extras);
  context.ref = engine.guard((...args: unknown[]) => resolver.ref(refCall(args)));
  context.source = engine.guard((...args: unknown[]) => resolver.source(sourceCall(args)));
  context.config = Object.assign(config, { get: (key: string, fallback?: unknown) => nodeConfig[key] ?? fallback });
  return withBuiltins(context);
}

/** The template `target`: the target's fields without its credentials (passwords never reach SQL or logs). */
function visibleTarget(target: Target): Record<string, unknown> {
  // Built once per target (scrubbing reads the whole environment: ~0.5 ms, once per render adds up).
  let visible = visibleTargets.get(target);
  if (!visible) {
    const { credentials: _credentials, ...fields } = target;
    // A secret env var's value (e.g. in the path) is shown masked: it must not reach compiled SQL.
    const masked = Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, typeof value === 'string' ? scrubSecrets(value) : value]));
    visible = { ...masked, profile_name: target.profileName };
    visibleTargets.set(target, visible);
  }
  return { ...visible };
}

const visibleTargets = new WeakMap<Target, Record<string, unknown>>();
