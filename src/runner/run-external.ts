import { copyFileSync, existsSync, linkSync, lstatSync, readdirSync, renameSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { quoteLiteral } from '../adapter/quoting.js';
import type { Connection } from '../adapter/adapter.js';
import type { Compiler, CompiledNode } from '../compiler/compiler.js';
import type { ModelNode } from '../manifest/nodes.js';
import { copyStatement, externalReadSql, externalTarget, type ExternalTarget } from '../materializations/external.js';
import { planView } from '../materializations/view.js';
import type { RelationCatalog } from './catalog.js';
import { assertSingleSelect, runPlan } from './execute-node.js';
import { makeFolder } from '../project/make-folder.js';

/** What writing an external model did. */
export interface ExternalOutcome {
  compiled: CompiledNode;
  rows: number | undefined;
  target: ExternalTarget;
}

const remove = (path: string) => rmSync(path, { recursive: true, force: true });

/** Marks a versioned copy of an external model's files: `<stem>.__dops_v<id><ext>`. */
const VERSION_MARK = '.__dops_v';

/** The versioned sibling of `target.path` for build `id`: `name.__dops_v<id>.parquet`, or the folder `name.__dops_v<id>`. */
export function versionPath(target: ExternalTarget, id: string): string {
  const ext = target.partitioned ? '' : extname(target.path);
  return `${target.path.slice(0, target.path.length - ext.length)}${VERSION_MARK}${id}${ext}`;
}

/** The version id the model's view reads now (from its SQL in duckdb_views()), if any. */
async function liveVersion(connection: Connection, model: ModelNode): Promise<string | undefined> {
  const rows = await connection.query(
    `select sql from duckdb_views() where database_name = current_database() and schema_name = ${quoteLiteral(model.relation.schema)} and view_name = ${quoteLiteral(model.relation.identifier)}`,
  );
  const match = rows.length ? /\.__dops_v([0-9a-z]+)/.exec(String(rows[0].sql)) : null;
  return match?.[1];
}

/**
 * Removes what earlier builds left beside `target.path`: versions other than `keep` (a build
 * killed before its view was committed, or before it deleted the version it replaced) and the
 * temp names of older dops releases.
 */
function removeLeftovers(target: ExternalTarget, keep: string | undefined): void {
  const folder = dirname(target.path);
  const ext = target.partitioned ? '' : extname(target.path);
  const stem = basename(target.path).slice(0, basename(target.path).length - ext.length);
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return;
  }
  for (const name of names) {
    if (name === `${basename(target.path)}.__dops_tmp` || name === `${basename(target.path)}.__dops_old`) remove(join(folder, name));
    if (!name.startsWith(`${stem}${VERSION_MARK}`) || !name.endsWith(ext)) continue;
    const id = name.slice(stem.length + VERSION_MARK.length, name.length - ext.length);
    if (/^[0-9a-z]+$/.test(id) && id !== keep) remove(join(folder, name));
  }
}

/**
 * Makes `target.path` show build `version` once its view is committed, in one atomic rename: a
 * hard link to the version's file, or a symbolic link to its folder (partitioned). A real folder
 * left by an older dops release is replaced by the link.
 */
function publish(target: ExternalTarget, version: string): void {
  const temporary = `${target.path}.__dops_link`;
  remove(temporary);
  if (target.partitioned) {
    symlinkSync(basename(version), temporary, 'dir');
    let current: import('node:fs').Stats | undefined;
    try {
      current = lstatSync(target.path);
    } catch {
      current = undefined;
    }
    if (current?.isDirectory()) remove(target.path);
  } else {
    try {
      linkSync(version, temporary);
    } catch {
      copyFileSync(version, temporary); // a file system without hard links
    }
  }
  renameSync(temporary, target.path);
}

/**
 * Writes an external model with no moment at which its view or its path has no files: `COPY`
 * writes a new versioned sibling (`name.__dops_v<id>.parquet`, or a folder when partitioned),
 * the view is re-pointed at it in one transaction, then `target.path` is switched to it by an
 * atomic rename (hard link to the file; symbolic link to the folder) and the previous version is
 * deleted. A build killed at any point leaves the view on the old or the new version, both
 * complete; the next build deletes versions no view reads. Paths are absolute: `COPY ... TO`
 * resolves relative paths against the process's cwd, not DuckDB's `file_search_path`.
 * @param catalog the run's relation catalog: says whether a table must be dropped for the view; records the view
 * @throws DopsError for config problems; DuckDB's error when the query or the write fails
 */
export async function runExternal(model: ModelNode, connection: Connection, catalog: RelationCatalog, compiler: Compiler, projectDir: string, lakePath: string): Promise<ExternalOutcome> {
  const target = externalTarget(model, projectDir, lakePath);
  const compiled = await compiler.compileLive(model, connection);
  await assertSingleSelect(model, compiled, connection);
  makeFolder(dirname(target.path), `external model ${model.name}`);
  const live = catalog.kindOf(model.relation) === 'view' ? await liveVersion(connection, model) : undefined;
  removeLeftovers(target, live);
  let id = Date.now().toString(36);
  if (id === live) id = `${id}0`;
  const version = versionPath(target, id);
  let rows: number | undefined;
  try {
    rows = (await connection.execute(copyStatement(compiled.sql, version, target))) ?? 0;
    const wroteFiles = existsSync(version) && (statSync(version).isFile() || readdirSync(version).length > 0);
    if (!wroteFiles) throw new Error('The write produced no files (a partitioned model with no rows?); the previous files are kept');
    const existing = catalog.kindOf(model.relation);
    const plan = planView(model.relation, externalReadSql({ ...target, path: version }), existing, connection.dialect);
    await runPlan(connection, plan);
  } catch (error) {
    remove(version);
    throw error;
  }
  catalog.record(model.relation, 'view');
  publish(target, version);
  if (live) remove(versionPath(target, live));
  return { compiled, rows, target };
}
