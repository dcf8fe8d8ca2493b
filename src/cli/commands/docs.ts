import { InvalidArgumentError, type Command } from 'commander';
import { relative } from 'node:path';
import { toApiOptions, withCommonFlags, withSelectFlags, type CliFlags } from '../options.js';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return n;
}

/**
 * Generates the docs site and prints where it is; shared by `dops docs generate` and
 * `dops build --docs`.
 */
export async function runDocsGenerate(flags: CliFlags): Promise<void> {
  const { generateDocs } = await import('../../api/docs.js');
  const started = Date.now();
  // commander turns `--no-data` into `data: false`; `dops build --docs` has no such flag (data on).
  const outcome = await generateDocs({ ...toApiOptions(flags), data: (flags as { data?: boolean }).data !== false });
  const analysed = [...outcome.lineage.values()].filter((l) => l.status === 'analysed').length;
  const kinds = [...outcome.lineage.keys()].some((id) => outcome.project.manifest.get(id).resourceType === 'snapshot') ? 'models and snapshots' : 'models';
  const where = relative(process.cwd(), outcome.indexPath) || outcome.indexPath;
  process.stdout.write(
    `Wrote target/manifest.json, target/catalog.json, target/lineage.json and the docs site ${where} ` +
      `(column lineage for ${analysed} of ${outcome.lineage.size} ${kinds}) in ${((Date.now() - started) / 1000).toFixed(2)}s.\n`,
  );
  for (const [id, model] of outcome.lineage) {
    if (model.status === 'model-level') process.stdout.write(`  ${outcome.project.manifest.get(id).name}: model-level lineage only (${model.reason})\n`);
  }
}

/** Registers `docs generate` and `docs serve`. */
export function registerDocs(program: Command): void {
  const docs = program.command('docs').description('static documentation site with model and column lineage');
  withSelectFlags(docs.command('generate').description('write manifest.json, catalog.json, lineage.json and the site in target/docs'))
    .option('--no-data', 'no data previews or column profiles in the site')
    .action(runDocsGenerate);
  withCommonFlags(docs.command('serve').description('serve the generated site over HTTP'))
    .option('--port <port>', 'port to listen on', port, 8080)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .action(async (flags: CliFlags & { port: number; host: string }) => {
      const { serveDocs } = await import('../../api/docs.js');
      const server = await serveDocs({ ...toApiOptions(flags), port: flags.port, host: flags.host });
      process.stdout.write(`Serving the docs at ${server.url} (Ctrl-C to stop)\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => void server.close().then(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
