/**
 * The public, programmatic API of dops: `import { build, ls } from 'dops'`. Each command takes the
 * options its CLI flags map to and returns typed results; nothing is printed unless a `reporter`
 * is passed. Project and usage errors are thrown as {@link DopsError}; failed nodes are results.
 */
import { list } from './commands.js';
import { generateDocs } from './docs.js';
import { sourceFreshness } from './freshness.js';

export { build, compile, compileWithDatabase, init, list, run, seed, snapshot, test, type CompiledEntry } from './commands.js';
export { columnLineage, generateDocs, serveDocs, type DocsOutcome, type LineageOutcome } from './docs.js';
export { sourceFreshness, type FreshnessOutcome, type FreshnessResult } from './freshness.js';
export { retry } from './retry.js';
export { watch, WatchSession, type WatchOptions, type WatchReporter, type RebuildReport } from './watch.js';
export type { RunOutcome } from './execute.js';
export type { CommonOptions, SelectOptions } from './options.js';
export type { NodeResult, RunSummary } from '../runner/results.js';
export type { ManifestNode, ResourceType } from '../manifest/nodes.js';
export { CapturingReporter, type Reporter } from '../reporter/reporter.js';
export { ConfigError, DopsError } from '../errors.js';

/** `dops ls`: the selected nodes in DAG order (same as {@link list}). */
export const ls: typeof list = list;
/** `dops docs generate` (same as {@link generateDocs}). */
export const docs: typeof generateDocs = generateDocs;
/** `dops source freshness` (same as {@link sourceFreshness}). */
export const freshness: typeof sourceFreshness = sourceFreshness;
