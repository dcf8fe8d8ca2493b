import type { Command } from 'commander';
import type { TraceStep } from '../../lineage/trace.js';
import type { Manifest } from '../../manifest/manifest.js';
import { colorsFor } from '../../reporter/terminal.js';
import { toApiOptions, withCommonFlags, type CliFlags } from '../options.js';

const VERB: Record<string, string> = { passthrough: 'passed through', renamed: 'renamed', transformed: 'transformed', 'join-key': 'join key' };

function label(manifest: Manifest, step: TraceStep): string {
  const node = manifest.nodes.get(step.node);
  const name = node?.resourceType === 'source' ? `${node.sourceName}.${node.name}` : node?.name ?? step.node;
  return `${name}.${step.column} (${node?.resourceType ?? 'node'})`;
}

/** Renders a trace as an indented tree, one column per line. */
export function formatTrace(manifest: Manifest, root: TraceStep, direction: 'upstream' | 'downstream'): string {
  const color = colorsFor(process.stdout);
  const lines = [color.bold(label(manifest, root))];
  const walk = (step: TraceStep, prefix: string): void => {
    step.next.forEach((next, i) => {
      const last = i === step.next.length - 1;
      const how = next.transform ? color.dim(` [${VERB[next.transform]}]`) : '';
      lines.push(`${prefix}${last ? '└─ ' : '├─ '}${direction === 'upstream' ? '← ' : '→ '}${label(manifest, next)}${how}`);
      if (next.modelLevelReason) lines.push(`${prefix}${last ? '   ' : '│  '}   ${color.yellow(`column lineage unknown: ${next.modelLevelReason}`)}`);
      walk(next, `${prefix}${last ? '   ' : '│  '}`);
    });
  };
  if (root.modelLevelReason) lines.push(color.yellow(`column lineage unknown: ${root.modelLevelReason}`));
  walk(root, '');
  if (root.next.length === 0 && !root.modelLevelReason) lines.push(color.dim(direction === 'upstream' ? '(no upstream columns: a source, a seed or a computed value)' : '(no downstream columns)'));
  return `${lines.join('\n')}\n`;
}

/** Registers `lineage <model.column>`: prints a column's upstream (or `--downstream`) chain. */
export function registerLineage(program: Command): void {
  withCommonFlags(program.command('lineage').description('print the columns a column is derived from (or, with --downstream, derived from it)'))
    .argument('<column>', 'model.column, e.g. fact_flights.origin_airport_key')
    .option('--downstream', 'follow the column downstream instead')
    .action(async (column: string, flags: CliFlags & { downstream?: boolean }) => {
      const { columnLineage } = await import('../../api/docs.js');
      const outcome = await columnLineage({ ...toApiOptions(flags), column, downstream: flags.downstream });
      process.stdout.write(formatTrace(outcome.project.manifest, outcome.trace, flags.downstream ? 'downstream' : 'upstream'));
    });
}
