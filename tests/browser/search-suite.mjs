// The query suite's score (a report, not a test): in headless Chromium on the built site opened
// from file://, every query of queries.json, and the share found at rank 1 and among the first 5,
// per language and per kind; and how many of the `nothing` queries found nothing.
//
//   node search-suite.mjs [--misses]      (SITE_DIR=… to score another built site)
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SITE, fileUrl, launch, openPage, search } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const queries = JSON.parse(readFileSync(join(here, 'queries.json'), 'utf8'));
const showMisses = process.argv.includes('--misses');
// Only the pages are required, so that a site built by an earlier nenpo can be scored too.
if (!existsSync(join(SITE, 'ja', 'index.html'))) { console.error(`no site at ${SITE} (build it first)`); process.exit(2); }

const pct = (a, n) => `${((100 * a) / n).toFixed(0).padStart(3)} %`;
const browser = await launch();
for (const lang of ['ja', 'en']) {
  const { page } = await openPage(browser, fileUrl(`${lang}/2021/index.html`));
  const byKind = new Map();
  const misses = [];
  for (const { q, expect, kind = 'exact' } of queries[lang]) {
    const found = (await search(page, q)).map((r) => r.page);
    const rank = found.indexOf(fileUrl(expect));
    const k = byKind.get(kind) ?? { n: 0, top1: 0, top5: 0 };
    k.n++;
    if (rank === 0) k.top1++;
    if (rank >= 0 && rank < 5) k.top5++;
    else misses.push(`${JSON.stringify(q)} (${kind}): rank ${rank < 0 ? 'none' : rank + 1}`);
    byKind.set(kind, k);
  }
  let empty = 0;
  for (const q of queries.nothing?.[lang] ?? []) if ((await search(page, q)).length === 0) empty++;
  await page.close();
  const all = [...byKind.values()].reduce((t, k) => ({ n: t.n + k.n, top1: t.top1 + k.top1, top5: t.top5 + k.top5 }), { n: 0, top1: 0, top5: 0 });
  console.log(`${lang}: ${all.n} queries: top-1 ${pct(all.top1, all.n)}, top-5 ${pct(all.top5, all.n)}; `
    + `${empty} of ${(queries.nothing?.[lang] ?? []).length} queries that must find nothing found nothing`);
  for (const [kind, k] of [...byKind].sort()) console.log(`  ${kind.padEnd(8)} ${String(k.n).padStart(3)}  top-1 ${pct(k.top1, k.n)}  top-5 ${pct(k.top5, k.n)}`);
  if (showMisses && misses.length) console.log(`  missed: ${misses.join('; ')}`);
}
await browser.close();
