import { CompilationError } from '../errors.js';
import { markNative } from './jinja/index.js';

/** A callable macro (a nunjucks macro or a JS function). */
/**
 * Context key of a unit test's macro overrides (name -> function): they replace the macros of those
 * names in the render (https://docs.getdbt.com/reference/resource-properties/unit-test-overrides).
 */
export const MACRO_OVERRIDES = Symbol('dops.macroOverrides');

export type MacroFn = (...args: unknown[]) => unknown;

/** Package of dbt's own macros (the cross-database macros, `current_timestamp`, ...): `dbt.x`. */
export const DBT_PACKAGE = 'dbt';
/** Package of the macros dops ships besides dbt's (the built-in generic tests). */
export const DOPS_PACKAGE = 'dops';
/** Packages whose macros are "internal" in dbt's sense: callable unprefixed, overridden by the root project. */
export const INTERNAL_PACKAGES: ReadonlySet<string> = new Set([DBT_PACKAGE, DOPS_PACKAGE]);

/** True for dbt's implementation macros (`default__x`, `<adapter>__x`, `_x`, `default_x`) of its built-in package. */
function isImplementation(entry: MacroEntry): boolean {
  return entry.package === DBT_PACKAGE && (entry.name.includes('__') || entry.name.startsWith('_') || entry.name.startsWith('default_'));
}

/** Where one macro is defined. */
export interface MacroEntry {
  name: string;
  /** Package name; undefined for the root project. */
  package: string | undefined;
  /** File (template path) that defines it. */
  path: string;
}

/**
 * Every macro of an engine, by package, and the global namespace dbt resolves unprefixed names in:
 * the root project's macros over the internal packages' (`dbt`, `dops`). Macros of other
 * packages are reached through their package name (`dbt_utils.star`), or unprefixed from inside
 * that package. (dbt docs: "Jinja & macros", "dispatch".)
 */
export class MacroRegistry {
  /** Package key ('' for the root project) -> macro name -> entry. */
  readonly byPackage = new Map<string, Map<string, MacroEntry>>();
  /** Unprefixed names visible everywhere: root project first, then internal packages. */
  readonly global = new Map<string, MacroEntry>();

  /**
   * Registers a macro.
   * @returns the entry it clashes with (same name, same package), if any: the caller reports it
   */
  add(entry: MacroEntry): MacroEntry | undefined {
    const key = entry.package ?? '';
    let names = this.byPackage.get(key);
    if (!names) this.byPackage.set(key, (names = new Map()));
    const clash = names.get(entry.name);
    if (clash) return clash;
    names.set(entry.name, entry);
    // The root project's macro overrides an internal one of the same name; other packages stay
    // prefixed. dbt's implementation macros (`default__x`, `duckdb__x`, `_helper`) are reached
    // through `dbt.` and dispatch only, which keeps every render's context small.
    if (entry.package === undefined) this.global.set(entry.name, entry);
    else if (INTERNAL_PACKAGES.has(entry.package) && !this.global.has(entry.name) && !isImplementation(entry)) this.global.set(entry.name, entry);
    return undefined;
  }

  /** The macro `name` of a package ('' / undefined / the root name: the root project). */
  find(packageName: string | undefined, name: string): MacroEntry | undefined {
    return this.byPackage.get(packageName ?? '')?.get(name);
  }

  /** Names of the non-root packages that define macros. */
  packages(): string[] {
    return [...this.byPackage.keys()].filter((key) => key !== '');
  }
}

/** A dispatch search order from the project's `dispatch:` config (dbt_project.yml). */
export interface DispatchConfig {
  macro_namespace: string;
  search_order: string[];
}

/**
 * dbt's `adapter.dispatch(macro_name, macro_namespace)`: the first of `<adapter>__name`,
 * `default__name` found in each searched package, in order. The packages searched are the
 * project's `dispatch:` search order for the namespace when it has one; else, for a namespace
 * that is an installed package, the root project then that package; else the global namespace
 * (root project, then dbt's internal macros). (docs.getdbt.com/reference/dbt-jinja-functions/dispatch)
 * @param lookup finds a macro in a package (undefined package: the global namespace)
 * @param prefixes adapter prefixes in order, e.g. `['duckdb', 'default']`
 * @throws CompilationError naming every macro tried when none exists
 */
export function dispatchMacro(
  macroName: string,
  macroNamespace: string | undefined,
  lookup: (packageName: string | undefined, name: string) => MacroFn | undefined,
  prefixes: string[],
  options: { rootName: string; dispatch: DispatchConfig[]; installed: (name: string) => boolean },
): MacroFn {
  if (typeof macroName !== 'string') throw new CompilationError(`adapter.dispatch() needs a macro name (a string), got ${JSON.stringify(macroName)}`);
  if (macroName.includes('.')) {
    throw new CompilationError(`In dispatch: the macro name '${macroName}' must not contain a dot; pass the package as macro_namespace`);
  }
  let search: (string | undefined)[] = [undefined];
  if (macroNamespace) {
    const configured = options.dispatch.find((entry) => entry.macro_namespace === macroNamespace)?.search_order;
    if (configured?.length) search = configured;
    else if (macroNamespace !== DBT_PACKAGE && options.installed(macroNamespace)) search = [options.rootName, macroNamespace];
  }
  const tried: string[] = [];
  for (const packageName of search) {
    for (const prefix of prefixes) {
      const name = `${prefix}__${macroName}`;
      const found = lookup(packageName, name);
      if (found) return found;
      tried.push(packageName ? `${packageName}.${name}` : name);
    }
  }
  throw new CompilationError(
    `In dispatch: No macro named '${macroName}' found within namespace: '${macroNamespace ?? 'None'}'; searched for: ${tried.map((t) => `'${t}'`).join(', ')}`,
  );
}

/** Context key under which context.ts passes what `adapter.dispatch` needs (see {@link DispatchSettings}). */
export const DISPATCH_SETTINGS = '__dops_dispatch';

/** What `adapter.dispatch` needs besides the macros: the adapter type and the project's search orders. */
export interface DispatchSettings {
  /** `target.type`, e.g. `duckdb`: `<type>__` macros are tried before `default__`. */
  adapterType: string;
  /** The root project's name (its namespace, e.g. `my_project.my_macro`). */
  rootName: string;
  /** The project's `dispatch:` config. */
  dispatch: DispatchConfig[];
  /** An installed package whose node is rendered: its macros are callable unprefixed too. */
  currentPackage?: string;
}

/** The macros one render sees: the full context, and the context a package's macro files run in. */
export interface MacroScope {
  full: Record<string, unknown>;
  /** The context a macro file of `packageName` runs in: its own package's macros are unprefixed there. */
  contextFor(packageName: string | undefined): Record<string, unknown>;
  /** A macro's function in this render (its file run on first use). */
  load(entry: MacroEntry): MacroFn;
}

/**
 * Adds an engine's macros to each render's context: the global namespace unprefixed, each package
 * as a namespace object (`dbt.date_trunc`, `dbt_utils.star`, `<root project>.my_macro`), and
 * `adapter.dispatch` bound to these macros. The callables are made once per engine and call the
 * macro of the render in progress (renders are synchronous; see `current`), so a render costs a
 * copy of names, not hundreds of new functions.
 */
export class MacroBinder {
  /** The root project's macros: copied into each render's context (they override the rest). */
  private readonly globals: Record<string, MacroFn> = {};
  private readonly namespaces: Record<string, Record<string, MacroFn>> = {};
  private readonly callables = new Map<MacroEntry, MacroFn>();
  private readonly adapters = new WeakMap<object, WeakMap<DispatchSettings, object>>();

  /**
   * @param current the scope of the render in progress
   * @param addGlobals makes names visible to every render of the engine, below the context's own
   * @throws Error (from a callable) when a macro is called outside any render
   */
  constructor(
    private readonly registry: MacroRegistry,
    private readonly current: () => MacroScope | undefined,
    addGlobals: (values: Record<string, unknown>) => void,
  ) {
    const shared: Record<string, unknown> = {};
    for (const [name, entry] of registry.global) {
      if (entry.package === undefined) this.globals[name] = this.callable(entry);
      else shared[name] = this.callable(entry);
    }
    for (const key of registry.packages()) shared[key] = this.namespaces[key] = this.namespace(key);
    // dbt's macros and the package namespaces are engine-wide names (nunjucks globals): the
    // context's own names (the root project's macros, ref, ...) take precedence over them.
    addGlobals(shared);
  }

  private callable(entry: MacroEntry): MacroFn {
    let fn = this.callables.get(entry);
    if (!fn) {
      const current = this.current;
      // Native: macros take template values as they are (floats stay Python floats).
      fn = markNative((...args: unknown[]) => {
        const scope = current();
        if (!scope) throw new Error(`Macro ${entry.name} called outside a render`);
        return scope.load(entry)(...args);
      });
      this.callables.set(entry, fn);
    }
    return fn;
  }

  /**
   * A unit test's macro overrides by the package namespace they replace a macro in, as dbt-core
   * applies them (`generate_runtime_unit_test_context`): `pkg.name` for a macro `pkg` defines,
   * and an unprefixed `name` that is one of dbt's macros also as `dbt.name`.
   */
  private overridesByPackage(overrides: Record<string, unknown>, rootName: string | undefined): Map<string, Record<string, unknown>> {
    const byPackage = new Map<string, Record<string, unknown>>();
    const add = (packageName: string, name: string, value: unknown) => {
      let names = byPackage.get(packageName);
      if (!names) byPackage.set(packageName, (names = {}));
      names[name] = value;
    };
    for (const [key, value] of Object.entries(overrides)) {
      const dot = key.indexOf('.');
      if (dot < 0) {
        if (this.registry.find(DBT_PACKAGE, key)) add(DBT_PACKAGE, key, value);
        continue;
      }
      const packageName = key.slice(0, dot);
      const name = key.slice(dot + 1);
      const registryKey = packageName === rootName && !this.registry.byPackage.has(packageName) ? '' : packageName;
      if (this.registry.find(registryKey, name)) add(packageName, name, value);
    }
    return byPackage;
  }

  private namespace(key: string): Record<string, MacroFn> {
    const names: Record<string, MacroFn> = {};
    for (const [name, entry] of this.registry.byPackage.get(key) ?? []) names[name] = this.callable(entry);
    return names;
  }

  /**
   * The scope of one render.
   * @param load returns a macro's function in this render (compiling and running its file on first use)
   */
  bind(context: Record<string, unknown>, load: (entry: MacroEntry, scope: MacroScope) => MacroFn): MacroScope {
    const registry = this.registry;
    // Object.assign, not spreads: V8 adds keys to a spread copy (the globals, the root namespace
    // below) through a slow runtime path, ~1 us a key, and every render binds a scope.
    const full: Record<string, unknown> = Object.assign({}, context, this.globals);
    const settings = context[DISPATCH_SETTINGS] as DispatchSettings | undefined;
    const rootName = settings?.rootName ?? (typeof context.project_name === 'string' ? context.project_name : undefined);
    if (rootName && !registry.byPackage.has(rootName)) full[rootName] = (this.namespaces[''] ??= this.namespace(''));
    // A package's node calls its own macros unprefixed (https://docs.getdbt.com/docs/build/packages).
    if (settings?.currentPackage && this.namespaces[settings.currentPackage]) Object.assign(full, this.namespaces[settings.currentPackage]);
    // A unit test's `overrides: {macros: ...}` win over the project's macros of those names;
    // `package.name` replaces the macro in that package's namespace (and, inside that package's
    // macros, unprefixed); an override of a dbt macro applies to both `x` and `dbt.x`.
    const overrides = context[MACRO_OVERRIDES as unknown as string] as Record<string, unknown> | undefined;
    const packageOverrides = overrides ? this.overridesByPackage(overrides, rootName) : undefined;
    if (overrides) {
      for (const [name, value] of Object.entries(overrides)) if (!name.includes('.')) full[name] = value;
      for (const [packageName, names] of packageOverrides!) {
        const key = packageName === rootName && !registry.byPackage.has(packageName) ? '' : packageName;
        full[packageName] = { ...this.namespaces[key], ...names };
        if (packageName === DBT_PACKAGE || packageName === settings?.currentPackage) Object.assign(full, names);
      }
    }
    if (settings && typeof context.adapter === 'object' && context.adapter !== null) full.adapter = this.dispatching(context.adapter, settings);
    let locals: Map<string, Record<string, unknown>> | undefined;
    const scope: MacroScope = {
      full,
      contextFor: (packageName) => {
        if (packageName === undefined || INTERNAL_PACKAGES.has(packageName)) return full;
        locals ??= new Map();
        let local = locals.get(packageName);
        if (!local) locals.set(packageName, (local = { ...full, ...this.namespaces[packageName], ...packageOverrides?.get(packageName) }));
        return local;
      },
      load: (entry) => load(entry, scope),
    };
    return scope;
  }

  /**
   * `adapter` with `dispatch` bound to this binder's macros: made once per adapter object and
   * dispatch settings (both shared by the renders of one engine, global context and mode), not
   * once per render.
   */
  private dispatching(adapter: object, settings: DispatchSettings): object {
    let bySettings = this.adapters.get(adapter);
    if (!bySettings) this.adapters.set(adapter, (bySettings = new WeakMap()));
    let made = bySettings.get(settings);
    if (made) return made;
    const registry = this.registry;
    const rootName = settings.rootName;
    const lookup = (packageName: string | undefined, name: string): MacroFn | undefined => {
      // The global namespace: the root project, then dbt's internal packages (with their implementations).
      const entry =
        packageName === undefined
          ? registry.global.get(name) ?? registry.find(DBT_PACKAGE, name) ?? registry.find(DOPS_PACKAGE, name)
          : registry.find(packageName === rootName ? '' : packageName, name);
      return entry ? this.callable(entry) : undefined;
    };
    const prefixes = [settings.adapterType, 'default'];
    const options = { rootName: settings.rootName, dispatch: settings.dispatch, installed: (name: string) => registry.byPackage.has(name) };
    const dispatch = (macroName: string, ...rest: unknown[]) => {
      const kwargs = rest.find((arg) => typeof arg === 'object' && arg !== null && (arg as { __keywords?: boolean }).__keywords) as Record<string, unknown> | undefined;
      const positional = rest.filter((arg) => arg !== kwargs);
      const macroNamespace = (positional[0] ?? kwargs?.macro_namespace ?? undefined) as string | undefined;
      return dispatchMacro(macroName, macroNamespace ?? undefined, lookup, prefixes, options);
    };
    made = Object.create(adapter, { dispatch: { value: dispatch, enumerable: true } }) as object;
    bySettings.set(settings, made);
    return made;
  }
}
