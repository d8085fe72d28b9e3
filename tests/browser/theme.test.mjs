// The default theme, page by page, in headless Chromium on the built site (file://):
// axe-core finds no violation, html-validate finds no error, every page stays within its weight
// budget. (Twin links are static HTML checks in tests/theme.rs.)
// Lighthouse runs last, through lighthouse.mjs (slow: four pages).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { HtmlValidate } from 'html-validate';
import { SITE, fileUrl, launch, siteMissing } from './lib.mjs';
import { htmlPages, isPrintPage, pageWeight, policyProblems, styleCover } from './site-files.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const missing = siteMissing() ?? false;
const PAGES = missing ? [] : htmlPages();

/**
 * 120 KB for a page with everything it loads; the search index is loaded on demand and not counted.
 * It was 100 KB until the search client learnt ranked partial matches, kanji variants and the
 * bilingual dictionary (issue 24: search.js 41 -> 53 KB); what a first query transfers, client
 * included, stays within the search budget (tests/browser/bench-search.mjs --transfer). Loading
 * the client when the search box is first used would bring pages back under 100 KB.
 */
const BUDGET = 120 * 1024;
/**
 * The print pages carry the whole report (every page and table of a language) in one file, as the
 * issue asks; the report's text alone is larger than 100 KB, so they have their own ceiling.
 */
const PRINT_BUDGET = 350 * 1024; // 300 KB until the page-16 progress chart's 171 labels (issue 26)

let browser;
before(async () => { if (!missing) browser = await launch(); });
after(async () => { await browser?.close(); });

test('the built site has pages of every kind', { skip: missing }, () => {
  for (const p of ['index.html', 'ja/2021/index.html', 'en/2021/index.html', 'ja/2021/glossary/index.html', 'ja/2021/print/index.html',
    'en/2021/print/index.html', 'ja/2021/pharmaceuticals/index.html', 'en/2021/pharmaceuticals/amr-research-themes/index.html']) {
    assert.ok(PAGES.includes(p), `${p} was built`);
  }
});

// Light mode on every page; dark mode on the pages that together show every styled part of the
// site (styleCover): dark mode changes only colours. Each page runs under its own
// Content-Security-Policy (axe is evaluated by the test, not injected as an inline script), and a
// violation the browser reports fails the test.
test('axe-core finds no violation on any page (light, and dark on every styled part)', { skip: missing, timeout: 600_000 }, async () => {
  const failures = [];
  const dark = styleCover(PAGES);
  console.log(`# dark mode on ${dark.length} of ${PAGES.length} pages`);
  for (const [scheme, paths] of [['light', PAGES], ['dark', dark]]) {
    const context = await browser.newContext({ colorScheme: scheme });
    const queue = [...paths];
    const worker = async () => {
      const page = await context.newPage();
      // What the page itself does while it loads; axe, evaluated afterwards, reads the
      // stylesheet with a request the policy blocks, which is the test's doing, not the page's.
      let current = null;
      page.on('console', (m) => { if (current && /Content Security Policy/i.test(m.text())) failures.push(`${scheme} ${current}: ${m.text()}`); });
      page.on('pageerror', (e) => failures.push(`${scheme} ${current}: page error ${e.message}`));
      for (let path; (path = queue.shift());) {
        current = path;
        await page.goto(fileUrl(path), { waitUntil: 'load' });
        current = null;
        await page.evaluate(AXE);
        const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
        for (const v of result.violations) {
          failures.push(`${scheme} ${path}: ${v.id} (${v.impact}) ${v.help}\n      ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('\n      ')}`);
        }
      }
      await page.close();
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    await context.close();
  }
  assert.deepEqual(failures, [], `axe violations:\n  ${failures.join('\n  ')}`);
});

test('every page carries the strict Content-Security-Policy and has no inline script or style and no outside load', { skip: missing }, () => {
  assert.deepEqual(policyProblems(PAGES), []);
});

test('html-validate finds no error on any page', { skip: missing }, async () => {
  const validator = new HtmlValidate({
    extends: ['html-validate:recommended'],
    rules: {
      // Style choices of the generated markup, not errors in it.
      'no-trailing-whitespace': 'off',
      'long-title': 'off',
      'no-inline-style': 'off',
    },
  });
  const failures = [];
  for (const path of PAGES) {
    const report = await validator.validateString(readFileSync(join(SITE, path), 'utf8'), path);
    for (const r of report.results) {
      for (const m of r.messages) {
        if (m.severity >= 2) failures.push(`${path}:${m.line}:${m.column} ${m.ruleId}: ${m.message}`);
      }
    }
  }
  assert.deepEqual(failures.slice(0, 40), [], `${failures.length} html-validate errors`);
});

test('every page with its CSS and JavaScript stays within the weight budget', { skip: missing }, () => {
  const over = [];
  let largest = { path: '', total: 0 };
  for (const path of PAGES) {
    const { total, parts } = pageWeight(path);
    assert.ok(!Number.isNaN(total), `${path} links a file that does not exist: ${JSON.stringify(parts)}`);
    const limit = isPrintPage(path) ? PRINT_BUDGET : BUDGET;
    if (total >= limit) over.push(`${path}: ${total} bytes >= ${limit} (${parts.map((p) => `${p.file} ${p.bytes}`).join(', ')})`);
    if (!isPrintPage(path) && total > largest.total) largest = { path, total };
  }
  console.log(`# largest page (print pages aside): ${largest.path} ${largest.total} bytes`);
  assert.deepEqual(over, []);
});

test('no page refers to anything outside the site', { skip: missing }, () => {
  const external = [];
  for (const path of PAGES) {
    const html = readFileSync(join(SITE, path), 'utf8');
    for (const m of html.matchAll(/\b(?:src|href)="([^"]+)"/g)) {
      if (/^(?:https?:)?\/\//i.test(m[1]) && !/rel="(?:canonical|alternate)"/.test(html.slice(m.index - 60, m.index))) {
        external.push(`${path}: ${m[1]}`);
      }
    }
  }
  assert.deepEqual(external, []);
});

// Twin links (each page's language switch leads to its twin, which links back) are checked
// without a browser, on the static HTML: tests/theme.rs.
test('the language chooser offers every language, each marked with its language', { skip: missing }, () => {
  const problems = [];
  const chooser = readFileSync(join(SITE, 'index.html'), 'utf8');
  for (const lang of ['ja', 'en']) {
    if (!new RegExp(`<li class="language-card" lang="${lang}">\\s*<a[^>]+href="${lang}/2021/index.html" hreflang="${lang}"`).test(chooser)) {
      problems.push(`index.html: no ${lang} choice`);
    }
  }
  assert.deepEqual(problems, []);
});

test('the layout works from 320 px wide: nothing but tables scrolls sideways', { skip: missing, timeout: 120_000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 320, height: 640 } });
  const page = await context.newPage();
  const problems = [];
  for (const path of PAGES.filter((p, i) => i % 4 === 0 || isPrintPage(p) || p.endsWith('glossary/index.html'))) {
    await page.goto(fileUrl(path));
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    if (wide > 320) problems.push(`${path}: the page is ${wide}px wide`);
  }
  await context.close();
  assert.deepEqual(problems, []);
});

test('no table breaks a Latin word mid-word on a phone, in any language: the table scrolls instead', { skip: missing, timeout: 120_000 }, async () => {
  const problems = [];
  let words = 0;
  const tabled = PAGES.filter((p) => !isPrintPage(p) && readFileSync(join(SITE, p), 'utf8').includes('<table'));
  for (const width of [320, 390]) {
    const context = await browser.newContext({ viewport: { width, height: 640 } });
    const page = await context.newPage();
    for (const path of tabled) {
      await page.goto(fileUrl(path));
      const found = await page.evaluate(() => {
        const broken = [];
        let count = 0;
        for (const cell of document.querySelectorAll('.table-wrap td, .table-wrap th')) {
          const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (const m of node.textContent.matchAll(/[A-Za-z0-9]{2,}/g)) {
              count += 1;
              const range = document.createRange();
              range.setStart(node, m.index);
              range.setEnd(node, m.index + m[0].length);
              const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
              if (tops.size > 1) broken.push(m[0]);
            }
          }
        }
        return { broken, count };
      });
      words += found.count;
      for (const w of found.broken) problems.push(`${path} at ${width} px: "${w}" is broken across lines`);
    }
    await context.close();
  }
  assert.ok(words > 0, 'the site has Latin words in tables');
  assert.deepEqual(problems, []);
});

test('charts: each has a title, a text alternative and its data table beside it', { skip: missing }, async () => {
  const page = await browser.newPage();
  let charts = 0;
  for (const path of PAGES.filter((p) => !isPrintPage(p))) {
    const html = readFileSync(join(SITE, path), 'utf8');
    if (!html.includes('<svg class="chart')) continue;
    await page.goto(fileUrl(path));
    const found = await page.$$eval('.record--chart', (records) => records.map((r) => {
      const svg = r.querySelector('svg.chart');
      const ids = (svg.getAttribute('aria-labelledby') || '').split(' ');
      return {
        role: svg.getAttribute('role'),
        title: svg.querySelector('title')?.textContent,
        desc: svg.querySelector('desc')?.textContent,
        labelled: ids.every((id) => document.getElementById(id)),
        caption: r.querySelector('figcaption')?.textContent,
        table: !!r.querySelector('table caption'),
        bars: [...svg.querySelectorAll('.chart-bar')].map((b) => getComputedStyle(b).fill),
      };
    }));
    for (const c of found) {
      charts += 1;
      assert.equal(c.role, 'img', path);
      assert.ok(c.title && c.desc && c.labelled && c.caption && c.table, `${path}: ${JSON.stringify(c)}`);
      assert.ok(c.bars.every((f) => f && f !== 'rgb(0, 0, 0)'), `${path}: bars are coloured by the theme`);
    }
  }
  await page.close();
  assert.ok(charts >= 7, `${charts} charts in both languages`);
});

test('Lighthouse scores at least 95 in every category (lighthouse.mjs)', { skip: missing || process.env.SKIP_LIGHTHOUSE ? 'skipped' : false, timeout: 600_000 }, () => {
  const run = spawnSync(process.execPath, [join(here, 'lighthouse.mjs')], { encoding: 'utf8', cwd: here });
  console.log(run.stdout.trim().split('\n').map((l) => `# ${l}`).join('\n'));
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
});
