// Benchmark (not a test): in headless Chromium, on the built site opened from file://, types every
// query of queries.json one key at a time and measures, for each keystroke, the time from the key
// (the earliest of its keydown/beforeinput event) to the results for it being in the DOM, and to
// the next animation frame (the frame that paints them). Reports median and worst over the last
// keystroke of each query (and over all keystrokes), plus the time to load the index.
//
//   node bench-search.mjs [--json] [--check MS]     (SITE_DIR=… to use another built site)
//
// --check MS exits with status 1 when the worst last-keystroke time to the painted frame is above MS.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SITE, fileUrl, launch, openPage, siteMissing } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const queries = JSON.parse(readFileSync(join(here, 'queries.json'), 'utf8'));
const args = process.argv.slice(2);
const asJson = args.includes('--json');
const check = args.includes('--check') ? Number(args[args.indexOf('--check') + 1]) : null;

const missing = siteMissing();
if (missing) { console.error(missing); process.exit(2); }

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { n: s.length, median: q(0.5), p90: q(0.9), worst: s[s.length - 1] };
}
const fmt = (x) => x.toFixed(1).padStart(6);

const browser = await launch();
const report = { site: SITE, chromium: browser.version(), languages: {} };
for (const lang of ['ja', 'en']) {
  const { page, problems } = await openPage(browser, fileUrl(`${lang}/index.html`));
  const loadStart = Date.now();
  await page.focus('.search-form__input');
  await page.waitForFunction(() => document.querySelector('.search-form').getAttribute('data-search-state') === 'ready');
  const loadMs = Date.now() - loadStart;
  await page.evaluate(() => {
    window.__bench = [];
    let t0 = null;
    const start = (e) => { if (t0 === null) t0 = e.timeStamp; };
    document.addEventListener('keydown', start, true);
    document.addEventListener('beforeinput', start, true);
    document.querySelector('.search-form').addEventListener('search:rendered', (e) => {
      const from = t0;
      t0 = null;
      if (from === null) return;
      const dom = performance.now() - from;
      requestAnimationFrame(() => window.__bench.push({ query: e.detail.query, total: e.detail.total, dom, frame: performance.now() - from }));
    });
  });
  const last = [];
  const all = [];
  const rows = [];
  for (const { q } of queries[lang]) {
    await page.fill('.search-form__input', '');
    await page.evaluate(() => { window.__bench.length = 0; });
    let typed = '';
    for (const ch of q) {
      typed += ch;
      await page.keyboard.type(ch);
      await page.waitForFunction((t) => window.__bench.some((b) => b.query === t), typed);
    }
    const samples = (await page.evaluate(() => window.__bench)).filter((b) => b.query !== '');
    all.push(...samples);
    const end = samples.find((b) => b.query === q);
    last.push(end);
    rows.push({ q, results: end.total, dom: end.dom, frame: end.frame });
  }
  await page.close();
  const res = {
    index_load_ms: loadMs,
    last_keystroke_dom: stats(last.map((b) => b.dom)),
    last_keystroke_frame: stats(last.map((b) => b.frame)),
    every_keystroke_dom: stats(all.map((b) => b.dom)),
    every_keystroke_frame: stats(all.map((b) => b.frame)),
    problems,
    queries: rows,
  };
  report.languages[lang] = res;
  if (!asJson) {
    console.log(`\n${lang}: ${queries[lang].length} queries, ${all.length} keystrokes; index loaded in ${loadMs} ms after focus`);
    console.log('                         median    p90  worst  (ms)');
    for (const [name, key] of [['last key -> results in DOM', 'last_keystroke_dom'], ['last key -> painted frame', 'last_keystroke_frame'],
      ['any key  -> results in DOM', 'every_keystroke_dom'], ['any key  -> painted frame', 'every_keystroke_frame']]) {
      console.log(`${name.padEnd(25)}${fmt(res[key].median)} ${fmt(res[key].p90)} ${fmt(res[key].worst)}`);
    }
    const slowKeys = [...all].sort((a, b) => b.dom - a.dom).slice(0, 3);
    console.log(`slowest keystrokes: ${slowKeys.map((b) => `${JSON.stringify(b.query)} ${b.dom.toFixed(1)} ms`).join(', ')}`);
    const slow = [...rows].sort((a, b) => b.frame - a.frame).slice(0, 3);
    console.log(`slowest: ${slow.map((r) => `${r.q} ${r.frame.toFixed(1)} ms`).join(', ')}`);
    if (problems.length) console.log(`problems: ${problems.join('; ')}`);
  }
}
await browser.close();
if (asJson) console.log(JSON.stringify(report, null, 1));
if (check !== null) {
  const worst = Math.max(...Object.values(report.languages).map((l) => l.last_keystroke_frame.worst));
  if (worst > check) { console.error(`worst last keystroke to painted results ${worst.toFixed(1)} ms > ${check} ms`); process.exit(1); }
}
