#!/usr/bin/env -S node --max-semi-space-size=32
/**
 * The `dops` executable. The shebang gives V8 a 32 MB semi-space (default 16 MB): parsing and
 * compiling thousands of models allocates many short-lived objects, and a first compile of 10,000
 * models ran 123 scavenges with the default, 75 with 32 MB (64 MB saved a few more but cost
 * ~45 MB of peak memory).
 * `env -S` splits the line into arguments (GNU coreutils 8.30+, macOS, BSD; npm's Windows shims
 * read it too).
 * `dops --version` answers at once, and a plain `dops compile`, `dops build` or `dops run` with
 * nothing changed since the last one is answered from its stamp (src/cli/fast-compile.ts,
 * src/cli/fast-build.ts) before commander or any command module loads; everything else loads the
 * commander program (src/cli/index.ts). A command that will run nodes starts opening the target's
 * DuckDB file first (src/cli/early-open.ts), so the engine opens it while the program loads.
 */
const args = process.argv.slice(2);
/** True once src/cli/fast-build.ts has checked the build stamp and found it out of date. */
let stampChecked = false;
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { DOPS_VERSION } = await import('../version.js');
  process.stdout.write(`${DOPS_VERSION}\n`);
} else if (!(await answeredFromStamp())) {
  const release = await openEarly();
  try {
    await import('./index.js');
  } finally {
    await release?.();
  }
}

/** Starts opening the target's database for a run (src/cli/early-open.ts); never throws. */
async function openEarly(): Promise<(() => Promise<void>) | undefined> {
  try {
    return await (await import('./early-open.js')).openTargetEarly(args, stampChecked);
  } catch {
    return undefined;
  }
}

/**
 * True when a stamp answered: a plain `dops compile` (src/cli/fast-compile.ts), `dops build` or
 * `dops run` (src/cli/fast-build.ts) with nothing changed. Any failure before output begins
 * leaves the answer to the full program.
 */
async function answeredFromStamp(): Promise<boolean> {
  try {
    if (args[0] === 'compile') return await (await import('./fast-compile.js')).answerCompile(args);
    if (args[0] === 'build' || args[0] === 'run') {
      (await import('./process-output.js')).prepareOutput();
      const answered = await (await import('./fast-build.js')).answerBuild(args);
      stampChecked = !answered && (await import('./fast-compile.js')).plainArgs(args, args[0]) !== undefined;
      return answered;
    }
  } catch {
    // The full program runs and reports.
  }
  return false;
}
