import type { Manifest } from '../manifest/manifest.js';
import { isSqlNode, type MacroInfo } from '../manifest/nodes.js';
import { checksum } from '../project/files.js';
import type { TemplateSource } from './engine.js';
import { testBlocksToMacros } from './test-blocks.js';

const MACRO_BLOCK = /\{%-?\s*macro\s+([A-Za-z_]\w*)\s*\([\s\S]*?%\}[\s\S]*?\{%-?\s*endmacro\s*-?%\}/g;

/** Package name of the macros dops ships (the built-in generic tests). */
export const BUILTIN_PACKAGE = 'dops';

/**
 * Splits macro files into one entry per `{% macro %}` (and `{% test %}`) block, with the block's
 * text and its checksum, so a change to one macro is told apart from a change to its neighbours.
 * @param sources macro files (built-in ones have a path starting with `<`)
 */
export function collectMacros(sources: TemplateSource[], projectName: string): MacroInfo[] {
  const macros: MacroInfo[] = [];
  for (const source of sources) {
    const packageName = source.path.startsWith('<') ? BUILTIN_PACKAGE : projectName;
    for (const match of testBlocksToMacros(source.contents).matchAll(MACRO_BLOCK)) {
      macros.push({ uniqueId: `macro.${packageName}.${match[1]}`, name: match[1], packageName, originalFilePath: source.path, macroSql: match[0], checksum: checksum(match[0]) });
    }
  }
  return macros;
}

function callsOf(sql: string, macros: MacroInfo[]): MacroInfo[] {
  return macros.filter((macro) => new RegExp(`\\b${macro.name}\\s*\\(`).test(sql));
}

/**
 * The macros a template calls, directly or through other macros (dbt's `depends_on.macros`), found
 * by scanning for `name(` calls.
 * @returns macro unique ids, sorted
 */
export function macroDependencies(sql: string, macros: MacroInfo[]): string[] {
  const found = new Map<string, MacroInfo>();
  const pending = callsOf(sql, macros);
  while (pending.length) {
    const macro = pending.pop()!;
    if (found.has(macro.uniqueId)) continue;
    found.set(macro.uniqueId, macro);
    pending.push(...callsOf(macro.macroSql, macros));
  }
  return [...found.keys()].sort();
}

/**
 * Records the project's macros on the manifest and each model's and test's `dependsOn.macros`
 * (in place, once after linking), so manifest.json can tell what a macro edit touches.
 */
export function recordMacroUsage(manifest: Manifest, macros: MacroInfo[]): void {
  for (const macro of macros) manifest.macros.set(macro.uniqueId, macro);
  for (const node of manifest.nodes.values()) {
    if (isSqlNode(node)) node.dependsOn.macros = macroDependencies(node.rawSql, macros);
  }
}
