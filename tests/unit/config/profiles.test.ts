import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { profileSearchPaths, resolveTarget } from '../../../src/config/profiles.js';
import { ConfigError } from '../../../src/errors.js';
import { projectConfig, thrown } from '../helpers.js';

const dirs: string[] = [];
const ENV = 'DOPS_UNIT_TEST_DB_PATH';

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dops-'));
  dirs.push(dir);
  return dir;
}

/** A project dir holding profiles.yml (when given). */
function project(profilesYml?: string) {
  const dir = tempDir();
  if (profilesYml !== undefined) fs.writeFileSync(path.join(dir, 'profiles.yml'), profilesYml);
  return projectConfig({ projectDir: dir, databasePath: 'shop.duckdb' });
}

afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  delete process.env[ENV];
});

const PROFILES = [
  'shop:',
  '  target: dev',
  '  outputs:',
  '    dev:',
  '      type: duckdb',
  '      path: dev.duckdb',
  '    prod:',
  '      type: duckdb',
  '      path: prod.duckdb',
  '      schema: analytics',
  '      threads: 4',
].join('\n');

describe('profileSearchPaths', () => {
  // https://docs.getdbt.com/docs/core/connect-data-platform/connection-profiles#advanced-customizing-a-profile-directory
  it('looks in $DBT_PROFILES_DIR, the project dir, then ~/.dbt', () => {
    const saved = process.env.DBT_PROFILES_DIR;
    delete process.env.DBT_PROFILES_DIR;
    expect(profileSearchPaths('/p')).toEqual(['/p/profiles.yml', path.join(process.env.HOME || os.homedir(), '.dbt', 'profiles.yml')]);
    process.env.DBT_PROFILES_DIR = '/env';
    expect(profileSearchPaths('/p')).toEqual(['/env/profiles.yml', '/p/profiles.yml', path.join(process.env.HOME || os.homedir(), '.dbt', 'profiles.yml')]);
    if (saved === undefined) delete process.env.DBT_PROFILES_DIR;
    else process.env.DBT_PROFILES_DIR = saved;
  });

  it('uses only --profiles-dir when given', () => {
    expect(profileSearchPaths('/p', '/etc/dops')).toEqual(['/etc/dops/profiles.yml']);
  });
});

describe('resolveTarget', () => {
  it('without profiles.yml, returns a dev target on the project database path', () => {
    // --profiles-dir pointing at an empty dir keeps ~/.dops out of the test
    const config = project();
    expect(resolveTarget(config, undefined, tempDir())).toEqual({
      name: 'dev',
      type: 'duckdb',
      profileName: 'shop',
      path: 'shop.duckdb',
      database: 'shop',
      schema: 'main',
      threads: 1,
      warnings: [],
    });
    expect(resolveTarget(config, 'dev', tempDir()).name).toBe('dev');
  });

  it('without a profile, rejects any target but dev', () => {
    const error = thrown(() => resolveTarget(project(), 'prod', tempDir()));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe("Target 'prod' not found: no profile 'shop' in profiles.yml");
    expect(error.hint).toMatch(/^Define it under shop.outputs in profiles.yml \(looked in: .*profiles.yml\)\.$/);
  });

  it("uses the profile's default target from profiles.yml in the project dir", () => {
    const config = project(PROFILES);
    expect(resolveTarget(config)).toMatchObject({ name: 'dev', type: 'duckdb', profileName: 'shop', path: 'dev.duckdb', database: 'dev', schema: 'main', threads: 1, warnings: [] });
  });

  it('picks --target prod', () => {
    const config = project(PROFILES);
    expect(resolveTarget(config, 'prod')).toMatchObject({ name: 'prod', type: 'duckdb', profileName: 'shop', path: 'prod.duckdb', schema: 'analytics', threads: 4 });
  });

  it('reads profiles.yml from --profiles-dir', () => {
    const config = project();
    const profilesDir = tempDir();
    fs.writeFileSync(path.join(profilesDir, 'profiles.yml'), PROFILES);
    expect(resolveTarget(config, 'prod', profilesDir).path).toBe('prod.duckdb');
  });

  it('falls back to the project database path when the output has no path', () => {
    const config = project('shop:\n  outputs:\n    dev:\n      type: duckdb\n');
    expect(resolveTarget(config).path).toBe('shop.duckdb');
  });

  it('renders env_var() in values', () => {
    process.env[ENV] = 'from_env.duckdb';
    const config = project(`shop:\n  outputs:\n    dev:\n      path: "{{ env_var('${ENV}') }}"\n      schema: "{{ env_var('DOPS_UNIT_TEST_UNSET_SCHEMA', 'fallback') }}"\n`);
    const resolved = resolveTarget(config);
    expect(resolved.path).toBe('from_env.duckdb');
    expect(resolved.schema).toBe('fallback');
  });

  it('reports an unset env var as a ConfigError on profiles.yml', () => {
    const config = project(`shop:\n  outputs:\n    dev:\n      path: "{{ env_var('${ENV}') }}"\n`);
    const error = thrown(() => resolveTarget(config));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(`Cannot render '{{ env_var('${ENV}') }}': Env var required but not provided: '${ENV}'`);
    expect(error.location).toEqual({ file: path.join(config.projectDir, 'profiles.yml'), line: 4 });
  });

  it('reports a template error in a value with nunjucks\' reason', () => {
    const config = project(`shop:\n  outputs:\n    dev:\n      path: "{{ nope() }}"\n`);
    const error = thrown(() => resolveTarget(config));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/^Cannot render '\{\{ nope\(\) \}\}': .*Unable to call `nope`, which is undefined or falsey$/);
    expect(error.location).toEqual({ file: path.join(config.projectDir, 'profiles.yml'), line: 4 });
  });

  it('lists the available targets for an unknown one', () => {
    const config = project(PROFILES);
    const error = thrown(() => resolveTarget(config, 'staging'));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe("Target 'staging' not found in profile 'shop'");
    expect(error.hint).toBe('Available targets: dev, prod');
    expect(error.location).toEqual({ file: path.join(config.projectDir, 'profiles.yml'), line: 3 });
  });

  it('rejects a type no adapter handles, naming the ones that exist', () => {
    const config = project('shop:\n  target: sf\n  outputs:\n    sf:\n      type: snowflake\n      account: x\n');
    const error = thrown(() => resolveTarget(config));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe("Target 'sf' has type 'snowflake', which dops does not support");
    expect(error.hint).toBe('Use one of: duckdb, postgres.');
  });

  // https://docs.getdbt.com/docs/core/connect-data-platform/postgres-setup (the output keys)
  it('reads a postgres output with dbt-postgres keys; the password stays out of the visible fields', () => {
    process.env.DOPS_TEST_PG_PASSWORD = 's3cret';
    const config = project("shop:\n  target: pg\n  outputs:\n    pg:\n      type: postgres\n      host: db.local\n      port: 5433\n      user: etl\n      password: \"{{ env_var('DOPS_TEST_PG_PASSWORD') }}\"\n      dbname: warehouse\n      schema: analytics\n      threads: 4\n      sslmode: require\n      search_path: analytics,public\n");
    const target = resolveTarget(config);
    // target.database is the dbname, as dbt-postgres' (dbt_utils reads {{ target.database }}.information_schema).
    expect(target).toMatchObject({ name: 'pg', type: 'postgres', schema: 'analytics', threads: 4, database: 'warehouse' });
    expect(target.credentials).toMatchObject({ host: 'db.local', port: 5433, user: 'etl', password: 's3cret', dbname: 'warehouse', sslmode: 'require' });
    expect(JSON.stringify({ ...target, credentials: undefined })).not.toContain('s3cret');
  });

  it('names the missing or unknown key of a postgres output', () => {
    expect(thrown(() => resolveTarget(project('shop:\n  outputs:\n    dev:\n      type: postgres\n      user: a\n      dbname: b\n'))).message).toBe("Target 'dev' (postgres): 'host' is required");
    expect(thrown(() => resolveTarget(project('shop:\n  outputs:\n    dev:\n      type: postgres\n      host: h\n      user: a\n      dbname: b\n      hots: x\n'))).message).toBe("Target 'dev' (postgres): unknown key 'hots'");
  });

  it('rejects a threads value that is not a positive whole number, with its line', () => {
    for (const value of ['0', '2.5', 'lots']) {
      const error = thrown(() => resolveTarget(project(`shop:\n  outputs:\n    dev:\n      threads: ${value}\n`)));
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toBe(`'threads' must be a positive whole number, got '${value}'`);
      expect(error.location?.line).toBe(4);
    }
  });

  it('looks up the profile named by the project, not the project name', () => {
    const config = { ...project(PROFILES.replace('shop:', 'warehouse:')), profile: 'warehouse' };
    expect(resolveTarget(config, 'prod')).toMatchObject({ name: 'prod', profileName: 'warehouse', schema: 'analytics' });
  });
});
