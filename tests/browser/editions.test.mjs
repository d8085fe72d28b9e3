// A series of editions: the fixture of tests/fixtures/editions (the fictional Starry Sky
// Lighthouse Society, editions 2020–2022, built by tests/browser.rs into $EDITIONS_DIR) opened from
// file://: axe in light and dark, html-validate, every local link; the edition switcher, the notice
// on older editions and the redirects with JavaScript off; search in the current edition, then
// widened to every edition, loading the other editions' indexes only then.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, normalize } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { HtmlValidate } from 'html-validate';
import { launch, search } from './lib.mjs';
import { htmlPages, policyProblems } from './site-files.mjs';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const DIR = process.env.EDITIONS_DIR;
const missing = !DIR || !existsSync(join(DIR, 'index.html'))
  ? (process.env.REQUIRE_SITE ? assert.fail(`no editions site at ${DIR}`) : 'no editions site: set EDITIONS_DIR')
  : false;
const PAGES = missing ? [] : htmlPages(DIR, { redirects: true });
const isRedirect = (path) => readFileSync(join(DIR, path), 'utf8').includes('http-equiv="refresh"');
const CONTENT = PAGES.filter((p) => !isRedirect(p));
const url = (path) => pathToFileURL(join(DIR, path)).href;

let browser;
before(async () => { if (!missing) browser = await launch(); });
after(async () => { await browser?.close(); });

test('editions: every edition, the archive and the redirects are there', { skip: missing }, () => {
  for (const lang of ['ja', 'en']) {
    for (const edition of ['2020', '2021', '2022']) assert.ok(PAGES.includes(`${lang}/${edition}/index.html`), `${lang}/${edition}`);
    for (const p of ['index.html', 'archive/index.html', 'open-nights/index.html', 'print/index.html']) assert.ok(PAGES.includes(`${lang}/${p}`), `${lang}/${p}`);
  }
  assert.ok(isRedirect('ja/index.html') && isRedirect('en/open-nights/index.html'));
});

test('editions: axe-core finds no violation on any page (light and dark)', { skip: missing, timeout: 180_000 }, async () => {
  const failures = [];
  for (const colorScheme of ['light', 'dark']) {
    const context = await browser.newContext({ colorScheme });
    const page = await context.newPage();
    for (const path of CONTENT) {
      await page.goto(url(path));
      await page.evaluate(AXE);
      const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
      for (const v of result.violations) failures.push(`${colorScheme} ${path}: ${v.id} ${v.help} ${v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(', ')}`);
    }
    await context.close();
  }
  assert.deepEqual(failures, []);
});

test('editions: every page, redirects included, carries the strict Content-Security-Policy', { skip: missing }, () => {
  assert.deepEqual(policyProblems(PAGES, DIR), []);
});

test('editions: html-validate finds no error on any page, redirects included', { skip: missing }, async () => {
  const validator = new HtmlValidate({
    extends: ['html-validate:recommended'],
    rules: { 'no-trailing-whitespace': 'off', 'long-title': 'off', 'no-inline-style': 'off' },
  });
  const failures = [];
  for (const path of PAGES) {
    const report = await validator.validateString(readFileSync(join(DIR, path), 'utf8'), path);
    for (const r of report.results) for (const m of r.messages) if (m.severity >= 2) failures.push(`${path}:${m.line}:${m.column} ${m.ruleId}: ${m.message}`);
  }
  assert.deepEqual(failures, []);
});

test('editions: every local link and asset leads to a file', { skip: missing }, () => {
  const broken = [];
  for (const path of PAGES) {
    const html = readFileSync(join(DIR, path), 'utf8');
    for (const m of html.matchAll(/(?:href|src)="([^"#:]+)(?:#[^"]*)?"/g)) {
      const target = normalize(join(DIR, dirname(path), m[1]));
      if (!existsSync(target)) broken.push(`${path} → ${m[1]}`);
    }
    for (const m of html.matchAll(/url=([^"]+)"/g)) {
      if (!existsSync(normalize(join(DIR, dirname(path), m[1])))) broken.push(`${path} refresh → ${m[1]}`);
    }
  }
  assert.deepEqual(broken, []);
});

test('editions: switcher, notice and redirects work with JavaScript off', { skip: missing, timeout: 60_000 }, async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const here = () => fileURLToPath(page.url()).slice(normalize(DIR).length + 1).split('\\').join('/');

  await page.goto(url('ja/2021/activities/volunteers/index.html'));
  assert.equal(await page.textContent('.edition-switch [aria-current="page"]'), '令和3年度');
  // Renamed in 2022: the switcher leads to the page under its new name.
  await Promise.all([page.waitForNavigation(), page.click('.edition-switch >> text=令和4年度')]);
  assert.equal(here(), 'ja/2022/activities/keepers/index.html');
  assert.equal(await page.$('.edition-notice'), null, 'the latest edition has no notice');
  // …and back to 2020 under its old name.
  await Promise.all([page.waitForNavigation(), page.click('.edition-switch >> text=令和2年度')]);
  assert.equal(here(), 'ja/2020/activities/volunteers/index.html');
  // The notice of an older edition leads to the latest.
  assert.match(await page.textContent('.edition-notice'), /令和2年度/);
  await Promise.all([page.waitForNavigation(), page.click('.edition-notice a')]);
  assert.equal(here(), 'ja/2022/activities/keepers/index.html');
  // A page 2020 does not have: the switcher leads to the 2020 home.
  await page.goto(url('en/2022/history/index.html'));
  await Promise.all([page.waitForNavigation(), page.click('.edition-switch >> text=FY2020')]);
  assert.equal(here(), 'en/2020/index.html');

  // Redirects: the language home and an alias, by meta refresh alone.
  for (const [from, to] of [['ja/index.html', 'ja/2022/index.html'], ['en/open-nights/index.html', 'en/2021/activities/open-nights/index.html'], ['en/print/index.html', 'en/2022/print/index.html']]) {
    await page.goto(url(from));
    await page.waitForURL(url(to), { timeout: 10_000 });
    assert.equal(here(), to, from);
  }
  // The archive lists every edition, newest first, and its links work.
  await page.goto(url('en/archive/index.html'));
  assert.deepEqual(await page.$$eval('.archive__label', (e) => e.map((x) => x.textContent)), ['FY2022', 'FY2021', 'FY2020']);
  await Promise.all([page.waitForNavigation(), page.click('.archive >> text=FY2020')]);
  assert.equal(here(), 'en/2020/index.html');
  await context.close();
});

test('editions: search covers the current edition, then every edition when asked', { skip: missing, timeout: 60_000 }, async () => {
  const page = await browser.newPage();
  const loaded = [];
  page.on('request', (r) => { const m = r.url().match(/search\/en\/(\d{4})\//); if (m) loaded.push(m[1]); });
  await page.goto(url('en/2021/index.html'));
  const own = await search(page, 'Cygnus');
  assert.ok(own.length > 0, 'found in 2021');
  assert.ok(own.every((r) => r.page.includes('/en/2021/')), JSON.stringify(own));
  assert.deepEqual([...new Set(loaded)], ['2021'], 'only the current edition is loaded');

  // Widened: the other editions' indexes are loaded now, and their pages are found.
  assert.ok(await page.isVisible('.search-form__editions'));
  await page.check('.search-form__editions input');
  await page.waitForFunction(() => document.querySelectorAll('.search-results a').length >= 3);
  const all = await page.$$eval('.search-results a', (links) => links.map((a) => ({ page: a.href.split('#')[0], text: a.textContent })));
  for (const edition of ['2020', '2021', '2022']) {
    assert.ok(all.some((r) => r.page.includes(`/en/${edition}/activities/open-nights/`)), `${edition}: ${JSON.stringify(all)}`);
  }
  assert.ok(all.some((r) => r.text.includes('FY2020')), 'results say their edition');
  assert.deepEqual([...new Set(loaded)].sort(), ['2020', '2021', '2022']);
  await page.close();
});
