// Result links work wherever the site is: opened from disk at any depth, served at a domain root
// and under a sub-path; they point at existing pages and heading anchors; no request leaves the
// machine.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SITE, fileUrl, launch, openPage, search, siteMissing } from './lib.mjs';

const missing = siteMissing() ?? false;
let browser;
let server;
let origin;

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg' };

/** Serves SITE both at / and under /annual/report/2021/. */
function serve() {
  return new Promise((resolve) => {
    server = createServer((req, res) => {
      let path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      if (path.startsWith('/annual/report/2021/')) path = path.slice('/annual/report/2021'.length);
      let file = normalize(join(SITE, path));
      if (!file.startsWith(SITE)) { res.writeHead(403).end(); return; }
      if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
      if (!existsSync(file)) { res.writeHead(404).end('not found'); return; }
      res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream' });
      res.end(readFileSync(file));
    }).listen(0, '127.0.0.1', () => { origin = `http://127.0.0.1:${server.address().port}`; resolve(); });
  });
}

before(async () => { if (!missing) { browser = await launch(); await serve(); } });
after(async () => { await browser?.close(); server?.close(); });

const DEEP = {
  ja: 'ja/2021/pharmaceuticals/rituximab-systemic-sclerosis/index.html',
  en: 'en/2021/pharmaceuticals/rituximab-systemic-sclerosis/index.html',
};

test('from disk, on a page three levels deep, results point at existing files', { skip: missing }, async () => {
  for (const [lang, q] of [['ja', 'ゲノム'], ['en', 'genome'], ['ja', 'ワクチン'], ['en', 'clinical trial']]) {
    const { page, problems } = await openPage(browser, fileUrl(DEEP[lang]));
    const found = await search(page, q);
    assert.ok(found.length > 0, `${lang} ${q}`);
    for (const r of found) {
      assert.ok(r.href.startsWith(fileUrl(`${lang}/2021/`)), `${r.href} stays in the ${lang} site`);
      assert.ok(existsSync(fileURLToPath(r.page)), `${r.page} exists`);
    }
    assert.deepEqual(problems, []);
    await page.close();
  }
});

test('result anchors land on a heading of the target page', { skip: missing }, async () => {
  const { page, problems } = await openPage(browser, fileUrl('ja/2021/index.html'));
  const checked = [];
  for (const q of ['強皮症', 'ゲノム', 'ワクチン', '医師主導治験', '抗菌薬']) {
    for (const r of await search(page, q)) {
      const hash = new URL(r.href).hash;
      if (!hash) continue;
      const html = readFileSync(fileURLToPath(r.page), 'utf8');
      const id = decodeURIComponent(hash.slice(1));
      assert.ok(html.includes(`id="${id}"`), `${r.page} has an element with id "${id}"`);
      checked.push(r.href);
    }
  }
  assert.ok(checked.length > 0, 'some results point at anchors');
  assert.deepEqual(problems, []);
  await page.close();
});

for (const [name, prefix] of [['at a domain root', '/'], ['under a sub-path', '/annual/report/2021/']]) {
  test(`served over HTTP ${name}`, { skip: missing }, async () => {
    for (const [path, q] of [['ja/2021/index.html', '強皮症'], [DEEP.en, 'systemic sclerosis']]) {
      const { page, problems } = await openPage(browser, `${origin}${prefix}${path}`);
      const found = await search(page, q);
      assert.ok(found.length > 0);
      assert.ok(found[0].href.startsWith(`${origin}${prefix}${path.slice(0, 3)}`), found[0].href);
      await Promise.all([page.waitForURL(found[0].href), page.click('.search-results a')]);
      assert.ok((await page.title()).length > 0);
      assert.notEqual(await page.textContent('body'), 'not found');
      assert.deepEqual(problems, []);
      await page.close();
    }
  });
}
