import { compileAnalyses } from '../compiler/analyses.js';
import { cpSync, existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { envVarsReadSoFar } from '../config/vars.js';
import { ConfigError, throwIfAny, DopsError } from '../errors.js';
import { isSqlNode, RESOURCE_TYPES, type ManifestNode, type ResourceType, type SqlNode } from '../manifest/nodes.js';
import { closestNames } from '../parser/similar.js';
import { listFolders } from '../project/files.js';
import { OTHER_COMMANDS, RUN_COMMANDS } from '../session/commands.js';
import { forgetCompileStamp, stampable, writeCompileStamp } from './compile-stamp.js';
import { peekProjectSettings } from '../config/flags.js';
import { printCount } from '../reporter/print.js';
import type { Reporter } from '../reporter/reporter.js';
import { runCommand, Session, type RunOutcome } from '../session/session.js';
import { NeedsDatabase } from '../templating/introspection.js';
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

/** What compiling the selected nodes left: entries in DAG order, and the nodes whose templates query the database. */
interface CompilePass {
  session: Session;
  /** Counts what the compile printed besides its result (warnings, template output): see {@link countOutput}. */
  printed: () => number;
  compiler: ReturnType<Session['project']['compiler']>;
  /** One slot per compiled node, in DAG order; a node waiting for the database has none yet. */
  slots: (CompiledEntry | undefined)[];
  /** Nodes whose render asked the database (run_query, statement, adapter introspection), with their slot. */
  live: { slot: number; node: SqlNode; error: NeedsDatabase }[];
  errors: DopsError[];
}

/**
 * The options with a reporter that counts warnings and template `log()` output on the way to the
 * caller's, and a function returning that count plus the `print()` calls made since: a compile
 * that printed anything but its result leaves no stamp, since an answer from the stamp would not
 * print it again.
 */
function countOutput(options: SelectOptions): { options: SelectOptions; printed: () => number } {
  let count = 0;
  const prints = printCount();
  const target: Reporter = options.reporter ?? {};
  const reporter = new Proxy(target, {
    get(object, property) {
      if (property === 'warnings') return (messages: string[]) => { count += messages.length; object.warnings?.(messages); };
      if (property === 'log') return (message: string) => { count++; object.log?.(message); };
      const value: unknown = Reflect.get(object, property, object);
      return typeof value === 'function' ? value.bind(object) : value;
    },
  });
  return { options: { ...options, reporter }, printed: () => count + printCount() - prints };
}

function compileSelected(given: SelectOptions): CompilePass {
  forgetCompileStamp(given);
  const { options, printed } = countOutput(given);
  const session = Session.load(options);
  const { project } = session;
  const compiler = project.compiler();
  const selected = session.select(OTHER_COMMANDS.compile);
  // Templates see dbt's `flags.WHICH` = 'compile' (dbt_utils' star and union_relations branch on it).
  compiler.setInvocation(selected, { FULL_REFRESH: false, WHICH: 'compile' });
  const pass: CompilePass = { session, printed, compiler, slots: [], live: [], errors: [] };
  for (const id of selected) {
    const node = project.manifest.get(id);
    if (!isSqlNode(node)) continue;
    try {
      const compiled = compiler.compile(node);
      pass.slots.push({ uniqueId: id, name: node.name, path: compiled.path, sql: compiled.sql });
    } catch (error) {
      if (error instanceof NeedsDatabase) {
        pass.live.push({ slot: pass.slots.length, node, error });
        pass.slots.push(undefined);
      } else if (error instanceof DopsError) pass.errors.push(error);
      else throw error;
    }
  }
  return pass;
}

function finishCompile(options: SelectOptions, pass: CompilePass, stamp: boolean): CompiledEntry[] {
  const { session, compiler, errors } = pass;
  const { projectDir, targetPath } = session.project.config;
  const entries = pass.slots.filter((entry): entry is CompiledEntry => entry !== undefined);
  // Analyses are compiled, never run (https://docs.getdbt.com/docs/build/analyses).
  if (!options.select?.length && !options.selector) entries.push(...compileAnalyses(projectDir, session.project.config.name, targetPath, compiler, session.project.inputs, errors));
  // The manifest carries what was compiled (`compiled_code`), as dbt's does after `dbt compile`.
  // Written while the compiled files may still be being written in the background; then waits for them.
  try {
    session.write(OTHER_COMMANDS.compile, { manifest: { compiled: new Map(entries.map((e) => [e.uniqueId, e.sql])) } });
  } finally {
    compiler.finish();
  }
  throwIfAny(errors);
  if (stamp && pass.printed() === 0 && stampable(options)) {
    const outputs = [...['manifest.json', 'partial_parse.json', 'compile_cache.json'].map((file) => join(targetPath, file)), ...listFolders(projectDir, [join(targetPath, 'compiled')])];
    writeCompileStamp(options, { projectDir, targetPath, inputs: session.project.inputs, count: entries.length, outputs, env: envVarsReadSoFar(), logPath: peekProjectSettings(projectDir).logPath });
  }
  return entries;
}

/**
 * Renders selected models, snapshots and tests to `target/compiled/` without touching the
 * database; a node whose template queries it (`run_query`, `statement`, `adapter.get_columns_in_relation`,
 * dbt_utils' `star`, `pivot`, `union_relations`, ...) is an error naming the query.
 * @returns the compiled nodes, in DAG order
 * @throws DopsError (a group when several nodes fail) for template and ref errors
 */
export function compile(options: SelectOptions = {}): CompiledEntry[] {
  const pass = compileSelected(options);
  pass.errors.push(...pass.live.map((entry) => entry.error));
  return finishCompile(options, pass, true);
}

/**
 * `dops compile`: {@link compile}, and the nodes whose templates query the database are rendered
 * against the target's database, their queries run there, as `dbt compile` does ("compile requires
 * a connection to your data platform because it must run introspective queries",
 * docs.getdbt.com/reference/commands/compile). The database is opened only when a node needs it;
 * such a compile writes no up-to-date stamp, since its output depends on the database.
 * @returns the compiled nodes, in DAG order
 * @throws DopsError as {@link compile}; DatabaseError when a query fails
 */
export async function compileWithDatabase(options: SelectOptions = {}): Promise<CompiledEntry[]> {
  const pass = compileSelected(options);
  if (pass.live.length) {
    // The target's database, opened by the session as for every command (the profile's `type`), and closed.
    try {
      const connection = await pass.session.connection();
      for (const { slot, node } of pass.live) {
        try {
          const compiled = await pass.compiler.compileLive(node, connection);
          pass.slots[slot] = { uniqueId: node.uniqueId, name: node.name, path: compiled.path, sql: compiled.sql };
        } catch (error) {
          if (!(error instanceof DopsError)) throw error;
          pass.errors.push(error);
        }
      }
    } finally {
      await pass.session.close();
    }
  }
  return finishCompile(options, pass, pass.live.length === 0);
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
  session.write(OTHER_COMMANDS.ls, { manifest: {} });
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
