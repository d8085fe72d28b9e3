// The search box as a reader uses it, in headless Chromium on the built site (file://):
// on-demand loading, results as you type, highlighting, messages, keyboard, and the XSS case.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileUrl, launch, openPage, results, search, siteMissing } from './lib.mjs';

const missing = siteMissing() ?? false;
let browser;

before(async () => { if (!missing) browser = await launch(); });
after(async () => { await browser?.close(); });

const rendered = (page, q) => page.waitForFunction(
  (query) => document.querySelector('.search-form')?.getAttribute('data-search-rendered') === query, q);

test('the index loads piece by piece: meta on focus, then what a query needs', { skip: missing }, async () => {
  const { page, problems } = await openPage(browser, fileUrl('ja/2021/index.html'));
  const loaded = [];
  const base = fileUrl('search/');
  page.on('request', (r) => { if (r.url().startsWith(base)) loaded.push(`search/${r.url().slice(base.length)}`); });
  assert.equal(await page.isVisible('.search-form'), true, 'the form is shown once the script runs');
  await page.waitForTimeout(100);
  assert.deepEqual(loaded, [], 'nothing of the index before the reader focuses the box');
  await page.focus('.search-form__input');
  await page.waitForFunction(() => document.querySelector('.search-form').getAttribute('data-search-state') === 'ready');
  assert.deepEqual(loaded, ['search/ja/2021/meta.js']);
  const found = await search(page, '強皮症');
  assert.ok(found.length > 0);
  const shards = loaded.filter((f) => f.startsWith('search/ja/2021/t/'));
  const fragments = loaded.filter((f) => f.startsWith('search/ja/2021/f/'));
  assert.ok(shards.length >= 1 && shards.length <= 3, `term shards: ${shards}`);
  assert.ok(fragments.length >= 1 && fragments.length <= found.length, `at most one fragment bundle per result shown: ${fragments}`);
  assert.equal(await page.locator('script[src*="search/"]').count(), 0, 'index scripts are removed once run');
  assert.deepEqual(problems, []);
  await page.close();
});

test('results appear as the reader types, with highlights and a counted status', { skip: missing }, async () => {
  const { page, problems } = await openPage(browser, fileUrl('ja/2021/index.html'));
  await page.click('.search-form__input');
  await page.keyboard.type('強皮症');
  await rendered(page, '強皮症');
  const found = await results(page);
  assert.ok(found.length > 0);
  assert.match(found[0].href, /rituximab-systemic-sclerosis/);
  const marks = await page.$$eval('.search-results__mark', (m) => m.map((x) => x.textContent));
  assert.ok(marks.includes('強皮症'), `marks: ${marks}`);
  assert.equal(await page.getAttribute('.search-form__status', 'aria-live'), 'polite');
  assert.match(await page.textContent('.search-form__status'), new RegExp(`^${found.length}件`));
  for (const cls of ['title', 'section', 'snippet']) {
    assert.ok(await page.locator(`.search-results__${cls}`).count() > 0, `has .search-results__${cls}`);
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test('several words narrow the results', { skip: missing }, async () => {
  const { page } = await openPage(browser, fileUrl('ja/2021/index.html'));
  const broad = await search(page, 'リツキシマブ');
  const narrow = await search(page, 'リツキシマブ 天疱瘡');
  assert.ok(narrow.length > 0 && narrow.length < broad.length, `${narrow.length} < ${broad.length}`);
  const broadPages = new Set(broad.map((r) => r.page));
  for (const r of narrow) assert.ok(broadPages.has(r.page), `${r.page} is also a result of the first word alone`);
  const mixed = await search(page, 'iPS 細胞');
  assert.ok(mixed.length > 0, 'a Latin word and a Japanese word together');
  await page.close();
});

test('full-width forms and case fold: ＡＭＥＤ = AMED, ｉＰＳ = iPS', { skip: missing }, async () => {
  const { page } = await openPage(browser, fileUrl('ja/2021/index.html'));
  for (const [a, b] of [['ＡＭＥＤ', 'AMED'], ['ｉＰＳ', 'iPS'], ['amed', 'AMED']]) {
    const ra = (await search(page, a)).map((r) => r.href);
    const rb = (await search(page, b)).map((r) => r.href);
    assert.ok(ra.length > 0);
    assert.deepEqual(ra, rb, `${a} and ${b} give the same results`);
  }
  await page.close();
});

test('English: stemming, case folding and prefix matching while typing', { skip: missing }, async () => {
  const { page, problems } = await openPage(browser, fileUrl('en/2021/index.html'));
  await search(page, 'approvals');
  const marks = await page.$$eval('.search-results__mark', (m) => m.map((x) => x.textContent.toLowerCase()));
  assert.ok(marks.includes('approved'), `"approvals" finds and marks "approved": ${marks}`);
  assert.deepEqual((await search(page, 'GENOME')).map((r) => r.href), (await search(page, 'genome')).map((r) => r.href));
  // Typing letter by letter: every prefix of the word already shows the page.
  await page.fill('.search-form__input', '');
  await page.click('.search-form__input');
  let typed = '';
  for (const ch of 'neuroblastoma') {
    typed += ch;
    await page.keyboard.type(ch);
    await rendered(page, typed);
    if (typed.length >= 5) {
      const found = await results(page);
      assert.ok(found.some((r) => r.href.includes('dinutuximab-neuroblastoma')), `"${typed}" shows the neuroblastoma page`);
    }
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test('a helpful message when nothing matches', { skip: missing }, async () => {
  for (const [lang, text] of [['ja', '一致するページはありません'], ['en', 'No pages match']]) {
    const { page } = await openPage(browser, fileUrl(`${lang}/2021/index.html`));
    const found = await search(page, 'qqxqzz');
    assert.equal(found.length, 0);
    const status = await page.textContent('.search-form__status');
    assert.ok(status.includes(text) && status.includes('qqxqzz'), status);
    assert.equal(await page.isVisible('.search-results'), false);
    await page.close();
  }
});

test('keyboard: / focuses, arrows move, Enter opens, Esc clears', { skip: missing }, async () => {
  const { page, problems } = await openPage(browser, fileUrl('en/2021/index.html'));
  const active = () => page.evaluate(() => {
    const a = document.activeElement;
    return a.classList.contains('search-form__input') ? 'input' : (a.closest('.search-results') ? `result ${[...document.querySelectorAll('.search-results a')].indexOf(a)}` : a.tagName);
  });
  await page.keyboard.press('/');
  assert.equal(await active(), 'input');
  assert.equal(await page.inputValue('.search-form__input'), '', '"/" is not typed into the box');
  await page.keyboard.type('vaccine');
  await rendered(page, 'vaccine');
  const found = await results(page);
  assert.ok(found.length >= 2);
  await page.keyboard.press('ArrowDown');
  assert.equal(await active(), 'result 0');
  await page.keyboard.press('ArrowDown');
  assert.equal(await active(), 'result 1');
  await page.keyboard.press('ArrowUp');
  assert.equal(await active(), 'result 0');
  await page.keyboard.press('ArrowUp');
  assert.equal(await active(), 'input');
  // Esc clears the box and the results.
  await page.keyboard.press('Escape');
  assert.equal(await page.inputValue('.search-form__input'), '');
  assert.equal(await page.isVisible('.search-results'), false);
  assert.equal((await page.textContent('.search-form__status')).trim(), '');
  // Esc from a result clears too and returns to the box.
  await page.keyboard.type('vaccine');
  await rendered(page, 'vaccine');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Escape');
  assert.equal(await active(), 'input');
  assert.equal(await page.inputValue('.search-form__input'), '');
  // Enter on a chosen result opens it.
  await page.keyboard.type('vaccine');
  await rendered(page, 'vaccine');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await Promise.all([page.waitForURL(found[1].href), page.keyboard.press('Enter')]);
  // Enter in the box opens the first result.
  await page.keyboard.press('/');
  await page.keyboard.type('neuroblastoma');
  await rendered(page, 'neuroblastoma');
  const first = (await results(page))[0].href;
  await Promise.all([page.waitForURL(first), page.keyboard.press('Enter')]);
  assert.deepEqual(problems, []);
  await page.close();
});

test('XSS: the query is never inserted as HTML', { skip: missing }, async () => {
  for (const lang of ['ja', 'en']) {
    const { page, problems } = await openPage(browser, fileUrl(`${lang}/2021/index.html`));
    await page.evaluate(() => { window.__xss = 0; window.alert = () => { window.__xss++; }; });
    const scriptsBefore = await page.locator('script').count();
    const imgsBefore = await page.locator('img').count();
    const payloads = ['<img src=x onerror=alert(1)>', '"><svg onload=alert(1)>', '<script>alert(1)</script>', "'><img src=x onerror=alert(1)>ゲノム"];
    for (const q of payloads) {
      await page.click('.search-form__input');
      await page.fill('.search-form__input', '');
      await page.keyboard.type(q);
      await rendered(page, q);
      assert.equal(await page.locator('.search-form img, .search-form svg, .search-form script').count(), 0, `no element from ${q}`);
      const status = await page.textContent('.search-form__status');
      if ((await results(page)).length === 0) assert.ok(status.includes(q.trim()), `the query is shown as text: ${status}`);
    }
    await page.waitForTimeout(200);
    assert.equal(await page.locator('img').count(), imgsBefore, 'no image was added');
    assert.equal(await page.locator('script').count(), scriptsBefore, 'no script is left behind (index files are removed once run)');
    assert.equal(await page.evaluate(() => window.__xss), 0, 'alert never ran');
    assert.deepEqual(problems, [], 'no dialog, no page error, no network request');
    await page.close();
  }
});

test('forgiveness: typos, missing words, variants and numbers, each highlighted', { skip: missing }, async () => {
  const marks = (page) => page.$$eval('.search-results__mark', (m) => m.map((x) => x.textContent));
  const { page, problems } = await openPage(browser, fileUrl('en/2021/index.html'));
  // A typo finds the word one edit away, and marks it.
  assert.match((await search(page, 'rituximap'))[0].href, /rituximab/);
  assert.ok((await marks(page)).some((m) => /^rituximab$/i.test(m)), `marks: ${await marks(page)}`);
  // No page has every word: the pages with most of them, and the status says so.
  const partial = await search(page, 'rituximab spaceship');
  assert.ok(partial.length > 0);
  assert.match(await page.textContent('.search-form__status'), /No page has every word/);
  // A British spelling finds and marks the American one.
  await search(page, 'tumour');
  assert.ok((await marks(page)).some((m) => /^tumors?$/i.test(m)), `marks: ${await marks(page)}`);
  // Full-width digits and separators find and mark the number as written.
  const number = await search(page, '２，９６４');
  assert.ok(number.some((r) => r.page.includes('development-support-network')));
  assert.ok((await marks(page)).includes('2,964'), `marks: ${await marks(page)}`);
  // A one-letter word marks only itself, never every word that starts with it.
  await search(page, 'genome a');
  assert.ok((await marks(page)).every((m) => m.toLowerCase() !== 'and' && !/^a\w/i.test(m)), `marks: ${await marks(page)}`);
  await page.close();
  const ja = await openPage(browser, fileUrl('ja/2021/index.html'));
  // Hiragana finds katakana; a name typed with a space finds it written without.
  await search(ja.page, 'じぬつきしまぶ');
  assert.ok((await marks(ja.page)).includes('ジヌツキシマブ'), `marks: ${await marks(ja.page)}`);
  assert.match((await search(ja.page, '吉崎 歩'))[0].href, /rituximab-systemic-sclerosis/);
  await ja.page.close();
  assert.deepEqual([...problems, ...ja.problems], []);
});
