import { createRequire } from 'node:module';
import type { create } from 'xmlbuilder2';
import type { ManifestNode } from '../manifest/nodes.js';
import type { NodeResult } from '../runner/results.js';
import { writeText } from './write-json.js';

type Element = ReturnType<typeof create>;

/** xmlbuilder2, required only when a report is written: loading it costs every command ~0.1 s. */
function xmlBuilder(): typeof create {
  return (createRequire(import.meta.url)('xmlbuilder2') as { create: typeof create }).create;
}

/** What a JUnit report of one run needs besides the results. */
export interface JunitRun {
  /** The command, e.g. `build` (the suite is named `dops build`). */
  command: string;
  /** Whole run in seconds. */
  elapsed: number;
  /** ISO time the run started. */
  timestamp: string;
  nodes: ReadonlyMap<string, ManifestNode>;
}

function details(result: NodeResult, node: ManifestNode): string {
  const lines = [result.message];
  if (result.failures !== undefined && result.failures !== null) lines.push(`failing rows: ${result.failures}`);
  if (result.compiledPath) lines.push(`compiled SQL: ${result.compiledPath}`);
  lines.push(`defined in: ${node.originalFilePath}${'line' in node && node.line ? `:${node.line}` : ''}`);
  return lines.join('\n');
}

function addCase(suite: Element, result: NodeResult, node: ManifestNode): void {
  const testcase = suite.ele('testcase', {
    classname: `${node.resourceType}.${node.packageName}`,
    name: node.name,
    file: node.originalFilePath,
    time: result.executionTime.toFixed(3),
  });
  const properties = testcase.ele('properties');
  properties.ele('property', { name: 'unique_id', value: node.uniqueId });
  properties.ele('property', { name: 'status', value: result.status });
  if (result.failures !== undefined) properties.ele('property', { name: 'failures', value: String(result.failures) });
  if (result.relationName) properties.ele('property', { name: 'relation', value: result.relationName });
  if (result.status === 'fail') testcase.ele('failure', { message: result.message, type: 'test failure' }).txt(details(result, node));
  else if (result.status === 'error') testcase.ele('error', { message: result.message, type: 'error' }).txt(details(result, node));
  else if (result.status === 'skipped') testcase.ele('skipped', { message: result.message });
  else if (result.status === 'warn') testcase.ele('system-out').txt(`WARN: ${details(result, node)}`);
}

/**
 * A run as JUnit XML, the format CI systems display: one `<testcase>` per node (models, seeds and
 * tests alike), a failed test as `<failure>` and an errored node as `<error>` (each with the message
 * and the failing-row count), a skipped node as `<skipped>`, a warning in `<system-out>`.
 * @returns the XML document as text
 */
export function junitXml(results: NodeResult[], run: JunitRun): string {
  const count = (...statuses: string[]) => String(results.filter((r) => statuses.includes(r.status)).length);
  const totals = { tests: String(results.length), failures: count('fail'), errors: count('error'), skipped: count('skipped'), time: run.elapsed.toFixed(3) };
  const root = xmlBuilder()({ version: '1.0', encoding: 'UTF-8' }).ele('testsuites', { name: 'dops', ...totals });
  const suite = root.ele('testsuite', { name: `dops ${run.command}`, timestamp: run.timestamp, ...totals });
  for (const result of results) {
    const node = run.nodes.get(result.uniqueId);
    if (node) addCase(suite, result, node);
  }
  return root.end({ prettyPrint: true });
}

/**
 * Writes {@link junitXml} to a file, creating its folder.
 * @param path absolute path
 */
export function writeJunit(path: string, results: NodeResult[], run: JunitRun): void {
  writeText(path, junitXml(results, run), 'the JUnit report');
}
