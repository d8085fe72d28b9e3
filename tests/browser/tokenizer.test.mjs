// The client (themes/*/static/search.js) must split text exactly as the build (src/search/).
// 1. fixtures/tokens.json is written by the Rust test `search::tests::token_fixture_is_up_to_date`
//    (which fails when it is stale): tokens, the English pipelines (the site's, with spelling
//    variants, and elasticlunr's) and the Japanese pipeline, per string.
// 2. Over every page of each built index, the client recomputes every term's weight from the text
//    the index ships (the page's fragment) and must find exactly the terms and weights of the
//    term shards; and each term must sit in the shard the client would look in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SITE } from './lib.mjs';
import { client, wholeIndex, diskIndex } from './search-index.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = JSON.parse(readFileSync(join(here, 'fixtures', 'tokens.json'), 'utf8'));

test('the fixture and the client name the same tokenizer', () => {
  assert.equal(fixture.tokenizer, client.TOKENIZER);
});

test('the client tokenizes every fixture string as the build does', () => {
  assert.ok(fixture.cases.length >= 150);
  for (const c of fixture.cases) {
    const tokens = client.tokenize(c.text);
    assert.deepEqual(tokens, c.tokens, `tokenize(${JSON.stringify(c.text)})`);
    assert.deepEqual(client.runPipeline(fixture.pipelines.en, tokens), c.en, `en pipeline of ${JSON.stringify(c.text)}`);
    assert.deepEqual(client.runPipeline(fixture.pipelines.en_elasticlunr, tokens), c.en_elasticlunr, `elasticlunr en pipeline of ${JSON.stringify(c.text)}`);
    assert.deepEqual(client.runPipeline(fixture.pipelines.ja, tokens), c.ja, `ja pipeline of ${JSON.stringify(c.text)}`);
    assert.equal(client.aliasKey(c.text, client.makePipeline(fixture.pipelines.en)), c.alias_key_en, `en alias key of ${JSON.stringify(c.text)}`);
    assert.equal(client.aliasKey(c.text, client.makePipeline(fixture.pipelines.ja)), c.alias_key_ja, `ja alias key of ${JSON.stringify(c.text)}`);
  }
});

test('forms, kana, names, numbers and spellings fold together', () => {
  const same = (a, b) => assert.deepEqual(client.tokenize(a), client.tokenize(b), `${a} = ${b}`);
  same('ＡＭＥＤ', 'AMED');
  same('ｉＰＳ細胞', 'iPS細胞');
  same('ｹﾞﾉﾑ', 'ゲノム');
  same('ガン', 'がん');
  same('コンピューター', 'コンピュータ');
  same('吉崎 歩', '吉崎歩');
  same('2,964', '2964');
  same('２，９６４', '2964');
  const en = (t) => client.runPipeline(fixture.pipelines.en, client.tokenize(t));
  assert.deepEqual(en('tumour organisation anaemia'), en('tumor organization anemia'));
});

test('postings decode and edit distances count one typo as one', () => {
  assert.deepEqual(client.decodePostings('0V1X1'), { pages: [0, 1], weights: [31, 33] });
  assert.equal(client.editDistance([...'rituximap'], [...'rituximab'], 2), 1);
  assert.equal(client.editDistance([...'ritxuimab'], [...'rituximab'], 2), 1);
  assert.equal(client.editDistance([...'abcdefgh'], [...'abcdefgh'], 2), 0);
  assert.equal(client.editDistance([...'abcdefgh'], [...'axcdyfgz'], 2), 3);
});

for (const lang of ['ja', 'en']) {
  test(`the client recomputes the built ${lang} index exactly from its text`, async (t) => {
    const prefix = `search/${lang}/2021`;
    if (!existsSync(join(SITE, prefix, 'meta.js'))) {
      if (process.env.REQUIRE_SITE) throw new Error(`no ${SITE}/${prefix}/meta.js`);
      t.skip(`no ${SITE}/${prefix}/meta.js (build the site first)`);
      return;
    }
    const { meta, terms, fragments } = wholeIndex(SITE, prefix);
    assert.equal(meta.tokenizer, client.TOKENIZER);
    assert.equal(meta.format, client.FORMAT);
    const pipe = client.makePipeline(meta.pipeline);
    // What the client computes: term -> page -> weight.
    const expected = new Map();
    fragments.forEach((fragment, page) => {
      for (const [term, w] of client.pageWeights(fragment, pipe)) {
        if (!expected.has(term)) expected.set(term, new Map());
        expected.get(term).set(page, w);
      }
    });
    assert.deepEqual([...terms.keys()].sort(), [...expected.keys()].sort(), 'the same terms');
    let checked = 0;
    for (const [term, encoded] of terms) {
      const { pages, weights } = client.decodePostings(encoded);
      const mine = expected.get(term);
      assert.deepEqual(pages, [...mine.keys()], `${lang} ${JSON.stringify(term)}: pages`);
      assert.deepEqual(weights, [...mine.values()], `${lang} ${JSON.stringify(term)}: weights`);
      checked += pages.length;
    }
    assert.ok(checked > 1000, `only ${checked} postings checked`);
    // Each term is in the shard the client looks in.
    const index = diskIndex(SITE, prefix);
    await index.meta();
    for (const term of [...terms.keys()].filter((_, i) => i % 7 === 0)) {
      const shard = await index.shard(index.shardOf(term));
      assert.equal(typeof shard[term], 'string', `${term} is not in shard ${index.shardOf(term)}`);
    }
  });
}
