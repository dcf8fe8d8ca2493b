import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Connection } from '../adapter/adapter.js';
import type { Compiler, CompiledNode } from '../compiler/compiler.js';
import type { ModelNode } from '../manifest/nodes.js';
import { copyStatement, externalReadSql, externalTarget, type ExternalTarget } from '../materializations/external.js';
import { planView } from '../materializations/view.js';
import type { RelationCatalog } from './catalog.js';
import { inTransaction, runStatements } from './transaction.js';
import { assertSingleSelect } from './execute-node.js';
import { makeFolder } from '../project/make-folder.js';

/** What writing an external model did. */
export interface ExternalOutcome {
  compiled: CompiledNode;
  rows: number | undefined;
  target: ExternalTarget;
}

const remove = (path: string) => rmSync(path, { recursive: true, force: true });

/**
 * Puts the new files in place, keeping the old ones aside; returns how to undo it.
 * @throws Error when the write left nothing at `temp` (a partitioned write of no rows writes no files)
 */
function swapIn(temp: string, path: string): { undo(): void; done(): void } {
  const wroteFiles = existsSync(temp) && (statSync(temp).isFile() || readdirSync(temp).length > 0);
  if (!wroteFiles) throw new Error('The write produced no files (a partitioned model with no rows?); the previous files are kept');
  const old = `${path}.__dops_old`;
  remove(old);
  const hadOld = existsSync(path);
  if (hadOld) renameSync(path, old);
  try {
    renameSync(temp, path);
  } catch (error) {
    if (hadOld) renameSync(old, path);
    throw error;
  }
  return {
    undo: () => {
      remove(path);
      if (hadOld) renameSync(old, path);
    },
    done: () => remove(old),
  };
}

/**
 * Writes an external model: `COPY` its rows to a temp path next to the target, renames the old
 * files aside and the new ones in, then (re)creates a view over the files in one transaction so
 * `ref()` keeps working. A failed write or view leaves the previous files and view as they were.
 * Paths are absolute: `COPY ... TO` resolves relative paths against the process's cwd, not
 * DuckDB's `file_search_path`.
 * @param catalog the run's relation catalog: says whether a table must be dropped for the view; records the view
 * @throws DopsError for config problems; DuckDB's error when the query or the write fails
 */
export async function runExternal(model: ModelNode, connection: Connection, catalog: RelationCatalog, compiler: Compiler, projectDir: string, lakePath: string): Promise<ExternalOutcome> {
  const target = externalTarget(model, projectDir, lakePath);
  const compiled = compiler.compile(model);
  await assertSingleSelect(model, compiled, connection);
  const temp = `${target.path}.__dops_tmp`;
  remove(temp);
  makeFolder(dirname(target.path), `external model ${model.name}`);
  let rows: number | undefined;
  try {
    rows = (await connection.execute(copyStatement(compiled.sql, temp, target))) ?? 0;
  } catch (error) {
    remove(temp);
    throw error;
  }
  let swap: ReturnType<typeof swapIn>;
  try {
    swap = swapIn(temp, target.path);
  } catch (error) {
    remove(temp);
    throw error;
  }
  try {
    const existing = catalog.kindOf(model.relation);
    const plan = planView(model.relation, externalReadSql(target), existing);
    await inTransaction(connection, () => runStatements(connection, plan.statements.slice(1, -1)));
    catalog.record(model.relation, 'view');
  } catch (error) {
    swap.undo();
    throw error;
  }
  swap.done();
  return { compiled, rows, target };
}
