import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SiteData } from './app/data.js';
import { appBundle } from './bundle.js';
import { SITE_CSS } from './styles.js';
import { makeFolder } from '../project/make-folder.js';
import { scrubSecrets } from '../config/secrets.js';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** JSON that is safe inside a script: `</script>` and U+2028/9 cannot end or break it. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/**
 * Writes the static site into `dir`: index.html (CSS inlined), app.js (the bundled app) and
 * data.js (`window.__DOPS__ = ...`). Plain script tags, no fetch: it works from file:// offline.
 * @returns the path of index.html
 */
export async function writeSite(dir: string, data: SiteData): Promise<string> {
  const bundle = await appBundle();
  makeFolder(dir, 'the docs site');
  writeFileSync(join(dir, 'data.js'), scrubSecrets(`window.__DOPS__ = ${scriptJson(data)};\n`));
  writeFileSync(join(dir, 'app.js'), bundle.js);
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(data.project)} · dops docs</title>
<style>${bundle.css}</style>
<style>${SITE_CSS}</style>
</head>
<body>
<noscript>The dops docs need JavaScript.</noscript>
<script src="data.js"></script>
<script src="app.js"></script>
</body>
</html>
`;
  const index = join(dir, 'index.html');
  writeFileSync(index, html);
  return index;
}
