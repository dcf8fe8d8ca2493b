import { existsSync } from 'node:fs';
import type { Adapter, Connection } from '../adapter/adapter.js';
import { DUCKDB_INFO } from '../adapter/duckdb/info.js';
import { engineInfo, openAdapter } from '../adapter/registry.js';
import type { LoadedProject } from '../api/project.js';
import { readCatalog, type Catalog } from '../artifacts/catalog.js';
import { DopsError, throwIfAny } from '../errors.js';
import { serializeSqlBatch } from '../lineage/model-lineage.js';
import { analyseProject, type ProjectLineage } from '../lineage/project-lineage.js';
import { isSqlNode } from '../manifest/nodes.js';
import type { SiteDataSample } from './app/data.js';
import { sampleTables } from './data-profile.js';

/** What docs and lineage are made from: compiled SQL, the catalog and column lineage. */
export interface ProjectAnalysis {
  compiledSql: Map<string, string>;
  catalog: Catalog;
  lineage: ProjectLineage;
  /** Data previews and column profiles of built tables (empty when not asked for). */
  samples: Map<string, SiteDataSample>;
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
  // Waits for the compiled files and saves target/compile_cache.json, so the next generate reuses the renders.
  compiler.finish();
  throwIfAny(errors);
  return compiled;
}

/**
 * The target's database for the catalog, and a DuckDB connection for column lineage (which uses
 * DuckDB's SQL parser as an analysis tool whatever the target's engine: an in-memory DuckDB when
 * the target is not DuckDB).
 */
async function openDatabase(project: LoadedProject): Promise<{ close(): Promise<void>; connection: Connection; lineage: Connection; note?: string }> {
  const { target } = project;
  const { projectDir } = project.config;
  const info = engineInfo(target.type)!;
  const file = info.databaseFile(target, projectDir);
  let note: string | undefined;
  let adapter: Adapter | undefined;
  // An embedded database that does not exist yet (or is `:memory:`) is not created by docs.
  const missing = target.type === DUCKDB_INFO.type && (file === undefined || !existsSync(file));
  if (missing) {
    note = 'the database does not exist yet (run dops build): columns come from YAML and lineage';
  } else {
    try {
      adapter = await openAdapter(target, projectDir);
    } catch (error) {
      if (!(error instanceof DopsError)) throw error;
      note = `${error.message}: columns come from YAML and lineage`;
    }
  }
  const memory = () => DUCKDB_INFO.open({ ...target, type: DUCKDB_INFO.type, path: ':memory:', credentials: undefined }, projectDir);
  // An in-memory DuckDB still parses SQL and reads lake files for the catalog.
  const analysis = adapter?.type === DUCKDB_INFO.type ? adapter : await memory();
  const catalogAdapter = adapter ?? analysis;
  const lineage = await analysis.connect();
  const connection = catalogAdapter === analysis ? lineage : await catalogAdapter.connect();
  return {
    connection,
    lineage,
    note,
    close: async () => {
      if (catalogAdapter !== analysis) await catalogAdapter.close();
      await analysis.close();
    },
  };
}

/**
 * Compiles the project, reads the catalog from the target's database (read-only use; an empty
 * in-memory database when it is missing or in use) and analyses every model's column lineage.
 * With `data`, also takes a sample and a profile of each built table (see data-profile.ts).
 * @throws DopsError for template and ref errors
 */
export async function analyseLoadedProject(project: LoadedProject, options: { data?: boolean } = {}): Promise<ProjectAnalysis> {
  const compiledSql = compileAll(project);
  const database = await openDatabase(project);
  try {
    const catalog = await readCatalog(database.connection, project.manifest);
    const lineage = await analyseProject({
      manifest: project.manifest,
      order: project.dag.topologicalOrder(),
      compiledSql,
      catalogColumns: (id) => catalog.get(id)?.columns.map((c) => c.name),
      serialize: (sqls) => serializeSqlBatch(database.lineage, sqls),
      projectDir: project.config.projectDir,
    });
    const samples = options.data && !database.note ? await sampleTables(database.connection, project.manifest, catalog) : new Map<string, SiteDataSample>();
    return { compiledSql, catalog, lineage, samples, databaseNote: database.note };
  } finally {
    await database.close();
  }
}
