import { relative } from 'node:path';
import type { ProjectConfig } from '../config/project-config.js';
import { DopsError } from '../errors.js';
import type { Manifest } from '../manifest/manifest.js';
import type { PackageProject } from '../project/package-projects.js';
import { rawProjectFile } from '../project/packages.js';
import type { ProjectFiles } from '../project/files.js';
import { docsJson, findDocBlocks, resolveDocCalls, type DocBlock } from './docs-blocks.js';
import { linkExtraResources, readExtraResources, type ExtraResource } from './exposures.js';
import type { ParseResult } from './parse-project.js';

/**
 * The folders dbt reads docs blocks from: `docs-paths`, else every resource path
 * (https://docs.getdbt.com/reference/project-configs/docs-paths).
 */
export function docsPaths(config: ProjectConfig): string[] {
  const raw = rawProjectFile(config.projectDir)['docs-paths'];
  if (Array.isArray(raw)) return raw.map(String);
  const analyses = rawProjectFile(config.projectDir)['analysis-paths'];
  return [...config.modelPaths, ...config.seedPaths, ...config.testPaths, ...config.macroPaths, ...(config.snapshotPaths ?? []), ...(Array.isArray(analyses) ? analyses.map(String) : ['analyses'])];
}

/**
 * Docs blocks and the resources dops parses but does not run (exposures, groups, semantic models,
 * metrics, saved queries), for the root project and its packages: resolves `doc()` in the parsed
 * nodes' descriptions (in place; unknown names become errors in `parsed`) and returns a function
 * that, once the manifest is linked, resolves their refs and records them on it.
 */
export function parseDocsAndResources(config: ProjectConfig, files: ProjectFiles, packages: PackageProject[], parsed: ParseResult): (manifest: Manifest) => DopsError[] {
  const blocks: DocBlock[] = [];
  const resources: ExtraResource[] = [];
  const collect = (fn: () => void) => {
    try {
      fn();
    } catch (error) {
      if (error instanceof DopsError) parsed.errors.push(error);
      else throw error;
    }
  };
  collect(() => blocks.push(...findDocBlocks(config.projectDir, docsPaths(config), config.name)));
  const extra = readExtraResources(files.properties, config.name);
  resources.push(...extra.resources);
  parsed.errors.push(...extra.errors);
  for (const pkg of packages) {
    const prefix = `${relative(config.projectDir, pkg.config.projectDir).replaceAll('\\', '/')}/`;
    collect(() => blocks.push(...findDocBlocks(pkg.config.projectDir, docsPaths(pkg.config), pkg.config.name, prefix)));
    const own = readExtraResources(pkg.files.properties, pkg.config.name);
    resources.push(...own.resources);
    parsed.errors.push(...own.errors);
  }
  parsed.errors.push(...resolveDocCalls(parsed.nodes, blocks, [...files.properties, ...packages.flatMap((pkg) => pkg.files.properties)]));
  return (manifest) => {
    const linked = linkExtraResources(resources, manifest);
    Object.assign(manifest.extra, linked.json, { docs: docsJson(blocks) });
    return linked.errors;
  };
}
