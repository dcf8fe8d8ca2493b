import { CompilationError, ConfigError, ParseError } from '../errors.js';
import { envFingerprint, isSecretEnvName } from './secrets.js';
import { isPlainObject, parseYaml } from './yaml-file.js';

/**
 * Parses the `--vars` flag: a YAML or JSON mapping such as `'{"k": 1}'` or `'k: 1'`, as dbt accepts.
 * @returns the mapping (empty for undefined input)
 * @throws ConfigError when the text is not a mapping
 */
export function parseCliVars(text: string | undefined): Record<string, unknown> {
  if (text === undefined || text.trim() === '') return {};
  let value: unknown;
  try {
    value = parseYaml(text, '--vars');
  } catch {
    value = undefined;
  }
  if (!isPlainObject(value)) {
    throw new ConfigError(`--vars must be a YAML or JSON mapping, got: ${text}`, { hint: `Example: --vars '{"start_date": "2001-01-01"}'` });
  }
  return value;
}

/**
 * Every look-up {@link envVar} made in this process, in order, with what it found (undefined:
 * unset; a secret's value as its {@link envFingerprint}, never in clear).
 */
const envVarReads: [name: string, value: string | undefined][] = [];

/**
 * The environment variables `env_var()` has read so far in this process (templates, cached
 * renders checked by partial parsing, profiles.yml), with the values they had.
 */
export function envVarsReadSoFar(): ReadonlyMap<string, string | undefined> {
  return new Map(envVarReads);
}

/** How many env var look-ups this process has made (a mark for {@link envVarReadsSince}). */
export function envVarReadCount(): number {
  return envVarReads.length;
}

/** The env var look-ups made since `mark` ({@link envVarReadCount}), e.g. by one render. */
export function envVarReadsSince(mark: number): readonly [string, string | undefined][] {
  return envVarReads.slice(mark);
}

/**
 * Records that a cached render read `name` and found `fingerprint` (an {@link envFingerprint};
 * null: unset), as {@link envVar} records a live read: the stamps that answer a later command
 * without rendering (compile_stamp.json, build_stamp.json) must see env vars of cached renders too.
 */
export function noteEnvVarRead(name: string, fingerprint: string | null): void {
  envVarReads.push([name, fingerprint ?? undefined]);
}

/**
 * Looks up an environment variable the way dbt's `env_var()` does.
 * @param name variable name
 * @param fallback value used when the variable is unset
 * @param allowSecrets true where secret env vars may be read (profiles.yml only; dbt also allows
 *   packages.yml): https://docs.getdbt.com/reference/dbt-jinja-functions/env_var#secrets
 * @returns the variable's value, or the fallback
 * @throws ParseError when `name` is a secret (`DBT_ENV_SECRET_*`, `DOPS_ENV_SECRET_*`) read where
 *   secrets are not allowed, with dbt's message; CompilationError when the variable is unset and
 *   there is no fallback
 */
export function envVar(name: string, fallback?: unknown, allowSecrets = false): string {
  if (!allowSecrets && isSecretEnvName(name)) {
    throw new ParseError(`Secret env vars are allowed only in profiles.yml or packages.yml. Found '${name}' referenced elsewhere.`, {
      hint: 'a secret never reaches compiled SQL or target/: read it in profiles.yml, or use a variable without the secret prefix',
    });
  }
  const value = process.env[name];
  envVarReads.push([name, envFingerprint(name, value) ?? undefined]);
  if (value !== undefined) return value;
  if (fallback !== undefined) return String(fallback);
  throw new CompilationError(`Env var required but not provided: '${name}'`);
}
