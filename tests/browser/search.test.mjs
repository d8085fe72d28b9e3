// The query set (queries.json) in headless Chromium, on the built site opened from file://:
// every query must find its page among the first 3 results.
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

test('the query set is large enough', () => {
  assert.ok(queries.ja.length >= 30, 'at least 30 Japanese queries');
  assert.ok(queries.en.length >= 30, 'at least 30 English queries');
});

for (const lang of ['ja', 'en']) {
  test(`${lang}: every query finds its page in the top 3`, { skip: missing ?? false }, async (t) => {
    const { page, problems } = await openPage(browser, fileUrl(`${lang}/index.html`));
    const failures = [];
    for (const { q, expect } of queries[lang]) {
      const found = await search(page, q);
      const top = found.slice(0, 3).map((r) => r.page);
      if (!top.includes(fileUrl(expect))) {
        failures.push(`${JSON.stringify(q)}: expected ${expect}, top 3 were ${JSON.stringify(top.map((u) => u.slice(fileUrl('').length)))}`);
      }
    }
    await page.close();
    assert.deepEqual(problems, []);
    assert.deepEqual(failures, [], `${failures.length} of ${queries[lang].length} queries missed:\n${failures.join('\n')}`);
  });
}
