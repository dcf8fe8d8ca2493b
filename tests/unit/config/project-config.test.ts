import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadProjectConfig } from '../../../src/config/project-config.js';
import { ConfigError, ParseError } from '../../../src/errors.js';
import { thrown } from '../helpers.js';

const dirs: string[] = [];

function projectDir(projectYml?: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dops-'));
  dirs.push(dir);
  if (projectYml !== undefined) fs.writeFileSync(path.join(dir, 'dops_project.yml'), projectYml);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('loadProjectConfig', () => {
  it('fills defaults for a minimal project file', () => {
    const dir = projectDir('name: shop\n');
    // defaults: https://docs.getdbt.com/reference/dbt_project.yml
    expect(loadProjectConfig(dir)).toMatchObject({
      projectDir: dir,
      projectFile: 'dops_project.yml',
      name: 'shop',
      version: '1.0',
      profile: 'shop',
      profileNamed: false,
      modelPaths: ['models'],
      seedPaths: ['seeds'],
      testPaths: ['tests'],
      macroPaths: ['macros'],
      snapshotPaths: ['snapshots'],
      analysisPaths: ['analyses'],
      cleanTargets: ['target'],
      packagesInstallPath: 'dbt_packages',
      lakePath: 'lake',
      targetPath: 'target',
      databasePath: 'dops.duckdb',
      vars: {},
      folderConfig: { models: {}, seeds: {}, tests: {}, snapshots: {}, sources: {} },
      warnings: [],
    });
  });

  it('reads kebab-case keys, vars and folder config trees', () => {
    const dir = projectDir(
      [
        'name: shop',
        'version: 2',
        'profile: warehouse',
        'model-paths: [transform, marts]',
        'seed-paths: data',
        'test-paths: [checks]',
        'macro-paths: [lib]',
        'target-path: out',
        'database-path: ":memory:"',
        'vars:',
        '  start_date: "2001-01-01"',
        'models:',
        '  shop:',
        '    +materialized: table',
        'seeds:',
        '  +schema: raw',
      ].join('\n'),
    );
    const config = loadProjectConfig(dir);
    expect(config.version).toBe('2');
    expect(config.profile).toBe('warehouse');
    expect(config.modelPaths).toEqual(['transform', 'marts']);
    expect(config.seedPaths).toEqual(['data']);
    expect(config.testPaths).toEqual(['checks']);
    expect(config.macroPaths).toEqual(['lib']);
    expect(config.targetPath).toBe('out');
    expect(config.databasePath).toBe(':memory:');
    expect(config.vars).toEqual({ start_date: '2001-01-01' });
    expect(config.folderConfig).toMatchObject({ models: { shop: { '+materialized': 'table' } }, seeds: { '+schema': 'raw' }, tests: {}, snapshots: {} });
  });

  it('resolves a relative project dir to an absolute one', () => {
    const dir = projectDir('name: shop\n');
    const relative = path.relative(process.cwd(), dir);
    expect(loadProjectConfig(relative).projectDir).toBe(dir);
  });

  it('raises ConfigError with a hint when the project file is missing', () => {
    const dir = projectDir();
    const error = thrown(() => loadProjectConfig(dir));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(`No dbt_project.yml found in ${dir}`);
    expect(error.hint).toBe('Run dops inside a project, pass --project-dir, or create one with `dops init`.');
  });

  it.each([
    ['a missing name', 'version: 1\n'],
    ['a name starting with a digit', 'name: 1shop\n'],
    ['a name with a dash', 'name: my-shop\n'],
  ])('rejects %s', (_label, yml) => {
    const error = thrown(() => loadProjectConfig(projectDir(yml)));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe("'name' is required: letters, digits and underscores, not starting with a digit");
    expect(error.location).toMatchObject({ file: 'dops_project.yml' });
  });

  it('rejects a project file that is not a mapping', () => {
    const error = thrown(() => loadProjectConfig(projectDir('- name: shop\n')));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe('The project file must be a mapping');
  });

  it('rejects wrongly shaped keys', () => {
    expect(thrown(() => loadProjectConfig(projectDir('name: shop\nmodel-paths: {a: 1}\n'))).message).toBe("'model-paths' must be a list of paths");
    expect(thrown(() => loadProjectConfig(projectDir('name: shop\nvars: [1]\n'))).message).toBe("'vars' must be a mapping");
    expect(thrown(() => loadProjectConfig(projectDir('name: shop\nmodels: [a]\n'))).message).toBe("'models' must be a mapping");
    expect(thrown(() => loadProjectConfig(projectDir('name: shop\ntarget-path: [a]\n'))).message).toBe("'target-path' must be a string");
  });

  it('reports malformed YAML as a ParseError on the project file', () => {
    const error = thrown(() => loadProjectConfig(projectDir('name: shop\nname: again\n')));
    expect(error).toBeInstanceOf(ParseError);
    expect(error.message).toBe('Malformed YAML: Map keys must be unique');
    expect(error.location).toEqual({ file: 'dops_project.yml', line: 2, column: 1 });
  });
});
