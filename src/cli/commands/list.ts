import type { Command } from 'commander';
import { toApiOptions, withSelectFlags, type CliFlags } from '../options.js';

/** Registers `ls` (alias `list`): prints the selected nodes, one per line. */
export function registerList(program: Command): void {
  withSelectFlags(program.command('ls').alias('list').description('list selected nodes'))
    .option('--resource-type <type...>', 'only these kinds: model, seed, test, source')
    .option('--output <format>', 'name | path | unique_id', 'name')
    .action(async (flags: CliFlags & { resourceType?: string[]; output: string }) => {
      const { list } = await import('../../api/commands.js');
      const nodes = list({ ...toApiOptions(flags), resourceTypes: flags.resourceType });
      for (const node of nodes) {
        const text = flags.output === 'path' ? node.originalFilePath : flags.output === 'unique_id' ? node.uniqueId : `${node.resourceType === 'source' ? 'source:' : ''}${node.fqn.join('.')}`;
        process.stdout.write(`${text}\n`);
      }
    });
}
