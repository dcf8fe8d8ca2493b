import type { Command } from 'commander';

/** Registers `init [dir]`: copies the starter project. */
export function registerInit(program: Command): void {
  program
    .command('init')
    .description('create a starter project that builds at once')
    .argument('[dir]', 'directory to create', 'my_project')
    .action(async (dir: string) => {
      const { init } = await import('../../api/commands.js');
      const created = init(dir);
      process.stdout.write(`Created a dops project in ${created}\nNext: cd ${dir} && dops build\n(No dops command? From the dops checkout run \`npm link\`, or use \`npx dops build\`.)\n`);
    });
}
