import type { Command } from 'commander';
import { cliReporter, withCommonFlags, type CliFlags } from '../options.js';

/** Registers `parse`: validates the project, writes target/manifest.json and target/perf_info.json. */
export function registerParse(program: Command): void {
  withCommonFlags(program.command('parse').description('parse and validate the project; write target/manifest.json and target/perf_info.json')).action(async (flags: CliFlags) => {
    const reporter = cliReporter(flags);
    const { parse } = await import('../../api/parse.js');
    const { foundLine } = await import('../../reporter/terminal.js');
    const { project, perf } = parse({ projectDir: flags.projectDir, target: flags.target, profilesDir: flags.profilesDir, vars: flags.vars, partialParse: flags.partialParse, versionCheck: flags.versionCheck, reporter });
    if (flags.quiet) return;
    process.stdout.write(`${foundLine(project.manifest.nodes.values())}\n`);
    process.stdout.write(`Parsed ${perf.path_count} files in ${perf.load_all_elapsed.toFixed(2)}s; wrote target/manifest.json and target/perf_info.json\n`);
  });
}
