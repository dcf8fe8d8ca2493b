import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { profileSearchPaths, resolveTarget, type Target } from '../config/profiles.js';
import { loadProjectConfig, PROJECT_FILES, varsFor, type ProjectConfig } from '../config/project-config.js';
import { renderConfigTrees } from '../config/render-project.js';
import { parseCliVars } from '../config/vars.js';
import { engineInfo } from '../adapter/registry.js';
import { ConfigError, throwIfAny } from '../errors.js';
import { validateMaterializations } from '../materializations/registry.js';
import { validateContracts } from '../materializations/contract.js';
import type { ModelNode } from '../manifest/nodes.js';
import { Dag } from '../graph/dag.js';
import { Manifest } from '../manifest/manifest.js';
import { parseProject, type ParseInput, type ParseResult } from '../parser/parse-project.js';
import { linkUnitTests } from '../parser/unit-tests.js';
import { PartialParseEngine, partialParseEngine } from '../parser/partial-parse.js';
import { discoverProjectFiles, type ProjectFiles } from '../project/files.js';
import { loadPackageProjects } from '../project/package-projects.js';
import { packagesInstallPath } from '../project/packages.js';
import { parsePackages } from '../parser/parse-packages.js';
import { parseDocsAndResources } from '../parser/project-docs.js';
import { takeFingerprint, type Fingerprint } from '../project/fingerprint.js';
import { SELECTORS_FILE } from '../graph/selectors-file.js';
import { BUILTIN_TESTS } from '../templating/builtin-tests.js';
import { builtinMacroSources } from '../templating/builtin-macros.js';
import { attachTemplateOutput } from '../templating/context.js';
import { collectMacros, recordMacroUsage } from '../templating/macro-deps.js';
import type { GlobalContext } from '../templating/context.js';
import { TemplateEngine, type TemplateSource } from '../templating/engine.js';
import { Compiler } from '../compiler/compiler.js';
import { COMPILE_CACHE_FILE, CompileCache } from '../compiler/compile-cache.js';
import type { CommonOptions } from './options.js';

/** A parsed, linked and validated project: everything a command needs before it touches the database. */
export interface LoadedProject {
  config: ProjectConfig;
  target: Target;
  manifest: Manifest;
  dag: Dag;
  engine: TemplateEngine;
  global: GlobalContext;
  /** Non-fatal parse notes. */
  warnings: string[];
  /**
   * Every input the load read (project file, profiles.yml candidates, selectors.yml, the project's
   * files and folders), stamped before reading; paths relative to the project dir or absolute.
   * Incomplete (no project files) when a {@link LoadHooks.discoverFiles} hook gave no fingerprint.
   */
  inputs: Fingerprint;
  /**
   * A compiler writing to this project's target dir, reusing `target/compile_cache.json` unless
   * partial parsing is off (call its `saveCache()` when done).
   */
  compiler(): Compiler;
}

/**
 * Lets a long-lived caller (watch mode) reuse work between loads. Each hook defaults to doing the
 * work afresh.
 */
export interface LoadHooks {
  /** Finds and reads the project's files (default: {@link discoverProjectFiles}). */
  discoverFiles?(config: ProjectConfig): ProjectFiles;
  /** The template engine for these macro files (default: a new {@link TemplateEngine}). */
  createEngine?(macroSources: TemplateSource[], global: GlobalContext): TemplateEngine;
  /** Parses the files into nodes (default: {@link parseProject}); linking and validation follow as usual. */
  parse?(input: ParseInput): ParseResult;
}

const PATH_KEYS = [['model-paths', 'modelPaths'], ['seed-paths', 'seedPaths'], ['test-paths', 'testPaths'], ['macro-paths', 'macroPaths'], ['snapshot-paths', 'snapshotPaths']] as const;

/**
 * One warning per folder the project file names under a `*-paths` key that does not exist, with
 * the key's line: otherwise its models silently vanish and the first error blames something else.
 */
export function missingPathWarnings(config: ProjectConfig): string[] {
  let lines: string[] | undefined;
  const warnings: string[] = [];
  for (const [key, field] of PATH_KEYS) {
    for (const path of config[field] ?? []) {
      // dbt's default folders (models, seeds, tests, macros, snapshots) are often listed and absent: no warning.
      if (path.replace(/\/+$/, '') === key.replace('-paths', 's') || existsSync(join(config.projectDir, path))) continue;
      lines ??= (() => {
        try {
          return readFileSync(join(config.projectDir, config.projectFile ?? 'dops_project.yml'), 'utf8').split('\n');
        } catch {
          return [];
        }
      })();
      const line = lines.findIndex((text) => text.trimStart().startsWith(`${key}:`));
      if (line < 0) continue; // a default path (models/, macros/...) that the project does not use
      warnings.push(`${config.projectFile ?? 'dops_project.yml'}:${line + 1}: ${key}: the folder '${path}' does not exist`);
    }
  }
  return warnings;
}

/**
 * Reads and validates a project: project file, target, files, templates, nodes, refs, cycles.
 * Every problem across all files is collected and thrown together.
 * @throws DopsError (or DopsErrorGroup) for config, YAML, template, ref and cycle problems
 */
export function loadProject(options: CommonOptions, hooks: LoadHooks = {}): LoadedProject {
  const projectDir = resolve(options.projectDir ?? process.cwd());
  // The packages folder too: `dops deps` replaces it, so a compile stamp must not outlive it.
  const configFiles = [...PROJECT_FILES, SELECTORS_FILE, ...profileSearchPaths(projectDir, options.profilesDir), packagesInstallPath(projectDir)];
  const configStamps = takeFingerprint(projectDir, configFiles, Date.now());
  const rawConfig = loadProjectConfig(options.projectDir ?? process.cwd());
  const target = resolveTarget(rawConfig, options.target, options.profilesDir);
  const cliVars = typeof options.vars === 'string' ? parseCliVars(options.vars) : options.vars ?? {};
  const vars = { ...varsFor(rawConfig.vars, rawConfig.name), ...cliVars };
  const config = renderConfigTrees(rawConfig, { vars, target });
  const global: GlobalContext = { projectName: config.name, target, vars };
  if (config.dispatch?.length) global.dispatch = config.dispatch.map((entry) => ({ macro_namespace: entry.macroNamespace, search_order: entry.searchOrder }));
  const files = hooks.discoverFiles ? hooks.discoverFiles(config) : discoverProjectFiles(config);
  const reporter = options.reporter;
  if (reporter) attachTemplateOutput(global, { info: (text) => reporter.log?.(text), warn: (text) => reporter.warnings?.([text]) });
  const packages = loadPackageProjects(config, cliVars);
  if (packages.length) global.packageVars = Object.fromEntries(packages.map((pkg) => [pkg.config.name, pkg.vars]));
  const packageMacros = packages.flatMap((pkg) => pkg.files.macros.map((file) => ({ ...file, package: pkg.config.name })));
  const macroSources = [BUILTIN_TESTS, ...builtinMacroSources(), ...files.macros, ...packageMacros];
  const engine = hooks.createEngine
    ? hooks.createEngine(macroSources, global)
    : options.partialParse === false ? new TemplateEngine(macroSources) : partialParseEngine(config, global, macroSources);
  const input: ParseInput = { project: config, files, engine, global, parseYaml: engine instanceof PartialParseEngine ? engine.yaml.parse : undefined };
  const parsed = parsePackages(hooks.parse ? hooks.parse(input) : parseProject(input), input, packages);
  if (engine instanceof PartialParseEngine) engine.save();
  const linkDocs = parseDocsAndResources(config, files, packages, parsed);
  throwIfAny(parsed.errors);
  const manifest = new Manifest(parsed.nodes, parsed.disabled);
  throwIfAny([...manifest.link(), ...linkUnitTests(manifest)]);
  throwIfAny(linkDocs(manifest));
  throwIfAny(validateMaterializations(manifest, target, engineInfo(target.type)!.capabilities));
  const contracts = validateContracts([...manifest.nodes.values()].filter((node): node is ModelNode => node.resourceType === 'model'), engineInfo(target.type)!.capabilities);
  throwIfAny(contracts.errors);
  recordMacroUsage(manifest, collectMacros(macroSources, config.name));
  const dag = Dag.fromManifest(manifest);
  const warnings = [...missingPathWarnings(config), ...(config.warnings ?? []), ...(target.warnings ?? []), ...parsed.warnings, ...contracts.warnings];
  if ((options as { warnError?: boolean }).warnError && warnings.length) {
    // dbt's --warn-error: a project warning stops the run like an error (nothing runs).
    throwIfAny(warnings.map((warning) => new ConfigError(`${warning} (--warn-error)`)));
  }
  options.reporter?.warnings?.(warnings);
  return {
    config,
    target,
    manifest,
    dag,
    engine,
    global,
    warnings,
    inputs: { ...configStamps, ...files.fingerprint, ...Object.assign({}, ...packages.map((pkg) => pkg.files.fingerprint)) },
    compiler: () => {
      const saved = options.partialParse === false ? undefined : new CompileCache(join(config.projectDir, config.targetPath, COMPILE_CACHE_FILE));
      return new Compiler(manifest, engine, global, config.projectDir, config.targetPath, saved);
    },
  };
}

/** Absolute path of a file in the project's target dir. */
export function targetFile(project: LoadedProject, name: string): string {
  return join(project.config.projectDir, project.config.targetPath, name);
}
