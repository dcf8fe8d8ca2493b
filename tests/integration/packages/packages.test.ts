import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { build, list } from '../../../src/api/commands.js';
import { cleanProject, installPackages } from '../../../src/project/packages.js';
import { caught, makeProject, makeTempDir, query, removeProjects, resultFor, writeFile } from '../helpers.js';

afterAll(removeProjects);

/** A package with its own models, seed, macro, vars and tests (https://docs.getdbt.com/docs/build/packages). */
function writePackage(dir: string): void {
  writeFile(dir, 'dbt_project.yml', `name: my_pkg
version: '1.0'
vars:
  pkg_greeting: hello
  pkg_factor: 2
models:
  my_pkg:
    +materialized: view
`);
  writeFile(dir, 'models/pkg_model.sql', "select '{{ var(\"pkg_greeting\") }}' as greeting, {{ var('pkg_factor') }} * {{ pkg_double(21) }} as answer, * from {{ ref('pkg_seed') }}\n");
  writeFile(dir, 'models/schema.yml', 'version: 2\nmodels:\n  - name: pkg_model\n    columns:\n      - name: greeting\n        data_tests: [not_null]\n');
  writeFile(dir, 'seeds/pkg_seed.csv', 'id\n1\n2\n');
  writeFile(dir, 'macros/pkg_double.sql', '{% macro pkg_double(x) %}({{ x }} * 2){% endmacro %}\n');
}

describe('packages (https://docs.getdbt.com/docs/build/packages)', () => {
  it('installs a local package and builds its models, seeds and tests under the package name', async () => {
    const pkg = makeTempDir();
    writePackage(pkg);
    const dir = makeProject({
      'dops_project.yml': `name: proj
vars:
  my_pkg:
    pkg_greeting: bonjour
models:
  my_pkg:
    +materialized: table
`,
      'packages.yml': `packages:\n  - local: ${pkg}\n`,
      // ref('package', 'model'): https://docs.getdbt.com/reference/dbt-jinja-functions/ref
      'models/root_model.sql': "select answer, {{ my_pkg.pkg_double(5) }} as ten, {{ my_pkg.pkg_double(1) }} as two from {{ ref('my_pkg', 'pkg_model') }}\n",
    });
    const installed = installPackages(dir);
    expect(installed.map((p) => p.name)).toEqual(['my_pkg']);
    // dbt links local packages into packages-install-path (https://docs.getdbt.com/reference/commands/deps).
    expect(lstatSync(join(dir, 'dbt_packages', 'my_pkg')).isSymbolicLink()).toBe(true);
    const lock = parse(readFileSync(join(dir, 'package-lock.yml'), 'utf8'));
    expect(lock.packages).toEqual([{ local: pkg, name: 'my_pkg' }]);
    expect(lock.sha1_hash).toMatch(/^[0-9a-f]{40}$/);

    const ids = list({ projectDir: dir }).map((node) => node.uniqueId);
    expect(ids).toEqual(expect.arrayContaining(['model.my_pkg.pkg_model', 'seed.my_pkg.pkg_seed', 'model.proj.root_model']));
    expect(ids.some((id) => id.startsWith('test.my_pkg.not_null_pkg_model_greeting'))).toBe(true);

    const outcome = await build({ projectDir: dir });
    expect(outcome.success).toBe(true);
    expect(resultFor(outcome, 'pkg_model').message).toBe('created table'); // root's `my_pkg:` config wins over the package's own
    // Package vars: the root's `my_pkg:` scope overrides the package's own default (https://docs.getdbt.com/docs/build/project-variables).
    expect(await query(dir, 'select greeting, answer from main.pkg_model order by id')).toEqual([{ greeting: 'bonjour', answer: 84 }, { greeting: 'bonjour', answer: 84 }]);
    expect(await query(dir, 'select ten, two from main.root_model limit 1')).toEqual([{ ten: 10, two: 2 }]);
  });

  it('installs a git package at a revision and subdirectory, offline from a file:// URL, and pins the commit in the lock', async () => {
    const repo = makeTempDir();
    writePackage(join(repo, 'sub'));
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: repo, encoding: 'utf8' }).trim();
    git('init', '--quiet');
    git('add', '.');
    git('commit', '--quiet', '-m', 'v1');
    git('tag', 'v1.0.0');
    const commit = git('rev-parse', 'HEAD');
    writeFile(repo, 'sub/models/later.sql', 'select 1 as x\n');
    git('add', '.');
    git('commit', '--quiet', '-m', 'later');
    const dir = makeProject({ 'packages.yml': `packages:\n  - git: "file://${repo}"\n    revision: v1.0.0\n    subdirectory: sub\n` });
    installPackages(dir);
    expect(existsSync(join(dir, 'dbt_packages', 'my_pkg', 'models', 'pkg_model.sql'))).toBe(true);
    expect(existsSync(join(dir, 'dbt_packages', 'my_pkg', 'models', 'later.sql'))).toBe(false);
    expect(parse(readFileSync(join(dir, 'package-lock.yml'), 'utf8')).packages[0]).toMatchObject({ revision: commit, subdirectory: 'sub', name: 'my_pkg' });
  });

  it('resolves hub ids from a local package index, and names the package and how to vendor it otherwise', async () => {
    const index = makeTempDir();
    writePackage(join(index, 'my-pkg'));
    writeFile(index, 'index.yml', 'packages:\n  - hub: acme/my_pkg\n    aliases: [old/my_pkg]\n    name: my_pkg\n    version: 1.2.0\n    path: my-pkg\n');
    const dir = makeProject({ 'packages.yml': 'packages:\n  - package: old/my_pkg\n    version: [">=1.0.0", "<2.0.0"]\n' });
    installPackages(dir, { packageIndex: index });
    expect(parse(readFileSync(join(dir, 'package-lock.yml'), 'utf8')).packages).toEqual([{ package: 'old/my_pkg', version: '1.2.0', name: 'my_pkg' }]);
    const missing = await caught(() => installPackages(dir));
    expect(missing.message).toContain("Package 'old/my_pkg' is a hub package");
    expect(missing.hint).toContain('--package-index');
    expect(missing.location).toEqual({ file: 'packages.yml', line: 2 });
    writeFile(dir, 'packages.yml', 'packages:\n  - package: acme/my_pkg\n    version: ">=2.0.0"\n');
    expect((await caught(() => installPackages(dir, { packageIndex: index }))).message).toContain('the index has 1.2.0');
  });

  it('dops clean removes the clean-targets (https://docs.getdbt.com/reference/project-configs/clean-targets)', () => {
    const dir = makeProject({ 'target/x.json': '{}', 'dbt_packages/p/dbt_project.yml': 'name: p\n', 'logs/a.log': '' });
    expect(cleanProject(dir).sort()).toEqual(['dbt_packages', 'target']);
    expect(existsSync(join(dir, 'logs'))).toBe(true);
    writeFile(dir, 'dops_project.yml', 'name: proj\nclean-targets: [logs]\n');
    expect(cleanProject(dir)).toEqual(['logs']);
  });

  // The real packages vendored in /work/shared/dbt-packages: their integration projects install
  // with `dops deps` (their local `../` package plus hub packages from the index).
  const shared = '/work/shared/dbt-packages';
  it.skipIf(!existsSync(shared))('installs the integration_tests projects of the vendored dbt packages', () => {
    const expected: Record<string, string[]> = {
      'dbt-utils': ['dbt_utils'],
      'dbt-date': ['dbt_date'],
      'dbt-expectations': ['dbt_date', 'dbt_expectations'],
      'dbt-codegen': ['codegen', 'dbt_utils'],
      'dbt-audit-helper': ['audit_helper', 'dbt_utils'],
    };
    const root = makeTempDir();
    for (const [folder, names] of Object.entries(expected)) {
      cpSync(join(shared, folder), join(root, folder), { recursive: true });
      const installed = installPackages(join(root, folder, 'integration_tests'), { packageIndex: shared });
      expect(installed.map((p) => p.name).sort()).toEqual(names);
      for (const name of names) expect(existsSync(join(root, folder, 'integration_tests', 'dbt_packages', name, 'dbt_project.yml'))).toBe(true);
    }
  });
});
