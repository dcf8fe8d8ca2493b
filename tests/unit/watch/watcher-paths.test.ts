import { describe, expect, it } from 'vitest';
import { isWatchedDir, isWatchedFile, type WatchLayout } from '../../../src/watch/watcher.js';

const layout: WatchLayout = { roots: ['models', 'seeds', 'tests', 'macros', 'src/more/models'], files: ['dops_project.yml', 'profiles.yml'], skip: ['target'] };

describe('watched paths', () => {
  it('follows project files under the resource paths, the project file and profiles.yml', () => {
    for (const path of ['models/a.sql', 'models/staging/_schema.yml', 'models/x.yaml', 'seeds/raw.csv', 'tests/t.sql', 'macros/m.sql', 'src/more/models/b.sql', 'dops_project.yml', 'profiles.yml']) {
      expect(isWatchedFile(path, layout), path).toBe(true);
    }
  });

  it('ignores other files, editor droppings, hidden folders and the target path', () => {
    for (const path of ['README.md', 'dops.duckdb', 'dops.duckdb.wal', 'models/.a.sql.swp', 'models/a.sql~', 'models/4913', 'models/.cache/a.sql', 'target/compiled/a.sql', 'node_modules/x/models/a.sql', 'other/a.sql']) {
      expect(isWatchedFile(path, layout), path).toBe(false);
    }
  });

  it('descends only into folders that are, hold or lie inside a resource path', () => {
    expect(isWatchedDir('', layout)).toBe(true);
    expect(isWatchedDir('models', layout)).toBe(true);
    expect(isWatchedDir('models/staging', layout)).toBe(true);
    expect(isWatchedDir('src', layout)).toBe(true);
    expect(isWatchedDir('src/more', layout)).toBe(true);
    expect(isWatchedDir('src/other', layout)).toBe(false);
    expect(isWatchedDir('node_modules', layout)).toBe(false);
    expect(isWatchedDir('target', layout)).toBe(false);
    expect(isWatchedDir('.git', layout)).toBe(false);
  });
});
