import type { PackageProject } from '../project/package-projects.js';
import { parseProject, type ParseInput, type ParseResult } from './parse-project.js';

/**
 * Parses each package's files with the root's engine (macros of every package registered) and its
 * own vars, and adds their nodes, errors and warnings to the root project's parse result.
 * @param rootResult the root project's parse result (returned, extended)
 * @param rootInput what the root project was parsed with
 */
export function parsePackages(rootResult: ParseResult, rootInput: ParseInput, packages: PackageProject[]): ParseResult {
  for (const pkg of packages) {
    const global = { ...rootInput.global, vars: pkg.vars, currentPackage: pkg.config.name };
    const result = parseProject({ ...rootInput, project: pkg.config, files: pkg.files, global });
    rootResult.nodes.push(...result.nodes);
    rootResult.errors.push(...result.errors);
    rootResult.warnings.push(...result.warnings);
  }
  return rootResult;
}
