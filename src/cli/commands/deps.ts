import type { Command } from 'commander';

/** Registers `deps` (install packages) and `clean` (remove clean-targets). */
export function registerDeps(program: Command): void {
  program
    .command('deps')
    .description('install the packages in packages.yml / dependencies.yml into dbt_packages/ and write package-lock.yml')
    .option('--project-dir <dir>', 'project directory (default: current directory)')
    .option('--package-index <dir>', 'folder with an index.yml resolving hub packages (default: $DOPS_PACKAGE_INDEX)')
    .option('--copy-local', 'copy local: packages instead of symlinking them')
    .option('--debug', 'show stack traces')
    .action(async (flags: { projectDir?: string; packageIndex?: string; copyLocal?: boolean }) => {
      const { installPackages, packagesInstallPath } = await import('../../project/packages.js');
      const dir = flags.projectDir ?? process.cwd();
      const installPath = packagesInstallPath(dir);
      const packages = installPackages(dir, { packageIndex: flags.packageIndex, installPath, copyLocal: flags.copyLocal });
      for (const pkg of packages) {
        const from = pkg.spec.package ? `${pkg.spec.package}@${pkg.version}` : pkg.spec.git ? `${pkg.spec.git}@${pkg.commit?.slice(0, 12)}` : pkg.spec.local;
        process.stdout.write(`Installed ${pkg.name} from ${from}\n`);
      }
      process.stdout.write(packages.length ? `Installed ${packages.length} package${packages.length === 1 ? '' : 's'} into ${installPath}/\n` : 'No packages to install\n');
    });
  program
    .command('clean')
    .description('remove the clean-targets (default: target/ and dbt_packages/)')
    .option('--project-dir <dir>', 'project directory (default: current directory)')
    .option('--debug', 'show stack traces')
    .action(async (flags: { projectDir?: string }) => {
      const { cleanProject } = await import('../../project/packages.js');
      const removed = cleanProject(flags.projectDir ?? process.cwd());
      process.stdout.write(removed.length ? removed.map((path) => `Removed ${path}\n`).join('') : 'Nothing to clean\n');
    });
}
