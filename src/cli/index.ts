#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { isSecretEnvName, scrubSecrets } from '../config/secrets.js';
import { DOPS_VERSION } from '../version.js';
import { EXIT, jsonLogRequested, reportFailure } from './exit.js';
import { applyProjectFlags } from './options.js';
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
    .hook('preAction', (_program, action) => applyProjectFlags(action));
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
  return program;
}

/**
 * Masks the values of secret env vars in everything the process prints (dbt scrubs its logs:
 * https://docs.getdbt.com/reference/dbt-jinja-functions/env_var#secrets).
 */
function scrubOutput(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => write(typeof chunk === 'string' ? scrubSecrets(chunk) : chunk instanceof Uint8Array ? scrubSecrets(Buffer.from(chunk).toString('utf8')) : chunk, ...rest)) as typeof stream.write;
}

async function main(argv: string[]): Promise<void> {
  if (Object.keys(process.env).some(isSecretEnvName)) {
    scrubOutput(process.stdout);
    scrubOutput(process.stderr);
  }
  // `dops ls | head` closes the pipe early; that is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  const program = createProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return;
    }
    process.exitCode = reportFailure(error, process.stderr, argv.includes('--debug'), jsonLogRequested(argv) ? process.stdout : undefined);
  }
}

await main(process.argv);
