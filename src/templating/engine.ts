import { createHash } from 'node:crypto';
import nunjucks from 'nunjucks';
import { CompilationError, DopsError, ParseError, throwIfAny, type SourceLocation } from '../errors.js';
import { testBlocksToMacros } from './test-blocks.js';
import { NeedsDatabase } from './introspection.js';
import { canRenderSimple, parseSimpleTemplate, renderSimple, type SimpleTemplate } from './simple-template.js';
import { callSimpleMacro, simpleMacros, type SimpleMacro } from './simple-macros.js';
import { MacroBinder, MacroRegistry, type MacroEntry, type MacroScope } from './macro-namespaces.js';
import { installMemberLookup } from './callable-members.js';
import { installJinja } from './jinja/index.js';
import { BUILTIN_TESTS } from './builtin-tests.js';

/** The global generic tests call on arguments that hold Jinja (see parser/generic-tests.ts). */
export const RENDER_ARGUMENT = '__dops_render';
const CAPTURE = '__dops_capture';

/**
 * What Python's `ast.literal_eval` makes of a native render's lone string result, for the scalar
 * literals: ints, floats, True/False/None; any other text stays as it is.
 */
function nativeLiteral(text: string): unknown {
  const trimmed = text.trim();
  if (/^[+-]?\d+$/.test(trimmed) && Number.isSafeInteger(Number(trimmed))) return Number(trimmed);
  if (/^[+-]?(\d+\.\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) return Number(trimmed);
  if (trimmed === 'True') return true;
  if (trimmed === 'False') return false;
  if (trimmed === 'None') return null;
  return text;
}

/** Prefix of the exported alias of a macro whose name starts with `_`. */
const PRIVATE_ALIAS = 'dops_private__';
const PRIVATE_MACRO = /\{%-?\s*macro\s+(_\w*)\s*\(/g;

/**
 * nunjucks, like Jinja's import, does not export macros whose names start with `_`; dbt calls them
 * like any other (dbt_expectations' `_get_like_pattern_expression`). Each one gets an exported alias
 * after the file's text (no line of the file moves), read back under its own name.
 */
function exposePrivateMacros(contents: string): string {
  const names = [...new Set([...contents.matchAll(PRIVATE_MACRO)].map((match) => match[1]))];
  return names.length ? `${contents}${names.map((name) => `{% set ${PRIVATE_ALIAS}${name} = ${name} %}`).join('')}` : contents;
}

/** A template source: its project-relative path (for errors) and text. */
export interface TemplateSource {
  path: string;
  contents: string;
  /**
   * Package of a macro file: undefined for the root project, `dbt` for dbt's own macros, an
   * installed package's name (its macros are then `pkg.name`). See macro-namespaces.ts.
   */
  package?: string;
  /** Compile this macro file on first use instead of up front (dops' built-in macros). */
  lazy?: boolean;
}

/** Names and values visible to a template (ref, source, config, var, this, target, ...). */
export type TemplateContext = Record<string, unknown>;

type Macro = (...args: unknown[]) => unknown;

const POSITION = /\[Line (\d+), Column (\d+)\]/;

/**
 * Prepended to every template: nunjucks leaves the position out of errors raised on a template's
 * first line (its line 0), so the user's first line becomes nunjucks' line 1.
 */
const LINE_PAD = '\n';

/** The last line of nunjucks' message, without its "(path) [Line x]" prefix and "Error: " label. */
function nunjucksReason(error: Error): string {
  const lines = error.message.split('\n').map((line) => line.trim()).filter(Boolean);
  return (lines[lines.length - 1] ?? error.message).replace(/^(Error|TypeError|ReferenceError|JinjaError): /, '').replace(/^\w+: (?=expected|unexpected)/, '');
}

/**
 * Maps a nunjucks error to a project location. nunjucks reports 1-based positions for syntax
 * errors but 0-based ones for errors raised while rendering; both are also shifted by the
 * {@link LINE_PAD} line every template starts with.
 */
function locate(error: Error, path: string, phase: 'syntax' | 'render'): SourceLocation {
  const match = POSITION.exec(error.message);
  if (!match) return { file: path };
  // syntax errors: 1-based line and column; render errors: 0-based. Minus the padding line.
  const base = phase === 'syntax' ? 0 : 1;
  return { file: path, line: Number(match[1]) + base - 1, column: Number(match[2]) + base };
}

/** 1-based line of the last `{{` / `{%` that is never closed, or undefined when every tag closes. */
function unclosedTagLine(contents: string): number | undefined {
  const open = Math.max(contents.lastIndexOf('{{'), contents.lastIndexOf('{%'));
  if (open < 0) return undefined;
  const closer = contents[open + 1] === '{' ? '}}' : '%}';
  return contents.indexOf(closer, open + 2) < 0 ? contents.slice(0, open).split('\n').length : undefined;
}

/**
 * Renders Jinja templates (models, tests, macros) with nunjucks, dbt-style: user macros from the
 * macro paths are callable from every template without an import, and errors carry file:line.
 * Compiled templates are cached by path and text, so rendering a file twice (parse, then compile)
 * compiles it once.
 */
export class TemplateEngine {
  private readonly env = TemplateEngine.environment();
  private readonly cache = new Map<string, { contents: string; template: nunjucks.Template }>();
  /** Templates of the simple subset (or undefined: not simple), by path and text. */
  private readonly simple = new Map<string, { contents: string; template: SimpleTemplate | undefined }>();
  /** Macro files' text as compiled (test blocks as macros, private macros exposed), by path. */
  private readonly macroTexts = new Map<string, string>();
  /** Each macro file's simple macros (see simple-macros.ts), by path, found on first use. */
  private readonly simpleMacroFiles = new Map<string, Map<string, SimpleMacro>>();
  /** Compiled macro files, by path. */
  private readonly macroFiles = new Map<string, nunjucks.Template>();
  /** Macro files compiled on first use (see {@link TemplateSource.lazy}), by path. */
  private readonly lazyFiles = new Map<string, TemplateSource>();
  /** Macro name -> file that defines it, for the names callable unprefixed (root project, then dbt's). */
  readonly macros = new Map<string, string>();
  /**
   * A nunjucks environment that renders Jinja2 as dbt does (see ./jinja/index.ts), with the
   * member lookup dbt's context objects need (./callable-members.ts) over it.
   */
  private static environment(): nunjucks.Environment {
    const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false });
    installJinja(env);
    installMemberLookup();
    return env;
  }

  /** Every macro by package (see macro-namespaces.ts). */
  readonly registry = new MacroRegistry();
  /** Adds the macros to render contexts (made once the macros are known). */
  private binder: MacroBinder | undefined;
  /** Scopes of the renders in progress, innermost last (see {@link inScope}). */
  private readonly scopes: MacroScope[] = [];
  /** sha1 of every macro file's path and text: what renders calling macros depend on. */
  readonly macrosChecksum: string;
  /** Each macro's declared parameters; absent for macros that read `varargs` / `kwargs` (they take any). */
  private readonly signatures = new Map<string, MacroParameter[]>();
  /** Set while a context function throws, so the original error survives nunjucks' wrapping. */
  private pendingError: DopsError | undefined;

  /**
   * @param macroSources files holding `{% macro %}` blocks (user macros and built-in test macros);
   *   `{% test name(...) %}` blocks become macros named `test_<name>`, as in dbt
   * @throws ParseError (or a group) for template syntax errors and macros defined twice
   */
  constructor(macroSources: TemplateSource[]) {
    this.macrosChecksum = createHash('sha1').update(JSON.stringify(macroSources.map((source) => [source.path, source.contents]))).digest('hex');
    const errors: DopsError[] = [];
    for (const source of macroSources) {
      try {
        for (const [name, params] of macroSignatures(testBlocksToMacros(source.contents))) this.signatures.set(`${source.path}\u0000${name}`, params);
        let names: string[];
        this.macroTexts.set(source.path, exposePrivateMacros(testBlocksToMacros(source.contents)));
        if (source.lazy) {
          this.lazyFiles.set(source.path, source);
          names = [...source.contents.matchAll(/\{%-?\s*macro\s+([A-Za-z_]\w*)/g)].map((match) => match[1]);
        } else {
          const template = this.compile({ path: source.path, contents: this.macroTexts.get(source.path)! });
          this.macroFiles.set(source.path, template);
          names = Object.keys(this.exportMacros(template, {}));
        }
        for (const name of names) {
          const other = this.registry.add({ name, package: source.package, path: source.path });
          if (other) errors.push(new ParseError(`Macro '${name}' is defined twice: in ${other.path} and ${source.path}`, { location: { file: source.path } }));
        }
      } catch (error) {
        errors.push(error instanceof DopsError ? error : new ParseError(String(error), { location: { file: source.path } }));
      }
    }
    for (const [name, entry] of this.registry.global) this.macros.set(name, entry.path);
    this.env.addGlobal(RENDER_ARGUMENT, this.guard((text: string) => this.renderArgument(String(text))));
    throwIfAny(errors);
  }

  /**
   * Renders a generic test's argument that holds Jinja (`expression: "{{ dbt_date.today() }} = d"`)
   * in the test's own context, as dbt does before calling the test macro (dbt-core's
   * `add_rendered_test_kwargs`, with its native renderer): a lone `{{ expr }}` keeps the value's
   * type (a list stays a list; a string that reads as a number, bool or None becomes one), anything
   * else is the rendered text.
   * @throws CompilationError when the argument does not render
   */
  private renderArgument(text: string): unknown {
    const scope = this.scopes[this.scopes.length - 1];
    const context = scope?.full ?? {};
    const lone = /^\{\{-?((?:(?!\}\}).)*?)-?\}\}$/s.exec(text);
    const captured: { value?: unknown } = {};
    const source = lone ? `{{ ${CAPTURE}(${lone[1]}) }}` : text;
    const template = this.compile({ path: `<test argument ${text}>`, contents: source });
    const output = template.render({ ...context, [CAPTURE]: (value: unknown) => ((captured.value = value), '') });
    if (!lone) return output.startsWith(LINE_PAD) ? output.slice(LINE_PAD.length) : output;
    return typeof captured.value === 'string' ? nativeLiteral(captured.value) : captured.value;
  }

  /**
   * The parameters macro `name` declares, or undefined when it is unknown or takes any arguments
   * (its body reads `varargs` / `kwargs`).
   */
  macroParameters(name: string): readonly MacroParameter[] | undefined {
    const path = this.macros.get(name);
    return path === undefined ? undefined : this.signatures.get(`${path}\u0000${name}`);
  }

  /**
   * True when a call of `name` in a render of `currentPackage` (undefined: the root project) reaches
   * dops' built-in generic test macro (builtin-tests.ts): no project or package macro of that name
   * takes its place. Their bodies call no context function, so rendering one at parse time records
   * nothing beyond what evaluating its arguments records.
   */
  isBuiltinTest(name: string, currentPackage?: string): boolean {
    if (this.macros.get(name) !== BUILTIN_TESTS.path) return false;
    return currentPackage === undefined || this.registry.find(currentPackage, name) === undefined;
  }

  /**
   * Checks a call's arguments (as nunjucks passes them: keyword arguments in a trailing object
   * marked `__keywords`) against what macro `name` declares, as calling the macro does.
   * @throws CompilationError for more positional arguments than declared or an undeclared keyword
   */
  checkMacroCall(name: string, args: unknown[]): void {
    const path = this.macros.get(name);
    const params = path === undefined ? undefined : this.signatures.get(`${path}\u0000${name}`);
    if (params) checkMacroArguments(name, params.map((param) => param.name), args);
  }

  /**
   * Compiles (or fetches from cache) a template.
   * @throws ParseError with the line and column of a syntax error
   */
  compile(source: TemplateSource): nunjucks.Template {
    const cached = this.cache.get(source.path);
    if (cached && cached.contents === source.contents) return cached.template;
    try {
      const template = new nunjucks.Template(LINE_PAD + source.contents, this.env, source.path, true);
      this.cache.set(source.path, { contents: source.contents, template });
      return template;
    } catch (error) {
      if (!POSITION.test((error as Error).message)) {
        // nunjucks' parser crashes (a TypeError, no position) on some unterminated tags such as `{{ f(`.
        const line = unclosedTagLine(source.contents);
        if (line) throw new ParseError('Template syntax error: unclosed tag or expression', { location: { file: source.path, line } });
      }
      throw new ParseError(`Template syntax error: ${nunjucksReason(error as Error)}`, { location: locate(error as Error, source.path, 'syntax') });
    }
  }

  /**
   * Wraps a context function so a {@link DopsError} it throws is re-thrown as-is (with the
   * template's location) instead of nunjucks' generic wrapper.
   */
  guard<T extends (...args: never[]) => unknown>(fn: T): T {
    return ((...args: never[]) => {
      try {
        return fn(...args);
      } catch (error) {
        if (error instanceof DopsError) this.pendingError = error;
        throw error;
      }
    }) as T;
  }

  /**
   * Renders a template with a context plus every user macro.
   * @param source the template
   * @param context functions and values the template sees (see templating/context.ts)
   * @returns the rendered text
   * @throws ParseError for syntax errors; CompilationError (or the DopsError a context function
   *   raised, e.g. an unknown ref) with the template's file and line for errors while rendering
   */
  render(source: TemplateSource, context: TemplateContext): string {
    // Most model files are text plus ref()/source()/config()/macro calls: rendering those without
    // nunjucks skips its per-template compile (~1 ms each), the main cost at thousands of models.
    const simple = this.renderWithoutNunjucks(source, context);
    if (simple !== undefined) return simple;
    const template = this.compile(source);
    this.pendingError = undefined;
    try {
      const output = this.inScope(context, (full) => template.render(full));
      return output.startsWith(LINE_PAD) ? output.slice(LINE_PAD.length) : output;
    } catch (error) {
      const location = locate(error as Error, source.path, 'render');
      const raised = this.pendingError as DopsError | undefined;
      this.pendingError = undefined;
      if (raised) {
        Object.assign(raised, { location: raised.location ?? location });
        throw raised;
      }
      throw new CompilationError(nunjucksReason(error as Error), { location });
    }
  }

  /**
   * Renders a template of the simple subset (see simple-template.ts) with the same result nunjucks
   * gives; undefined when nunjucks must render it (other syntax, a name missing from the context,
   * or an error, whose message and location nunjucks then produces).
   */
  private renderWithoutNunjucks(source: TemplateSource, context: TemplateContext): string | undefined {
    let known = this.simple.get(source.path);
    if (!known || known.contents !== source.contents) {
      known = { contents: source.contents, template: parseSimpleTemplate(source.contents) };
      this.simple.set(source.path, known);
    }
    const { template } = known;
    if (!template) return undefined;
    const attempt = (full: TemplateContext): string | undefined => {
      if (!canRenderSimple(template, full)) return undefined;
      try {
        return renderSimple(template, full);
      } catch (error) {
        // A query the render needs answered is the replay's control flow, not a failure: nunjucks
        // rendering the template again would only ask it again.
        if (error instanceof NeedsDatabase) throw error;
        return undefined;
      }
    };
    for (const name of template.names) if (this.macros.has(name)) return this.inScope(context, attempt);
    return attempt(context);
  }

  /**
   * Runs `work` with every macro added to a context. Macros see the same context, so they can call
   * ref() and each other. A macro file is run (to define its macros on this context) only when one
   * of its macros is first called: most renders call a macro or two, or none.
   */
  private inScope<T>(context: TemplateContext, work: (full: TemplateContext) => T): T {
    if (this.macroFiles.size === 0 && this.lazyFiles.size === 0) return work(context);
    this.binder ??= new MacroBinder(this.registry, () => this.scopes[this.scopes.length - 1], (values) => this.addGlobals(values));
    const exported = new Map<string, Record<string, Macro>>();
    let simpleCalls: Map<MacroEntry, Macro> | undefined;
    const scope = this.binder.bind(context, (entry: MacroEntry, owner: MacroScope): Macro => {
      const nunjucksMacro = (): Macro => {
        let macros = exported.get(entry.path);
        if (!macros) {
          macros = this.exportMacros(this.macroFile(entry.path), owner.contextFor(entry.package));
          exported.set(entry.path, macros);
        }
        return macros[entry.name]!;
      };
      const key = `${entry.path}\u0000${entry.name}`;
      const params = this.signatures.get(key)?.map((param) => param.name);
      const simple = params && this.simpleMacro(entry);
      if (simple) {
        // Called without running the macro file, unless the call needs nunjucks (see callSimpleMacro).
        let fn = simpleCalls?.get(entry);
        if (!fn) {
          fn = this.guard((...args: unknown[]) => {
            checkMacroArguments(entry.name, params, args);
            return callSimpleMacro(simple, args) ?? nunjucksMacro()(...args);
          }) as Macro;
          (simpleCalls ??= new Map()).set(entry, fn);
        }
        return fn;
      }
      const macros = exported.get(entry.path) ?? (nunjucksMacro(), exported.get(entry.path)!);
      const fn = macros[entry.name]!;
      if (!params || !fn) return fn;
      // Checked once per render and macro: Jinja refuses arguments a macro does not declare.
      const checked = this.guard((...args: unknown[]) => {
        checkMacroArguments(entry.name, params, args);
        return fn(...args);
      }) as Macro;
      macros[entry.name] = checked;
      return checked;
    });
    this.scopes.push(scope);
    try {
      return work(scope.full);
    } finally {
      this.scopes.pop();
    }
  }

  /**
   * Adds names every template of this engine sees, unless its context has the same name (nunjucks
   * globals): values that are the same for every render, so no render copies them.
   */
  addGlobals(values: Record<string, unknown>): void {
    for (const [name, value] of Object.entries(values)) this.env.addGlobal(name, value);
  }

  /** The macro `entry` when its body is simple (see simple-macros.ts), else undefined. */
  private simpleMacro(entry: MacroEntry): SimpleMacro | undefined {
    let macros = this.simpleMacroFiles.get(entry.path);
    if (!macros) {
      const text = this.macroTexts.get(entry.path);
      macros = text === undefined ? new Map() : simpleMacros(text);
      this.simpleMacroFiles.set(entry.path, macros);
    }
    return macros.get(entry.name);
  }

  /** A macro file's compiled template, compiling a lazy one on first use. */
  private macroFile(path: string): nunjucks.Template {
    let template = this.macroFiles.get(path);
    if (!template) {
      const source = this.lazyFiles.get(path)!;
      template = this.compile({ path, contents: exposePrivateMacros(testBlocksToMacros(source.contents)) });
      this.macroFiles.set(path, template);
    }
    return template;
  }

  private exportMacros(template: nunjucks.Template, context: TemplateContext): Record<string, Macro> {
    let exported: Record<string, Macro> = {};
    // getExported runs the macro file's top level synchronously (no async filters are registered).
    (template as unknown as { getExported(ctx: object, frame: null, cb: (e: Error | null, x: Record<string, Macro>) => void): void })
      .getExported(context, null, (error, result) => {
        if (error) throw error;
        exported = Object.fromEntries(Object.entries(result).filter(([, value]) => typeof value === 'function').map(([name, value]) => [name.startsWith(PRIVATE_ALIAS) ? name.slice(PRIVATE_ALIAS.length) : name, value]));
      });
    return exported;
  }
}

/** One parameter a macro declares: `name`, or `name=default` (not required). */
export interface MacroParameter {
  name: string;
  required: boolean;
}

/** Splits a parameter list at its top-level commas (not those inside brackets or strings). */
function splitParameters(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = '';
  let current = '';
  for (const c of text) {
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === ',' && depth === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  if (current.trim()) parts.push(current);
  return parts;
}

/**
 * The parameters each `{% macro name(a, b=1) %}` of a file declares, by macro name. Macros whose
 * body reads `varargs` or `kwargs` take extra arguments in Jinja and are left out.
 */
function macroSignatures(contents: string): Map<string, MacroParameter[]> {
  const signatures = new Map<string, MacroParameter[]>();
  const MACRO = /\{%-?\s*macro\s+(\w+)\s*\(((?:[^()]|\([^()]*\))*)\)\s*-?%\}([\s\S]*?)\{%-?\s*endmacro/g;
  for (const match of contents.matchAll(MACRO)) {
    const [, name, params, body] = match;
    if (/\b(varargs|kwargs)\b/.test(body)) continue;
    signatures.set(name, splitParameters(params).map((param) => ({ name: param.split('=')[0].trim(), required: !param.includes('=') })).filter((param) => param.name));
  }
  return signatures;
}

/**
 * Raises Jinja's errors for a macro call with more positional arguments than the macro declares,
 * or a keyword argument it does not declare (https://jinja.palletsprojects.com/en/stable/templates/#macros):
 * nunjucks drops them without a word.
 * @throws CompilationError naming the macro, its parameters and the extra argument
 */
function checkMacroArguments(name: string, params: string[], args: unknown[]): void {
  const last = args[args.length - 1] as Record<string, unknown> | undefined;
  const keywords = last && typeof last === 'object' && (last as { __keywords?: boolean }).__keywords ? last : undefined;
  const positional = keywords ? args.length - 1 : args.length;
  const declared = `${name}(${params.join(', ')})`;
  if (positional > params.length) {
    throw new CompilationError(`Macro '${name}' takes not more than ${params.length} argument${params.length === 1 ? '' : 's'}, got ${positional}: ${declared}`);
  }
  for (const key of Object.keys(keywords ?? {})) {
    if (key === '__keywords' || key === 'caller' || params.includes(key)) continue;
    throw new CompilationError(`Macro '${name}' takes no keyword argument '${key}': ${declared}`);
  }
}
