import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TemplateSource } from './engine.js';
import { DBT_PACKAGE } from './macro-namespaces.js';

/** Folder of dbt's own macros as Jinja files (copied next to the compiled module by `npm run build`). */
const FOLDER = fileURLToPath(new URL('./builtin-macros/', import.meta.url));

let loaded: TemplateSource[] | undefined;

/**
 * dbt's own macros (the cross-database macros, data types, `current_timestamp`, `generate_series`,
 * ...) as the built-in package `dbt`: callable as `dbt.date_trunc(...)` and unprefixed, each
 * dispatching to `duckdb__` / `postgres__` / `default__` implementations. The files are compiled
 * on first use. Paths look like `<dbt>/dates.sql`.
 */
export function builtinMacroSources(): TemplateSource[] {
  loaded ??= readdirSync(FOLDER)
    .filter((name) => name.endsWith('.sql'))
    .sort()
    .map((name) => ({ path: `<dbt>/${name}`, contents: readFileSync(join(FOLDER, name), 'utf8'), package: DBT_PACKAGE, lazy: true }));
  return loaded;
}
