import type { Reporter } from '../reporter/reporter.js';

/** Options every command accepts (the common CLI flags). */
export interface CommonOptions {
  /** Project directory (default: current directory). */
  projectDir?: string;
  /** Target name from profiles.yml (default: the profile's default, or `dev`). */
  target?: string;
  /** Directory holding profiles.yml (default: project dir, then ~/.dops). */
  profilesDir?: string;
  /** Vars overriding the project's, as an object or `--vars` YAML/JSON text. */
  vars?: Record<string, unknown> | string;
  /** Receives progress events; nothing is printed without one. */
  reporter?: Reporter;
}

/** Options of commands that pick nodes. */
export interface SelectOptions extends CommonOptions {
  /** dbt-style selector expressions (`-s`). */
  select?: string[];
  /** Selector expressions to leave out (`--exclude`). */
  exclude?: string[];
  /** Worker threads (default: the target's `threads`). */
  threads?: number;
  /** Rebuild incremental models (and external files) from scratch (`--full-refresh`); a model's `full_refresh` config wins. */
  fullRefresh?: boolean;
}
