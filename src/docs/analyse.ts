import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Connection } from '../adapter/adapter.js';
import type { LoadedProject } from '../api/project.js';
import { readCatalog, type Catalog } from '../artifacts/catalog.js';
import { DopsError, throwIfAny } from '../errors.js';
import { serializeSqlBatch } from '../lineage/model-lineage.js';
import { analyseProject, type ProjectLineage } from '../lineage/project-lineage.js';
import { isSqlNode } from '../manifest/nodes.js';

/** What docs and lineage are made from: compiled SQL, the catalog and column lineage. */
export interface ProjectAnalysis {
  compiledSql: Map<string, string>;
  catalog: Catalog;
  lineage: ProjectLineage;
  /** Why the database was not read (not built yet, or in use), if it was not. */
  databaseNote?: string;
}

/**
 * Compiles every model and test (to target/compiled), like `dops compile`.
 * @throws DopsError (a group when several fail) for template and ref errors
 */
export function compileAll(project: LoadedProject): Map<string, string> {
  const compiler = project.compiler();
  const compiled = new Map<string, string>();
  const errors: DopsError[] = [];
  for (const id of project.dag.topologicalOrder()) {
    const node = project.manifest.get(id);
    if (!isSqlNode(node) || node.config.enabled === false) continue;
    try {
      compiled.set(id, compiler.compile(node).sql);
    } catch (error) {
      if (!(error instanceof DopsError)) throw error;
      errors.push(error);
    }
  }
  throwIfAny(errors);
  return compiled;
}

async function openDatabase(project: LoadedProject): Promise<{ close(): Promise<void>; connection: Connection; note?: string }> {
  const { DuckDBAdapter } = await import('../adapter/duckdb.js');
  const path = project.target.path;
  const file = path === ':memory:' || isAbsolute(path) ? path : join(project.config.projectDir, path);
  let note: string | undefined;
  let adapter;
  if (file === ':memory:' || !existsSync(file)) {
    note = 'the database does not exist yet (run dops build): columns come from YAML and lineage';
  } else {
    try {
      adapter = await DuckDBAdapter.open(path, project.config.projectDir, project.target);
    } catch (error) {
      if (!(error instanceof DopsError)) throw error;
      note = `${error.message}: columns come from YAML and lineage`;
    }
  }
  // An in-memory database still parses SQL and reads lake files for the catalog.
  adapter ??= await DuckDBAdapter.open(':memory:', project.config.projectDir);
  const connection = await adapter.connect();
  return { connection, note, close: () => adapter.close() };
}

/**
 * Compiles the project, reads the catalog from the target's database (read-only use; an empty
 * in-memory database when it is missing or in use) and analyses every model's column lineage.
 * @throws DopsError for template and ref errors
 */
export async function analyseLoadedProject(project: LoadedProject): Promise<ProjectAnalysis> {
  const compiledSql = compileAll(project);
  const database = await openDatabase(project);
  try {
    const catalog = await readCatalog(database.connection, project.manifest);
    const lineage = await analyseProject({
      manifest: project.manifest,
      order: project.dag.topologicalOrder(),
      compiledSql,
      catalogColumns: (id) => catalog.get(id)?.columns.map((c) => c.name),
      serialize: (sqls) => serializeSqlBatch(database.connection, sqls),
      projectDir: project.config.projectDir,
    });
    return { compiledSql, catalog, lineage, databaseNote: database.note };
  } finally {
    await database.close();
  }
}
