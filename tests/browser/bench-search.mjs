// Benchmark (not a test): in headless Chromium, on the built site opened from file://, types every
// query of queries.json one key at a time and measures, for each keystroke, the time from the key
// (the earliest of its keydown/beforeinput event) to the results for it being in the DOM, and to
// the next animation frame (the frame that paints them). Reports median and worst over the last
// keystroke of each query (and over all keystrokes), plus the time to load the index.
//
//   node bench-search.mjs [--json] [--check MS]     (SITE_DIR=… to use another built site)
//
// --check MS exits with status 1 when the worst last-keystroke time to the painted frame is above MS.
//
//   node bench-search.mjs --transfer      (SITE_DIR=… a built site, e.g. the synthetic one of
//                                          `cargo bench --bench search`)
//
// --transfer measures what a first and a second query load in each language: the client
// (themes/default/static/search.js), then every index file the query asked for, raw and gzipped.
// The site's own search form is used when it has one; otherwise (the synthetic corpus has a bare
// theme) the theme's form is put on its home page.
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SITE, fileUrl, launch, openPage, siteMissing } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const queries = JSON.parse(readFileSync(join(here, 'queries.json'), 'utf8'));
const args = process.argv.slice(2);
const asJson = args.includes('--json');
const check = args.includes('--check') ? Number(args[args.indexOf('--check') + 1]) : null;

if (args.includes('--transfer')) {
  await transfer();
  process.exit(0);
}

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
  const { page, problems } = await openPage(browser, fileUrl(`${lang}/2021/index.html`));
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

async function transfer() {
  const QUERIES = { ja: ['再生医療', '遺伝子治療 ワクチン'], en: ['regenerative medicine', 'gene therapy vaccines'] };
  // SEARCH_CLIENT=… measures another client (an earlier one, on a site an earlier nenpo built).
  const clientFile = process.env.SEARCH_CLIENT || join(here, '..', '..', 'themes', 'default', 'static', 'search.js');
  const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;
  const sizes = (files) => files.reduce((t, f) => {
    const bytes = readFileSync(f);
    return { raw: t.raw + bytes.length, gzip: t.gzip + gz(bytes) };
  }, { raw: 0, gzip: 0 });
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  const browser = await launch();
  for (const lang of ['ja', 'en']) {
    // The report's home is in its edition's folder; the synthetic corpus has no editions.
    const home = existsSync(join(SITE, lang, '2021', 'index.html')) ? `${lang}/2021/index.html` : `${lang}/index.html`;
    const { page, problems } = await openPage(browser, fileUrl(home));
    const base = fileUrl('');
    const loaded = [];
    page.on('request', (r) => { if (r.url().startsWith(`${base}/search/`)) loaded.push(join(SITE, r.url().slice(base.length))); });
    let clientBytes = [];
    if (!(await page.$('[data-search-lang]'))) {
      await page.evaluate((l) => {
        const form = document.createElement('div');
        form.className = 'search-form';
        form.setAttribute('data-search-lang', l);
        form.setAttribute('data-search-root', '../');
        form.innerHTML = '<input class="search-form__input" type="search"><p class="search-form__status"></p><ol class="search-results" hidden></ol>';
        document.body.prepend(form);
      }, lang);
      await page.addScriptTag({ content: readFileSync(clientFile, 'utf8') });
      clientBytes = [clientFile];
    } else {
      clientBytes = [join(SITE, 'search.js')];
    }
    const client = sizes(clientBytes);
    const steps = [];
    for (const q of QUERIES[lang]) {
      loaded.length = 0;
      const started = Date.now();
      await page.fill('.search-form__input', q);
      await page.waitForFunction((x) => document.querySelector('.search-form').getAttribute('data-search-rendered') === x, q, { timeout: 60000 });
      const ms = Date.now() - started;
      const results = await page.$$eval('.search-results a', (a) => a.length);
      steps.push({ q, files: loaded.length, ms, results, ...sizes([...new Set(loaded)]) });
    }
    await page.close();
    const [first, second] = steps;
    console.log(`  ${lang}: first query "${first.q}": ${kb(client.gzip + first.gzip)} gzipped in all `
      + `(client ${kb(client.gzip)}, ${first.files} index files ${kb(first.gzip)}; raw ${kb(client.raw + first.raw)}), `
      + `${first.results} results shown, ${first.ms} ms`);
    console.log(`      second query "${second.q}": ${kb(second.gzip)} gzipped more (${second.files} files, raw ${kb(second.raw)}), `
      + `${second.results} results shown, ${second.ms} ms`);
    if (problems.length) console.log(`      problems: ${problems.join('; ')}`);
  }
  await browser.close();
}
