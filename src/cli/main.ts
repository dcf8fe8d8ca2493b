#!/usr/bin/env node
/**
 * The `dops` executable. `dops --version` answers at once; everything else loads the commander
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
