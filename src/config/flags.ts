import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * dbt's global flags (https://docs.getdbt.com/reference/global-configs/about-global-configs) that
 * dops applies when set under `flags:` in dbt_project.yml
 * (https://docs.getdbt.com/reference/global-configs/project-flags), as an environment variable
 * `DBT_<NAME>` or on the command line; the most specific wins (CLI, then env, then the project).
 * Value: `boolean`, or the allowed strings. `send_anonymous_usage_stats` is honoured trivially:
 * dops sends nothing.
 */
export const APPLIED_FLAGS: Readonly<Record<string, 'boolean' | readonly string[]>> = {
  fail_fast: 'boolean',
  warn_error: 'boolean',
  use_colors: 'boolean',
  partial_parse: 'boolean',
  quiet: 'boolean',
  print: 'boolean',
  version_check: 'boolean',
  send_anonymous_usage_stats: 'boolean',
  log_level: ['debug', 'info', 'warn', 'error', 'none'],
  log_format: ['text', 'json'],
  indirect_selection: ['eager', 'cautious', 'buildable', 'empty'],
};

/**
 * dbt behaviour-change flags (https://docs.getdbt.com/reference/global-configs/behavior-changes)
 * whose given value describes what dops always does, so setting them so needs no warning:
 * `require_generic_test_arguments_property: true` (dops reads a generic test's `arguments:`
 * property as its arguments).
 */
export const MATCHED_BEHAVIOUR_FLAGS: Readonly<Record<string, unknown>> = {
  require_generic_test_arguments_property: true,
};

/**
 * Why a `flags:` value cannot be used (`fail_fast: sometimes`), or undefined when it can. Only
 * {@link APPLIED_FLAGS} are checked; others are kept as written.
 */
export function flagProblem(name: string, value: unknown): string | undefined {
  const kind = APPLIED_FLAGS[name];
  if (kind === undefined || value === null || value === undefined) return undefined;
  if (kind === 'boolean') return typeof value === 'boolean' ? undefined : `flags: '${name}' must be true or false, got ${JSON.stringify(value)}`;
  return kind.includes(String(value)) ? undefined : `flags: '${name}' must be one of ${kind.join(', ')}, got ${JSON.stringify(value)}`;
}

/**
 * A flag's value from the environment, as dbt reads `DBT_<NAME>` (`DBT_FAIL_FAST=1`,
 * `DBT_LOG_LEVEL=warn`): booleans accept 1/0, true/false, yes/no; undefined when unset or unreadable.
 */
export function envFlag(name: string, env: NodeJS.ProcessEnv = process.env): boolean | string | undefined {
  const text = env[`DBT_${name.toUpperCase()}`];
  if (text === undefined || text === '') return undefined;
  const kind = APPLIED_FLAGS[name];
  if (kind === 'boolean') {
    const lower = text.trim().toLowerCase();
    if (['1', 'true', 'yes', 'y', 't'].includes(lower)) return true;
    if (['0', 'false', 'no', 'n', 'f'].includes(lower)) return false;
    return undefined;
  }
  return Array.isArray(kind) && !kind.includes(text) ? undefined : text;
}

/**
 * A flag's effective value: the command line's when given, else `DBT_<NAME>`, else the project's
 * `flags:` entry (when it has the right type), else undefined (the command's default applies).
 */
export function resolveFlag<T extends boolean | string>(name: string, cli: T | undefined, projectFlags: Readonly<Record<string, unknown>>): T | undefined {
  if (cli !== undefined) return cli;
  const env = envFlag(name);
  if (env !== undefined) return env as T;
  const value = projectFlags[name];
  return value === undefined || value === null || flagProblem(name, value) ? undefined : (value as T);
}

/** What the CLI needs from the project file before the project loads. */
export interface ProjectSettings {
  /** `flags:` as written ({} when absent). */
  flags: Record<string, unknown>;
  /** `log-path` (dbt_project.yml), relative to the project dir. */
  logPath?: string;
}

/**
 * Reads `flags:` and `log-path` from the project file in `projectDir` without validating the rest
 * (the load that follows reports any problem with file and line). Never throws: {} when there is
 * no readable project file.
 */
export function peekProjectSettings(projectDir: string): ProjectSettings {
  const dir = resolve(projectDir);
  for (const name of ['dbt_project.yml', 'dops_project.yml']) {
    const path = join(dir, name);
    if (!existsSync(path)) continue;
    try {
      const text = readFileSync(path, 'utf8');
      // Most project files set neither: skip loading the YAML parser (CLI start-up time).
      if (!/^(flags|log-path)\s*:/m.test(text)) return { flags: {} };
      const { parse } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
      const raw = parse(text);
      if (!isPlainObject(raw)) return { flags: {} };
      return { flags: isPlainObject(raw.flags) ? raw.flags : {}, logPath: typeof raw['log-path'] === 'string' ? raw['log-path'] : undefined };
    } catch {
      return { flags: {} };
    }
  }
  return { flags: {} };
}

/**
 * dbt's `flags` object for templates: every project flag under its upper-case name
 * (`flags.FAIL_FAST`, `flags.REQUIRE_EXPLICIT_PACKAGE_OVERRIDES_FOR_BUILTIN_MATERIALIZATIONS`),
 * then this invocation's values on top (https://docs.getdbt.com/reference/dbt-jinja-functions/flags).
 */
export function templateFlags(projectFlags: Readonly<Record<string, unknown>>, invocation: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const flags: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(projectFlags)) flags[name.toUpperCase()] = value;
  for (const [name, value] of Object.entries(invocation)) if (value !== undefined) flags[name] = value;
  return flags;
}
