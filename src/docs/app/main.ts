import { ColumnLineageIndex } from './column-lineage.js';
import type { SiteData } from './data.js';
import { h, nodeHref } from './dom.js';
import { parseGraphState, renderGraphView } from './graph-view.js';
import { renderNodePage } from './node-page.js';
import { renderOverview } from './overview.js';
import { SiteIndex } from './site-index.js';

declare global {
  interface Window {
    /** Set by data.js, written by `dops docs generate`. */
    __DOPS__: SiteData;
  }
}

const index = new SiteIndex(window.__DOPS__);
const columns = new ColumnLineageIndex(index);

function searchBox(): HTMLElement {
  const results = h('ul', { class: 'search-results', 'data-testid': 'search-results' });
  const input = h('input', {
    type: 'search',
    placeholder: `Search ${index.data.nodes.length} nodes`,
    'data-testid': 'search',
    oninput: () => {
      results.replaceChildren(...index.search((input as HTMLInputElement).value).map((n) => h('li', {}, h('a', { href: nodeHref(n.id), onclick: () => ((input as HTMLInputElement).value = '', results.replaceChildren()) }, n.label), h('span', { class: `chip type-${n.type}` }, n.type))));
    },
  });
  return h('div', { class: 'search' }, input, results);
}

function shell(): { main: HTMLElement } {
  const main = h('main', { id: 'main' });
  const nav = h('nav', {}, h('a', { href: '#!/overview' }, 'Overview'), h('a', { href: '#!/graph', 'data-testid': 'nav-graph' }, 'Lineage graph'));
  document.body.replaceChildren(h('header', {}, h('h1', {}, 'dops docs: ', index.data.project), nav, searchBox()), main);
  return { main };
}

/** Routes: `#!/overview`, `#!/graph[?focus=id&up=N&down=N]`, `#!/node/<id>[?column=name]`. */
function route(main: HTMLElement): void {
  const [rawPath, query = ''] = (location.hash.replace(/^#!?/, '') || '/overview').split('?');
  const path = decodeURIComponent(rawPath);
  let page: HTMLElement;
  const params = new URLSearchParams(query);
  if (path.startsWith('/node/')) page = renderNodePage(index, columns, path.slice('/node/'.length), params.get('column') ?? undefined, Number(params.get('levels')) || undefined);
  else if (path === '/graph') page = renderGraphView(index, parseGraphState(query));
  else page = renderOverview(index);
  main.replaceChildren(page);
  document.body.dataset.route = path;
}

const { main } = shell();
window.addEventListener('hashchange', () => route(main));
route(main);
