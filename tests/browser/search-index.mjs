// The built search index read from disk, for tests in node: the client's own Index, loading each
// file by running it (as a browser would) with a nenpoSearch() that hands over what it registers.
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
export const client = require(join(here, '..', '..', 'themes', 'default', 'static', 'search.js'));

/** The JSON that `<site>/<key>.js` registers (checking that it registers under its own key). */
export function readIndexFile(site, key) {
  let got = null;
  vm.runInNewContext(readFileSync(join(site, `${key}.js`), 'utf8'), {
    nenpoSearch(k, data) {
      if (k !== key) throw new Error(`${key}.js registers as ${k}`);
      got = data;
    },
  });
  if (got === null) throw new Error(`${key}.js registers nothing`);
  return got;
}

/** The index `prefix` (e.g. `search/ja`) of the built site, or null when there is none. */
export function diskIndex(site, prefix, loaded = []) {
  if (!existsSync(join(site, prefix, 'meta.js'))) return null;
  return new client.Index(prefix, (key) => {
    loaded.push(key);
    try { return Promise.resolve(readIndexFile(site, key)); } catch (e) { return Promise.reject(e); }
  });
}

/** Every term shard and fragment of an index: { meta, terms: Map term -> postings string, fragments: [] }. */
export function wholeIndex(site, prefix) {
  const meta = readIndexFile(site, `${prefix}/meta`);
  const terms = new Map();
  meta.shards.forEach((bound, n) => {
    const shard = readIndexFile(site, `${prefix}/t/${n}`);
    for (const [term, postings] of Object.entries(shard)) {
      if (terms.has(term)) throw new Error(`${term} is in two shards`);
      terms.set(term, postings);
    }
  });
  const fragments = [];
  const bundles = Math.ceil(meta.pages / meta.bundle);
  for (let n = 0; n < bundles; n++) {
    const bundle = readIndexFile(site, `${prefix}/f/${n}`);
    const expected = Math.min(meta.bundle, meta.pages - n * meta.bundle);
    if (bundle.length !== expected) throw new Error(`${prefix}/f/${n} holds ${bundle.length} pages, not ${expected}`);
    fragments.push(...bundle);
  }
  const files = readdirSync(join(site, prefix, 'f')).length;
  if (files !== bundles) throw new Error(`${prefix}/f has ${files} files for ${meta.pages} pages in bundles of ${meta.bundle}`);
  return { meta, terms, fragments };
}
