import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { EngineCheckError, engineInfo } from '../adapter/registry.js';
import { profileSearchPaths, resolveTarget, type Target } from '../config/profiles.js';
import { loadProjectConfig, PROJECT_FILES, type ProjectConfig } from '../config/project-config.js';
import { DopsError } from '../errors.js';
import { DOPS_VERSION } from '../version.js';
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
 * `dops debug` (docs.getdbt.com/reference/commands/debug): checks the project file, the profiles
 * file and target, a connection to the target's database (a test query), and reports the dops,
 * Node and DuckDB versions. Never throws: each problem is a failed check with its fix.
 */
export async function debug(options: CommonOptions = {}): Promise<{ checks: DebugCheck[]; ok: boolean }> {
  const checks: DebugCheck[] = [];
  const projectDir = resolve(options.projectDir ?? process.cwd());
  checks.push({ section: 'versions', name: 'dops version', ok: true, detail: DOPS_VERSION });
  const nodeMajor = Number(process.versions.node.split('.')[0]);
  checks.push({ section: 'versions', name: 'node version', ok: nodeMajor >= 20, detail: process.version, fix: nodeMajor >= 20 ? undefined : 'dops needs Node 20 or later.' });

  let config: ProjectConfig | undefined;
  try {
    config = loadProjectConfig(projectDir);
    checks.push({ section: 'configuration', name: 'project file', ok: true, detail: `${config.projectFile ?? PROJECT_FILES.join(' or ')} found and valid (project '${config.name}' in ${projectDir})` });
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
