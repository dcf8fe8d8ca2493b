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
    const packageName = source.path.startsWith('<') ? BUILTIN_PACKAGE : source.package ?? projectName;
    for (const match of testBlocksToMacros(source.contents).matchAll(MACRO_BLOCK)) {
      macros.push({ uniqueId: `macro.${packageName}.${match[1]}`, name: match[1], packageName, originalFilePath: source.path, macroSql: match[0], checksum: checksum(match[0]) });
    }
  }
  return macros;
}

/**
 * Finds macro calls (`name(`) in SQL text: each word followed by `(` is looked up among the
 * macros' names, and each macro's reach is kept: a project compiles thousands of nodes against the
 * same few macros.
 */
class MacroCallScanner {
  private readonly byName = new Map<string, MacroInfo[]>();
  private readonly pattern: RegExp | undefined;
  /** Macro unique id -> every macro it reaches, itself included. */
  private readonly reach = new Map<string, MacroInfo[]>();

  constructor(macros: MacroInfo[]) {
    for (const macro of macros) this.byName.set(macro.name, [...(this.byName.get(macro.name) ?? []), macro]);
    // Any word followed by `(`, looked up by name: the same matches as an alternation of every
    // macro name between `\b` and `\s*\(` (a name matches only as a whole word there too), without
    // trying hundreds of alternatives at each position.
    this.pattern = this.byName.size ? /\b([A-Za-z_]\w*)\s*\(/g : undefined;
  }

  /** The macros `sql` calls directly. */
  callsOf(sql: string): MacroInfo[] {
    if (!this.pattern) return [];
    const found = new Set<MacroInfo>();
    for (const match of sql.matchAll(this.pattern)) for (const macro of this.byName.get(match[1]) ?? []) found.add(macro);
    return [...found];
  }

  /** Unique ids of the macros `sql` calls, directly or through other macros, sorted. */
  dependencies(sql: string): string[] {
    const found = new Set<string>();
    for (const macro of this.callsOf(sql)) for (const reached of this.reachOf(macro)) found.add(reached.uniqueId);
    return [...found].sort();
  }

  private reachOf(start: MacroInfo): MacroInfo[] {
    const known = this.reach.get(start.uniqueId);
    if (known) return known;
    const found = new Map<string, MacroInfo>();
    const pending = [start];
    while (pending.length) {
      const macro = pending.pop()!;
      if (found.has(macro.uniqueId)) continue;
      found.set(macro.uniqueId, macro);
      pending.push(...this.callsOf(macro.macroSql));
    }
    const reached = [...found.values()];
    this.reach.set(start.uniqueId, reached);
    return reached;
  }
}

/**
 * The macros a template calls, directly or through other macros (dbt's `depends_on.macros`), found
 * by scanning for `name(` calls.
 * @returns macro unique ids, sorted
 */
export function macroDependencies(sql: string, macros: MacroInfo[]): string[] {
  return new MacroCallScanner(macros).dependencies(sql);
}

/**
 * Records the project's macros on the manifest and each model's and test's `dependsOn.macros`
 * (in place, once after linking), so manifest.json can tell what a macro edit touches.
 */
export function recordMacroUsage(manifest: Manifest, macros: MacroInfo[]): void {
  for (const macro of macros) manifest.macros.set(macro.uniqueId, macro);
  const scanner = new MacroCallScanner(macros);
  for (const node of manifest.nodes.values()) {
    if (isSqlNode(node)) node.dependsOn.macros = scanner.dependencies(node.rawSql);
  }
}
