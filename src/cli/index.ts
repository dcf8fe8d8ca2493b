#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { DOPS_VERSION } from '../version.js';
import { EXIT, jsonLogRequested, reportFailure, writeJsonError } from './exit.js';
import { useJsonStdout } from './json-output.js';
import { applyProjectFlags, withOutputFlagsEverywhere, type CliFlags } from './options.js';
import { prepareOutput } from './process-output.js';
import { registerCompile } from './commands/compile.js';
import { registerDocs } from './commands/docs.js';
import { registerInit } from './commands/init.js';
import { registerLineage } from './commands/lineage.js';
import { registerList } from './commands/list.js';
import { registerNodeCommands } from './commands/node-commands.js';
import { registerWatch } from './commands/watch.js';
import { registerSource } from './commands/source.js';
import { registerRetry } from './commands/retry.js';
import { registerShow } from './commands/show.js';
import { registerDebug } from './commands/debug.js';
import { registerParse } from './commands/parse.js';
import { registerRunOperation } from './commands/run-operation.js';
import { registerClone } from './commands/clone.js';
import { registerDeps } from './commands/deps.js';

/** Builds the `dops` program; each command sets `process.exitCode`. */
export function createProgram(): Command {
  const program = new Command('dops')
    .description('Declarative SQL transformations on DuckDB: models, tests, lineage')
    .version(DOPS_VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .hook('preAction', (_program, action) => {
      applyProjectFlags(action);
      const flags = action.opts() as CliFlags;
      if (flags.logFormat === 'json') useJsonStdout(action.name(), flags.quiet ? 'error' : flags.logLevel ?? 'info');
    });
  registerNodeCommands(program);
  registerCompile(program);
  registerShow(program);
  registerDebug(program);
  registerParse(program);
  registerRunOperation(program);
  registerClone(program);
  registerList(program);
  registerInit(program);
  registerWatch(program);
  registerSource(program);
  registerRetry(program);
  registerDocs(program);
  registerLineage(program);
  registerDeps(program);
  withOutputFlagsEverywhere(program);
  return program;
}

/** Commander's exits that print help, not a usage error. */
const HELP_CODES = new Set(['commander.help', 'commander.helpDisplayed', 'commander.version']);

async function main(argv: string[]): Promise<void> {
  prepareOutput();
  const program = createProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
      // Commander has printed the usage error to stderr; in JSON, stdout says why nothing ran.
      if (error.exitCode !== 0 && !HELP_CODES.has(error.code) && jsonLogRequested(argv)) writeJsonError(process.stdout, error.message.replace(/^error: /, ''), { hint: 'run with --help for usage' });
      return;
    }
    process.exitCode = reportFailure(error, process.stderr, argv.includes('--debug'), jsonLogRequested(argv) ? process.stdout : undefined);
  }
}

await main(process.argv);
