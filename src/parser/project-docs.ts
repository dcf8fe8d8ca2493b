import { relative } from 'node:path';
import type { ProjectConfig } from '../config/project-config.js';
import { DopsError } from '../errors.js';
import type { Manifest } from '../manifest/manifest.js';
import type { PackageProject } from '../project/package-projects.js';
import { rawProjectFile } from '../project/packages.js';
import type { ProjectFile, ProjectFiles } from '../project/files.js';
import { docsJson, findDocBlocks, readDocFiles, resolveDocCalls, type DocBlock } from './docs-blocks.js';
import { linkExtraResources, readExtraResources, type ExtraResource } from './exposures.js';
import type { ParseResult } from './parse-project.js';

/**
 * The `.md` files dbt reads docs blocks from: under `docs-paths` when the project file sets it
 * (https://docs.getdbt.com/reference/project-configs/docs-paths), else under every resource path
 * (the ones discovery read, plus `analysis-paths`).
 */
function docFiles(config: ProjectConfig, files: ProjectFiles, displayPrefix: string): ProjectFile[] {
  const raw = rawProjectFile(config.projectDir);
  if (Array.isArray(raw['docs-paths'])) return readDocFiles(config.projectDir, raw['docs-paths'].map(String), displayPrefix);
  const analyses = Array.isArray(raw['analysis-paths']) ? raw['analysis-paths'].map(String) : ['analyses'];
  const read = files.docs ?? readDocFiles(config.projectDir, [...config.modelPaths, ...config.seedPaths, ...config.testPaths, ...config.macroPaths, ...(config.snapshotPaths ?? [])], displayPrefix);
  const known = new Set(read.map((file) => file.path));
  return [...read, ...readDocFiles(config.projectDir, analyses, displayPrefix).filter((file) => !known.has(file.path))];
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
  collect(() => blocks.push(...findDocBlocks(docFiles(config, files, ''), config.name)));
  const extra = readExtraResources(files.properties, config.name);
  resources.push(...extra.resources);
  parsed.errors.push(...extra.errors);
  for (const pkg of packages) {
    const prefix = `${relative(config.projectDir, pkg.config.projectDir).replaceAll('\\', '/')}/`;
    collect(() => blocks.push(...findDocBlocks(docFiles(pkg.config, pkg.files, prefix), pkg.config.name)));
    const own = readExtraResources(pkg.files.properties, pkg.config.name);
    resources.push(...own.resources);
    parsed.errors.push(...own.errors);
  }
  parsed.errors.push(...resolveDocCalls(parsed.nodes, blocks, [...files.properties, ...packages.flatMap((pkg) => pkg.files.properties)]));
  return (manifest) => {
    const linked = linkExtraResources(resources, manifest);
    Object.assign(manifest.extra, linked.json, { docs: docsJson(blocks) });
    manifest.extraRefs.push(...linked.refs);
    return linked.errors;
  };
}
