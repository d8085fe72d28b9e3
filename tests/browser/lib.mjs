// Shared helpers of the browser tests: the built site, headless Chromium, and one search.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));

/** The built site: $SITE_DIR, or public/ at the repository root. */
export const SITE = resolve(process.env.SITE_DIR || join(here, '..', '..', 'public'));

/** Chromium from the system (never downloaded): $CHROMIUM or /usr/bin/chromium. */
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run',
];

/**
 * Why the built site cannot be tested (tests skip then), or null. With REQUIRE_SITE set (as
 * tests/browser.rs does), a missing site is an error instead.
 */
export function siteMissing() {
  for (const f of ['ja/2021/index.html', 'en/2021/index.html', 'search/ja/2021/meta.js', 'search/en/2021/meta.js', 'search.js']) {
    if (!existsSync(join(SITE, f))) {
      const message = `${join(SITE, f)} is missing: build the site first (cargo run --release -- build)`;
      if (process.env.REQUIRE_SITE) throw new Error(message);
      return message;
    }
  }
  return null;
}

export async function launch() {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM)`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/** file:// URL of a path inside the site. */
export function fileUrl(path) {
  return pathToFileURL(join(SITE, path)).href;
}

/**
 * Opens a page and records script errors, dialogs, what its Content-Security-Policy blocked and
 * requests that left the machine.
 */
export async function openPage(browser, url) {
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => { problems.push(`dialog: ${d.message()}`); d.dismiss().catch(() => {}); });
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) problems.push(`policy: ${m.text()}`); });
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith('file:') && !u.startsWith('http://127.0.0.1') && !u.startsWith('data:')) problems.push(`network request: ${u}`);
  });
  await page.goto(url);
  return { page, problems };
}

/**
 * Types `query` into the search box (fill: one input event) and waits until the results for it
 * are on screen. Returns the result links: [{ href (absolute), page (href without #), text }].
 */
export async function search(page, query) {
  await page.fill('.search-form__input', query);
  await page.waitForFunction(
    (q) => document.querySelector('.search-form')?.getAttribute('data-search-rendered') === q,
    query, { timeout: 10000 },
  );
  return results(page);
}

export async function results(page) {
  return page.$$eval('.search-results a', (links) => links.map((a) => ({
    href: a.href,
    page: a.href.split('#')[0],
    text: a.textContent,
  })));
}
