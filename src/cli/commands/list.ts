import { Option, type Command } from 'commander';
import type { ManifestNode } from '../../manifest/nodes.js';
import { toApiOptions, withSelectFlags, type CliFlags } from '../options.js';

/** `--output json`: the keys dbt's `ls --output json` prints for a node. */
function jsonLine(node: ManifestNode): string {
  const relation = 'relation' in node ? node.relation : undefined;
  return JSON.stringify({
    name: node.name,
    resource_type: node.resourceType,
    package_name: node.packageName,
    original_file_path: node.originalFilePath,
    unique_id: node.uniqueId,
    alias: relation?.identifier ?? null,
    schema: relation?.schema ?? null,
    config: node.config,
    tags: node.config.tags,
    depends_on: 'dependsOn' in node ? node.dependsOn : { nodes: [], macros: [] },
  });
}

/** Registers `ls` (alias `list`): prints the selected nodes, one per line. */
export function registerList(program: Command): void {
  withSelectFlags(program.command('ls').alias('list').description('list selected nodes'))
    .option('--resource-type <type...>', 'only these kinds: model, seed, snapshot, test, unit_test, source')
    .option('--warn-error', 'treat warnings as errors (a criterion that selects nothing exits 2)')
    .addOption(new Option('--output <format>', 'name | path | unique_id | json (one object per line)').choices(['name', 'path', 'unique_id', 'json']).default('name'))
    .action(async (flags: CliFlags & { resourceType?: string[]; output: string }) => {
      const { list } = await import('../../api/commands.js');
      const nodes = list({ ...toApiOptions(flags), resourceTypes: flags.resourceType });
      for (const node of nodes) {
        const text = flags.output === 'json' ? jsonLine(node) : flags.output === 'path' ? node.originalFilePath : flags.output === 'unique_id' ? node.uniqueId : `${node.resourceType === 'source' ? 'source:' : ''}${node.fqn.join('.')}`;
        process.stdout.write(`${text}\n`);
      }
    });
}
