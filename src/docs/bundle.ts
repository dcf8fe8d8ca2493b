import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The browser app's bundle: one JS file and one CSS file, everything inlined (no CDN). */
export interface AppBundle {
  js: string;
  /** highlight.js' theme. */
  css: string;
}

let cached: Promise<AppBundle> | undefined;

/** The app's entry: the TypeScript source when running from src/ (tests), the compiled file from dist/. */
function entryPoint(): string {
  const compiled = fileURLToPath(new URL('./app/main.js', import.meta.url));
  return existsSync(compiled) ? compiled : fileURLToPath(new URL('./app/main.ts', import.meta.url));
}

async function build(): Promise<AppBundle> {
  // esbuild loads on demand: only docs generation needs it.
  const esbuild = await import('esbuild');
  const result = await esbuild.build({ entryPoints: [entryPoint()], bundle: true, format: 'iife', platform: 'browser', target: 'es2020', minify: true, write: false, legalComments: 'none', logLevel: 'silent' });
  const require = createRequire(import.meta.url);
  const css = readFileSync(require.resolve('highlight.js/styles/github.css'), 'utf8');
  return { js: result.outputFiles[0].text, css };
}

/**
 * Bundles the docs app (src/docs/app) with its libraries (dagre, d3-zoom, highlight.js) using
 * esbuild. Built once per process.
 * @throws Error with esbuild's message when the bundle cannot be built
 */
export function appBundle(): Promise<AppBundle> {
  cached ??= build().catch((error) => {
    cached = undefined;
    throw error;
  });
  return cached;
}
