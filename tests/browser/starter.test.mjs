// The starter site of `nenpo init --languages ja,en,zh-Hans` (built by tests/browser.rs into
// $STARTER_DIR) passes the report's checks: axe in light and dark, html-validate, no sideways
// scrolling at 320 px, search in every language; and screenshots of it at 390 px and 1280 px in
// every language are written to $SCREENSHOTS_DIR for a person to look at.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HtmlValidate } from 'html-validate';
import { launch, search } from './lib.mjs';
import { htmlPages, policyProblems, styleCover } from './site-files.mjs';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const DIR = process.env.STARTER_DIR;
const missing = !DIR || !existsSync(join(DIR, 'index.html'))
  ? (process.env.REQUIRE_SITE ? assert.fail(`no starter site at ${DIR}`) : 'no starter site: set STARTER_DIR')
  : false;
const PAGES = missing ? [] : htmlPages(DIR);
const LANGS = ['ja', 'en', 'zh-Hans'];
const url = (path) => pathToFileURL(join(DIR, path)).href;

let browser;
before(async () => { if (!missing) browser = await launch(); });
after(async () => { await browser?.close(); });

test('starter: every language has the home page, a section, a page, print and 404', { skip: missing }, () => {
  for (const lang of LANGS) {
    for (const p of ['index.html', 'activities/index.html', 'activities/open-days/index.html', 'print/index.html', '404.html']) {
      assert.ok(PAGES.includes(`${lang}/${p}`), `${lang}/${p}`);
    }
  }
});

test('starter: axe-core finds no violation on any page (light, and dark on every styled part)', { skip: missing, timeout: 120_000 }, async () => {
  const failures = [];
  for (const [colorScheme, paths] of [['light', PAGES], ['dark', styleCover(PAGES, DIR)]]) {
    const context = await browser.newContext({ colorScheme });
    const page = await context.newPage();
    for (const path of paths) {
      await page.goto(url(path));
      await page.evaluate(AXE);
      const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
      for (const v of result.violations) failures.push(`${colorScheme} ${path}: ${v.id} ${v.help} ${v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(', ')}`);
    }
    await context.close();
  }
  assert.deepEqual(failures, []);
});

test('starter: every page carries the strict Content-Security-Policy, no inline script or style, no outside load', { skip: missing }, () => {
  assert.deepEqual(policyProblems(PAGES, DIR), []);
});

test('starter: html-validate finds no error on any page', { skip: missing }, async () => {
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

test('starter: nothing scrolls sideways at 320 px, and the image fits', { skip: missing, timeout: 60_000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 320, height: 640 } });
  const page = await context.newPage();
  const problems = [];
  for (const path of PAGES) {
    await page.goto(url(path));
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    if (wide > 320) problems.push(`${path}: ${wide}px wide`);
    const images = await page.$$eval('main img', (imgs) => imgs.map((i) => ({ w: i.getBoundingClientRect().width, ok: i.complete && i.naturalWidth > 0 })));
    for (const i of images) if (!i.ok || i.w > 320) problems.push(`${path}: an image ${JSON.stringify(i)}`);
  }
  await context.close();
  assert.deepEqual(problems, []);
});

for (const [lang, query] of [['ja', '公開日'], ['en', 'visitors'], ['zh-Hans', '开放日']]) {
  test(`starter ${lang}: search finds the open days page`, { skip: missing }, async () => {
    const page = await browser.newPage();
    await page.goto(url(`${lang}/index.html`));
    const found = await search(page, query);
    assert.ok(found.some((r) => r.page === url(`${lang}/activities/open-days/index.html`)), JSON.stringify(found));
    const status = await page.textContent('.search-form__status');
    // The count comes from the site's strings in that language (i18n search.count).
    assert.match(status ?? '', { ja: /件見つかりました/, en: /results?/, 'zh-Hans': /找到\d+条结果/ }[lang]);
    await page.close();
  });
}

test('starter: screenshots at 390 px and 1280 px in every language', { skip: missing, timeout: 60_000 }, async () => {
  const out = process.env.SCREENSHOTS_DIR || join(DIR, '..', 'screenshots');
  mkdirSync(out, { recursive: true });
  for (const width of [390, 1280]) {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    for (const lang of LANGS) {
      for (const [name, path] of [['home', 'index.html'], ['page', 'activities/open-days/index.html']]) {
        await page.goto(url(`${lang}/${path}`));
        await page.screenshot({ path: join(out, `starter-${lang}-${name}-${width}.png`), fullPage: true });
      }
    }
    await context.close();
  }
});
