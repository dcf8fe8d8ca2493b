// Bundles the CLI's compiled modules (dist/cli/main.js and everything it imports from dist/) into
// dist/cli/main.js plus shared chunks beside it, with esbuild: Node 20 loads each ES module on its
// own (resolve, read, link, compile), and a build loads ~190 of dops' own, ~0.2 s before it can
// start; a handful of files load in a fraction of that. Run after tsc (`npm run build`).
//
// - Packages in node_modules stay imports (loaded, lazily where they were, as before).
// - Dynamic imports stay lazy: they become chunks (`splitting`), and a module both entry paths
//   use is one shared chunk, so each module still exists once in the process.
// - Every chunk is written to dist/cli/, so each module's `import.meta.url` is rewritten to its
//   compiled file's URL relative to that folder: paths it builds from it (the package.json, the
//   macro folders, the file writer's thread module, the docs app) stay those of the tsc output.
// - dist/api/ (the library, `import 'dops'`) and the thread module are left as tsc wrote them.
import { chmodSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli');

/** `import.meta.url` of a compiled module as an expression valid in any output file of dist/cli/. */
function metaUrl(file) {
  const path = relative(cli, file).split(sep).join('/');
  return `new URL(${JSON.stringify(path.startsWith('.') ? path : `./${path}`)}, import.meta.url).href`;
}

const keepModuleUrls = {
  name: 'keep-module-urls',
  setup(context) {
    context.onLoad({ filter: /[\\/]dist[\\/].*\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      return { contents: source.includes('import.meta.url') ? source.replaceAll('import.meta.url', metaUrl(args.path)) : source, loader: 'js' };
    });
  },
};

// tsc has just written dist/cli/main.js; a main.js that imports chunks is a bundle already.
if (/from ["']\.\/chunk-/.test(readFileSync(join(cli, 'main.js'), 'utf8'))) {
  console.error('dist/cli/main.js is bundled already: run `npm run build` (tsc first)');
  process.exit(1);
}
for (const name of readdirSync(cli)) if (/^chunk-.*\.js$/.test(name)) rmSync(join(cli, name));

await build({
  entryPoints: [join(cli, 'main.js')],
  outdir: cli,
  entryNames: '[name]',
  chunkNames: 'chunk-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  allowOverwrite: true,
  logLevel: 'warning',
  plugins: [keepModuleUrls],
});
chmodSync(join(cli, 'main.js'), 0o755);
