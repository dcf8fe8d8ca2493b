import type { SiteNode } from './data.js';
import { h, nodeHref } from './dom.js';
import type { SiteIndex } from './site-index.js';

interface Folder {
  folders: Map<string, Folder>;
  leaves: SiteNode[];
}

const emptyFolder = (): Folder => ({ folders: new Map(), leaves: [] });

function insert(root: Folder, path: string[], node: SiteNode): void {
  let folder = root;
  for (const part of path) {
    if (!folder.folders.has(part)) folder.folders.set(part, emptyFolder());
    folder = folder.folders.get(part)!;
  }
  folder.leaves.push(node);
}

function leaf(node: SiteNode): HTMLElement {
  const version = node.version === undefined ? '' : ` v${node.version}`;
  return h('li', {}, h('a', { href: nodeHref(node.id), class: `tree-leaf type-${node.type}`, 'data-id': node.id, title: `${node.type} ${node.label}${node.relation ? ` (${node.relation})` : ''}` }, `${node.label}${version}`));
}

function renderFolder(name: string, folder: Folder, open: boolean, testId?: string): HTMLElement {
  const folders = [...folder.folders.entries()].sort(([a], [b]) => a.localeCompare(b));
  const leaves = [...folder.leaves].sort((a, b) => a.label.localeCompare(b.label));
  return h(
    'details',
    { class: 'tree-folder', open, 'data-folder': name, 'data-testid': testId },
    h('summary', {}, name),
    h('ul', {}, ...folders.map(([child, sub]) => h('li', {}, renderFolder(child, sub, false))), ...leaves.map(leaf)),
  );
}

/** Models, seeds and snapshots by folder (their fqn, as dbt docs' Project tab), sources by source name. */
function projectTree(index: SiteIndex): HTMLElement[] {
  const { data } = index;
  const sources = emptyFolder();
  const byType = new Map<string, Folder>();
  for (const node of data.nodes) {
    if (node.type === 'source') {
      insert(sources, [node.label.split('.')[0]], node);
      continue;
    }
    const root = byType.get(node.type) ?? emptyFolder();
    byType.set(node.type, root);
    // fqn: project, folders..., name (a versioned model ends with its version).
    const folders = node.fqn.slice(1, -1).filter((f, i, all) => !(i === all.length - 1 && /^v\d/.test(f) && node.version !== undefined));
    insert(root, folders, node);
  }
  const sections: HTMLElement[] = [];
  if (sources.folders.size) sections.push(renderFolder('Sources', sources, true, 'tree-sources'));
  for (const type of ['model', 'seed', 'snapshot']) {
    const root = byType.get(type);
    if (root) sections.push(renderFolder(`${type[0].toUpperCase()}${type.slice(1)}s`, root, true, `tree-${type}s`));
  }
  return sections;
}

/** Relations by schema, as dbt docs' Database tab; sources read from files under "files". */
function databaseTree(index: SiteIndex): HTMLElement[] {
  const root = emptyFolder();
  for (const node of index.data.nodes) {
    if (node.materialized === 'ephemeral') continue;
    insert(root, [node.schema ?? (node.relation?.includes('/') ? 'files' : 'other')], node);
  }
  return [...root.folders.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([schema, folder]) => renderFolder(schema, folder, true, `schema-${schema}`));
}

/**
 * Unit tests by the model they test (a folder per model, `name vN` for a version). dbt docs keeps
 * them out of its Project tree (dbt-docs src/app/services/project_service.js `getModelTree` takes
 * no `unit_test`) and lists them on the model's page ("Referenced By", Unit Tests tab), as the
 * model pages here do; the sidebar lists them like exposures so each is one click away.
 */
function unitTestTree(index: SiteIndex): HTMLElement | undefined {
  const unitTests = index.data.pages.filter((p) => p.type === 'unit_test');
  if (!unitTests.length) return undefined;
  const root = emptyFolder();
  for (const test of unitTests) {
    const model = test.testOf ? index.byId.get(test.testOf) : undefined;
    insert(root, [model ? `${model.label}${model.version === undefined ? '' : ` v${model.version}`}` : 'other'], test);
  }
  return renderFolder('Unit tests', root, true, 'tree-unit-tests');
}

function extrasTree(index: SiteIndex): HTMLElement[] {
  const sections: HTMLElement[] = [];
  const exposures = index.data.pages.filter((p) => p.type === 'exposure');
  if (exposures.length) sections.push(renderFolder('Exposures', { folders: new Map(), leaves: exposures }, true, 'tree-exposures'));
  const unitTests = unitTestTree(index);
  if (unitTests) sections.push(unitTests);
  if (index.data.groups.length) {
    const groups = emptyFolder();
    for (const group of index.data.groups) {
      const folder = emptyFolder();
      folder.leaves = group.members.map((id) => index.byId.get(id)).filter((n): n is SiteNode => n !== undefined);
      groups.folders.set(group.name, folder);
    }
    sections.push(renderFolder('Groups', groups, true, 'tree-groups'));
  }
  return sections;
}

/**
 * The sidebar: a Project tab (sources, then models, seeds and snapshots by folder) and a Database
 * tab (relations by schema), then exposures, unit tests (by model) and groups when the project has them. Folders are
 * `<details>`, so they open with the keyboard too; the current page's entry is marked.
 */
export function renderSidebar(index: SiteIndex): { element: HTMLElement; markCurrent(id?: string): void } {
  const project = h('div', { class: 'tree', 'data-testid': 'tree-project' }, ...projectTree(index));
  const database = h('div', { class: 'tree', 'data-testid': 'tree-database', hidden: true }, ...databaseTree(index));
  const tab = (label: string, show: HTMLElement, hide: HTMLElement): HTMLElement =>
    h('button', {
      type: 'button',
      class: 'tab',
      'data-testid': `tab-${label.toLowerCase()}`,
      onclick: (e) => {
        show.hidden = false;
        hide.hidden = true;
        (e.currentTarget as HTMLElement).parentElement!.querySelectorAll('.tab').forEach((t) => t.classList.toggle('active', t === e.currentTarget));
      },
    }, label);
  const tabs = h('div', { class: 'tabs', role: 'tablist' }, tab('Project', project, database), tab('Database', database, project));
  (tabs.firstChild as HTMLElement).classList.add('active');
  const element = h('aside', { class: 'sidebar', 'data-testid': 'sidebar' }, h('a', { href: '#!/overview', class: 'home' }, 'Overview'), tabs, project, database, ...extrasTree(index));
  let current: HTMLElement[] = [];
  return {
    element,
    markCurrent(id?: string): void {
      current.forEach((a) => a.classList.remove('current'));
      current = id ? [...element.querySelectorAll<HTMLElement>(`a.tree-leaf[data-id="${CSS.escape(id)}"]`)] : [];
      for (const a of current) {
        a.classList.add('current');
        // Open the folders above it.
        for (let parent = a.parentElement; parent && parent !== element; parent = parent.parentElement) if (parent instanceof HTMLDetailsElement) parent.open = true;
      }
    },
  };
}
