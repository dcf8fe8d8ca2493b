import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { finalizeConfig, folderConfigLayers, mergeConfig } from '../config/node-config.js';
import type { ProjectConfig } from '../config/project-config.js';
import { isPlainObject, type YamlWithLines } from '../config/yaml-file.js';
import { DopsError, ParseError } from '../errors.js';
import type { Manifest } from '../manifest/manifest.js';
import type { ModelNode, UnitTestGiven, UnitTestNode, UnitTestRows } from '../manifest/nodes.js';
import { closestNames } from './similar.js';

/** Keys of a `unit_tests:` entry (https://docs.getdbt.com/reference/resource-properties/unit-tests). */
const ENTRY_KEYS = ['name', 'model', 'given', 'expect', 'overrides', 'config', 'description', 'versions'];

type Path = (string | number)[];

/** A `unit_tests:` list of one property file. */
export interface UnitTestEntries {
  file: string;
  entries: unknown[];
  yaml: YamlWithLines;
}

/**
 * Reads an input as written: `ref('m')`, `ref('pkg', 'm')`, `ref('m', v=2)`, `source('s', 't')` or `this`.
 * @returns undefined for anything else
 */
export function readInput(text: string): Pick<UnitTestGiven, 'ref' | 'source'> | undefined {
  const trimmed = text.trim();
  if (trimmed === 'this') return {};
  const args = /^(ref|source)\s*\((.*)\)$/s.exec(trimmed);
  if (!args) return undefined;
  const strings = [...args[2].matchAll(/(?:(v|version)\s*=\s*)?(?:'([^']*)'|"([^"]*)"|(\d+(?:\.\d+)?))/g)];
  const names = strings.filter((m) => !m[1]).map((m) => m[2] ?? m[3]);
  const version = strings.find((m) => m[1]);
  if (names.some((n) => n === undefined)) return undefined;
  if (args[1] === 'source') return names.length === 2 && !version ? { source: { sourceName: names[0], tableName: names[1] } } : undefined;
  const pinned = version ? { version: version[2] ?? version[3] ?? version[4] } : {};
  if (names.length === 1) return { ref: { name: names[0], ...pinned } };
  if (names.length === 2) return { ref: { package: names[0], name: names[1], ...pinned } };
  return undefined;
}

/** Every file under the test paths' `fixtures` folders: base name with extension -> project-relative path. */
function fixtureFiles(project: ProjectConfig): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (dir: string, inFixtures: boolean) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path, inFixtures || entry.name === 'fixtures');
      else if (inFixtures && !found.has(entry.name)) found.set(entry.name, relative(project.projectDir, path));
    }
  };
  for (const root of project.testPaths) walk(join(project.projectDir, root), false);
  return found;
}

/**
 * Reads rows written as CSV (a header line, then rows). Empty cells are null; other values stay
 * text and are cast to the column's type when the test runs (dbt's `format: csv`).
 * @throws ParseError with the file and line of a malformed row
 */
export function readCsvRows(text: string, file: string, line: number | undefined): { rows: Record<string, unknown>[]; columns: string[] } {
  let records: string[][];
  try {
    records = parseCsv(text.trim(), { skip_empty_lines: true, trim: true, relax_column_count: false }) as string[][];
  } catch (error) {
    const where = (error as { lines?: number }).lines;
    throw new ParseError(`Cannot read CSV rows: ${String((error as Error).message).split('\n')[0]}`, { location: { file, line: line !== undefined && where !== undefined ? line + where - 1 : line ?? where } });
  }
  const [header = [], ...body] = records;
  return { columns: header, rows: body.map((values) => Object.fromEntries(header.map((name, i) => [name, values[i] === '' ? null : values[i]]))) };
}

function readRows(raw: Record<string, unknown>, yaml: YamlWithLines, path: Path, file: string, fixtures: () => Map<string, string>, project: ProjectConfig): UnitTestRows {
  const line = yaml.lineOf(path);
  const format = raw.format === undefined ? 'dict' : String(raw.format);
  if (format !== 'dict' && format !== 'csv' && format !== 'sql') throw new ParseError(`Unknown rows format '${format}'`, { location: { file, line: yaml.lineOf([...path, 'format']) ?? line }, hint: 'Use dict, csv or sql.' });
  if (raw.fixture !== undefined && raw.rows !== undefined) throw new ParseError("Give either 'rows' or 'fixture', not both", { location: { file, line } });
  let text: string | undefined;
  let fixture: string | undefined;
  let textLine = yaml.lineOf([...path, 'rows']);
  if (raw.fixture !== undefined) {
    if (format === 'dict') throw new ParseError("A fixture file needs 'format: csv' or 'format: sql'", { location: { file, line: yaml.lineOf([...path, 'fixture']) ?? line } });
    const name = `${String(raw.fixture)}.${format}`;
    fixture = fixtures().get(name);
    if (!fixture) {
      throw new ParseError(`Fixture '${String(raw.fixture)}' not found: no ${name} in a fixtures folder under ${project.testPaths.join(', ')}`, {
        location: { file, line: yaml.lineOf([...path, 'fixture']) ?? line },
        hint: `Put it at ${join(project.testPaths[0] ?? 'tests', 'fixtures', name)}.`,
      });
    }
    text = readFileSync(join(project.projectDir, fixture), 'utf8');
    textLine = 1;
  }
  if (format === 'dict') {
    const rows = raw.rows ?? [];
    if (!Array.isArray(rows) || rows.some((row) => !isPlainObject(row))) throw new ParseError("'rows' in format dict must be a list of mappings (column: value)", { location: { file, line: textLine ?? line }, hint: "For CSV text, add 'format: csv'." });
    const columns = [...new Set((rows as Record<string, unknown>[]).flatMap((row) => Object.keys(row)))];
    return { format, rows: rows as Record<string, unknown>[], columns, line };
  }
  if (text === undefined) {
    if (typeof raw.rows !== 'string') throw new ParseError(`'rows' in format ${format} must be text (or use 'fixture:')`, { location: { file, line: textLine ?? line } });
    text = raw.rows;
    // A block scalar's text starts on the line after `rows: |`.
    if (textLine !== undefined) textLine += 1;
  }
  if (format === 'sql') return { format, sql: text, columns: [], line, ...(fixture ? { fixture } : {}) };
  const { rows, columns } = readCsvRows(text, fixture ?? file, textLine);
  return { format, rows, columns, line, ...(fixture ? { fixture } : {}) };
}

function stringMap(raw: unknown): Record<string, unknown> {
  return isPlainObject(raw) ? { ...raw } : {};
}

/**
 * Reads the `unit_tests:` entries of every property file into unit test nodes (dbt 1.8+,
 * https://docs.getdbt.com/docs/build/unit-tests). The tested model and the inputs are checked
 * later, against the manifest ({@link linkUnitTests}).
 * @param errors receives one ParseError (file and line) per bad entry
 * @param warnings receives unknown keys
 * @returns enabled unit tests (a `config: {enabled: false}` test is left out)
 */
export function parseUnitTests(project: ProjectConfig, lists: UnitTestEntries[], errors: DopsError[], warnings: string[]): UnitTestNode[] {
  const nodes: UnitTestNode[] = [];
  let fixtures: Map<string, string> | undefined;
  const findFixtures = () => (fixtures ??= fixtureFiles(project));
  for (const { file, entries, yaml } of lists) {
    entries.forEach((raw, index) => {
      const path: Path = ['unit_tests', index];
      const line = yaml.lineOf(path);
      try {
        if (!isPlainObject(raw) || typeof raw.name !== 'string' || typeof raw.model !== 'string') throw new ParseError("Each unit test needs a 'name' and a 'model'", { location: { file, line } });
        for (const key of Object.keys(raw)) {
          if (ENTRY_KEYS.includes(key)) continue;
          const close = closestNames(key, ENTRY_KEYS, 1);
          warnings.push(`${file}:${yaml.lineOf([...path, key]) ?? line}: unknown key '${key}' in unit test '${raw.name}'${close.length ? ` (did you mean '${close[0]}'?)` : ''}; it is ignored`);
        }
        if (!isPlainObject(raw.expect)) throw new ParseError(`Unit test '${raw.name}' needs 'expect:' with the expected rows`, { location: { file, line } });
        const given = raw.given ?? [];
        if (!Array.isArray(given)) throw new ParseError(`'given' of unit test '${raw.name}' must be a list of inputs`, { location: { file, line: yaml.lineOf([...path, 'given']) } });
        const inputs: UnitTestGiven[] = given.map((entry, i) => {
          const at: Path = [...path, 'given', i];
          if (!isPlainObject(entry) || typeof entry.input !== 'string') throw new ParseError("Each 'given' entry needs an 'input' (ref('model'), source('src', 'table') or this)", { location: { file, line: yaml.lineOf(at) } });
          const call = readInput(entry.input);
          if (!call) throw new ParseError(`Input '${entry.input}' is not ref('...'), source('...', '...') or this`, { location: { file, line: yaml.lineOf([...at, 'input']) } });
          return { input: entry.input.trim(), ...call, ...readRows(entry, yaml, at, file, findFixtures, project) };
        });
        const expect = readRows(raw.expect, yaml, [...path, 'expect'], file, findFixtures, project);
        const overrides = isPlainObject(raw.overrides) ? raw.overrides : {};
        const envVars = Object.fromEntries(Object.entries(stringMap(overrides.env_vars)).map(([k, v]) => [k, String(v)]));
        if (raw.config !== undefined && !isPlainObject(raw.config)) throw new ParseError(`'config' of unit test '${raw.name}' must be a mapping`, { location: { file, line: yaml.lineOf([...path, 'config']) } });
        const segments = file.split('/').slice(1, -1);
        const layers = folderConfigLayers(project.folderConfig.unit_tests ?? {}, project.name, [...segments, raw.model, raw.name]);
        const config = finalizeConfig(mergeConfig(...layers, (raw.config as Record<string, unknown>) ?? {}), 'unit');
        const versions = isPlainObject(raw.versions) && Array.isArray(raw.versions.include) && raw.versions.include.length === 1 ? String(raw.versions.include[0]) : undefined;
        if (!config.enabled) return;
        nodes.push({
          uniqueId: `unit_test.${project.name}.${raw.model}.${raw.name}`,
          resourceType: 'unit_test',
          name: raw.name,
          packageName: project.name,
          originalFilePath: file,
          fqn: [project.name, ...segments, raw.model, raw.name],
          description: raw.description === undefined || raw.description === null ? '' : String(raw.description),
          config,
          line,
          model: raw.model,
          ...(versions !== undefined ? { modelVersion: versions } : {}),
          given: inputs,
          expect,
          overrides: { macros: stringMap(overrides.macros), vars: stringMap(overrides.vars), envVars },
          dependsOn: { nodes: [] },
          checksum: createHash('sha256').update(JSON.stringify(raw)).digest('hex'),
        });
      } catch (error) {
        if (error instanceof DopsError) errors.push(error);
        else throw error;
      }
    });
  }
  return nodes;
}

function inputColumns(node: { columns?: Record<string, { dataType?: string }>; config: object }): Set<string> | undefined {
  const columns = Object.values(node.columns ?? {});
  const declared = (node.config as { contract?: unknown }).contract;
  const contract = isPlainObject(declared) && declared.enforced === true;
  // Only a complete list is trusted: a contract, or every documented column typed.
  if (!columns.length || !(contract || columns.every((c) => c.dataType))) return undefined;
  return new Set(Object.keys(node.columns ?? {}).map((c) => c.toLowerCase()));
}

function checkColumns(test: UnitTestNode, rows: UnitTestRows, known: Set<string> | undefined, what: string): DopsError[] {
  if (!known || rows.format === 'sql') return [];
  const unknown = rows.columns.filter((c) => !known.has(c.toLowerCase()));
  if (!unknown.length) return [];
  return [new ParseError(`Unit test '${test.name}': ${what} has column${unknown.length === 1 ? '' : 's'} ${unknown.map((c) => `'${c}'`).join(', ')} that ${unknown.length === 1 ? 'is' : 'are'} not in its YAML columns`, {
    location: { file: rows.fixture ?? test.originalFilePath, line: rows.fixture ? 1 : rows.line },
    hint: `Known columns: ${[...known].join(', ')}.`,
  })];
}

/**
 * Resolves each unit test's model and inputs against the manifest (in place): the model must
 * exist, each input must be one of its refs or sources (`this` only for an incremental model),
 * each of its refs and sources must be given, and rows may only name known columns (when the
 * input's YAML lists them all, typed or under a contract).
 * @returns one ParseError per problem, with the test's file and line
 */
export function linkUnitTests(manifest: Manifest): DopsError[] {
  const errors: DopsError[] = [];
  for (const test of manifest.nodes.values()) {
    if (test.resourceType !== 'unit_test') continue;
    const at = { file: test.originalFilePath, line: test.line };
    const model = [...manifest.nodes.values()].find((n): n is ModelNode => n.resourceType === 'model' && n.name === test.model && (test.modelVersion === undefined ? n.version === undefined || n.version === n.latestVersion : n.version === test.modelVersion));
    if (!model) {
      const close = closestNames(test.model, [...manifest.nodes.values()].filter((n) => n.resourceType === 'model').map((n) => n.name));
      errors.push(new ParseError(`Unit test '${test.name}' tests model '${test.model}', which was not found`, { location: at, hint: close.length ? `Did you mean '${close[0]}'?` : undefined }));
      continue;
    }
    test.modelId = model.uniqueId;
    test.dependsOn.nodes = [model.uniqueId];
    const given = new Set<string>();
    for (const input of test.given) {
      const where = { file: test.originalFilePath, line: input.line };
      let id: string | undefined;
      try {
        if (input.ref) id = manifest.resolveRef(input.ref, model).uniqueId;
        else if (input.source) id = manifest.resolveSource(input.source, model).uniqueId;
        else if (model.config.materialized !== 'incremental') {
          errors.push(new ParseError(`Unit test '${test.name}': input 'this' is only for incremental models, and '${model.name}' is ${model.config.materialized}`, { location: where }));
          continue;
        } else id = model.uniqueId;
      } catch {
        id = undefined;
      }
      if (!id || (id !== model.uniqueId && !model.dependsOn.nodes.includes(id))) {
        errors.push(new ParseError(`Unit test '${test.name}': input ${input.input} is not a ref or source of model '${model.name}'`, {
          location: where,
          hint: `Its inputs: ${[...model.refs.map((r) => `ref('${r.name}')`), ...model.sources.map((s) => `source('${s.sourceName}', '${s.tableName}')`)].join(', ') || 'none'}.`,
        }));
        continue;
      }
      input.nodeId = id;
      given.add(id);
      errors.push(...checkColumns(test, input, inputColumns(manifest.get(id) as ModelNode), `input ${input.input}`));
    }
    for (const parent of model.dependsOn.nodes) {
      const node = manifest.get(parent);
      if (given.has(parent)) continue;
      const call = node.resourceType === 'source' ? `source('${node.sourceName}', '${node.name}')` : `ref('${node.name}')`;
      errors.push(new ParseError(`Unit test '${test.name}' gives no rows for ${call}, an input of model '${model.name}'`, { location: at, hint: `Add '- input: ${call}' with 'rows: []' for an empty input.` }));
    }
    errors.push(...checkColumns(test, test.expect, inputColumns(model), "'expect'"));
  }
  return errors;
}

