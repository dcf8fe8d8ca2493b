import type { IndirectSelection } from '../graph/selector.js';
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
  /**
   * Reuse parse results kept in `target/partial_parse.json` for unchanged files (default true;
   * `--no-partial-parse` turns it off, as in dbt).
   */
  partialParse?: boolean;
}

/** Options of commands that pick nodes. */
export interface SelectOptions extends CommonOptions {
  /** dbt-style selector expressions (`-s`). */
  select?: string[];
  /** Selector expressions to leave out (`--exclude`). */
  exclude?: string[];
  /** Resource types left out of the selection (dbt's `--exclude-resource-type`, e.g. `unit_test`). */
  excludeResourceTypes?: string[];
  /** Worker threads (default: the target's `threads`). */
  threads?: number;
  /** A selector named in `selectors.yml` (`--selector`), used instead of `select`. */
  selector?: string;
  /** Which tests join the selection through the nodes they test (default `eager`, as in dbt). */
  indirectSelection?: IndirectSelection;
  /** Folder with an earlier run's manifest.json (`--state`), for `state:` selectors and `defer`. */
  state?: string;
  /** Refs to unselected nodes read the state target's relations (`--defer`; needs `state`). */
  defer?: boolean;
  /** Stop at the first failure and skip the nodes not yet started (`--fail-fast`). */
  failFast?: boolean;
  /** Treat warnings (warn-severity test failures) as failures (`--warn-error`). */
  warnError?: boolean;
  /** Write a JUnit XML report of the run to this path (`--junit`), relative to the current directory. */
  junit?: string;
  /** Rebuild incremental models (and external files) from scratch (`--full-refresh`); a model's `full_refresh` config wins. */
  fullRefresh?: boolean;
  /**
   * `--empty`: every ref and source reads zero rows (`(select * from x where false limit 0)`), so a
   * build checks SQL and schemas without moving data (docs.getdbt.com/reference/commands/build).
   */
  empty?: boolean;
  /** `--favor-state`: with `defer`, refs to unselected nodes read the state relation even when this target has one. */
  favorState?: boolean;
}
