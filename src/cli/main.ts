#!/usr/bin/env -S node --max-semi-space-size=32
/**
 * The `dops` executable. The shebang gives V8 a 32 MB semi-space (default 16 MB): parsing and
 * compiling thousands of models allocates many short-lived objects, and a first compile of 10,000
 * models ran 123 scavenges with the default, 75 with 32 MB (64 MB saved a few more but cost
 * ~45 MB of peak memory).
 * `env -S` splits the line into arguments (GNU coreutils 8.30+, macOS, BSD; npm's Windows shims
 * read it too).
 * `dops --version` answers at once, and a plain `dops compile` with nothing changed since the
 * last one is answered from its stamp (src/cli/fast-compile.ts) before commander or any command
 * module loads; everything else loads the commander program (src/cli/index.ts).
 */
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { DOPS_VERSION } = await import('../version.js');
  process.stdout.write(`${DOPS_VERSION}\n`);
} else if (!(args[0] === 'compile' && (await answeredFromStamp()))) {
  await import('./index.js');
}

/** True when fast-compile answered; any failure there leaves the answer to the full program. */
async function answeredFromStamp(): Promise<boolean> {
  try {
    return await (await import('./fast-compile.js')).answerCompile(args);
  } catch {
    return false;
  }
}
