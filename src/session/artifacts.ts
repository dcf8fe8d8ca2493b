import { withArtifactLock } from '../artifacts/artifact-lock.js';
import { writeCatalog, type Catalog } from '../artifacts/catalog.js';
import { writeJunit } from '../artifacts/junit.js';
import { writeManifest } from '../artifacts/manifest.js';
import { writeRunResults } from '../artifacts/run-results.js';
import { writeSources, type FreshnessResult } from '../artifacts/sources.js';
import { writeJson } from '../artifacts/write-json.js';
import { writeLineage } from '../lineage/artifact.js';
import type { ProjectLineage } from '../lineage/project-lineage.js';
import type { LoadedProject } from '../api/project.js';
import { targetFile } from '../api/project.js';
import { manifestMetadata, userPath } from '../api/selection.js';
import type { NodeResult } from '../runner/results.js';
import { assertDeclared, type Command } from './commands.js';

export { assertDeclared };

/**
 * The artifacts a command may write into the target path, each named after what it becomes (dbt's
 * artifacts: https://docs.getdbt.com/reference/artifacts/dbt-artifacts; its target/ folder:
 * https://docs.getdbt.com/reference/global-configs/json-artifacts). The first six are written by
 * {@link writeArtifacts}; the others by the part of dops that makes them (the parser's cache, the
 * compiler, the runner, the docs site, the up-to-date stamps), each declared all the same so that
 * a command's declaration (src/session/commands.ts) lists everything it may leave in target/.
 */
export type ArtifactName =
  | 'manifest'
  | 'run_results'
  | 'sources'
  | 'catalog'
  | 'lineage'
  | 'perf_info'
  /** target/partial_parse.json: parse results kept for unchanged files (any command that loads the project). */
  | 'partial_parse'
  /** target/compiled/<package>/<path>: each compiled node (dbt's compiled folder). */
  | 'compiled'
  /** target/compile_cache.json: compiled SQL of earlier invocations. */
  | 'compile_cache'
  /** target/run/<package>/<path>: the SQL each node's materialization ran (dbt's run folder). */
  | 'run'
  /** target/docs/: the static docs site. */
  | 'docs_site'
  /** target/build_stamp.json: what an up-to-date `build`/`run` replays. */
  | 'build_stamp'
  /** target/compile_stamp.bin: what an up-to-date `compile` replays. */
  | 'compile_stamp';

/**
 * The files (or folders, ending in `/`) under the target path each artifact is, for documentation
 * and for the test that checks what commands leave in target/ against their declarations.
 */
export const ARTIFACT_PATHS: Readonly<Record<ArtifactName, readonly string[]>> = {
  manifest: ['manifest.json'],
  // run_results.json and the node history merged from it (see writeRunResults).
  run_results: ['run_results.json', 'dops_results_history.json'],
  sources: ['sources.json'],
  catalog: ['catalog.json'],
  lineage: ['lineage.json'],
  perf_info: ['perf_info.json'],
  partial_parse: ['partial_parse.json'],
  compiled: ['compiled/'],
  compile_cache: ['compile_cache.json'],
  run: ['run/'],
  docs_site: ['docs/'],
  build_stamp: ['build_stamp.json'],
  compile_stamp: ['compile_stamp.bin'],
};

/**
 * What a command that ran hands the writer. Only the parts present are written; `manifest` is
 * the project's manifest.json (with compiled SQL when the command compiled).
 */
export interface ArtifactSet {
  manifest?: { compiled?: ReadonlyMap<string, string> };
  /** run_results.json (and the results history beside it), plus `--junit` when `junit` names a file. */
  runResults?: { results: NodeResult[]; elapsed: number; args: Record<string, unknown>; startedAt: number; junit?: string };
  /** sources.json (`dops source freshness`). */
  sources?: { results: FreshnessResult[]; elapsed: number };
  catalog?: Catalog;
  lineage?: ProjectLineage;
  /** perf_info.json (`dops parse`). */
  perfInfo?: Record<string, unknown>;
}

/** The artifact each part of an {@link ArtifactSet} is. */
const SET_ARTIFACTS: Record<keyof ArtifactSet, ArtifactName> = { manifest: 'manifest', runResults: 'run_results', sources: 'sources', catalog: 'catalog', lineage: 'lineage', perfInfo: 'perf_info' };

/**
 * The artifacts of `set` a command may write: those its declaration lists.
 * @throws Error (a bug in dops) when the command hands an artifact it does not declare
 */
export function declaredArtifacts(command: Command, set: ArtifactSet): ArtifactSet {
  for (const key of Object.keys(set) as (keyof ArtifactSet)[]) if (set[key] !== undefined) assertDeclared(command, SET_ARTIFACTS[key]);
  return set;
}

/**
 * The one artifact writer: writes a command's artifacts together under `target/.artifacts.lock`, so
 * one invocation's files are never interleaved with another's, each file atomically (aside, then
 * renamed) with secret values masked. Called only once a command has run: a command that fails
 * before running (project error, database in use) writes nothing.
 * @param command the command writing; it must declare every artifact of `set`
 * @throws Error (a bug in dops), before writing anything, for an artifact `command` does not declare
 */
export function writeArtifacts(project: LoadedProject, command: Command, set: ArtifactSet): void {
  declaredArtifacts(command, set);
  withArtifactLock(targetFile(project, '.'), () => {
    if (set.manifest) writeManifest(targetFile(project, 'manifest.json'), project.manifest, manifestMetadata(project), set.manifest.compiled);
    if (set.runResults) {
      const { results, elapsed, args, startedAt, junit } = set.runResults;
      writeRunResults(targetFile(project, 'run_results.json'), results, elapsed, args);
      if (junit) writeJunit(userPath(junit), results, { command: String(args.command), elapsed, timestamp: new Date(startedAt).toISOString(), nodes: project.manifest.nodes });
    }
    if (set.sources) writeSources(targetFile(project, 'sources.json'), set.sources.results, set.sources.elapsed);
    if (set.catalog) writeCatalog(targetFile(project, 'catalog.json'), set.catalog, project.manifest);
    if (set.lineage) writeLineage(targetFile(project, 'lineage.json'), set.lineage);
    if (set.perfInfo) writeJson(targetFile(project, 'perf_info.json'), set.perfInfo);
  });
}
