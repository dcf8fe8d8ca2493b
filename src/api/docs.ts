import { existsSync, readFileSync } from 'node:fs';
import type { Catalog } from '../artifacts/catalog.js';
import { readResultsHistory, RESULTS_HISTORY_FILE } from '../artifacts/results-history.js';
import { manifestExtras } from '../docs/extras.js';
import { analyseLoadedProject } from '../docs/analyse.js';
import { serveSite, type DocsServer } from '../docs/serve.js';
import { buildSiteData, type SiteInput } from '../docs/site-data.js';
import { writeSite } from '../docs/site.js';
import { ConfigError } from '../errors.js';
import type { ProjectLineage } from '../lineage/project-lineage.js';
import { traceColumn, type TraceStep } from '../lineage/trace.js';
import type { ManifestNode } from '../manifest/nodes.js';
import type { CommonOptions, SelectOptions } from './options.js';
import { targetFile, type LoadedProject } from './project.js';
import { OTHER_COMMANDS } from '../session/commands.js';
import { Session } from '../session/session.js';

/** What `dops docs generate` wrote and found. */
export interface DocsOutcome {
  project: LoadedProject;
  /** The site's folder (`target/docs`) and its index.html. */
  siteDir: string;
  indexPath: string;
  catalog: Catalog;
  lineage: ProjectLineage;
  /** Set when the database could not be read: why. */
  databaseNote?: string;
}

/** The folder the site is written to (dbt writes it into target/; dops keeps it in target/docs/). */
export function siteDir(project: LoadedProject): string {
  return targetFile(project, 'docs');
}

function readRunResults(project: LoadedProject): SiteInput['runResults'] {
  const path = targetFile(project, 'run_results.json');
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined; // a half-written or foreign file: the site shows no statuses
  }
}

/**
 * `dops docs generate`: compiles the project, reads the catalog from its database (when built),
 * analyses column lineage and writes `target/manifest.json`, `target/catalog.json`,
 * `target/lineage.json` and the static site in `target/docs/`. Works before any build (columns then
 * come from YAML and lineage). Unless `data: false` (`--no-data`), the site also gets a sample of
 * rows and column profiles of each built table (never of sensitive columns: see data-profile.ts).
 * @throws DopsError for project errors (YAML, templates, refs, cycles)
 */
export async function generateDocs(options: SelectOptions & { data?: boolean } = {}): Promise<DocsOutcome> {
  const session = Session.load(options);
  const { project } = session;
  const data = options.data !== false;
  const analysis = await analyseLoadedProject(project, { data });
  limitCatalog(session, analysis.catalog, options);
  session.write(OTHER_COMMANDS.docs, { manifest: { compiled: analysis.compiledSql }, catalog: analysis.catalog, lineage: analysis.lineage });
  const site = buildSiteData({
    manifest: project.manifest,
    projectName: project.config.name,
    ...analysis,
    runResults: readRunResults(project),
    history: readResultsHistory(targetFile(project, RESULTS_HISTORY_FILE)).results,
    dataNote: data ? undefined : 'Data previews were turned off (dops docs generate --no-data).',
    extras: manifestExtras(project.manifest),
  });
  const dir = siteDir(project);
  const indexPath = await writeSite(dir, site);
  if (analysis.databaseNote) options.reporter?.warnings?.([`Docs: ${analysis.databaseNote}.`]);
  return { project, siteDir: dir, indexPath, catalog: analysis.catalog, lineage: analysis.lineage, databaseNote: analysis.databaseNote };
}

/**
 * Keeps only the selected nodes in the catalog, as dbt's `docs generate --select` does; the site
 * still shows the whole graph. No selection flags: the catalog stays whole.
 */
function limitCatalog(session: Session, catalog: Catalog, options: SelectOptions): void {
  if (!options.select?.length && !options.exclude?.length && !options.selector) return;
  const selected = new Set(session.select(OTHER_COMMANDS.docs, OTHER_COMMANDS.docs.resourceTypes, false));
  for (const id of [...catalog.keys()]) if (!selected.has(id)) catalog.delete(id);
}

/** A column's lineage chain, as `dops lineage` prints it. */
export interface LineageOutcome {
  project: LoadedProject;
  node: ManifestNode;
  trace: TraceStep;
  lineage: ProjectLineage;
}

/**
 * `dops lineage model.column`: the upstream chain of a column (or, with `downstream`, every column
 * derived from it).
 * @param options.column `model_name.column` (also seeds, and `source_name.table.column` for sources)
 * @throws ConfigError when the node or column does not exist; DopsError for project errors
 */
export async function columnLineage(options: CommonOptions & { column: string; downstream?: boolean }): Promise<LineageOutcome> {
  const session = Session.load(options);
  const { project } = session;
  session.write(OTHER_COMMANDS.lineage, { manifest: {} });
  const dot = options.column.lastIndexOf('.');
  if (dot <= 0) throw new ConfigError(`'${options.column}' is not model.column`, { hint: 'Example: dops lineage fact_flights.origin_airport_key' });
  const [nodeName, columnName] = [options.column.slice(0, dot), options.column.slice(dot + 1)];
  const node = [...project.manifest.nodes.values()].find((n) => n.resourceType !== 'test' && n.resourceType !== 'unit_test' && (n.name === nodeName || (n.resourceType === 'source' && `${n.sourceName}.${n.name}` === nodeName)));
  if (!node) throw new ConfigError(`No model, seed or source named '${nodeName}'`, { hint: 'List them with dops ls.' });
  const analysis = await analyseLoadedProject(project);
  const known = analysis.lineage.get(node.uniqueId);
  const catalogColumns = analysis.catalog.get(node.uniqueId)?.columns.map((c) => c.name) ?? [];
  const yamlColumns = 'columns' in node ? Object.keys(node.columns) : [];
  // Seeds and sources that are not built or documented: the columns their children read.
  const readByChildren = [...analysis.lineage.values()].flatMap((m) => m.columns.flatMap((c) => c.sources.filter((e) => e.node === node.uniqueId).map((e) => e.column)));
  const columns = [...(known?.columns.map((c) => c.name) ?? []), ...catalogColumns, ...yamlColumns, ...readByChildren];
  const column = columns.find((c) => c.toLowerCase() === columnName.toLowerCase());
  if (!column && known?.status !== 'model-level') {
    throw new ConfigError(`${nodeName} has no column '${columnName}'`, { hint: columns.length ? `Its columns: ${[...new Set(columns)].join(', ')}` : undefined });
  }
  const trace = traceColumn(analysis.lineage, { node: node.uniqueId, column: column ?? columnName }, options.downstream ? 'downstream' : 'upstream');
  return { project, node, trace, lineage: analysis.lineage };
}

/**
 * `dops docs serve`: serves the generated site (`target/docs`) over HTTP.
 * @throws ConfigError when the site was not generated or the port is taken
 */
export async function serveDocs(options: CommonOptions & { port?: number; host?: string } = {}): Promise<DocsServer> {
  const session = Session.load(options);
  session.write(OTHER_COMMANDS.docsServe, { manifest: {} });
  const { project } = session;
  return serveSite(siteDir(project), options.port ?? 8080, options.host ?? '127.0.0.1');
}
