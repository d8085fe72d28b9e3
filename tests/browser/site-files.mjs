// Helpers of the theme tests: every HTML page of the built site, what each page loads, and a
// small static file server on 127.0.0.1 (for Lighthouse, which needs http).
import { createServer } from 'node:http';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, extname, join, normalize, relative, resolve, sep } from 'node:path';
import { SITE } from './lib.mjs';

/** Paths (relative to the site root, with "/") of every .html file, sorted. */
export function htmlPages(root = SITE) {
  const out = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.html')) out.push(relative(root, full).split(sep).join('/'));
    }
  };
  walk(root);
  return out;
}

/** The print pages hold the whole report in one file; see budget() below. */
export const isPrintPage = (path) => /^[a-z]{2}\/print\/index\.html$/.test(path);

/**
 * Bytes a page costs a reader: its HTML plus every stylesheet and script it links (the search
 * index, loaded only when the reader uses the search box, is not counted).
 */
export function pageWeight(path, root = SITE) {
  const html = readFileSync(join(root, path), 'utf8');
  const decode = (s) => s.replace(/&#x2F;/gi, '/').replace(/&amp;/g, '&');
  const assets = new Set();
  for (const m of html.matchAll(/<link\b[^>]*\brel="stylesheet"[^>]*\bhref="([^"]+)"/g)) assets.add(decode(m[1]));
  for (const m of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)) assets.add(decode(m[1]));
  const parts = [{ file: path, bytes: Buffer.byteLength(html) }];
  for (const href of assets) {
    if (/(^|\/)search\//.test(href)) continue;
    const file = normalize(join(dirname(join(root, path)), href));
    parts.push({ file: relative(root, file), bytes: existsSync(file) ? statSync(file).size : NaN });
  }
  return { total: parts.reduce((n, p) => n + p.bytes, 0), parts };
}

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg', '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml', '.json': 'application/json', '.ico': 'image/x-icon',
};

/** Serves `root` on 127.0.0.1 at a free port. Resolves to { url, close() }. */
export function serve(root = SITE) {
  const base = resolve(root);
  const server = createServer((req, res) => {
    let path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (path.endsWith('/')) path += 'index.html';
    const file = normalize(join(base, path));
    if (!file.startsWith(base) || !existsSync(file) || statSync(file).isDirectory()) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] || 'application/octet-stream',
      'cache-control': 'max-age=3600',
    });
    res.end(readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({
    url: `http://127.0.0.1:${server.address().port}/`,
    close: () => new Promise((done) => server.close(done)),
  })));
}
