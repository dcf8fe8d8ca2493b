/**
 * Real headless Chromium for browser tests: Debian's `chromium` package driven by playwright-core
 * (no browser download). `.ci/run` installs the package when it is missing.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Where browser tests leave screenshots of the site, to look at as a person would: $DOPS_SCREENSHOTS, else <tmpdir>/dops-docs-screenshots. */
export const SCREENSHOTS = process.env.DOPS_SCREENSHOTS ?? join(tmpdir(), 'dops-docs-screenshots');

/** Where Debian's chromium package installs the browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Starts headless Chromium with the flags a sandbox-less CI machine needs. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
}

/**
 * Opens a page that may load only local files: every http(s) request is aborted and recorded, and
 * script errors are collected.
 */
export async function offlinePage(browser: Browser): Promise<{ page: Page; remoteRequests: string[]; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const remoteRequests: string[] = [];
  const errors: string[] = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    remoteRequests.push(url);
    return route.abort();
  });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  return { page, remoteRequests, errors };
}
