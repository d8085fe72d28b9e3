// `nenpo serve` in the browser: served pages carry the policy that lets the live-reload script
// (a file, no inline script) reach the server (built pages keep the strict one); a failed
// rebuild shows the error overlay over the page, and the fix reloads it, with nothing blocked by the policy on the way.
// The starter site's sources ($STARTER_SRC) are copied to a temporary folder and served by the
// binary under test ($NENPO_BIN) on a free port.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch } from './lib.mjs';
import { POLICY } from './site-files.mjs';

const BIN = process.env.NENPO_BIN;
const SRC = process.env.STARTER_SRC;
const missing = !BIN || !SRC || !existsSync(join(SRC ?? '', 'config.toml'))
  ? (process.env.REQUIRE_SITE ? assert.fail(`set NENPO_BIN and STARTER_SRC (${BIN}, ${SRC})`) : 'no nenpo binary or starter sources')
  : false;

let browser;
let dir;
let server;
before(async () => {
  if (missing) return;
  browser = await launch();
  dir = mkdtempSync(join(tmpdir(), 'nenpo-serve-'));
  cpSync(SRC, dir, { recursive: true, filter: (p) => !p.includes('/public') && !p.includes('.nenpo-cache') });
});
after(async () => {
  await browser?.close();
  server?.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Starts `nenpo serve` and resolves to its address once it says where it serves. */
function start() {
  server = spawn(BIN, ['serve', '--port', '0', '--root', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let seen = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nenpo serve did not start: ${seen}`)), 60_000);
    server.stdout.on('data', (chunk) => {
      seen += chunk;
      const m = /Serving on (\S+)/.exec(seen);
      if (m) { clearTimeout(timer); resolve(m[1].endsWith('/') ? m[1] : `${m[1]}/`); }
    });
    server.stderr.on('data', (chunk) => { seen += chunk; });
    server.on('exit', (code) => reject(new Error(`nenpo serve exited (${code}): ${seen}`)));
  });
}

test('served pages: live reload and the error overlay work under the served policy', { skip: missing, timeout: 120_000 }, async () => {
  const url = await start();
  const page = await browser.newPage();
  const blocked = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) blocked.push(m.text()); });
  page.on('pageerror', (e) => blocked.push(`page error: ${e.message}`));
  await page.goto(`${url}en/index.html`);
  const policy = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
  assert.notEqual(policy, POLICY, 'a served page has the relaxed policy');
  assert.match(policy, /script-src 'self'; /);
  assert.doesNotMatch(policy, /unsafe-inline/);
  assert.match(policy, /connect-src 'self'/);
  assert.equal(readFileSync(join(dir, 'content/_index.en.md'), 'utf8').length > 0, true);

  // A broken page: the overlay appears over the last good page.
  const file = join(dir, 'content/_index.en.md');
  const good = readFileSync(file, 'utf8');
  writeFileSync(file, good.replace(/^title = .*$/m, 'title = '));
  await page.waitForSelector('#__nenpo_overlay', { state: 'visible', timeout: 60_000 });
  assert.match(await page.textContent('#__nenpo_overlay'), /_index\.en\.md/);

  // The fix: the page reloads by itself, without the overlay.
  await Promise.all([
    page.waitForEvent('load', { timeout: 60_000 }),
    Promise.resolve().then(() => writeFileSync(file, good.replace(/^title = .*$/m, 'title = "Reloaded"'))),
  ]);
  await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'Reloaded', null, { timeout: 60_000 });
  assert.equal(await page.$('#__nenpo_overlay'), null);
  assert.deepEqual(blocked, []);
  await page.close();
});
