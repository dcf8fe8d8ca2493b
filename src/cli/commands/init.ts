import type { Command } from 'commander';
import { init } from '../../api/commands.js';

/** Registers `init [dir]`: copies the starter project. */
export function registerInit(program: Command): void {
  program
    .command('init')
    .description('create a starter project that builds at once')
    .argument('[dir]', 'directory to create', 'my_project')
    .action((dir: string) => {
      const created = init(dir);
      process.stdout.write(`Created a dops project in ${created}\nNext: cd ${dir} && dops build\n`);
    });
}
