import { basename, extname } from 'node:path';
import { checksum, type ProjectFile } from '../project/files.js';

/** Node name of a file: its base name without extension (`models/stg/a.sql` -> `a`). */
export function nodeName(path: string): string {
  return basename(path, extname(path));
}

/**
 * dbt's fully qualified name: project, folders below the resource path, node name.
 * @param file the defining file (its `root` is the resource path it was found under)
 */
export function fqnFor(projectName: string, file: ProjectFile): string[] {
  const relative = file.path.slice(file.root.length + 1).split('/');
  return [projectName, ...relative.slice(0, -1), nodeName(file.path)];
}

/** Folders below the resource path plus the node name: the path matched by project-file folder config. */
export function folderSegments(file: ProjectFile): string[] {
  const relative = file.path.slice(file.root.length + 1).split('/');
  return [...relative.slice(0, -1), nodeName(file.path)];
}

function sanitize(value: unknown): string {
  const flat = Array.isArray(value) ? value.map(sanitize).join('__') : typeof value === 'object' && value !== null ? Object.values(value).map(sanitize).join('__') : String(value);
  return flat.replace(/[^A-Za-z0-9_]+/g, '_');
}

/**
 * Generated name of a generic test, following dbt: `<test>_<model>_<column>__<args...>`, with a
 * `source_` prefix for source tests; long names are cut and suffixed with a hash so they stay unique.
 * @param target `model_name`, or `source_name_table_name` for sources
 */
export function genericTestName(testName: string, target: string, isSource: boolean, columnName: string | undefined, kwargs: Record<string, unknown>): string {
  const parts = [isSource ? `source_${testName}` : testName, target];
  if (columnName) parts.push(columnName);
  let name = sanitize(parts.join('_'));
  const args = Object.keys(kwargs).sort().map((key) => sanitize(kwargs[key]));
  if (args.length) name += `__${args.join('__')}`;
  if (name.length > 80) name = `${name.slice(0, 60)}_${checksum(name).slice(0, 10)}`;
  return name;
}
