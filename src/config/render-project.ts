import nunjucks from 'nunjucks';
import { ConfigError, DopsError } from '../errors.js';
import type { Target } from './profiles.js';
import type { ProjectConfig } from './project-config.js';
import { envVar } from './vars.js';
import { isPlainObject } from './yaml-file.js';

/** What Jinja in dbt_project.yml values can use: `var()`, `env_var()` and `target`. */
export interface ProjectRenderContext {
  vars: Record<string, unknown>;
  target: Target;
}

/** Keys whose values are left unrendered: hooks render at run time, as in dbt. */
const RUN_TIME_KEYS = new Set(['+pre-hook', '+post-hook', 'pre-hook', 'post-hook', '+pre_hook', '+post_hook', 'pre_hook', 'post_hook']);

function renderString(value: string, context: ProjectRenderContext, file: string): unknown {
  let raised: DopsError | undefined;
  const guard = <A extends unknown[]>(fn: (...args: A) => unknown) => (...args: A) => {
    try {
      return fn(...args);
    } catch (error) {
      if (error instanceof DopsError) raised = error;
      throw error;
    }
  };
  const env = {
    var: guard((name: string, fallback?: unknown) => {
      if (Object.prototype.hasOwnProperty.call(context.vars, name)) return context.vars[name];
      if (fallback !== undefined) return fallback;
      throw new ConfigError(`Required var '${name}' not found in the project file or --vars`);
    }),
    env_var: guard((name: string, fallback?: unknown) => envVar(name, fallback)),
    target: { ...context.target, profile_name: context.target.profileName },
  };
  let rendered: string;
  try {
    rendered = nunjucks.renderString(value, env);
  } catch (error) {
    const cause = raised?.message ?? String((error as Error).message).split('\n').pop()?.trim();
    throw new ConfigError(`Cannot render '${value}': ${cause}`, { location: { file } });
  }
  // dbt reads rendered booleans back as booleans ("{{ var('x', false) }}" -> false).
  const trimmed = rendered.trim();
  if (/^(true|false)$/i.test(trimmed)) return trimmed.toLowerCase() === 'true';
  return rendered;
}

function renderTree(value: unknown, context: ProjectRenderContext, file: string): unknown {
  if (typeof value === 'string') return value.includes('{{') || value.includes('{%') ? renderString(value, context, file) : value;
  if (Array.isArray(value)) return value.map((item) => renderTree(item, context, file));
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, RUN_TIME_KEYS.has(key) ? item : renderTree(item, context, file)]));
}

/**
 * Renders the Jinja in a project's config trees (`+enabled: "{{ var('x', false) }}"`) with `var`,
 * `env_var` and `target`, as dbt renders dbt_project.yml
 * (https://docs.getdbt.com/reference/dbt_project.yml, "Jinja in dbt_project.yml"). Hooks are left
 * for run time. Values rendered to `true` / `false` become booleans.
 * @returns a copy of the config with rendered trees (the input is not changed)
 * @throws ConfigError naming the project file for a template that fails
 */
export function renderConfigTrees(config: ProjectConfig, context: ProjectRenderContext): ProjectConfig {
  const file = config.projectFile ?? 'dbt_project.yml';
  const hasJinja = JSON.stringify(config.folderConfig).match(/\{\{|\{%/);
  if (!hasJinja) return config;
  const folderConfig = Object.fromEntries(Object.entries(config.folderConfig).map(([key, tree]) => [key, renderTree(tree, context, file)]));
  return { ...config, folderConfig: folderConfig as ProjectConfig['folderConfig'] };
}
