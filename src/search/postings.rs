//! Postings: for every term, the pages that hold it and a weight saying how strongly.
//!
//! A page's weight for a term sums, over its fields, `boost × √(count in the field) / √(tokens in
//! the field)` (elasticlunr's tf and length normalisation, per page rather than per heading), and
//! is stored as a whole number of hundredths, at least 1. The client multiplies it by the term's
//! idf at query time. `tests/browser/tokenizer.test.mjs` recomputes every weight from the text
//! the index ships, with the client's tokenizer, and must find the same numbers.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use rayon::prelude::*;

use super::pipeline::{self, Flavour};
use super::tokenize::tokenize_packed;
use super::SearchPage;

/// The fields of a page, in the order weights are summed, with their boosts.
pub const FIELDS: [(&str, f64); 4] = [
    ("title", 4.0),
    ("heading", 2.0),
    ("section", 0.5),
    ("body", 1.0),
];

/// One term: its text, and where its postings are (see [`Postings::pages`]).
#[derive(Debug)]
pub struct Term {
    pub text: String,
    /// `(batch, the term's number in that batch)`, batches in page order.
    sources: Vec<(u32, u32)>,
}

/// Every term of an index, sorted by UTF-16 code units (the order of JavaScript's `<`, which
/// the client's binary search over shard boundaries uses). The postings stay where the batches
/// made them, term by term: a merged copy would double the index's memory at its peak.
#[derive(Debug)]
pub struct Postings {
    pub terms: Vec<Term>,
    batches: Vec<Batch>,
    /// The number of each batch's first page.
    firsts: Vec<u32>,
}

impl Postings {
    /// The postings of `term`: `(page number, weight)`, page numbers ascending.
    pub fn pages<'a>(&'a self, term: &'a Term) -> impl Iterator<Item = (u32, u32)> + 'a {
        term.sources.iter().flat_map(move |&(b, t)| {
            let (batch, first) = (&self.batches[b as usize], self.firsts[b as usize]);
            let (from, to) = (batch.starts[t as usize], batch.starts[t as usize + 1]);
            batch.entries[from..to]
                .iter()
                .map(move |&(page, weight)| (first + u32::from(page), u32::from(weight)))
        })
    }
}

/// A fast hash for short keys (tokens and terms, never chosen by an attacker who could profit
/// from collisions: the text is the site's own): FxHash's multiply-rotate, 8 bytes at a time.
#[derive(Default)]
struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(u64::from_le_bytes(chunk.try_into().expect("8 bytes")));
        }
        for &b in chunks.remainder() {
            self.add(u64::from(b));
        }
    }

    fn write_u128(&mut self, n: u128) {
        self.add(n as u64);
        self.add((n >> 64) as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl FxHasher {
    fn add(&mut self, word: u64) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(K);
    }
}

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// Pages processed together share one cache of what the pipeline makes of each token: about
/// this many batches per index, of at least [`MIN_BATCH`] pages (enough for the threads to share
/// the work, few enough that each cache is warm for long).
const BATCHES: usize = 32;
const MIN_BATCH: usize = 64;
/// Pages in a batch are numbered from its first in 16 bits (see [`Batch`]).
const MAX_BATCH: usize = 1 << 16;

/// What a batch of pages gives: its own term table and, term by term, its postings: those of
/// term `t` are `entries[starts[t]..starts[t + 1]]`, `(page, weight)` with pages numbered from
/// the batch's first. Both fit in 16 bits (a batch has at most [`MAX_BATCH`] pages, a weight is
/// at most 750: see [`weight`]), which halves what the index holds at its peak.
#[derive(Debug)]
struct Batch {
    pages: u32,
    terms: Vec<String>,
    starts: Vec<usize>,
    entries: Vec<(u16, u16)>,
}

/// The postings of `pages` (in the order given: page `i` is `pages[i]`).
pub fn build(lang: &str, pages: &[&SearchPage]) -> Postings {
    let size = pages.len().div_ceil(BATCHES).clamp(MIN_BATCH, MAX_BATCH);
    let mut batches: Vec<Batch> = pages
        .par_chunks(size)
        .map(|batch| index_batch(lang, batch))
        .collect();
    // Every batch's terms numbered in one table, each with the batches that hold it (in order).
    let mut ids: FastMap<String, u32> = FastMap::default();
    let mut sources: Vec<Vec<(u32, u32)>> = Vec::new();
    for (b, batch) in batches.iter_mut().enumerate() {
        for (t, text) in std::mem::take(&mut batch.terms).into_iter().enumerate() {
            let id = *ids.entry(text).or_insert_with(|| {
                sources.push(Vec::new());
                (sources.len() - 1) as u32
            });
            sources[id as usize].push((b as u32, t as u32));
        }
    }
    let mut texts = vec![String::new(); sources.len()];
    for (text, id) in ids {
        texts[id as usize] = text;
    }
    let mut terms: Vec<Term> = texts
        .into_iter()
        .zip(sources)
        .map(|(text, sources)| Term { text, sources })
        .collect();
    terms.sort_unstable_by(|a, b| utf16_cmp(&a.text, &b.text));
    let firsts: Vec<u32> = batches
        .iter()
        .scan(0, |first, batch| {
            let this = *first;
            *first += batch.pages;
            Some(this)
        })
        .collect();
    Postings {
        terms,
        batches,
        firsts,
    }
}

/// `a` and `b` in the order of their UTF-16 code units, comparing as UTF-16 only from the first
/// character where they differ (the common prefix is compared as bytes).
pub fn utf16_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let mut same = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    while !a.is_char_boundary(same) {
        same -= 1;
    }
    a[same..].encode_utf16().cmp(b[same..].encode_utf16())
}

/// A token of 9 to 16 bytes as one number: its bytes, zero-padded (as
/// [`pack`](super::tokenize::pack) does for shorter ones). Longer tokens give `None`.
fn medium_key(token: &[u8]) -> Option<u128> {
    let n = token.len();
    let word = |at: usize| u64::from_le_bytes(token[at..at + 8].try_into().expect("8 bytes"));
    // The last 8 bytes overlap the first; shifting drops the bytes read twice.
    (9..=16)
        .contains(&n)
        .then(|| u128::from(word(0)) | u128::from(word(n - 8) >> ((16 - n) * 8)) << 64)
}

/// A key of an [`OpenTable`]: a token's bytes as one number (never zero: tokens are not empty).
trait Key: Copy + Eq {
    const EMPTY: Self;
    fn hash(self) -> u64;
}

impl Key for u64 {
    const EMPTY: u64 = 0;
    fn hash(self) -> u64 {
        self.wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }
}

impl Key for u128 {
    const EMPTY: u128 = 0;
    fn hash(self) -> u64 {
        ((self as u64) ^ ((self >> 64) as u64).rotate_left(23)).wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }
}

/// Keys to numbers: open addressing, linear probing, at most half full. The tables of the index
/// are small and looked up once per token, so one multiply and one comparison per lookup is what
/// matters.
struct OpenTable<K: Key> {
    /// `(key, value)`, the key [`Key::EMPTY`] in a free slot.
    slots: Vec<(K, u32)>,
    /// log2 of the number of slots.
    bits: u32,
    len: usize,
}

impl<K: Key> OpenTable<K> {
    fn new() -> Self {
        OpenTable {
            slots: vec![(K::EMPTY, 0); 1 << 10],
            bits: 10,
            len: 0,
        }
    }

    fn slot(&self, key: K) -> usize {
        (key.hash() >> (64 - self.bits)) as usize
    }

    /// The number for `key`, made by `make` the first time.
    fn get_or_insert(&mut self, key: K, make: impl FnOnce() -> u32) -> u32 {
        let mask = self.slots.len() - 1;
        let mut i = self.slot(key);
        loop {
            let (k, value) = self.slots[i];
            if k == key {
                return value;
            }
            if k == K::EMPTY {
                break;
            }
            i = (i + 1) & mask;
        }
        let value = make();
        self.slots[i] = (key, value);
        self.len += 1;
        if self.len * 2 > self.slots.len() {
            self.grow();
        }
        value
    }

    fn grow(&mut self) {
        self.bits += 1;
        let old = std::mem::replace(&mut self.slots, vec![(K::EMPTY, 0); 1 << self.bits]);
        let mask = self.slots.len() - 1;
        for (key, value) in old.into_iter().filter(|&(key, _)| key != K::EMPTY) {
            let mut i = self.slot(key);
            while self.slots[i].0 != K::EMPTY {
                i = (i + 1) & mask;
            }
            self.slots[i] = (key, value);
        }
    }
}

/// What the pipeline made of each token seen so far, as the number of its term ([`DROPPED`]: the
/// pipeline drops it): tokens of up to 8 bytes (most), up to 16, and longer.
struct Piped {
    short: OpenTable<u64>,
    medium: OpenTable<u128>,
    long: FastMap<Box<str>, u32>,
}

/// A token the pipeline drops.
const DROPPED: u32 = u32::MAX;

impl Piped {
    fn new() -> Self {
        Piped {
            short: OpenTable::new(),
            medium: OpenTable::new(),
            long: FastMap::default(),
        }
    }

    /// The number for `token` (`packed`: its [`pack`](super::tokenize::pack)ed form, if any),
    /// made by `make` the first time.
    fn get_or_insert(
        &mut self,
        token: &str,
        packed: Option<u64>,
        make: impl FnOnce() -> u32,
    ) -> u32 {
        if let Some(key) = packed {
            return self.short.get_or_insert(key, make);
        }
        match medium_key(token.as_bytes()) {
            Some(key) => self.medium.get_or_insert(key, make),
            None => match self.long.get(token) {
                Some(&id) => id,
                None => {
                    let id = make();
                    self.long.insert(token.into(), id);
                    id
                }
            },
        }
    }
}

fn index_batch(lang: &str, pages: &[&SearchPage]) -> Batch {
    let pipeline = pipeline::pipeline(lang, Flavour::Site);
    let mut piped = Piped::new();
    let mut terms: Vec<String> = Vec::new();
    let mut term_ids: FastMap<String, u32> = FastMap::default();
    // Per term of the batch: its count in each field of the page at hand; `touched` lists the
    // terms the page has, to read and reset only those.
    let mut counts: Vec<[u32; 4]> = Vec::new();
    let mut touched: Vec<u32> = Vec::new();
    // Page by page: `(term, weight)`, the page's terms from `ends[page - 1]` to `ends[page]`;
    // and the number of pages that hold each term.
    let mut weights: Vec<(u32, u16)> = Vec::new();
    let mut ends: Vec<usize> = Vec::with_capacity(pages.len());
    let mut holders: Vec<usize> = Vec::new();
    for page in pages {
        let mut lengths = [0u32; 4];
        for (field, text) in field_texts(page) {
            tokenize_packed(text, |raw, packed| {
                let id = piped.get_or_insert(raw, packed, || {
                    pipeline::run(&pipeline, raw).map_or(DROPPED, |term| {
                        *term_ids.entry(term).or_insert_with_key(|term| {
                            terms.push(term.clone());
                            counts.push([0; 4]);
                            holders.push(0);
                            (terms.len() - 1) as u32
                        })
                    })
                });
                if id != DROPPED {
                    let count = &mut counts[id as usize];
                    if *count == [0; 4] {
                        touched.push(id);
                    }
                    count[field] += 1;
                    lengths[field] += 1;
                }
            });
        }
        weights.extend(touched.drain(..).map(|id| {
            holders[id as usize] += 1;
            let per_field = std::mem::take(&mut counts[id as usize]);
            (id, weight(&per_field, &lengths))
        }));
        ends.push(weights.len());
    }
    // Page by page to term by term (each term's pages stay in page order).
    let mut starts = Vec::with_capacity(terms.len() + 1);
    starts.push(0);
    for n in &holders {
        starts.push(starts[starts.len() - 1] + n);
    }
    let mut next = starts.clone();
    let mut entries = vec![(0, 0); weights.len()];
    let mut from = 0;
    for (page, &end) in ends.iter().enumerate() {
        for &(id, weight) in &weights[from..end] {
            let at = &mut next[id as usize];
            entries[*at] = (page as u16, weight);
            *at += 1;
        }
        from = end;
    }
    Batch {
        pages: pages.len() as u32,
        terms,
        starts,
        entries,
    }
}

/// Each text of a page with its field number: the title, every heading, the section title, every
/// body. Texts are tokenized one by one (a CJK run never spans two headings).
pub fn field_texts<'a>(page: &'a SearchPage) -> impl Iterator<Item = (usize, &'a str)> + 'a {
    std::iter::once((0, page.title))
        .chain(page.sections.iter().map(|s| (1, s.heading.as_ref())))
        .chain(std::iter::once((2, page.section)))
        .chain(page.sections.iter().map(|s| (3, s.body.as_ref())))
}

/// The stored weight of a term in a page, from its count and the length of each field: at most
/// the sum of the boosts, 750 hundredths, since a count is never more than its field's length.
pub fn weight(counts: &[u32; 4], lengths: &[u32; 4]) -> u16 {
    let mut w = 0.0f64;
    for (field, &(_, boost)) in FIELDS.iter().enumerate() {
        if counts[field] > 0 {
            w += boost * f64::from(counts[field]).sqrt() / f64::from(lengths[field]).sqrt();
        }
    }
    ((w * 100.0).round() as u16).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::Section;
    use std::borrow::Cow;

    fn page<'a>(url: &'a str, title: &'a str, body: &'a str) -> SearchPage<'a> {
        SearchPage {
            url,
            title,
            section: "",
            sections: vec![Section {
                id: None,
                heading: Cow::Borrowed(""),
                body: Cow::Borrowed(body),
            }],
        }
    }

    #[test]
    fn a_title_match_weighs_more_than_a_body_match() {
        let a = page("a", "Vaccines", "research on genomes");
        let b = page("b", "Genomes", "vaccines research");
        let postings = build("en", &[&a, &b]);
        let term = |t: &str| {
            let term = postings.terms.iter().find(|x| x.text == t).unwrap();
            postings.pages(term).collect::<Vec<_>>()
        };
        let vaccin = &term("vaccin");
        assert_eq!(vaccin.len(), 2);
        assert!(vaccin[0].1 > vaccin[1].1, "{vaccin:?}");
        assert_eq!(
            term("research").iter().map(|p| p.0).collect::<Vec<_>>(),
            [0, 1]
        );
        assert_eq!(weight(&[1, 0, 0, 0], &[1, 0, 0, 0]), 400);
        assert_eq!(weight(&[0, 0, 0, 1], &[0, 0, 0, 400]), 5);
        assert_eq!(weight(&[0, 0, 0, 1], &[0, 0, 0, 1_000_000]), 1);
    }

    #[test]
    fn postings_are_numbered_across_batches() {
        // 200 pages make four batches of at most 64: each term's pages come back numbered from
        // the first page of all, ascending, whichever batches hold them.
        let urls: Vec<String> = (0..200).map(|n| format!("p{n:03}")).collect();
        let bodies: Vec<String> = (0..200)
            .map(|n| format!("vaccine {}", if n % 3 == 0 { "genome" } else { "cohort" }))
            .collect();
        let pages: Vec<SearchPage> = (0..200).map(|n| page(&urls[n], "", &bodies[n])).collect();
        let refs: Vec<&SearchPage> = pages.iter().collect();
        let postings = build("en", &refs);
        let numbers = |t: &str| {
            let term = postings.terms.iter().find(|x| x.text == t).unwrap();
            postings.pages(term).map(|(n, _)| n).collect::<Vec<_>>()
        };
        assert_eq!(numbers("vaccin"), (0..200).collect::<Vec<u32>>());
        assert_eq!(numbers("genom"), (0..200).step_by(3).collect::<Vec<u32>>());
        assert_eq!(numbers("cohort").len(), 200 - 67);
    }

    #[test]
    fn medium_keys_are_the_padded_bytes() {
        for token in [
            "abcdefghi",
            "abcdefghijklmno",
            "abcdefghijklmnop",
            "強皮症の",
            "𠮷野家x",
        ] {
            let mut padded = [0u8; 16];
            padded[..token.len()].copy_from_slice(token.as_bytes());
            assert_eq!(
                medium_key(token.as_bytes()),
                Some(u128::from_le_bytes(padded)),
                "{token:?}"
            );
        }
        assert_eq!(medium_key(b"abcdefgh"), None);
        assert_eq!(medium_key(b"abcdefghijklmnopq"), None);
    }

    #[test]
    fn the_utf16_order_agrees_with_comparing_every_code_unit() {
        let words = [
            "",
            "a",
            "ab",
            "abc",
            "b",
            "\u{FA0E}",
            "𠮷",
            "a\u{FA0E}",
            "a𠮷",
            "𠮷a",
            "\u{FFFF}",
            "\u{E000}",
            "日本",
            "日本語",
            "日",
            "é",
            "e",
        ];
        for a in words {
            for b in words {
                assert_eq!(
                    utf16_cmp(a, b),
                    a.encode_utf16().cmp(b.encode_utf16()),
                    "{a:?} {b:?}"
                );
            }
        }
    }

    #[test]
    fn terms_are_in_utf16_order() {
        // U+FA0E sorts after U+2000B in UTF-16 (a surrogate pair) but before it in UTF-8.
        let a = page("a", "\u{FA0E}", "𠀋");
        let postings = build("ja", &[&a]);
        let texts: Vec<&str> = postings.terms.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(texts, ["𠀋", "\u{FA0E}"]);
    }
}
