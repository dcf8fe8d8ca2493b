import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { globSync } from 'tinyglobby';
import { DopsError, ParseError } from '../errors.js';
import type { ColumnInfo, ManifestNode } from '../manifest/nodes.js';
import type { ProjectFile } from '../project/files.js';

/**
 * dbt's docs blocks: `{% docs name %}...{% enddocs %}` in `.md` files under the docs paths, used in
 * descriptions as `{{ doc('name') }}` (https://docs.getdbt.com/docs/build/documentation#using-docs-blocks,
 * https://docs.getdbt.com/reference/dbt-jinja-functions/doc). `__overview__` is the docs site's front page.
 */

/** One `{% docs %}` block (manifest.json's `docs` entries). */
export interface DocBlock {
  /** `doc.<package>.<name>`. */
  uniqueId: string;
  name: string;
  packageName: string;
  /** Relative to the root project. */
  originalFilePath: string;
  /** The block's text, trimmed as dbt does. */
  blockContents: string;
}

const BLOCK = /\{%-?\s*docs\s+([A-Za-z_][\w]*)\s*-?%\}([\s\S]*?)\{%-?\s*enddocs\s*-?%\}/g;
const DOC_CALL = /\{\{-?\s*doc\(\s*(['"])([^'"]+)\1\s*(?:,\s*(['"])([^'"]+)\3\s*)?\)\s*-?\}\}/g;

/**
 * Finds the docs blocks in `.md` files under the given folders (walks them: for `docs-paths` other
 * than the resource paths, whose files the project's discovery already read).
 * @param baseDir folder the paths are relative to (the project or package dir)
 * @param displayPrefix prefix of the shown paths ('' for the root project, `dbt_packages/<name>/` for a package)
 */
export function readDocFiles(baseDir: string, roots: string[], displayPrefix = ''): ProjectFile[] {
  const paths = [...new Set(globSync([...new Set(roots)].map((root) => `${root}/**/*.md`), { cwd: baseDir }))].sort();
  return paths.map((path) => {
    const contents = readFileSync(join(baseDir, path), 'utf8');
    return { path: `${displayPrefix}${path}`, absolutePath: join(baseDir, path), root: '', contents, checksum: '' };
  });
}

/**
 * The docs blocks of a package's (or the root project's) `.md` files.
 * @throws ParseError when a name is defined twice in one package
 */
export function findDocBlocks(files: ProjectFile[], packageName: string): DocBlock[] {
  const blocks: DocBlock[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    const text = file.contents;
    for (const match of text.matchAll(BLOCK)) {
      const shown = file.path;
      const other = seen.get(match[1]);
      if (other) {
        const line = text.slice(0, match.index).split('\n').length;
        throw new ParseError(`Docs block '${match[1]}' is defined twice: in ${other} and ${shown}`, { location: { file: shown, line } });
      }
      seen.set(match[1], shown);
      blocks.push({ uniqueId: `doc.${packageName}.${match[1]}`, name: match[1], packageName, originalFilePath: shown, blockContents: match[2].trim() });
    }
  }
  return blocks;
}

/** Where `doc('name')` is first written in the property files (for the error), or undefined. */
function callSite(name: string, files: ProjectFile[]): { file: string; line?: number } | undefined {
  const pattern = new RegExp(`doc\\(\\s*['"](?:[^'"]+['"]\\s*,\\s*['"])?${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}['"]`);
  for (const file of files) {
    const index = file.contents.search(pattern);
    if (index >= 0) return { file: file.path, line: file.contents.slice(0, index).split('\n').length };
  }
  return undefined;
}

/**
 * Replaces `{{ doc('name') }}` / `{{ doc('package', 'name') }}` in the descriptions of nodes and their
 * columns with the blocks' text (in place), as dbt does at parse time. A bare name looks in the
 * node's own package first, then in any package.
 * @param propertyFiles searched for the line of an unknown doc() call
 * @returns one error per unknown doc name, with the file and line of the call
 */
export function resolveDocCalls(nodes: ManifestNode[], blocks: DocBlock[], propertyFiles: ProjectFile[]): DopsError[] {
  const errors: DopsError[] = [];
  const reported = new Set<string>();
  const render = (text: string, node: ManifestNode): string => {
    if (!text.includes('doc(')) return text;
    return text.replace(DOC_CALL, (call, _q1, first: string, _q2, second: string | undefined) => {
      const [pkg, name] = second === undefined ? [undefined, first] : [first, second];
      const block = pkg !== undefined
        ? blocks.find((b) => b.packageName === pkg && b.name === name)
        : blocks.find((b) => b.packageName === node.packageName && b.name === name) ?? blocks.find((b) => b.name === name);
      if (block) return block.blockContents;
      if (!reported.has(name)) {
        reported.add(name);
        const location = callSite(name, propertyFiles) ?? { file: node.originalFilePath };
        errors.push(new ParseError(`Documentation for '${node.name}' refers to doc('${name}'), which is not defined in any docs block`, { location, hint: "Define it in a .md file: {% docs " + name + " %}...{% enddocs %}" }));
      }
      return call;
    });
  };
  for (const node of nodes) {
    node.description = render(node.description, node);
    const columns = (node as { columns?: Record<string, ColumnInfo> }).columns;
    for (const column of Object.values(columns ?? {})) column.description = render(column.description, node);
  }
  return errors;
}

/** manifest.json's `docs` map. */
export function docsJson(blocks: DocBlock[]): Record<string, Record<string, unknown>> {
  return Object.fromEntries(blocks.map((b) => [b.uniqueId, { unique_id: b.uniqueId, name: b.name, resource_type: 'doc', package_name: b.packageName, path: b.originalFilePath, original_file_path: b.originalFilePath, block_contents: b.blockContents }]));
}
