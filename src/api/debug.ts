import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { EngineCheckError, engineInfo } from '../adapter/registry.js';
import { profileSearchPaths, resolveTarget, type Target } from '../config/profiles.js';
import { loadProjectConfig, PROJECT_FILES, type ProjectConfig } from '../config/project-config.js';
import { DopsError } from '../errors.js';
import { checkDbtVersion } from '../config/dbt-version.js';
import { envFlag } from '../config/flags.js';
import { DBT_VERSION, DOPS_VERSION } from '../version.js';
import type { CommonOptions } from './options.js';

/** One line of `dops debug`: what was checked, whether it is fine, what was found, and the fix. */
export interface DebugCheck {
  section: 'versions' | 'configuration' | 'connection';
  name: string;
  ok: boolean;
  detail: string;
  /** How to fix a failed check. */
  fix?: string;
}

function failure(error: unknown): { detail: string; fix?: string } {
  if (error instanceof DopsError) return { detail: error.message, fix: error.hint };
  return { detail: (error as Error)?.message ?? String(error) };
}

/**
 * `dops debug` (docs.getdbt.com/reference/commands/debug): checks the project file and its
 * `require-dbt-version`, the profiles file and target, a connection to the target's database (a
 * test query), and reports the dops, dbt (mirrored), Node and engine versions. Never throws: each problem is a failed check with its fix.
 */
export async function debug(options: CommonOptions = {}): Promise<{ checks: DebugCheck[]; ok: boolean }> {
  const checks: DebugCheck[] = [];
  const projectDir = resolve(options.projectDir ?? process.cwd());
  checks.push({ section: 'versions', name: 'dops version', ok: true, detail: DOPS_VERSION });
  checks.push({ section: 'versions', name: 'dbt version', ok: true, detail: `${DBT_VERSION} (the dbt-core behaviour dops mirrors)` });
  const nodeMajor = Number(process.versions.node.split('.')[0]);
  checks.push({ section: 'versions', name: 'node version', ok: nodeMajor >= 20, detail: process.version, fix: nodeMajor >= 20 ? undefined : 'dops needs Node 20 or later.' });

  let config: ProjectConfig | undefined;
  try {
    config = loadProjectConfig(projectDir);
    checks.push({ section: 'configuration', name: 'project file', ok: true, detail: `${config.projectFile ?? PROJECT_FILES.join(' or ')} found and valid (project '${config.name}' in ${projectDir})` });
    checks.push(versionRequirementCheck(config, (options.versionCheck ?? envFlag('version_check') ?? config.flags?.version_check) !== false));
  } catch (error) {
    checks.push({ section: 'configuration', name: 'project file', ok: false, ...failure(error) });
  }

  const candidates = profileSearchPaths(projectDir, options.profilesDir);
  const profiles = candidates.find((path) => existsSync(path));
  if (profiles) checks.push({ section: 'configuration', name: 'profiles.yml file', ok: true, detail: `found at ${profiles}` });
  else if (options.profilesDir) checks.push({ section: 'configuration', name: 'profiles.yml file', ok: false, detail: `not found in ${options.profilesDir}`, fix: 'Create profiles.yml there, or drop --profiles-dir.' });
  else checks.push({ section: 'configuration', name: 'profiles.yml file', ok: true, detail: `none (looked in ${candidates.join(', ')}); the project file's database-path is the target` });

  let target: Target | undefined;
  if (config) {
    try {
      target = resolveTarget(config, options.target, options.profilesDir);
      checks.push({ section: 'configuration', name: 'target', ok: true, detail: `'${target.name}' (type ${target.type}, path ${target.path}, schema ${target.schema}, threads ${target.threads})` });
    } catch (error) {
      checks.push({ section: 'configuration', name: 'target', ok: false, ...failure(error) });
    }
  }

  // The connection and the engine version come from the target's adapter (DuckDB when no target resolves).
  const engine = engineInfo(target?.type ?? 'duckdb');
  if (target && config && engine) {
    try {
      checks.push({ section: 'connection', name: 'connection', ok: true, detail: await engine.checkConnection(target, config.projectDir) });
    } catch (error) {
      checks.push({ section: 'connection', name: 'connection', ok: false, detail: (error as Error).message, fix: error instanceof EngineCheckError ? error.fix : undefined });
    }
  }
  if (engine) {
    try {
      const { name, version } = await engine.engineVersion(target && config ? target : undefined, config?.projectDir ?? projectDir);
      checks.push({ section: 'versions', name: `${name} version`, ok: true, detail: version });
    } catch (error) {
      checks.push({ section: 'versions', name: `${target?.type ?? 'duckdb'} version`, ok: false, detail: (error as Error).message, fix: error instanceof EngineCheckError ? error.fix : undefined });
    }
  }
  const order = ['versions', 'configuration', 'connection'];
  checks.sort((a, b) => order.indexOf(a.section) - order.indexOf(b.section));
  return { checks, ok: checks.every((c) => c.ok) };
}

/**
 * The project's `require-dbt-version` against the dbt version dops mirrors, as dbt's debug checks
 * it: dbt-core 1.11 `DebugTask` prints `dbt version: X` and loads the project with
 * `verify_version=VERSION_CHECK` (core/dbt/task/debug.py `_load_project`), so a range that
 * excludes the installed version fails the debug run with dbt's "This version of dbt is not
 * supported" error (core/dbt/config/project.py `validate_version`). Only the root project, as
 * there; `--no-version-check` / `flags: {version_check: false}` / `DBT_VERSION_CHECK=0` skip it.
 * @param verify whether the check is on
 */
function versionRequirementCheck(config: ProjectConfig, verify: boolean): DebugCheck {
  const name = 'require-dbt-version';
  const ranges = config.requireDbtVersion ?? [];
  if (!ranges.length) return { section: 'configuration', name, ok: true, detail: 'not set (any dbt version)' };
  const wanted = JSON.stringify(ranges);
  if (!verify) return { section: 'configuration', name, ok: true, detail: `${wanted} not checked (version check off)` };
  const [problem] = checkDbtVersion([{ name: config.name, ranges, file: config.projectFile ?? 'dbt_project.yml', line: config.requireDbtVersionLine }]);
  if (problem) return { section: 'configuration', name, ok: false, detail: `${problem.location?.line ? `${problem.location.file}:${problem.location.line}: ` : ''}${problem.message}`, fix: problem.hint };
  return { section: 'configuration', name, ok: true, detail: `${wanted} allows dbt ${DBT_VERSION}` };
}
