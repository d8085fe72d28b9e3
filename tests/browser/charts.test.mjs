// The chart fixture (tests/fixtures/charts, a made-up kite club with one record per chart kind,
// built by tests/browser.rs into $CHARTS_DIR) opened from file://: axe in light and dark,
// html-validate; no chart text under 12 px on a 390 px screen; every series colour at least 3:1
// against the chart's background in light, dark and print; and screenshots of every chart at
// 390 px and 1280 px, light and dark, written to $SCREENSHOTS_DIR for a person to look at.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HtmlValidate } from 'html-validate';
import { launch } from './lib.mjs';
import { htmlPages } from './site-files.mjs';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const DIR = process.env.CHARTS_DIR;
const missing = !DIR || !existsSync(join(DIR, 'index.html'))
  ? (process.env.REQUIRE_SITE ? assert.fail(`no chart site at ${DIR}`) : 'no chart site: set CHARTS_DIR')
  : false;
const PAGES = missing ? [] : htmlPages(DIR);
const LANGS = ['ja', 'en'];
const KINDS = ['line', 'column', 'bar', 'stacked-bar', 'stacked-column', 'donut'];
const url = (path) => pathToFileURL(join(DIR, path)).href;

let browser;
before(async () => { if (!missing) browser = await launch(); });
after(async () => { await browser?.close(); });

test('charts: every kind is on the page in every language', { skip: missing }, () => {
  for (const lang of LANGS) {
    const html = readFileSync(join(DIR, lang, 'finances/index.html'), 'utf8');
    for (const kind of KINDS) assert.ok(html.includes(`<svg class="chart chart--${kind}"`), `${lang}: ${kind}`);
  }
});

test('charts: axe-core finds no violation on any page (light and dark)', { skip: missing, timeout: 120_000 }, async () => {
  const failures = [];
  for (const colorScheme of ['light', 'dark']) {
    const context = await browser.newContext({ colorScheme });
    const page = await context.newPage();
    for (const path of PAGES) {
      await page.goto(url(path));
      await page.evaluate(AXE);
      const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
      for (const v of result.violations) failures.push(`${colorScheme} ${path}: ${v.id} ${v.help} ${v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(', ')}`);
    }
    await context.close();
  }
  assert.deepEqual(failures, []);
});

test('charts: html-validate finds no error on any page', { skip: missing }, async () => {
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

test('charts: no chart text is smaller than 12 px on a 390 px screen, nor wider than its chart', { skip: missing }, async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 800 } });
  const page = await context.newPage();
  const problems = [];
  for (const lang of LANGS) {
    await page.goto(url(`${lang}/finances/index.html`));
    const found = await page.$$eval('svg.chart', (svgs) => svgs.flatMap((svg) => {
      const box = svg.getBoundingClientRect();
      const scale = box.width / svg.viewBox.baseVal.width;
      return [...svg.querySelectorAll('text')].map((t) => {
        const r = t.getBoundingClientRect();
        return {
          kind: svg.classList[1], text: t.textContent,
          px: parseFloat(getComputedStyle(t).fontSize) * scale,
          inside: r.left >= box.left - 1 && r.right <= box.right + 1,
        };
      });
    }));
    for (const t of found) {
      if (t.px < 12) problems.push(`${lang} ${t.kind} “${t.text}”: ${t.px.toFixed(1)} px`);
      if (!t.inside) problems.push(`${lang} ${t.kind} “${t.text}”: outside its chart`);
    }
  }
  await context.close();
  assert.deepEqual(problems, []);
});

/** The contrast ratio of two `rgb(…)` colours (WCAG 2). */
function contrast(a, b) {
  const lum = (c) => {
    const [r, g, bl] = c.match(/[\d.]+/g).slice(0, 3).map((v) => {
      const s = Number(v) / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

test('charts: every series colour is at least 3:1 against the background in light, dark and print', { skip: missing }, async () => {
  const problems = [];
  for (const [colorScheme, media] of [['light', 'screen'], ['dark', 'screen'], ['light', 'print']]) {
    const context = await browser.newContext({ colorScheme });
    const page = await context.newPage();
    await page.emulateMedia({ media, colorScheme });
    await page.goto(url('en/finances/index.html'));
    const colours = await page.$$eval('.chart-figure', (figures) => figures.map((f) => ({
      background: getComputedStyle(f).backgroundColor,
      fills: [...new Set([...f.querySelectorAll('[class*="chart-series-"]')].map((e) => getComputedStyle(e).color))],
    })));
    assert.ok(colours.length === 7 && colours.every((c) => c.fills.length > 0));
    for (const c of colours) {
      for (const fill of c.fills) {
        const ratio = contrast(fill, c.background);
        if (ratio < 3) problems.push(`${colorScheme} ${media}: ${fill} on ${c.background} is ${ratio.toFixed(2)}:1`);
      }
    }
    await context.close();
  }
  assert.deepEqual(problems, []);
});

test('charts: screenshots of every kind at 390 px and 1280 px, light and dark', { skip: missing, timeout: 60_000 }, async () => {
  const out = process.env.SCREENSHOTS_DIR || join(DIR, '..', 'screenshots');
  mkdirSync(out, { recursive: true });
  for (const colorScheme of ['light', 'dark']) {
    for (const width of [390, 1280]) {
      const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme });
      const page = await context.newPage();
      for (const lang of LANGS) {
        await page.goto(url(`${lang}/finances/index.html`));
        const figures = page.locator('.chart-figure');
        for (let i = 0; i < await figures.count(); i += 1) {
          const kind = (await figures.nth(i).locator('svg').getAttribute('class')).split('--')[1];
          await figures.nth(i).screenshot({ path: join(out, `chart-${i + 1}-${kind}-${lang}-${colorScheme}-${width}.png`) });
        }
      }
      await context.close();
    }
  }
});
