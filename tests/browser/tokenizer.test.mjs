// The client (themes/default/static/search.js) must split text exactly as the build (src/index.rs).
// 1. fixtures/tokens.json is written by the Rust test `index::tests::token_fixture_is_up_to_date`
//    (which fails when it is stale): tokens, English pipeline and Japanese pipeline per string.
// 2. Over every document of each built index, the client recomputes the postings from the stored
//    field text and must find exactly the terms, term frequencies and field lengths of the index.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { SITE } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const client = require(join(here, '..', '..', 'themes', 'default', 'static', 'search.js'));
const fixture = JSON.parse(readFileSync(join(here, 'fixtures', 'tokens.json'), 'utf8'));
const EN = ['trimmer', 'stopWordFilter', 'stemmer'];

test('the fixture and the client name the same tokenizer', () => {
  assert.equal(fixture.tokenizer, client.TOKENIZER);
});

test('the client tokenizes every fixture string as the build does', () => {
  assert.ok(fixture.cases.length >= 100);
  for (const c of fixture.cases) {
    const tokens = client.tokenize(c.text);
    assert.deepEqual(tokens, c.tokens, `tokenize(${JSON.stringify(c.text)})`);
    assert.deepEqual(client.runPipeline(EN, tokens), c.en, `en pipeline of ${JSON.stringify(c.text)}`);
    assert.deepEqual(client.runPipeline([], tokens), c.ja, `ja pipeline of ${JSON.stringify(c.text)}`);
  }
});

test('full-width and half-width forms and case fold together', () => {
  assert.deepEqual(client.tokenize('ＡＭＥＤ'), client.tokenize('AMED'));
  assert.deepEqual(client.tokenize('ｉＰＳ細胞'), client.tokenize('iPS細胞'));
  assert.deepEqual(client.tokenize('ｹﾞﾉﾑ'), client.tokenize('ゲノム'));
});

function loadIndex(lang) {
  const file = join(SITE, `search-index.${lang}.js`);
  if (!existsSync(file)) return null;
  const sandbox = { window: {} };
  vm.runInNewContext(readFileSync(file, 'utf8'), sandbox);
  return sandbox.window.SEARCH_INDEX[lang];
}

/** term -> { ref -> tf } of one field's trie. */
function postings(root) {
  const out = new Map();
  const stack = [[root, '']];
  while (stack.length) {
    const [node, term] = stack.pop();
    if (node.docs && Object.keys(node.docs).length) out.set(term, node.docs);
    for (const key of Object.keys(node)) if (key !== 'docs' && key !== 'df') stack.push([node[key], term + key]);
  }
  return out;
}

for (const lang of ['ja', 'en']) {
  test(`the client recomputes the built ${lang} index exactly from its stored text`, (t) => {
    const index = loadIndex(lang);
    if (!index) {
      if (process.env.REQUIRE_SITE) throw new Error(`no ${SITE}/search-index.${lang}.js`);
      t.skip(`no ${SITE}/search-index.${lang}.js (build the site first)`);
      return;
    }
    assert.equal(index.tokenizer, client.TOKENIZER);
    const docs = index.documentStore.docs;
    let checked = 0;
    for (const field of ['title', 'heading', 'section', 'body']) {
      // What the client computes: ref -> term -> count.
      const expected = new Map();
      for (const [ref, doc] of Object.entries(docs)) {
        const tokens = client.runPipeline(index.pipeline, client.tokenize(doc[field]));
        assert.equal(tokens.length, index.documentStore.docInfo[ref][field], `${lang} doc ${ref} ${field} length`);
        const counts = new Map();
        for (const tok of tokens) counts.set(tok, (counts.get(tok) || 0) + 1);
        expected.set(ref, counts);
      }
      // What the build wrote.
      const seen = new Map([...expected.keys()].map((ref) => [ref, new Set()]));
      for (const [term, refs] of postings(index.index[field].root)) {
        for (const [ref, { tf }] of Object.entries(refs)) {
          const count = expected.get(ref).get(term);
          assert.ok(count, `${lang} ${field}: the index has ${JSON.stringify(term)} in doc ${ref}, the client does not`);
          assert.ok(Math.abs(Math.sqrt(count) - tf) < 0.001, `${lang} ${field} ${JSON.stringify(term)} doc ${ref}: tf ${tf} vs count ${count}`);
          seen.get(ref).add(term);
          checked++;
        }
      }
      for (const [ref, counts] of expected) {
        for (const term of counts.keys()) {
          assert.ok(seen.get(ref).has(term), `${lang} ${field}: the client finds ${JSON.stringify(term)} in doc ${ref}, the index does not`);
        }
      }
    }
    assert.ok(checked > 100, `only ${checked} postings checked`);
  });
}
