import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const REPO = resolve(import.meta.dirname, '../..');
const BIN = join(REPO, (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { bin: { dops: string } }).bin.dops);

/** A module hook (for `--import`) that writes `LOADED <url>` on stderr for every module loaded. */
function hookFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dops-hook-'));
  const loader = join(dir, 'loader.mjs');
  writeFileSync(loader, "import { writeSync } from 'node:fs';\nexport async function load(url, context, next) {\n  writeSync(2, `LOADED ${url}\\n`);\n  return next(url, context);\n}\n");
  const register = join(dir, 'register.mjs');
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(loader).href)});\n`);
  return register;
}

let hook: string | undefined;

/**
 * Whether a `dops` invocation loads commander (the full program), told by a module hook that
 * notes every module loaded.
 */
export function loadsCommander(args: string[], dir: string, env: Record<string, string> = {}): boolean {
  hook ??= hookFile();
  const run = spawnSync(process.execPath, ['--import', pathToFileURL(hook).href, BIN, ...args, '--project-dir', dir], { cwd: dir, env: { ...process.env, NO_COLOR: '1', ...env }, encoding: 'utf8', timeout: 120_000 });
  if (!run.stderr.includes('LOADED ')) throw new Error(`the module hook did not run: ${run.stderr}`);
  return /LOADED \S*\/commander\//.test(run.stderr);
}
