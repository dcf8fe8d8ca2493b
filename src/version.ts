import { readFileSync } from 'node:fs';

/** dops' own version, read from package.json (works from `src/` under vitest and from `dist/`). */
export const DOPS_VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

/**
 * The dbt-core version whose behaviour dops mirrors. `require-dbt-version` ranges in a project or
 * its packages are checked against it, and templates see it as `dbt_version`
 * (https://docs.getdbt.com/reference/project-configs/require-dbt-version,
 * https://docs.getdbt.com/reference/dbt-jinja-functions/dbt_version).
 */
export const DBT_VERSION = '1.11.0';
