import { readFileSync } from 'node:fs';

/** dops' own version, read from package.json (works from `src/` under vitest and from `dist/`). */
export const DOPS_VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
