import { isAbsolute, resolve } from 'node:path';

const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * Makes a lake location (path or glob) absolute against the project dir, so the SQL that reads it
 * does not depend on the process's working directory: DuckDB looks in the cwd before its
 * `file_search_path`, and a view over a relative path cannot be read from another directory.
 * URLs (`s3://`, `https://`) and absolute paths are returned unchanged.
 */
export function absoluteLocation(projectDir: string, location: string): string {
  return URL_SCHEME.test(location) || isAbsolute(location) ? location : resolve(projectDir, location);
}
