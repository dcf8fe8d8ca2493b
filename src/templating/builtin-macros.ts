import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TemplateSource } from './engine.js';
import { DBT_PACKAGE } from './macro-namespaces.js';

/**
 * Folder of dbt's own macros as Jinja files: next to this module (`npm run build` copies them
 * into dist/), else the sources' folder found above it (a build made by plain `tsc`, as some
 * tests make).
 */
function macrosFolder(): string {
  const here = fileURLToPath(new URL('./builtin-macros/', import.meta.url));
  if (existsSync(here)) return here;
  for (let dir = dirname(here); dirname(dir) !== dir; dir = dirname(dir)) {
    const candidate = join(dir, 'src', 'templating', 'builtin-macros');
    if (existsSync(candidate)) return candidate;
  }
  return here;
}

let loaded: TemplateSource[] | undefined;

/**
 * dbt's own macros (the cross-database macros, data types, `current_timestamp`, `generate_series`,
 * ...) as the built-in package `dbt`: callable as `dbt.date_trunc(...)` and unprefixed, each
 * dispatching to `duckdb__` / `postgres__` / `default__` implementations. The files are compiled
 * on first use. Paths look like `<dbt>/dates.sql`.
 */
export function builtinMacroSources(): TemplateSource[] {
  if (!loaded) {
    const folder = macrosFolder();
    loaded = readdirSync(folder)
      .filter((name) => name.endsWith('.sql'))
      .sort()
      .map((name) => ({ path: `<dbt>/${name}`, contents: readFileSync(join(folder, name), 'utf8'), package: DBT_PACKAGE, lazy: true }));
  }
  return loaded;
}
