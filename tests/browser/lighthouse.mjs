// Lighthouse (npm lighthouse@12.2.3) on the system Chromium over a local static server:
// the home page and one deep page in each language. Exits non-zero when any score is below 95.
// The robots-txt audit is skipped (see below).
//   node lighthouse.mjs            (the site must be built into ../../public first)
//   LIGHTHOUSE_JSON=out.json node lighthouse.mjs   also writes the scores as JSON
import { writeFileSync } from 'node:fs';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import { CHROMIUM, CHROMIUM_ARGS, siteMissing } from './lib.mjs';
import { serve } from './site-files.mjs';

const PAGES = [
  'ja/2021/index.html',
  'en/2021/index.html',
  'ja/2021/medical-devices/development-support-network/index.html',
  'en/2021/medical-devices/development-support-network/index.html',
];
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];
const MIN = 95;

const missing = siteMissing();
if (missing) { console.error(missing); process.exit(2); }

const server = await serve();
const chrome = await chromeLauncher.launch({ chromePath: CHROMIUM, chromeFlags: CHROMIUM_ARGS });
const report = [];
let failed = false;
try {
  for (const path of PAGES) {
    // robots-txt: Lighthouse reads /robots.txt with a request from inside the page, which the
    // page's Content-Security-Policy (no connect-src) blocks, so it would score a valid file as
    // status 0; tests/build.rs checks robots.txt instead.
    const result = await lighthouse(server.url + path, {
      port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: CATEGORIES,
      skipAudits: ['robots-txt'],
    });
    const lhr = result.lhr;
    const scores = Object.fromEntries(CATEGORIES.map((c) => [c, Math.round((lhr.categories[c]?.score ?? 0) * 100)]));
    const low = CATEGORIES.filter((c) => scores[c] < MIN);
    if (low.length) {
      failed = true;
      for (const c of low) {
        const lost = lhr.categories[c].auditRefs
          .map((r) => lhr.audits[r.id])
          .filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode !== 'informative')
          .map((a) => `    - ${a.id}: ${a.title} (${a.displayValue ?? a.score})`);
        console.error(`  ${path}: ${c} ${scores[c]} < ${MIN}\n${lost.join('\n')}`);
      }
    }
    if (lhr.runtimeError) { failed = true; console.error(`  ${path}: ${lhr.runtimeError.message}`); }
    report.push({ path, ...scores });
    console.log(`${low.length ? 'FAIL' : 'ok  '} ${path}  ${CATEGORIES.map((c) => `${c} ${scores[c]}`).join('  ')}`);
  }
} finally {
  await chrome.kill();
  await server.close();
}
if (process.env.LIGHTHOUSE_JSON) writeFileSync(process.env.LIGHTHOUSE_JSON, JSON.stringify(report, null, 2));
process.exit(failed ? 1 : 0);
