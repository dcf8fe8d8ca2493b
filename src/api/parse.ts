import { discoverProjectFiles } from '../project/files.js';
import { parseProject } from '../parser/parse-project.js';
import type { CommonOptions } from './options.js';
import type { LoadedProject } from './project.js';
import { OTHER_COMMANDS } from '../session/commands.js';
import { Session } from '../session/session.js';

/** `target/perf_info.json`, with dbt's key names (seconds). */
export interface PerfInfo {
  path_count: number;
  is_partial_parse_enabled: boolean;
  read_files_elapsed: number;
  parse_project_elapsed: number;
  load_all_elapsed: number;
  write_manifest_elapsed: number;
  node_count: number;
}

/**
 * `dops parse` (docs.getdbt.com/reference/commands/parse): reads and validates the project,
 * writes `target/manifest.json`, and times the stages into `target/perf_info.json`.
 * @throws DopsError (or a group) for every project problem found
 */
export function parse(options: CommonOptions = {}): { project: LoadedProject; perf: PerfInfo } {
  const seconds = (ms: number) => Math.round(ms) / 1000;
  let readMs = 0;
  let parseMs = 0;
  let pathCount = 0;
  const started = performance.now();
  const session = Session.load(options, {
    discoverFiles: (config) => {
      const t = performance.now();
      const files = discoverProjectFiles(config);
      readMs = performance.now() - t;
      pathCount = files.models.length + files.properties.length + files.seeds.length + files.tests.length + files.macros.length + (files.snapshots?.length ?? 0);
      return files;
    },
    parse: (input) => {
      const t = performance.now();
      const result = parseProject(input);
      parseMs = performance.now() - t;
      return result;
    },
  });
  const { project } = session;
  const loaded = performance.now();
  session.write(OTHER_COMMANDS.parse, { manifest: {} });
  const written = performance.now();
  const perf: PerfInfo = {
    path_count: pathCount,
    is_partial_parse_enabled: options.partialParse !== false,
    read_files_elapsed: seconds(readMs),
    parse_project_elapsed: seconds(parseMs),
    load_all_elapsed: seconds(loaded - started),
    write_manifest_elapsed: seconds(written - loaded),
    node_count: project.manifest.nodes.size,
  };
  session.write(OTHER_COMMANDS.parse, { perfInfo: { ...perf } });
  return { project, perf };
}
