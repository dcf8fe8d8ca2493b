#!/usr/bin/env -S node --max-semi-space-size=32
/**
 * The `dops` executable. The shebang gives V8 a 32 MB semi-space (default 16 MB): parsing and
 * compiling thousands of models allocates many short-lived objects, and a first compile of 10,000
 * models ran 123 scavenges with the default, 75 with 32 MB (64 MB saved a few more but cost
 * ~45 MB of peak memory).
 * `env -S` splits the line into arguments (GNU coreutils 8.30+, macOS, BSD; npm's Windows shims
 * read it too).
 * `dops --version` answers at once; everything else loads the commander
 * program (src/cli/index.ts), whose command modules pull in commander, reporters and selectors —
 * most of the ~0.2 s a bare `--version` used to spend loading modules.
 */
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { DOPS_VERSION } = await import('../version.js');
  process.stdout.write(`${DOPS_VERSION}\n`);
} else {
  await import('./index.js');
}
