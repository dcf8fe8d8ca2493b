import { ColumnLineageIndex } from './column-lineage.js';
import type { SiteData } from './data.js';
import { h, nodeHref } from './dom.js';
import { parseGraphState, renderGraphView } from './graph-view.js';
import { renderNodePage } from './node-page.js';
import { renderOverview } from './overview.js';
import { renderSidebar } from './sidebar.js';
import { SiteIndex, type SearchHit } from './site-index.js';

declare global {
  interface Window {
    /** Set by data.js, written by `dops docs generate`. */
    __DOPS__: SiteData;
  }
}

const index = new SiteIndex(window.__DOPS__);
const columns = new ColumnLineageIndex(index);

const FIELD_NAMES: Record<string, string> = { name: 'name', label: 'name', tags: 'tags', columns: 'column', description: 'description', sql: 'SQL' };

/**
 * The header's search: full text over names, descriptions, columns, tags and SQL, ranked. Arrow
 * keys move through the results, Enter opens one, Escape closes the list; it closes after any
 * navigation.
 */
function searchBox(): HTMLElement {
  const results = h('ul', { class: 'search-results', 'data-testid': 'search-results', role: 'listbox', hidden: true });
  let hits: SearchHit[] = [];
  let active = -1;
  const close = (): void => {
    hits = [];
    active = -1;
    results.replaceChildren();
    results.hidden = true;
  };
  const setActive = (i: number): void => {
    active = hits.length ? (i + hits.length) % hits.length : -1;
    [...results.children].forEach((li, n) => {
      li.classList.toggle('active', n === active);
      li.setAttribute('aria-selected', String(n === active));
      if (n === active) (li as HTMLElement).scrollIntoView({ block: 'nearest' });
    });
  };
  const input = h('input', {
    type: 'search',
    placeholder: 'Search names, descriptions, columns, SQL',
    'aria-label': 'Search',
    'data-testid': 'search',
    autocomplete: 'off',
    onfocus: () => void index.warm().then(() => input.dispatchEvent(new Event('input'))),
    oninput: () => {
      if (!(input as HTMLInputElement).value.trim()) return close();
      hits = index.searchHits((input as HTMLInputElement).value, 30);
      active = -1;
      results.hidden = hits.length === 0;
      results.replaceChildren(
        ...hits.map(({ node, fields }) => {
          const where = [...new Set(fields.map((f) => FIELD_NAMES[f] ?? f))].filter((f) => f !== 'name');
          return h('li', { role: 'option', 'data-id': node.id }, h('a', { href: nodeHref(node.id), onclick: () => ((input as HTMLInputElement).value = '', close()) }, node.label), where.length ? h('span', { class: 'muted where' }, `in ${where.join(', ')}`) : null, h('span', { class: `chip type-${node.type}` }, node.type));
        }),
      );
    },
    onkeydown: (event) => {
      const key = (event as KeyboardEvent).key;
      if (key === 'ArrowDown' || key === 'ArrowUp') {
        event.preventDefault();
        setActive(active + (key === 'ArrowDown' ? 1 : -1));
      } else if (key === 'Enter') {
        const hit = hits[Math.max(active, 0)];
        if (!hit) return;
        (input as HTMLInputElement).value = '';
        close();
        location.hash = nodeHref(hit.node.id);
      } else if (key === 'Escape') {
        (input as HTMLInputElement).value = '';
        close();
      }
    },
  });
  window.addEventListener('hashchange', close);
  document.addEventListener('click', (e) => {
    if (!(e.target as Element).closest?.('.search')) close();
  });
  return h('div', { class: 'search' }, input, results);
}

function shell(): { main: HTMLElement; sidebar: ReturnType<typeof renderSidebar> } {
  const main = h('main', { id: 'main' });
  const sidebar = renderSidebar(index);
  const nav = h('nav', {}, h('a', { href: '#!/overview' }, 'Overview'), h('a', { href: '#!/graph', 'data-testid': 'nav-graph' }, 'Lineage graph'));
  document.body.replaceChildren(h('header', {}, h('h1', {}, 'dops docs: ', index.data.project), nav, searchBox()), h('div', { class: 'layout' }, sidebar.element, main));
  return { main, sidebar };
}

/** Routes: `#!/overview`, `#!/graph[?focus=id&up=N&down=N]`, `#!/node/<id>[?column=name]`. */
function route(main: HTMLElement, sidebar: ReturnType<typeof renderSidebar>): void {
  const [rawPath, query = ''] = (location.hash.replace(/^#!?/, '') || '/overview').split('?');
  const path = decodeURIComponent(rawPath);
  let page: HTMLElement;
  const params = new URLSearchParams(query);
  const nodeId = path.startsWith('/node/') ? path.slice('/node/'.length) : undefined;
  if (nodeId) page = renderNodePage(index, columns, nodeId, params.get('column') ?? undefined, Number(params.get('levels')) || undefined);
  else if (path === '/graph') page = renderGraphView(index, parseGraphState(query));
  else page = renderOverview(index);
  main.replaceChildren(page);
  if (!params.get('column')) main.scrollTop = 0;
  sidebar.markCurrent(nodeId);
  document.body.dataset.route = path;
}

const { main, sidebar } = shell();
window.addEventListener('hashchange', () => route(main, sidebar));
route(main, sidebar);
// Build the full-text index once the first page is drawn, in chunks that keep the page responsive.
// Then the downstream index of column lineage, so the first column opened does not build it.
setTimeout(() => void index.warm().then(() => setTimeout(() => columns.warm(), 0)), 50);
