// The query suite (queries.json) in headless Chromium, on the built site opened from file://:
// every query must find its page among the first 5 results, and the queries that must find
// nothing find nothing. search-suite.mjs reports the same suite's top-1 and top-5 rates.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileUrl, launch, openPage, search, siteMissing } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const queries = JSON.parse(readFileSync(join(here, 'queries.json'), 'utf8'));
const missing = siteMissing();
let browser;

before(async () => { if (!missing) browser = await launch(); });
after(async () => { await browser?.close(); });

const KINDS = ['typo', 'partial', 'kana', 'name', 'number', 'alias', 'phrase'];

test('the query suite is large enough and covers every kind of forgiveness', () => {
  for (const lang of ['ja', 'en']) {
    assert.ok(queries[lang].length >= 60, `at least 60 ${lang} queries`);
    assert.ok(queries.nothing[lang].length >= 3, `queries that must find nothing (${lang})`);
    const kinds = new Set(queries[lang].map((q) => q.kind));
    for (const k of (lang === 'ja' ? KINDS : ['typo', 'partial', 'variant', 'number', 'alias', 'title'])) {
      assert.ok(kinds.has(k), `${lang} has ${k} queries`);
    }
  }
});

for (const lang of ['ja', 'en']) {
  test(`${lang}: every query finds its page in the top 5, and nonsense finds nothing`, { skip: missing ?? false }, async () => {
    const { page, problems } = await openPage(browser, fileUrl(`${lang}/2021/index.html`));
    const failures = [];
    for (const { q, expect, kind } of queries[lang]) {
      const found = await search(page, q);
      const top = found.slice(0, 5).map((r) => r.page);
      if (!top.includes(fileUrl(expect))) {
        failures.push(`${JSON.stringify(q)} (${kind ?? 'exact'}): expected ${expect}, top 5 were ${JSON.stringify(top.map((u) => u.slice(fileUrl('').length)))}`);
      }
    }
    for (const q of queries.nothing[lang]) {
      const found = await search(page, q);
      if (found.length) failures.push(`${JSON.stringify(q)} must find nothing, found ${found.length}`);
    }
    await page.close();
    assert.deepEqual(problems, []);
    assert.deepEqual(failures, [], `${failures.length} of ${queries[lang].length} queries missed:\n${failures.join('\n')}`);
  });
}
