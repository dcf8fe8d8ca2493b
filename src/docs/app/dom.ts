/** Attributes of {@link h}: strings set as attributes, functions as `on<event>` listeners. */
export type Attrs = Record<string, string | number | boolean | undefined | ((event: Event) => void)>;

/** A child of {@link h}: a node, text (escaped by the DOM), or nothing. */
export type Child = Node | string | number | null | undefined | false;

/**
 * Creates an HTML element. Text children become text nodes, so data from the project is never
 * parsed as HTML.
 */
export function h(tag: string, attrs: Attrs = {}, ...children: (Child | Child[])[]): HTMLElement {
  const element = document.createElement(tag);
  setAttrs(element, attrs);
  append(element, children);
  return element;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Creates an SVG element (same rules as {@link h}). */
export function s(tag: string, attrs: Attrs = {}, ...children: (Child | Child[])[]): SVGElement {
  const element = document.createElementNS(SVG_NS, tag);
  setAttrs(element, attrs);
  append(element, children);
  return element;
}

function setAttrs(element: Element, attrs: Attrs): void {
  for (const [key, value] of Object.entries(attrs)) {
    if (typeof value === 'function') element.addEventListener(key.slice(2).toLowerCase(), value);
    else if (value !== undefined && value !== false) element.setAttribute(key, value === true ? '' : String(value));
  }
}

function append(element: Element, children: (Child | Child[])[]): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'number' ? String(child) : child);
  }
}

/** The link to a node's page. */
export function nodeHref(id: string): string {
  return `#!/node/${encodeURIComponent(id)}`;
}
