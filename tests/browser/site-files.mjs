// Helpers of the theme tests: every HTML page of the built site, what each page loads, and a
// small static file server on 127.0.0.1 (for Lighthouse, which needs http).
import { createServer } from 'node:http';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, extname, join, normalize, relative, resolve, sep } from 'node:path';
import { SITE } from './lib.mjs';

/**
 * Paths (relative to the site root, with "/") of every .html file, sorted; redirect pages (an
 * alias, a series' language home: a meta refresh and one link) only with `{ redirects: true }`.
 */
export function htmlPages(root = SITE, { redirects = false } = {}) {
  const out = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.html') && (redirects || !readFileSync(full, 'utf8').includes('http-equiv="refresh"'))) {
        out.push(relative(root, full).split(sep).join('/'));
      }
    }
  };
  walk(root);
  return out;
}

/** The print pages hold the whole report in one file; see budget() below. */
export const isPrintPage = (path) => /^[a-z]{2}\/(?:[^/]+\/)?print\/index\.html$/.test(path);

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

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);

/**
 * Pages whose styled parts cover those of all pages: a greedy set cover, the page adding the most
 * unseen parts first. A part is an element as CSS can select it: its tag with each of its classes
 * (`a.card__link`), and its tag inside the nearest ancestor with a class (`.prose a`), the page
 * kind (`body.kind-page`) included. Dark mode changes only colours, and colours come from these
 * parts, so checking the cover in dark mode checks every part a reader sees in dark mode, at a
 * fraction of the pages. The cover is taken per language (the first folder of the path; pages at
 * the root are a group of their own), so that every language is seen in dark mode too.
 */
export function styleCover(paths, root = SITE) {
  const groups = new Map();
  for (const path of paths) {
    const group = path.includes('/') ? path.split('/')[0] : '';
    groups.set(group, [...(groups.get(group) ?? []), path]);
  }
  return [...groups.values()].flatMap((group) => coverOf(group, root)).sort();
}

function coverOf(paths, root) {
  const partsOf = new Map();
  for (const path of paths) {
    const html = readFileSync(join(root, path), 'utf8');
    const parts = new Set();
    const stack = [];
    for (const m of html.slice(html.indexOf('<body')).matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9-]*)\b([^>]*)>/g)) {
      const tag = m[2].toLowerCase();
      if (m[1]) {
        const at = stack.map((e) => e.tag).lastIndexOf(tag);
        if (at >= 0) stack.length = at;
        continue;
      }
      const classes = (/\bclass="([^"]*)"/.exec(m[3])?.[1] ?? '').split(/\s+/).filter(Boolean);
      const context = [...stack].reverse().find((e) => e.classes.length)?.classes.join('.') ?? '';
      parts.add(`.${context} ${tag}`);
      for (const c of classes) parts.add(`${tag}.${c}`);
      if (!VOID.has(tag) && !m[3].trimEnd().endsWith('/')) stack.push({ tag, classes });
    }
    partsOf.set(path, parts);
  }
  const seen = new Set();
  const chosen = [];
  for (;;) {
    let best = null;
    let gain = 0;
    for (const [path, parts] of partsOf) {
      let n = 0;
      for (const p of parts) if (!seen.has(p)) n += 1;
      if (n > gain) { best = path; gain = n; }
    }
    if (!best) break;
    chosen.push(best);
    for (const p of partsOf.get(best)) seen.add(p);
    partsOf.delete(best);
  }
  return chosen.sort();
}

/** The policy tests/… expect in every page's Content-Security-Policy <meta> (src/render/mod.rs). */
export const POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; media-src 'self'; base-uri 'none'; form-action 'none'";

/**
 * What would break the policy or the "no network" rule, page by page: a missing or different
 * policy <meta>, inline script (a <script> without src, an on…= handler, a javascript: address),
 * inline style (<style>, style=), and anything loaded from another site.
 */
export function policyProblems(paths, root = SITE) {
  const out = [];
  for (const path of paths) {
    const html = readFileSync(join(root, path), 'utf8');
    const metas = [...html.matchAll(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/g)];
    if (metas.length !== 1 || metas[0][1] !== POLICY) out.push(`${path}: policy ${JSON.stringify(metas.map((m) => m[1]))}`);
    if (metas.length && html.includes('<link') && html.indexOf(metas[0][0]) > html.indexOf('<link')) out.push(`${path}: the policy <meta> comes after what it governs`);
    for (const m of html.matchAll(/<script\b([^>]*)>/g)) if (!/\bsrc="/.test(m[1])) out.push(`${path}: inline <script${m[1]}>`);
    for (const m of html.matchAll(/<style\b|\sstyle="|\son[a-z]+="|javascript:/gi)) out.push(`${path}: inline ${m[0].trim()} at ${m.index}`);
    for (const m of html.matchAll(/\b(?:src|srcset|poster|data|action|formaction)="([^"]+)"/g)) {
      if (/(?:^|,\s*)(?:[a-z][a-z0-9+.-]*:|\/\/)/i.test(m[1])) out.push(`${path}: loads ${m[1]}`);
    }
    for (const m of html.matchAll(/<link\b[^>]*>/g)) {
      const href = /\bhref="([^"]+)"/.exec(m[0])?.[1] ?? '';
      if (!/rel="(?:canonical|alternate)"/.test(m[0]) && /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i.test(href)) out.push(`${path}: loads ${href}`);
    }
  }
  return out;
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
