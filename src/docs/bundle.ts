import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../artifacts/atomic-write.js';

/** The browser app's bundle: one JS file and one CSS file, everything inlined (no CDN). */
export interface AppBundle {
  js: string;
  /** highlight.js' theme. */
  css: string;
}

/** The saved bundle: the app and, per input file (absolute path), its mtime in ms when bundled. */
interface SavedBundle extends AppBundle {
  inputs: Record<string, number>;
}

let cached: Promise<AppBundle> | undefined;

/** The compiled app entry when running from dist/ (undefined from src/, as in tests). */
function compiledEntry(): string | undefined {
  const compiled = fileURLToPath(new URL('./app/main.js', import.meta.url));
  return existsSync(compiled) ? compiled : undefined;
}

/** The app's entry: the TypeScript source when running from src/ (tests), the compiled file from dist/. */
function entryPoint(): string {
  return compiledEntry() ?? fileURLToPath(new URL('./app/main.ts', import.meta.url));
}

/** Where dist/ keeps the bundle built by `npm run build` (or by the first `docs generate`). */
const SAVED = fileURLToPath(new URL('./app-bundle.json', import.meta.url));

/** The saved bundle when no input changed since it was built (same mtimes), else undefined. */
function readSaved(): AppBundle | undefined {
  if (!compiledEntry() || !existsSync(SAVED)) return undefined;
  try {
    const saved = JSON.parse(readFileSync(SAVED, 'utf8')) as SavedBundle;
    for (const [file, mtime] of Object.entries(saved.inputs)) if (statSync(file, { throwIfNoEntry: false })?.mtimeMs !== mtime) return undefined;
    return { js: saved.js, css: saved.css };
  } catch {
    return undefined; // unreadable or half-written: bundle again
  }
}

async function build(): Promise<SavedBundle> {
  // esbuild loads on demand: only docs generation needs it, and only when dist/ has no saved bundle.
  const esbuild = await import('esbuild');
  const entry = entryPoint();
  const cwd = dirname(entry);
  const result = await esbuild.build({ entryPoints: [entry], absWorkingDir: cwd, bundle: true, format: 'iife', platform: 'browser', target: 'es2020', minify: true, write: false, metafile: true, legalComments: 'none', logLevel: 'silent' });
  const require = createRequire(import.meta.url);
  const cssFile = require.resolve('highlight.js/styles/github.css');
  const css = readFileSync(cssFile, 'utf8');
  const inputs: Record<string, number> = {};
  for (const file of [...Object.keys(result.metafile.inputs).map((f) => resolve(cwd, f)), cssFile]) inputs[file] = statSync(file).mtimeMs;
  return { js: result.outputFiles[0].text, css, inputs };
}

/**
 * Writes the bundle into dist/ (`app-bundle.json`), so `docs generate` does not run esbuild: called
 * by `npm run build`, and by the first generate after the app changed. Does nothing from src/.
 * Write errors (a read-only install) are ignored: the bundle is then built in memory each time.
 */
export async function saveAppBundle(): Promise<void> {
  if (compiledEntry()) save(await build());
}

function save(bundle: SavedBundle): void {
  try {
    // Written aside, then renamed: a generate running at the same time never reads half a file.
    writeFileAtomic(SAVED, JSON.stringify(bundle));
  } catch {
    // read-only dist/: bundle in memory each run
  }
}

/**
 * Bundles the docs app (src/docs/app) with its libraries (dagre, d3-zoom, highlight.js) using
 * esbuild, or reads the bundle `npm run build` saved in dist/ when none of its input files changed
 * since (mtimes). Built once per process.
 * @throws Error with esbuild's message when the bundle cannot be built
 */
export function appBundle(): Promise<AppBundle> {
  cached ??= (async (): Promise<AppBundle> => {
    const saved = readSaved();
    if (saved) return saved;
    const built = await build();
    if (compiledEntry()) save(built);
    return { js: built.js, css: built.css };
  })().catch((error) => {
    cached = undefined;
    throw error;
  });
  return cached;
}
