import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { globSync } from 'tinyglobby';
import { finalizeConfig } from '../config/node-config.js';
import { DopsError } from '../errors.js';
import type { ManifestNode } from '../manifest/nodes.js';
import { stampPath, type Fingerprint } from '../project/fingerprint.js';
import { rawProjectFile } from '../project/packages.js';
import { nodeName } from '../parser/naming.js';
import type { Compiler } from './compiler.js';

/** One compiled analysis: its name, source file and the compiled file written under target/. */
export interface CompiledAnalysis {
  uniqueId: string;
  name: string;
  /** Compiled file, relative to the project. */
  path: string;
  sql: string;
}

/**
 * Compiles the project's analyses (`.sql` files under `analysis-paths`, default `analyses`) to
 * `target/compiled/<project>/<path>`; they are never run
 * (https://docs.getdbt.com/docs/build/analyses). `ref()` and `source()` resolve to the relations
 * of the target, as in models.
 * @param inputs the load's fingerprint; the analysis files and folders are stamped into it before they are read
 * @param errors receives one error per analysis that fails to render (with its file and line)
 */
export function compileAnalyses(projectDir: string, projectName: string, targetPath: string, compiler: Compiler, inputs: Fingerprint, errors: DopsError[]): CompiledAnalysis[] {
  const raw = rawProjectFile(projectDir)['analysis-paths'];
  const roots = Array.isArray(raw) ? raw.map(String) : ['analyses'];
  const listedAt = Date.now();
  for (const root of roots) inputs[root] = stampPath(join(projectDir, root), listedAt);
  const entries = globSync(roots.map((root) => `${root}/**`), { cwd: projectDir, onlyFiles: false }).sort();
  const compiled: CompiledAnalysis[] = [];
  for (const entry of entries) {
    inputs[entry.replace(/\/$/, '')] = stampPath(join(projectDir, entry), listedAt);
    if (!entry.endsWith('.sql')) continue;
    const name = nodeName(entry);
    const standIn = { uniqueId: `analysis.${projectName}.${name}`, resourceType: 'model', name, packageName: projectName, originalFilePath: entry, fqn: [projectName, name], description: '', config: finalizeConfig({}, 'view') } as unknown as ManifestNode;
    try {
      const sql = compiler.renderHook(readFileSync(join(projectDir, entry), 'utf8'), entry, standIn);
      const path = join(targetPath, 'compiled', projectName, entry);
      mkdirSync(dirname(join(projectDir, path)), { recursive: true });
      writeFileSync(join(projectDir, path), `${sql}\n`);
      compiled.push({ uniqueId: standIn.uniqueId, name, path, sql });
    } catch (error) {
      if (!(error instanceof DopsError)) throw error;
      errors.push(error);
    }
  }
  return compiled;
}
