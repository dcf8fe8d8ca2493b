import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENGINE_MACRO_FOLDERS } from '../adapter/registry.js';
import type { TemplateSource } from './engine.js';
import { DBT_PACKAGE } from './macro-namespaces.js';

/**
 * A folder of Jinja files, given relative to the source root (`templating/builtin-macros`): under
 * the root this module runs from (`npm run build` copies the folders into dist/), else the
 * sources' folder found above it (a build made by plain `tsc`, as some tests make).
 */
function macrosFolder(relative: string): string {
  const here = fileURLToPath(new URL(`../${relative}/`, import.meta.url));
  if (existsSync(here)) return here;
  for (let dir = dirname(here); dirname(dir) !== dir; dir = dirname(dir)) {
    const candidate = join(dir, 'src', relative);
    if (existsSync(candidate)) return candidate;
  }
  return here;
}

/** The `.sql` files of a folder (by name) as lazily compiled sources of the `dbt` package, paths `<dbt>/<prefix><name>`. */
function folderSources(relative: string, prefix: string): TemplateSource[] {
  const folder = macrosFolder(relative);
  return readdirSync(folder)
    .filter((name) => name.endsWith('.sql'))
    .sort()
    .map((name) => ({ path: `<dbt>/${prefix}${name}`, contents: readFileSync(join(folder, name), 'utf8'), package: DBT_PACKAGE, lazy: true }));
}

let loaded: TemplateSource[] | undefined;

/**
 * dbt's own macros (the cross-database macros, data types, `current_timestamp`, `generate_series`,
 * ...) as the built-in package `dbt`: callable as `dbt.date_trunc(...)` and unprefixed, each
 * dispatching to `<type>__` (the target's profile type) then `default__` implementations. The
 * dispatching and `default__` macros live in src/templating/builtin-macros/ (paths like
 * `<dbt>/dates.sql`); each engine's `<type>__` ones in its adapter's folder, named by the adapter
 * registry (`EngineInfo.macros`; paths like `<dbt>/<type>/dates.sql`). Every engine's are loaded
 * whatever the target, so `dbt.<type>__dateadd(...)` resolves on any target.
 * The files are compiled on first use.
 */
export function builtinMacroSources(): TemplateSource[] {
  loaded ??= [
    ...folderSources('templating/builtin-macros', ''),
    ...ENGINE_MACRO_FOLDERS.flatMap(({ type, folder }) => folderSources(folder, `${type}/`)),
  ];
  return loaded;
}
