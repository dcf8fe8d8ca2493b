import type { Command } from 'commander';
import { colorsFor } from '../../reporter/terminal.js';
import { EXIT } from '../exit.js';
import { cliReporter, withCommonFlags, type CliFlags } from '../options.js';

const TITLES = { versions: 'Versions', configuration: 'Configuration', connection: 'Connection' } as const;

/** Registers `debug`: checks the setup, each check OK or ERROR with its fix; exit 1 on any error. */
export function registerDebug(program: Command): void {
  withCommonFlags(program.command('debug').description('check the project file, profiles, target, database connection and versions')).action(async (flags: CliFlags) => {
    cliReporter(flags);
    const { debug } = await import('../../api/debug.js');
    const { checks, ok } = await debug({ projectDir: flags.projectDir, target: flags.target, profilesDir: flags.profilesDir, versionCheck: flags.versionCheck });
    const c = colorsFor(process.stdout);
    let section = '';
    const lines: string[] = [];
    for (const check of checks) {
      if (check.section !== section) {
        section = check.section;
        lines.push(`${lines.length ? '\n' : ''}${TITLES[check.section]}:`);
      }
      lines.push(`  ${check.name}: ${check.ok ? c.green('[OK]') : c.red('[ERROR]')} ${check.detail}`);
      if (!check.ok && check.fix) lines.push(`    fix: ${check.fix}`);
    }
    const failed = checks.filter((check) => !check.ok).length;
    lines.push('', ok ? c.green('All checks passed!') : c.red(`${failed} check${failed === 1 ? '' : 's'} failed.`));
    process.stdout.write(`${lines.join('\n')}\n`);
    process.exitCode = ok ? EXIT.ok : EXIT.nodeFailed;
  });
}
