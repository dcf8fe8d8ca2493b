// The docs site's app bundle that `npm run build` saves in dist/ (so `docs generate` does not run
// esbuild each time). The site it serves is dbt's `docs generate` equivalent:
// https://docs.getdbt.com/reference/commands/cmd-docs
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const DIST = resolve(import.meta.dirname, '../../../dist/docs');

describe('the saved docs app bundle', () => {
  it('is written by npm run build (vitest globalSetup) with every input file and its mtime, and is what generate uses', async () => {
    const saved = JSON.parse(readFileSync(join(DIST, 'app-bundle.json'), 'utf8')) as { js: string; css: string; inputs: Record<string, number> };
    const inputs = Object.keys(saved.inputs);
    expect(inputs).toContain(join(DIST, 'app/main.js'));
    expect(inputs.some((f) => f.includes('node_modules/marked/'))).toBe(true);
    for (const file of inputs) expect(statSync(file).mtimeMs, file).toBe(saved.inputs[file]);
    expect(saved.js).toContain('__DOPS__');
    expect(saved.css).toContain('.hljs');
    const { appBundle } = (await import(pathToFileURL(join(DIST, 'bundle.js')).href)) as { appBundle(): Promise<{ js: string; css: string }> };
    expect(await appBundle()).toEqual({ js: saved.js, css: saved.css });
  });
});
