import DOMPurify from 'dompurify';
import { marked } from 'marked';
import { h } from './dom.js';

marked.setOptions({ gfm: true, breaks: false, async: false });

// Links in descriptions open outside the site; the site's own `#!/` links stay in the tab.
DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A' && !(node.getAttribute('href') ?? '').startsWith('#')) {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  }
});

const rendered = new Map<string, string>();

/**
 * Markdown (GitHub flavour, via marked) to sanitized HTML (DOMPurify: no script, no event
 * handler attribute, no `javascript:` URL survives), cached by text.
 */
export function markdownHtml(text: string): string {
  let html = rendered.get(text);
  if (html === undefined) {
    html = DOMPurify.sanitize(marked.parse(text) as string, { USE_PROFILES: { html: true }, FORBID_TAGS: ['style', 'form', 'input', 'button', 'iframe'] });
    rendered.set(text, html);
  }
  return html;
}

/** A description rendered as markdown in a `div.markdown`; `empty` when there is no text. */
export function markdown(text: string | undefined, attrs: Record<string, string> = {}, empty?: string): HTMLElement {
  if (!text?.trim()) return h('div', { ...attrs, class: `markdown ${attrs.class ?? ''}` }, empty ? h('span', { class: 'muted' }, empty) : null);
  const element = h('div', { ...attrs, class: `markdown ${attrs.class ?? ''}` });
  element.innerHTML = markdownHtml(text);
  return element;
}
