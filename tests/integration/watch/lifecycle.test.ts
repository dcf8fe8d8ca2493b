/**
 * Starting and stopping watch mode: the database lock, `build --watch` with selectors, a project
 * that is broken when the watcher starts, a cycle, and Ctrl-C in the middle of a rebuild.
 */
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileDops, DopsProcess, makeProject, query, removeProjects, runResults, startWatch, writeProjectFile } from './watch-helpers.js';

const SMALL = {
  'dops_project.yml': 'name: small\n',
  'models/a.sql': 'select 1 as id\n',
  'models/b.sql': "select id from {{ ref('a') }}\n",
  'models/other.sql': 'select 2 as id\n',
};

describe('watch mode lifecycle', () => {
  beforeAll(async () => {
    await compileDops();
  });
  afterAll(() => removeProjects());

  it('refuses to start when another dops holds the database, and says so (exit 2)', async () => {
    const dir = makeProject(SMALL);
    const first = startWatch(dir);
    try {
      await first.summary(0);
      const second = startWatch(dir);
      expect(await second.exited).toBe(2);
      expect(second.stderr).toMatch(/Error: The database dops\.duckdb is in use by another process/);
      expect(second.stderr).toContain('DuckDB allows one writer at a time');
      expect(second.stdout).not.toContain('[watch] watching');
    } finally {
      expect(await first.stop('SIGTERM')).toBe(0);
    }
  });

  it('exits 2 for a bad selector before watching', async () => {
    const dir = makeProject(SMALL);
    const watch = startWatch(dir, ['-s', 'nosuchmethod:x']);
    expect(await watch.exited).toBe(2);
    expect(watch.stderr).toContain("Unknown selector method 'nosuchmethod'");
  });

  it('build --watch builds and rebuilds only the selection', async () => {
    const dir = makeProject(SMALL);
    const watch = new DopsProcess(['build', '--watch', '--project-dir', dir, '-s', 'a+']);
    try {
      expect(await watch.summary(0)).toMatch(/initial build: rebuilt 2 nodes, tests 0 passed 0 failed/);
      expect(Object.keys(runResults(dir)).sort()).toEqual(['model.small.a', 'model.small.b']);
      writeProjectFile(dir, 'models/other.sql', 'select 3 as id\n');
      expect(await watch.summary(1)).toMatch(/models\/other\.sql changed: nothing to rebuild in \d+ ms$/);
      writeProjectFile(dir, 'models/a.sql', 'select 10 as id\n');
      expect(await watch.summary(2)).toMatch(/models\/a\.sql changed: rebuilt 2 nodes/);
    } finally {
      expect(await watch.stop('SIGTERM')).toBe(0);
    }
    expect(await query(dir, 'select id from main.b')).toEqual([{ id: 10 }]);
    expect(await query(dir, "select count(*) as n from information_schema.tables where table_name = 'other'")).toEqual([{ n: 0 }]);
  });

  it('keeps watching when the project is broken at start, and builds everything once it is fixed', async () => {
    const dir = makeProject({ ...SMALL, 'models/b.sql': "select id from {{ ref('aa') }}\n" });
    const watch = startWatch(dir);
    try {
      expect(await watch.summary(0)).toMatch(/initial build: project error, nothing rebuilt/);
      expect(watch.stderr).toContain("Model 'b' depends on 'aa', which was not found");
      expect(watch.stderr).toContain("Did you mean 'a'");
      writeProjectFile(dir, 'models/b.sql', "select id from {{ ref('a') }}\n");
      expect(await watch.summary(1)).toMatch(/models\/b\.sql changed: rebuilt 3 nodes/);
    } finally {
      expect(await watch.stop()).toBe(0);
    }
  });

  it('reports a cycle and recovers when it is broken', async () => {
    const dir = makeProject(SMALL);
    const watch = startWatch(dir);
    try {
      await watch.summary(0);
      writeProjectFile(dir, 'models/a.sql', "select id from {{ ref('b') }}\n");
      expect(await watch.summary(1)).toMatch(/models\/a\.sql changed: project error/);
      expect(watch.stderr).toMatch(/Found a cycle: (a -> b -> a|b -> a -> b)/);
      writeProjectFile(dir, 'models/a.sql', 'select 5 as id\n');
      expect(await watch.summary(2)).toMatch(/models\/a\.sql changed: rebuilt 2 nodes/);
    } finally {
      expect(await watch.stop()).toBe(0);
    }
  });

  it('renaming a model drops its old relation and builds the new one', async () => {
    const dir = makeProject(SMALL);
    const watch = startWatch(dir);
    try {
      await watch.summary(0);
      renameSync(join(dir, 'models/other.sql'), join(dir, 'models/other_renamed.sql'));
      const line = await watch.summary(1);
      expect(line).toContain('models/other.sql deleted');
      expect(line).toContain('models/other_renamed.sql added');
      expect(line).toMatch(/: dropped main\.other; rebuilt 1 node, tests 0 passed 0 failed in \d+ ms$/);
      expect(watch.stdout).toContain('[watch] dropped main.other (models/other.sql no longer defines model other)');
    } finally {
      expect(await watch.stop()).toBe(0);
    }
    expect(await query(dir, "select table_name from information_schema.tables where table_name like 'other%'")).toEqual([{ table_name: 'other_renamed' }]);
  });

  it('on Ctrl-C mid-rebuild lets the running node finish, skips the rest, closes DuckDB and exits 0', async () => {
    const dir = makeProject({
      'dops_project.yml': 'name: slow\nmodels:\n  +materialized: table\n',
      'models/slow.sql': 'select sum(i) as total, 1 as version from range(60000000) t(i)\n',
      'models/after_slow.sql': "select total, version from {{ ref('slow') }}\n",
    });
    const watch = startWatch(dir);
    await watch.summary(0);
    writeProjectFile(dir, 'models/slow.sql', 'select sum(i) as total, 2 as version from range(60000000) t(i)\n');
    await watch.until(() => watch.stdout.includes('models/slow.sql changed, rebuilding'), 'the rebuild to start');
    expect(await watch.stop('SIGINT')).toBe(0);
    expect(watch.stdout).toContain('[watch] stopped');
    // each relation is whole: the old or the new version, never a half-built table
    const slow = await query(dir, 'select version from main.slow');
    expect(slow).toHaveLength(1);
    expect(await query(dir, 'select count(*) as n from main.after_slow')).toEqual([{ n: 1 }]);
    expect(await query(dir, "select count(*) as n from information_schema.tables where table_name like '%__dops_tmp'")).toEqual([{ n: 0 }]);
  });
});
