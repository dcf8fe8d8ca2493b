import { compileAnalyses } from '../compiler/analyses.js';
import { cpSync, existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { envVarsReadSoFar } from '../config/vars.js';
import { ConfigError, throwIfAny, DopsError } from '../errors.js';
import { isSqlNode, RESOURCE_TYPES, type ManifestNode, type ResourceType } from '../manifest/nodes.js';
import { closestNames } from '../parser/similar.js';
import { listFolders } from '../project/files.js';
import { OTHER_COMMANDS, RUN_COMMANDS } from '../session/commands.js';
import { forgetCompileStamp, writeCompileStamp } from './compile-stamp.js';
import { runCommand, Session, type RunOutcome } from '../session/session.js';
import type { SelectOptions } from './options.js';

/** `dops build`: seeds, models and tests in DAG order; a model's tests run right after it. */
export function build(options: SelectOptions = {}): Promise<RunOutcome> {
  return runCommand(RUN_COMMANDS.build, options);
}

/** `dops run`: models only. */
export function run(options: SelectOptions = {}): Promise<RunOutcome> {
  return runCommand(RUN_COMMANDS.run, options);
}

/** `dops test`: data tests only (generic and singular) against relations already built. */
export function test(options: SelectOptions = {}): Promise<RunOutcome> {
  return runCommand(RUN_COMMANDS.test, options);
}

/** `dops snapshot`: runs the selected snapshots (type 2 history tables), in DAG order. */
export function snapshot(options: SelectOptions = {}): Promise<RunOutcome> {
  return runCommand(RUN_COMMANDS.snapshot, options);
}

/** `dops seed`: (re)load every selected CSV seed. */
export function seed(options: SelectOptions = {}): Promise<RunOutcome> {
  return runCommand(RUN_COMMANDS.seed, options);
}

/** A compiled node, as `dops compile` returns it. */
export interface CompiledEntry {
  uniqueId: string;
  name: string;
  /** Compiled file, relative to the project dir. */
  path: string;
  sql: string;
}

/**
 * `dops compile`: renders selected models, snapshots and tests to `target/compiled/` without touching the database.
 * @returns the compiled nodes, in DAG order
 * @throws DopsError (a group when several nodes fail) for template and ref errors
 */
export function compile(options: SelectOptions = {}): CompiledEntry[] {
  forgetCompileStamp(options);
  const session = Session.load(options);
  const { project } = session;
  const { projectDir, targetPath } = project.config;
  const compiler = project.compiler();
  const entries: CompiledEntry[] = [];
  const errors: DopsError[] = [];
  for (const id of session.select(OTHER_COMMANDS.compile)) {
    const node = project.manifest.get(id);
    if (!isSqlNode(node)) continue;
    try {
      const compiled = compiler.compile(node);
      entries.push({ uniqueId: id, name: node.name, path: compiled.path, sql: compiled.sql });
    } catch (error) {
      if (!(error instanceof DopsError)) throw error;
      errors.push(error);
    }
  }
  // Analyses are compiled, never run (https://docs.getdbt.com/docs/build/analyses).
  if (!options.select?.length && !options.selector) entries.push(...compileAnalyses(projectDir, project.config.name, targetPath, compiler, project.inputs, errors));
  compiler.finish();
  // The manifest carries what was compiled (`compiled_code`), as dbt's does after `dbt compile`.
  session.write({ manifest: { compiled: new Map(entries.map((e) => [e.uniqueId, e.sql])) } });
  throwIfAny(errors);
  const outputs = [join(targetPath, 'manifest.json'), ...listFolders(projectDir, [join(targetPath, 'compiled')])];
  writeCompileStamp(options, { projectDir, targetPath, inputs: project.inputs, compiled: entries.map((e) => e.path), outputs, env: envVarsReadSoFar() });
  return entries;
}

/**
 * Checks `--resource-type` values against the known kinds (dbt's `ls --resource-type` choices).
 * @throws ConfigError naming the unknown kind, with a did-you-mean when one is close
 */
export function checkResourceTypes(kinds: readonly string[]): ResourceType[] {
  for (const kind of kinds) {
    if ((RESOURCE_TYPES as readonly string[]).includes(kind)) continue;
    const close = closestNames(kind, RESOURCE_TYPES);
    throw new ConfigError(`Unknown --resource-type '${kind}'`, { hint: `${close.length ? `Did you mean '${close[0]}'? ` : ''}Use one of: ${RESOURCE_TYPES.join(', ')}.` });
  }
  return kinds as ResourceType[];
}

/**
 * `dops ls`: the selected nodes (every resource type), in DAG order.
 * @param resourceTypes restricts the kinds listed (default: all)
 * @throws ConfigError for an unknown resource type (before the project is loaded)
 */
export function list(options: SelectOptions & { resourceTypes?: string[] } = {}): ManifestNode[] {
  const kinds = checkResourceTypes(options.resourceTypes ?? []);
  const dropped = checkResourceTypes(options.excludeResourceTypes ?? []);
  const session = Session.load(options);
  const types = (kinds.length ? kinds : OTHER_COMMANDS.ls.resourceTypes).filter((type) => !dropped.includes(type));
  const ids = session.select(OTHER_COMMANDS.ls, types);
  session.write({ manifest: {} });
  return ids.map((id) => session.project.manifest.get(id));
}

/** Folder of the starter project `dops init` copies. */
export const TEMPLATE_DIR = fileURLToPath(new URL('../../project-template', import.meta.url));

/**
 * `dops init [dir]`: copies the starter project into `dir` (created if missing).
 * @returns the absolute project directory
 * @throws ConfigError when `dir` exists and is not empty
 */
export function init(dir: string): string {
  const target = resolve(dir);
  if (existsSync(target) && readdirSync(target).length > 0) {
    throw new ConfigError(`${target} is not empty`, { hint: 'Pass a new or empty directory: dops init my_project' });
  }
  cpSync(TEMPLATE_DIR, target, { recursive: true });
  return target;
}
