import { finalizeConfig, folderConfigLayers, mergeConfig } from '../config/node-config.js';
import type { ProjectConfig } from '../config/project-config.js';
import { checksum } from '../project/files.js';
import type { TestNode } from '../manifest/nodes.js';
import type { TestSpec } from './properties.js';
import { genericTestName } from './naming.js';
import { RENDER_ARGUMENT } from '../templating/engine.js';
import type { RefCall, SourceCall } from '../manifest/nodes.js';

/**
 * Stands for a built-in generic test's macro in the test's parse render (parse-project.ts): checks
 * the call's arguments and returns ''.
 */
export const BUILTIN_TEST_CALL = '__dops_builtin_test';

const RELATION_EXPRESSION = /^\s*(ref|source|var|env_var|doc)\s*\(.*\)\s*$/s;
const HAS_JINJA = /\{\{|\{%|\{#/;

/**
 * Writes a test argument as a Jinja expression. Strings that are `ref(...)` / `source(...)` (or
 * `var` / `env_var` / `doc`) calls stay expressions, as in dbt, so they register a dependency and
 * render to a relation; strings holding Jinja are rendered in the test's context (dbt-core's
 * `add_rendered_test_kwargs`), at any depth of lists and dicts.
 */
function jinjaLiteral(value: unknown): string {
  if (typeof value === 'string' && RELATION_EXPRESSION.test(value)) return value.trim();
  if (typeof value === 'string' && HAS_JINJA.test(value)) return `${RENDER_ARGUMENT}(${JSON.stringify(value)})`;
  if (Array.isArray(value)) return `[${value.map(jinjaLiteral).join(', ')}]`;
  if (value && typeof value === 'object') return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${jinjaLiteral(v)}`).join(', ')}}`;
  return JSON.stringify(value ?? null);
}

/** What a generic test is attached to: a model or seed (`ref`) or a source table (`source`). */
export interface TestTarget {
  uniqueId: string;
  /** Jinja expression for the tested relation, e.g. `ref('orders')`. */
  expression: string;
  /** Name used in the generated test name. */
  label: string;
  isSource: boolean;
  /** What evaluating `expression` at parse time records: its ref() or source() call. */
  records?: { refs: RefCall[]; sources: SourceCall[] };
}

/**
 * True when a test argument is written as a Jinja literal that evaluates to itself with no effect
 * and always parses (see {@link jinjaLiteral}): null, booleans, plain decimal numbers, strings with
 * no braces that are no ref()/source()/var() call, and lists and mappings of those.
 */
export function isInertArgument(value: unknown): boolean {
  if (value === null || value === undefined || typeof value === 'boolean') return true;
  if (typeof value === 'number') return /^-?\d+(\.\d+)?$/.test(JSON.stringify(value));
  if (typeof value === 'string') return !/[{}]/.test(value) && !RELATION_EXPRESSION.test(value);
  if (Array.isArray(value)) return value.every(isInertArgument);
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.entries(value).every(([key, item]) => isInertArgument(key) && isInertArgument(item));
  }
  return false;
}

/** The resource paths property files are read under, each with one trailing `/`: per project, not per test. */
const rootsByProject = new WeakMap<ProjectConfig, string[]>();

function propertyRoots(project: ProjectConfig): string[] {
  let roots = rootsByProject.get(project);
  if (!roots) {
    roots = [...project.modelPaths, ...project.seedPaths, ...(project.snapshotPaths ?? []), ...(project.analysisPaths ?? []), ...project.testPaths].map((root) => `${root.replace(/\/+$/, '')}/`);
    rootsByProject.set(project, roots);
  }
  return roots;
}

/**
 * Turns a YAML test entry into a test node whose SQL calls the generic test macro, the way dbt
 * does: `{{ test_unique(model=__dops_model(ref('orders')), column_name="id") }}`. `__dops_model`
 * applies the test's `where` config when the test is compiled.
 */
export function genericTestNode(project: ProjectConfig, spec: TestSpec, target: TestTarget): TestNode {
  const name = spec.customName ?? genericTestName(spec.testName, target.label, target.isSource, spec.columnName, spec.kwargs);
  const args = [`model=__dops_model(${target.expression})`];
  if (spec.columnName !== undefined) args.push(`column_name=${JSON.stringify(spec.columnName)}`);
  for (const [key, value] of Object.entries(spec.kwargs)) args.push(`${key}=${jinjaLiteral(value)}`);
  const rawSql = `{{ test_${spec.testName}(${args.join(', ')}) }}`;
  // dbt's fqn of a generic test: the project, the folders of its YAML file below its resource path, the test name.
  const root = propertyRoots(project).find((r) => spec.file.startsWith(r));
  const folders = root ? spec.file.slice(root.length).split('/').slice(0, -1) : [];
  const config = finalizeConfig(mergeConfig(...folderConfigLayers(project.folderConfig.tests, project.name, [...folders, name]), spec.config), 'test');
  const hash = checksum(`${spec.file}:${rawSql}`).slice(0, 10);
  return {
    uniqueId: `test.${project.name}.${name}.${hash}`,
    resourceType: 'test',
    name,
    packageName: project.name,
    originalFilePath: spec.file,
    fqn: [project.name, ...folders, name],
    description: '',
    config,
    line: spec.line,
    testType: 'generic',
    rawSql,
    refs: [],
    sources: [],
    dependsOn: { nodes: [] },
    testMetadata: { name: spec.testName, kwargs: { ...spec.kwargs, column_name: spec.columnName } },
    attachedNode: target.uniqueId,
    columnName: spec.columnName,
    checksum: checksum(rawSql),
  };
}
