/**
 * Error types for user-facing problems. Only `cli/` formats them; the core throws or collects them.
 * Modelled on dbt-common's exception hierarchy: every error can name a file/line and a hint.
 */

/** A position in a project file. `line` and `column` are 1-based. */
export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
}

/** Options shared by every {@link DopsError}. */
export interface DopsErrorOptions {
  location?: SourceLocation;
  /** One short sentence telling the user how to fix it. */
  hint?: string;
  cause?: unknown;
}

/**
 * Base class for user errors (a problem in the project or the command line, not a bug in dops).
 * The CLI prints `file:line: message` and exits with code 2.
 */
export class DopsError extends Error {
  readonly location?: SourceLocation;
  readonly hint?: string;
  constructor(message: string, options: DopsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.location = options.location;
    this.hint = options.hint;
  }
}

/** Bad project file, profile, vars or command-line usage. */
export class ConfigError extends DopsError {}

/** A project file that cannot be read: malformed YAML, template syntax, bad property shapes. */
export class ParseError extends DopsError {}

/** A template failed while rendering (e.g. a macro raised, an unknown `var`). */
export class CompilationError extends DopsError {}

/** `ref()` / `source()` names a node that does not exist. */
export class DependencyNotFoundError extends DopsError {}

/** A `ref()` to a model its access (`private`, `protected`) forbids to the caller (dbt's DbtReferenceError). */
export class AccessError extends DopsError {}

/** The DAG has a cycle; `path` is the cycle as unique ids, first node repeated at the end. */
export class CycleError extends DopsError {
  readonly path: string[];
  constructor(path: string[], options: DopsErrorOptions = {}) {
    super(`Found a cycle: ${path.join(' -> ')}`, options);
    this.path = path;
  }
}

/** DuckDB rejected a node's SQL. Names the node and its compiled file. */
export class DatabaseError extends DopsError {}

/**
 * Several user errors found together (parse and compile collect every problem before anything runs).
 * Thrown as one error; `errors` keeps each problem with its own location.
 */
export class DopsErrorGroup extends DopsError {
  readonly errors: DopsError[];
  constructor(errors: DopsError[]) {
    super(errors.length === 1 ? errors[0].message : `${errors.length} errors in the project`);
    this.errors = errors;
  }
}

/**
 * Throws the collected errors, if any: the single error itself, or a {@link DopsErrorGroup}.
 * @throws DopsError when `errors` is not empty.
 */
export function throwIfAny(errors: DopsError[]): void {
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new DopsErrorGroup(errors);
}

/** Formats a location as `file:line:column` (parts that are unknown are left out). */
export function formatLocation(location: SourceLocation): string {
  let text = location.file;
  if (location.line !== undefined) text += `:${location.line}`;
  if (location.line !== undefined && location.column !== undefined) text += `:${location.column}`;
  return text;
}
