//! Search index: one elasticlunr index per language over every rendered page.
//!
//! Each page's rendered HTML is cut into chunks at the headings that carry an `id`, so that a
//! result can point at `url#id` of the heading nearest to the match (the text before the first
//! such heading points at the page itself). Every chunk becomes one elasticlunr document with the
//! fields `title` (the page title), `heading`, `section` and `body`, plus `url`, which is stored
//! for the client but not indexed.
//!
//! Tokenizing is done here, not by elasticlunr-rs's language modules (its `ja` feature needs
//! lindera dictionaries that are downloaded at build time). [`tokenize`] folds the text with
//! NFKC and lower-casing, then cuts it into words (runs of letters and digits) and, for CJK text,
//! character bigrams plus the last character of each run alone. The client in
//! `themes/default/static/search.js` implements the very same function; `tests/browser/` proves that
//! both agree, on a golden fixture written by this module's tests and on the whole built index.
//! After tokenizing, English runs elasticlunr-rs's English pipeline (trimmer, stop words, Porter
//! stemmer — the stemmer only on ASCII tokens); other languages keep the tokens as they are.
//!
//! The index itself is built and written by this module (`write_index`), not by elasticlunr-rs's
//! `Index`: the output is exactly the JSON of elasticlunr-rs 3.1's `Index::to_json` (the format
//! the elasticlunr.js client loads) with compact term frequencies (`push_compact_tf`), but the
//! data structure behind it is ours. elasticlunr-rs keeps, per field, a trie of `BTreeMap`s per
//! character with `String` refs in every posting, and serialises it through serde; on a synthetic
//! site of 10,000 pages per language (`cargo bench --bench build -- 10000`) its index stage took
//! 28.1 s and the build peaked at 2.7 GB RSS. Here every field maps each distinct token to one
//! postings list of `(document, count)` numbers, the pipeline runs once per distinct token, the
//! fields are tokenized in parallel, and the trie is written straight from the sorted tokens:
//! 2.4 s and 1.3 GB on the same site (1,000 pages per language: 1.4–1.6 s → 0.24 s, 270 MB →
//! 136 MB), with byte-identical output. elasticlunr-rs still provides the English pipeline
//! (trimmer, stop words, stemmer) and, in the tests, the reference that the written index must
//! equal byte for byte.
//!
//! The output is a JavaScript file that stores the index in `window.SEARCH_INDEX[lang]`: browsers
//! refuse `fetch()` of JSON from `file://`, a `<script>` they load. It is byte-identical for the
//! same input (pages are ordered by URL, and every map in the index is sorted by key).

use elasticlunr::pipeline::{Pipeline, PipelineFn};
use elasticlunr::Language;
use rayon::prelude::*;
use serde_json::Value;
use std::collections::HashMap;
use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// One rendered page, as the engine hands it over.
pub struct IndexInput<'a> {
    /// Page URL relative to the site root, e.g. `"ja/pharmaceuticals/approvals/index.html"`.
    pub url: &'a str,
    /// Page title.
    pub title: &'a str,
    /// Title of the page's section (`""` for the home page).
    pub section: &'a str,
    /// The page's rendered main content: Markdown body HTML and its record tables HTML.
    pub html: &'a str,
}

/// Name of the tokenizer, written into the index so that a client can refuse an index it does not
/// understand. Change it whenever [`tokenize`] changes its output.
pub const TOKENIZER: &str = "nfkc-lower-words-cjk-bigrams-1";

/// An index above this many bytes (raw) is worth a warning: see [`size_warning`].
pub const SIZE_WARNING_BYTES: usize = 2 * 1024 * 1024;

/// Fields of every document, in the order given to elasticlunr.
const FIELDS: [&str; 5] = ["title", "heading", "section", "body", "url"];

/// Returns the JavaScript source of `search-index.<lang>.js` (the engine writes it to
/// `public/search-index.<lang>.js`).
pub fn build(lang: &str, pages: &[IndexInput]) -> Result<String, String> {
    if lang.is_empty() || !lang.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(format!("search index: invalid language code {lang:?}"));
    }
    let mut order: Vec<&IndexInput> = pages.iter().collect();
    order.sort_by(|a, b| a.url.cmp(b.url));
    for pair in order.windows(2) {
        if pair[0].url == pair[1].url {
            return Err(format!(
                "search index ({lang}): two pages have the URL {:?}",
                pair[0].url
            ));
        }
    }

    // Every chunk of every page is a document; refs number them in URL order.
    let texts: Vec<PageText> = order
        .par_iter()
        .map(|page| PageText {
            title: collapse(page.title),
            section: collapse(page.section),
            chunks: split_chunks(page.html)
                .into_iter()
                .map(|chunk| {
                    let url = match &chunk.id {
                        Some(id) => format!("{}#{}", page.url, id),
                        None => page.url.to_string(),
                    };
                    (url, chunk)
                })
                .collect(),
        })
        .collect();
    let docs: Vec<[&str; FIELDS.len()]> = texts
        .iter()
        .flat_map(|page| {
            page.chunks.iter().map(|(url, chunk)| {
                [
                    page.title.as_str(),
                    chunk.heading.as_str(),
                    page.section.as_str(),
                    chunk.body.as_str(),
                    url.as_str(),
                ]
            })
        })
        .collect();

    let mut out = String::new();
    out.push_str("window.SEARCH_INDEX=window.SEARCH_INDEX||{};window.SEARCH_INDEX[");
    push_json_str(lang, &mut out);
    out.push_str("]=");
    write_index(lang, &docs, &mut out);
    // The index is a JSON object: add the tokenizer's name as its last member.
    let closed = out.pop();
    debug_assert_eq!(closed, Some('}'));
    out.push_str(",\"tokenizer\":");
    push_json_str(TOKENIZER, &mut out);
    out.push_str("};\n");
    // U+2028/U+2029 are valid in JSON strings and in JS since ES2019; escape them anyway for
    // older engines.
    if out.contains(['\u{2028}', '\u{2029}']) {
        out = out
            .replace('\u{2028}', "\\u2028")
            .replace('\u{2029}', "\\u2029");
    }
    Ok(out)
}

/// A warning for an index big enough to hurt readers on slow devices, or `None`.
pub fn size_warning(lang: &str, js: &str) -> Option<String> {
    (js.len() > SIZE_WARNING_BYTES).then(|| {
        format!(
            "search index for {lang:?} is {} KiB (warning above {} KiB): it is loaded by every \
             reader who searches",
            js.len() / 1024,
            SIZE_WARNING_BYTES / 1024
        )
    })
}

/// The text of one page, ready to be indexed.
struct PageText {
    title: String,
    section: String,
    /// The page's chunks with their URLs.
    chunks: Vec<(String, Chunk)>,
}

// ---------------------------------------------------------------------------------------------
// Index writer (the output format of elasticlunr-rs 3.1's `Index::to_json`)

/// Number of fields that are tokenized: all of [`FIELDS`] but `url`.
const INDEXED: usize = 4;

/// Name of the field that holds a document's ref.
const REF_FIELD: &str = "id";

/// Postings of one tokenized field.
struct FieldIndex {
    /// Distinct tokens (after the pipeline), by id.
    tokens: Vec<String>,
    /// Per token id: `(document rank, occurrences in the field)`, ranks ascending.
    postings: Vec<Vec<(u32, u32)>>,
}

/// Tokenizes one field of every document, visiting the documents in `by_ref` order (the order of
/// their refs as strings), so that every postings list comes out in the order elasticlunr-rs
/// writes it. Returns the postings and, per rank, the number of tokens (after the pipeline).
fn index_field(
    lang: &str,
    docs: &[[&str; FIELDS.len()]],
    by_ref: &[u32],
    field: usize,
) -> (FieldIndex, Vec<u32>) {
    let pipeline = pipeline(lang);
    // Per token from `tokenize`: the id of what the pipeline makes of it (`None`: dropped). The
    // pipeline works token by token, so it runs once per distinct token.
    let mut piped: HashMap<String, Option<u32>> = HashMap::new();
    let mut ids_by_token: HashMap<String, u32> = HashMap::new();
    let mut index = FieldIndex {
        tokens: Vec::new(),
        postings: Vec::new(),
    };
    let mut lengths = Vec::with_capacity(docs.len());
    let mut ids: Vec<u32> = Vec::new();
    for (rank, &doc) in by_ref.iter().enumerate() {
        ids.clear();
        tokenize_each(docs[doc as usize][field], |raw| {
            let id = match piped.get(raw) {
                Some(&id) => id,
                None => {
                    let id = pipeline.run(vec![raw.to_string()]).pop().map(|token| {
                        *ids_by_token.entry(token).or_insert_with_key(|token| {
                            index.tokens.push(token.clone());
                            index.postings.push(Vec::new());
                            u32::try_from(index.tokens.len() - 1).expect("fewer than 2^32 tokens")
                        })
                    });
                    piped.insert(raw.to_string(), id);
                    id
                }
            };
            if let Some(id) = id {
                ids.push(id);
            }
        });
        lengths.push(u32::try_from(ids.len()).expect("fewer than 2^32 tokens"));
        ids.sort_unstable();
        let rank = rank as u32;
        for run in ids.chunk_by(|a, b| a == b) {
            let count = u32::try_from(run.len()).expect("fewer than 2^32 tokens");
            index.postings[run[0] as usize].push((rank, count));
        }
    }
    (index, lengths)
}

/// Writes the index as JSON, as elasticlunr-rs's `Index::to_json` would for the same documents
/// (refs "0", "1", … in order, fields [`FIELDS`], `url` stored but not indexed), followed by the
/// compaction of [`push_compact_tf`]: the members of `Index` in declaration order, every map
/// sorted by key (they are BTreeMaps there).
fn write_index(lang: &str, docs: &[[&str; FIELDS.len()]], out: &mut String) {
    let n = docs.len();
    // Refs are strings and sorted as strings: "0", "1", "10", "100", "11", …
    let refs: Vec<String> = (0..n).map(|d| d.to_string()).collect();
    let mut by_ref: Vec<u32> = (0..n as u32).collect();
    by_ref.sort_unstable_by(|&a, &b| refs[a as usize].cmp(&refs[b as usize]));
    let mut indexed: Vec<(Option<FieldIndex>, Vec<u32>)> = (0..INDEXED)
        .into_par_iter()
        .map(|field| {
            let (index, lengths) = index_field(lang, docs, &by_ref, field);
            (Some(index), lengths)
        })
        .collect();

    let stored_len: usize = docs.iter().flatten().map(|v| v.len() + 16).sum();
    let postings: usize = indexed
        .iter()
        .flat_map(|(index, _)| index.iter())
        .map(|index| {
            let nodes: usize = index.tokens.iter().map(|t| t.len()).sum();
            nodes * 24 + index.postings.iter().map(Vec::len).sum::<usize>() * 20
        })
        .sum();
    out.reserve(stored_len + postings + n * 120 + 1024);

    out.push_str("{\"fields\":[");
    for (i, field) in FIELDS.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_json_str(field, out);
    }
    out.push_str("],\"pipeline\":[");
    for (i, function) in pipeline(lang).queue.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_json_str(&function.name(), out);
    }
    out.push_str("],\"ref\":");
    push_json_str(REF_FIELD, out);
    out.push_str(",\"version\":");
    push_json_str(elasticlunr::ELASTICLUNR_VERSION, out);

    out.push_str(",\"index\":{");
    let mut by_name: Vec<usize> = (0..FIELDS.len()).collect();
    by_name.sort_by_key(|&f| FIELDS[f]);
    // The start of a posting: `"<ref>":{"tf":`, by rank.
    let posting_keys: Vec<String> = by_ref
        .iter()
        .map(|&doc| {
            let mut key = String::with_capacity(16);
            push_json_str(&refs[doc as usize], &mut key);
            key.push_str(":{\"tf\":");
            key
        })
        .collect();
    let mut tf = TfStrings::default();
    for (i, &field) in by_name.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_json_str(FIELDS[field], out);
        out.push_str(":{\"root\":");
        match indexed.get_mut(field).and_then(|(index, _)| index.take()) {
            Some(index) => write_trie(index, &posting_keys, &mut tf, out),
            None => out.push_str("{\"docs\":{},\"df\":0}"),
        }
        out.push('}');
    }
    drop(posting_keys);

    out.push_str("},\"documentStore\":{\"save\":true,\"docs\":{");
    // A stored document: every field and the ref, ordered by name (a BTreeMap in elasticlunr-rs).
    let mut stored_order: Vec<Option<usize>> = (0..FIELDS.len()).map(Some).collect();
    stored_order.push(None);
    stored_order.sort_by_key(|f| f.map_or(REF_FIELD, |f| FIELDS[f]));
    for (i, &doc) in by_ref.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let doc_ref = &refs[doc as usize];
        push_json_str(doc_ref, out);
        out.push_str(":{");
        for (j, &field) in stored_order.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            match field {
                Some(field) => {
                    push_json_str(FIELDS[field], out);
                    out.push(':');
                    push_json_str(docs[doc as usize][field], out);
                }
                None => {
                    push_json_str(REF_FIELD, out);
                    out.push(':');
                    push_json_str(doc_ref, out);
                }
            }
        }
        out.push('}');
    }
    out.push_str("},\"docInfo\":{");
    for (rank, &doc) in by_ref.iter().enumerate() {
        if rank > 0 {
            out.push(',');
        }
        push_json_str(&refs[doc as usize], out);
        out.push_str(":{");
        for (j, &field) in by_name.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            push_json_str(FIELDS[field], out);
            out.push(':');
            let length = indexed.get(field).map_or(0, |(_, lengths)| lengths[rank]);
            out.push_str(&length.to_string());
        }
        out.push('}');
    }
    out.push_str("},\"length\":");
    out.push_str(&n.to_string());
    out.push_str("},\"lang\":");
    push_json_str(&language_name(lang), out);
    out.push('}');
}

/// Writes the trie of one field as elasticlunr-rs's `IndexItem` serialises it: every node is
/// `{"docs":{<ref>:{"tf":…},…},"df":…,` then its children keyed by their character, in character
/// order. Walking the tokens in sorted order visits the nodes in exactly that order; a node is
/// left open while the following tokens extend it.
fn write_trie(index: FieldIndex, posting_keys: &[String], tf: &mut TfStrings, out: &mut String) {
    let FieldIndex { tokens, postings } = index;
    let mut order: Vec<u32> = (0..tokens.len() as u32)
        .filter(|&id| !tokens[id as usize].is_empty())
        .collect();
    // Byte order of UTF-8 is code point order, the order of BTreeMap<char, _>.
    order.sort_unstable_by(|&a, &b| tokens[a as usize].cmp(&tokens[b as usize]));
    out.push_str("{\"docs\":{},\"df\":0");
    let mut previous = "";
    let mut buf = [0u8; 4];
    for id in order {
        let token = tokens[id as usize].as_str();
        let common = previous
            .chars()
            .zip(token.chars())
            .take_while(|(a, b)| a == b)
            .count();
        for _ in common..previous.chars().count() {
            out.push('}');
        }
        let mut new_chars = token.chars().skip(common).peekable();
        while let Some(c) = new_chars.next() {
            out.push(',');
            push_json_str(c.encode_utf8(&mut buf), out);
            if new_chars.peek().is_some() {
                out.push_str(":{\"docs\":{},\"df\":0");
            } else {
                out.push_str(":{\"docs\":{");
                let postings = &postings[id as usize];
                for (i, &(rank, count)) in postings.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&posting_keys[rank as usize]);
                    out.push_str(tf.get(count));
                    out.push('}');
                }
                out.push_str("},\"df\":");
                out.push_str(&postings.len().to_string());
            }
        }
        previous = token;
    }
    for _ in 0..previous.chars().count() {
        out.push('}');
    }
    out.push('}');
}

/// Compact term frequencies by number of occurrences, computed once each.
#[derive(Default)]
struct TfStrings {
    known: Vec<Option<String>>,
}

impl TfStrings {
    fn get(&mut self, count: u32) -> &str {
        let count = count as usize;
        if self.known.len() <= count {
            self.known.resize(count + 1, None);
        }
        self.known[count].get_or_insert_with(|| {
            let mut s = String::new();
            push_compact_tf((count as f64).sqrt(), &mut s);
            s
        })
    }
}

/// Writes a term frequency (elasticlunr's `sqrt(count)`) compactly: whole numbers as integers,
/// the rest rounded to three decimals, which is plenty for ranking and halves the size of the
/// postings.
fn push_compact_tf(x: f64, out: &mut String) {
    let rounded = (x * 1000.0).round() / 1000.0;
    if rounded.fract() == 0.0 && rounded.abs() < 1e15 {
        out.push_str(&(rounded as i64).to_string());
    } else {
        out.push_str(&rounded.to_string());
    }
}

/// Appends `s` as a JSON string, escaped exactly as serde_json escapes it.
fn push_json_str(s: &str, out: &mut String) {
    if s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        out.push_str(&Value::String(s.to_string()).to_string());
    } else {
        out.push('"');
        out.push_str(s);
        out.push('"');
    }
}

// ---------------------------------------------------------------------------------------------
// Language and pipeline

/// The language name written into the index (elasticlunr's `lang`).
fn language_name(code: &str) -> String {
    match code {
        "en" => "English".into(),
        "ja" => "Japanese".into(),
        other => other.into(),
    }
}

/// The token pipeline of a language: English gets elasticlunr-rs's English pipeline (trimmer,
/// stop-word filter, Porter stemmer, the stemmer applied to ASCII tokens only); every other
/// language keeps the tokens unchanged.
pub fn pipeline(lang: &str) -> Pipeline {
    if lang != "en" {
        return Pipeline { queue: Vec::new() };
    }
    let english = elasticlunr::lang::English::new().make_pipeline();
    let queue = english
        .queue
        .into_iter()
        .map(|f| -> Box<dyn PipelineFn> {
            if f.name() == "stemmer" {
                Box::new(AsciiOnly(f))
            } else {
                f
            }
        })
        .collect();
    Pipeline { queue }
}

/// Applies a pipeline function to ASCII tokens and passes the others through: the Porter stemmer
/// works on bytes, which a JavaScript port working on UTF-16 could not reproduce exactly.
struct AsciiOnly(Box<dyn PipelineFn>);

impl PipelineFn for AsciiOnly {
    fn name(&self) -> String {
        self.0.name()
    }

    fn filter(&self, token: String) -> Option<String> {
        if token.is_ascii() {
            self.0.filter(token)
        } else {
            Some(token)
        }
    }
}

/// Tokens of `text` after the language's pipeline, as stored in the index.
pub fn index_tokens(lang: &str, text: &str) -> Vec<String> {
    pipeline(lang).run(tokenize(text))
}

// ---------------------------------------------------------------------------------------------
// Tokenizer (mirrored by `tokenize` in themes/default/static/search.js)

/// Splits text into search tokens.
///
/// 1. Fold: NFKC (full-width Latin and digits to ASCII, half-width kana to full-width), then
///    lower-case.
/// 2. A run of CJK characters (kana, the prolonged sound mark, ideographs, hangul) gives its
///    character bigrams, then its last character alone (a one-character run gives just that
///    character). Every character of the text thus starts some token, so a one-character query
///    can be matched as a prefix.
/// 3. A run of other letters and digits (Unicode Alphabetic or Numeric) is one word; an
///    apostrophe between two such characters is dropped (`AMED's` → `ameds`).
/// 4. Everything else separates tokens.
pub fn tokenize(text: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    tokenize_each(text, |token| tokens.push(token.to_string()));
    tokens
}

/// [`tokenize`], handing each token to `emit` instead of collecting them.
fn tokenize_each(text: &str, mut emit: impl FnMut(&str)) {
    let folded = fold(text);
    let chars: Vec<char> = folded.chars().collect();
    let mut token = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if is_cjk(c) {
            let start = i;
            while i < chars.len() && is_cjk(chars[i]) {
                i += 1;
            }
            let run = &chars[start..i];
            for pair in run.windows(2) {
                token.clear();
                token.push(pair[0]);
                token.push(pair[1]);
                emit(&token);
            }
            token.clear();
            token.push(run[run.len() - 1]);
            emit(&token);
        } else if is_word(c) {
            token.clear();
            while i < chars.len() {
                let c = chars[i];
                if is_word(c) {
                    token.push(c);
                    i += 1;
                } else if is_apostrophe(c) && i + 1 < chars.len() && is_word(chars[i + 1]) {
                    i += 1;
                } else {
                    break;
                }
            }
            emit(&token);
        } else {
            i += 1;
        }
    }
}

/// NFKC, then lower-case (skipping the normalization where it would change nothing).
fn fold(text: &str) -> String {
    if text.is_ascii() {
        text.to_ascii_lowercase()
    } else if is_nfkc_quick(text.chars()) == IsNormalized::Yes {
        text.to_lowercase()
    } else {
        text.nfkc().collect::<String>().to_lowercase()
    }
}

/// Letters and digits that are not CJK.
fn is_word(c: char) -> bool {
    !is_cjk(c) && c.is_alphanumeric()
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

/// Characters written without spaces between words (after NFKC).
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3005..=0x3007          // 々 〆 〇
        | 0x3041..=0x3096        // hiragana
        | 0x3099..=0x309F        // voicing marks, ゝ ゞ ゟ
        | 0x30A1..=0x30FA        // katakana (without ゠ and the middle dot ・)
        | 0x30FC..=0x30FF        // ー ヽ ヾ ヿ
        | 0x31F0..=0x31FF        // small katakana for Ainu
        | 0x3400..=0x4DBF        // CJK extension A
        | 0x4E00..=0x9FFF        // CJK unified ideographs
        | 0xAC00..=0xD7A3        // hangul syllables
        | 0xF900..=0xFAFF        // CJK compatibility ideographs
        | 0x20000..=0x3FFFF      // CJK extensions B and later
    )
}

// ---------------------------------------------------------------------------------------------
// HTML to chunks

/// One part of a page: the text under one heading that carries an id (or before the first one).
#[derive(Debug, PartialEq)]
struct Chunk {
    id: Option<String>,
    heading: String,
    body: String,
}

/// Marks a block boundary in the text being collected; becomes a space.
const BLOCK: char = '\0';

/// Elements whose text is not page text.
const SKIPPED: [&str; 7] = [
    "script", "style", "svg", "template", "noscript", "math", "button",
];

/// Elements that do not break the text flow (no space is put in their place).
const INLINE: [&str; 23] = [
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "del", "em", "i", "ins", "kbd",
    "mark", "q", "ruby", "s", "samp", "small", "span", "strong", "time",
];

/// Cuts rendered HTML into chunks at headings (`h1`–`h6`) that carry an `id`; strips tags,
/// decodes entities and collapses whitespace. The text before the first such heading is the
/// first chunk, dropped when empty unless it is the only one.
fn split_chunks(html: &str) -> Vec<Chunk> {
    struct Raw {
        id: Option<String>,
        heading: String,
        body: String,
    }
    let mut chunks = vec![Raw {
        id: None,
        heading: String::new(),
        body: String::new(),
    }];
    // Level of the heading with an id whose text is being read.
    let mut in_heading: Option<u8> = None;
    let bytes = html.as_bytes();
    let mut pos = 0;
    let mut text_start = 0;

    let flush = |chunks: &mut Vec<Raw>, in_heading: Option<u8>, text: &str| {
        if text.is_empty() {
            return;
        }
        let chunk = chunks.last_mut().expect("there is always a chunk");
        let target = if in_heading.is_some() {
            &mut chunk.heading
        } else {
            &mut chunk.body
        };
        decode_entities_into(text, target);
    };
    let push_block = |chunks: &mut Vec<Raw>, in_heading: Option<u8>| {
        let chunk = chunks.last_mut().expect("there is always a chunk");
        let target = if in_heading.is_some() {
            &mut chunk.heading
        } else {
            &mut chunk.body
        };
        target.push(BLOCK);
    };

    while pos < bytes.len() {
        if bytes[pos] != b'<' {
            pos += 1;
            continue;
        }
        let rest = &html[pos..];
        if rest.starts_with("<!--") {
            flush(&mut chunks, in_heading, &html[text_start..pos]);
            pos = rest.find("-->").map_or(bytes.len(), |e| pos + e + 3);
            text_start = pos;
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") {
            flush(&mut chunks, in_heading, &html[text_start..pos]);
            pos = rest.find('>').map_or(bytes.len(), |e| pos + e + 1);
            text_start = pos;
            continue;
        }
        let Some(tag) = parse_tag(rest) else {
            // A lone '<' is text.
            pos += 1;
            continue;
        };
        flush(&mut chunks, in_heading, &html[text_start..pos]);
        pos += tag.len;
        text_start = pos;
        let name = tag.name.as_str();
        let heading_level = heading_level(name);

        if !tag.closing && SKIPPED.contains(&name) && !tag.self_closing {
            // Skip to the matching end tag (same-name nesting counted).
            let mut depth = 1;
            while pos < bytes.len() && depth > 0 {
                match html[pos..].find('<') {
                    None => pos = bytes.len(),
                    Some(off) => {
                        pos += off;
                        match parse_tag(&html[pos..]) {
                            Some(inner) if inner.name == name => {
                                if inner.closing {
                                    depth -= 1;
                                } else if !inner.self_closing {
                                    depth += 1;
                                }
                                pos += inner.len;
                            }
                            Some(inner) => pos += inner.len,
                            None => pos += 1,
                        }
                    }
                }
            }
            text_start = pos;
            push_block(&mut chunks, in_heading);
            continue;
        }

        match (heading_level, tag.closing) {
            (Some(level), false) => match tag.id {
                Some(id) if in_heading.is_none() && !id.is_empty() => {
                    chunks.push(Raw {
                        id: Some(id),
                        heading: String::new(),
                        body: String::new(),
                    });
                    in_heading = Some(level);
                }
                _ => push_block(&mut chunks, in_heading),
            },
            (Some(level), true) if in_heading == Some(level) => in_heading = None,
            _ => {
                if !INLINE.contains(&name) && name != "wbr" {
                    push_block(&mut chunks, in_heading);
                }
            }
        }
    }
    flush(&mut chunks, in_heading, &html[text_start..]);

    let mut out: Vec<Chunk> = chunks
        .into_iter()
        .map(|raw| Chunk {
            id: raw.id,
            heading: collapse(&raw.heading),
            body: collapse(&raw.body),
        })
        .collect();
    if out.len() > 1 && out[0].body.is_empty() {
        out.remove(0);
    }
    out
}

struct Tag {
    name: String,
    closing: bool,
    self_closing: bool,
    id: Option<String>,
    /// Bytes from '<' to '>' inclusive.
    len: usize,
}

/// Parses the tag at the start of `s` (which starts with '<'); `None` if it is no tag.
fn parse_tag(s: &str) -> Option<Tag> {
    let bytes = s.as_bytes();
    let mut i = 1;
    let closing = bytes.get(1) == Some(&b'/');
    if closing {
        i += 1;
    }
    let name_start = i;
    if !bytes.get(i).is_some_and(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'-') {
        i += 1;
    }
    let name = s[name_start..i].to_ascii_lowercase();
    let mut id = None;
    let mut self_closing = false;
    // Attributes: name[=value] with value quoted or not.
    loop {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        match bytes.get(i) {
            None => return None,
            Some(b'>') => {
                i += 1;
                break;
            }
            Some(b'/') => {
                self_closing = true;
                i += 1;
                continue;
            }
            _ => {}
        }
        let attr_start = i;
        while i < bytes.len()
            && !matches!(bytes[i], b'=' | b'>' | b'/')
            && !bytes[i].is_ascii_whitespace()
        {
            i += 1;
        }
        let attr = s[attr_start..i].to_ascii_lowercase();
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = None;
        if bytes.get(i) == Some(&b'=') {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            match bytes.get(i) {
                Some(&q) if q == b'"' || q == b'\'' => {
                    let end = s[i + 1..].find(q as char)? + i + 1;
                    value = Some(&s[i + 1..end]);
                    i = end + 1;
                }
                _ => {
                    let v_start = i;
                    while i < bytes.len() && bytes[i] != b'>' && !bytes[i].is_ascii_whitespace() {
                        i += 1;
                    }
                    value = Some(&s[v_start..i]);
                }
            }
        }
        if attr == "id" {
            if let Some(v) = value {
                let mut decoded = String::new();
                decode_entities_into(v, &mut decoded);
                id = Some(decoded);
            }
        }
        if attr.is_empty() && value.is_none() {
            // Stray character (e.g. '=' alone): step over it.
            i += 1;
        }
    }
    Some(Tag {
        name,
        closing,
        self_closing,
        id,
        len: i,
    })
}

fn heading_level(name: &str) -> Option<u8> {
    match name.as_bytes() {
        [b'h', d @ b'1'..=b'6'] => Some(d - b'0'),
        _ => None,
    }
}

/// Appends `text` to `out` with character references decoded.
fn decode_entities_into(text: &str, out: &mut String) {
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest[1..]
            .char_indices()
            .take(32)
            .find(|&(_, c)| c == ';' || !(c.is_ascii_alphanumeric() || c == '#'))
            .filter(|&(_, c)| c == ';')
            .map(|(i, _)| i + 1);
        let decoded = end.and_then(|end| decode_entity(&rest[1..end]).map(|c| (c, end)));
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
}

fn decode_entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code).filter(|&c| c != '\0');
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "ensp" | "emsp" | "thinsp" => ' ',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "middot" => '·',
        "times" => '×',
        "divide" => '÷',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "deg" => '°',
        "plusmn" => '±',
        "micro" => 'µ',
        "shy" => '\u{AD}',
        "zwj" => '\u{200D}',
        "zwnj" => '\u{200C}',
        _ => return None,
    })
}

/// Collapses whitespace to single spaces and trims. A line break between two CJK characters is
/// dropped (a soft break inside a Japanese sentence), a block boundary always gives a space.
fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending: Option<bool> = None; // Some(is_soft_cjk_candidate) while in a whitespace run
    let mut saw_block = false;
    let mut saw_newline = false;
    let mut last: Option<char> = None;
    for c in text.chars() {
        if c == BLOCK || c.is_whitespace() {
            pending = Some(true);
            saw_block |= c == BLOCK;
            saw_newline |= c == '\n' || c == '\r';
            continue;
        }
        if pending.take().is_some() {
            let soft = !saw_block && saw_newline && last.is_some_and(is_cjk) && is_cjk(c);
            if last.is_some() && !soft {
                out.push(' ');
            }
            saw_block = false;
            saw_newline = false;
        }
        out.push(c);
        last = Some(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use elasticlunr::IndexBuilder;
    use std::collections::BTreeSet;

    // -----------------------------------------------------------------------------------------
    // Reference: the index as elasticlunr-rs's own `Index` builds it (the implementation before
    // `write_index`, too slow for large sites). `build` must give the very same bytes.

    fn reference_build(lang: &str, pages: &[IndexInput]) -> String {
        let mut order: Vec<&IndexInput> = pages.iter().collect();
        order.sort_by(|a, b| a.url.cmp(b.url));
        let mut builder =
            IndexBuilder::with_language(Box::new(SiteLanguage::new(lang))).set_ref("id");
        for field in &FIELDS[..4] {
            builder = builder.add_field(field);
        }
        let mut index = builder
            .add_field_with_tokenizer("url", Box::new(|_: &str| Vec::new()))
            .build();

        let mut next_ref = 0usize;
        for page in order {
            for chunk in split_chunks(page.html) {
                let url = match &chunk.id {
                    Some(id) => format!("{}#{}", page.url, id),
                    None => page.url.to_string(),
                };
                let doc_ref = next_ref.to_string();
                next_ref += 1;
                index.add_doc(
                    &doc_ref,
                    [
                        collapse(page.title).as_str(),
                        chunk.heading.as_str(),
                        collapse(page.section).as_str(),
                        chunk.body.as_str(),
                        url.as_str(),
                    ],
                );
            }
        }

        let json = index.to_json();
        drop(index);
        let lang_json = Value::String(lang.to_string()).to_string();
        let mut out = String::with_capacity(json.len() + 200);
        out.push_str("window.SEARCH_INDEX=window.SEARCH_INDEX||{};window.SEARCH_INDEX[");
        out.push_str(&lang_json);
        out.push_str("]=");
        compact_tf_into(&json, &mut out);
        // The index is a JSON object: add the tokenizer's name as its last member.
        if out.pop() != Some('}') {
            panic!("elasticlunr-rs wrote no JSON object");
        }
        out.push_str(",\"tokenizer\":");
        out.push_str(&Value::String(TOKENIZER.into()).to_string());
        out.push_str("};\n");
        // U+2028/U+2029 are valid in JSON strings and in JS since ES2019; escape them anyway for
        // older engines.
        if out.contains(['\u{2028}', '\u{2029}']) {
            out = out
                .replace('\u{2028}', "\\u2028")
                .replace('\u{2029}', "\\u2029");
        }
        out
    }

    /// Copies elasticlunr's JSON to `out` with compact term frequencies (the former
    /// post-processing of `build`; `push_compact_tf` does the same while writing). `"tf":` can
    /// only be a key here: inside a JSON string a quote is always escaped.
    fn compact_tf_into(json: &str, out: &mut String) {
        const KEY: &str = "\"tf\":";
        let bytes = json.as_bytes();
        let mut copied = 0;
        for (at, _) in json.match_indices(KEY) {
            let start = at + KEY.len();
            let mut end = start;
            while end < bytes.len()
                && matches!(bytes[end], b'0'..=b'9' | b'.' | b'e' | b'E' | b'-' | b'+')
            {
                end += 1;
            }
            out.push_str(&json[copied..start]);
            let number = &json[start..end];
            match number {
                "1.0" => out.push('1'),
                _ => match number.parse::<f64>() {
                    Ok(x) => {
                        let rounded = (x * 1000.0).round() / 1000.0;
                        if rounded.fract() == 0.0 && rounded.abs() < 1e15 {
                            out.push_str(&(rounded as i64).to_string());
                        } else {
                            out.push_str(&rounded.to_string());
                        }
                    }
                    Err(_) => out.push_str(number),
                },
            }
            copied = end;
        }
        out.push_str(&json[copied..]);
    }

    struct SiteLanguage {
        code: String,
    }

    impl SiteLanguage {
        fn new(code: &str) -> Self {
            SiteLanguage {
                code: code.to_string(),
            }
        }
    }

    impl Language for SiteLanguage {
        fn name(&self) -> String {
            match self.code.as_str() {
                "en" => "English".into(),
                "ja" => "Japanese".into(),
                other => other.into(),
            }
        }

        fn code(&self) -> String {
            self.code.clone()
        }

        fn tokenize(&self, text: &str) -> Vec<String> {
            tokenize(text)
        }

        fn make_pipeline(&self) -> Pipeline {
            pipeline(&self.code)
        }
    }

    /// A corpus with what the index writer must get right: more than 100 documents (refs sorted
    /// as strings), repeated terms (term frequencies), tokens that are prefixes of others, the
    /// English pipeline (stop words, stems that merge words), full-width and half-width text,
    /// punctuation, characters that JSON escapes, U+2028, `"tf":` in text, empty pages.
    fn writer_corpus(lang: &str) -> (Vec<String>, Vec<String>, Vec<String>, Vec<String>) {
        let ja_words = [
            "全身性強皮症",
            "ゲノム医療",
            "ｉＰＳ細胞",
            "ｶﾞﾝ ｹﾞﾉﾑ",
            "令和３年度",
            "強皮",
            "強",
            "医師主導治験",
            "ワクチン",
            "抗HER2薬",
            "𠮷野家",
            "①②",
            "Ⅱ相",
            "々",
        ];
        let en_words = [
            "approvals",
            "approved",
            "approval",
            "The",
            "studies",
            "were",
            "AMED's",
            "ＡＭＥＤ",
            "regenerative",
            "medicine",
            "naïve",
            "café",
            "a",
            "ab",
            "abc",
            "COVID-19",
            "state-of-the-art",
            "İstanbul",
            "Straße",
            "x²",
            "1,234.5",
            "rock'n'roll",
        ];
        let words: Vec<&str> = if lang == "ja" {
            ja_words
                .iter()
                .chain(en_words.iter().take(6))
                .copied()
                .collect()
        } else {
            en_words.to_vec()
        };
        let mut urls = Vec::new();
        let mut titles = Vec::new();
        let mut sections = Vec::new();
        let mut htmls = Vec::new();
        for p in 0..60usize {
            let w = |k: usize| words[(p * 7 + k * 3) % words.len()];
            urls.push(format!("{lang}/s{}/p{p:02}/index.html", p % 3));
            titles.push(format!("{} {} \"quoted\" \\ {}", w(0), w(1), p));
            sections.push(if p % 5 == 0 {
                String::new()
            } else {
                format!("{}・{}", w(2), w(3))
            });
            let mut html = String::new();
            if p % 4 != 0 {
                html.push_str(&format!("<p>{} {} {}、{}。</p>", w(4), w(4), w(5), w(6)));
            }
            for h in 0..(p % 4) {
                html.push_str(&format!(
                    "<h2 id=\"h{h}-{}\">{}（{}）</h2><p>{} {} {} {} &amp; {}\u{2028}\"tf\":1 \
                     <em>{}</em>{}</p><h3>{}</h3><p>{}\t{}</p>",
                    w(h),
                    w(h + 1),
                    w(h + 2),
                    w(h + 3),
                    w(h + 3),
                    w(h + 3),
                    w(h + 4),
                    w(h + 5),
                    w(h + 6),
                    w(h + 7),
                    w(h + 8),
                    w(h + 9),
                    w(h + 10)
                ));
            }
            if p == 7 {
                html.push_str("<p>\u{1}control\u{7f}</p>");
            }
            htmls.push(html);
        }
        (urls, titles, sections, htmls)
    }

    #[test]
    fn writer_matches_elasticlunr_rs() {
        for lang in ["ja", "en", "de"] {
            let (urls, titles, sections, htmls) = writer_corpus(lang);
            let pages: Vec<IndexInput> = (0..urls.len())
                .map(|i| IndexInput {
                    url: &urls[i],
                    title: &titles[i],
                    section: &sections[i],
                    html: &htmls[i],
                })
                .collect();
            let ours = build(lang, &pages).unwrap();
            assert!(ours.contains(r#""100":{"#), "{ours}");
            assert!(ours.contains(r#"{"tf":1.732}"#), "{ours}");
            assert_eq!(ours, reference_build(lang, &pages), "{lang}");
            assert_eq!(
                build(lang, &pages[..1]).unwrap(),
                reference_build(lang, &pages[..1])
            );
            assert_eq!(build(lang, &[]).unwrap(), reference_build(lang, &[]));
        }
        let pages = sample_pages();
        assert_eq!(build("ja", &pages).unwrap(), reference_build("ja", &pages));
    }

    fn chunk(id: Option<&str>, heading: &str, body: &str) -> Chunk {
        Chunk {
            id: id.map(String::from),
            heading: heading.into(),
            body: body.into(),
        }
    }

    #[test]
    fn tokenizes_japanese_as_bigrams_and_last_character() {
        assert_eq!(tokenize("強皮症"), ["強皮", "皮症", "症"]);
        assert_eq!(tokenize("薬"), ["薬"]);
        assert_eq!(
            tokenize("ゲノム・データ基盤"),
            ["ゲノ", "ノム", "ム", "デー", "ータ", "タ基", "基盤", "盤"]
        );
    }

    #[test]
    fn folds_width_and_case() {
        assert_eq!(tokenize("ＡＭＥＤ"), tokenize("AMED"));
        assert_eq!(tokenize("ｉＰＳ細胞"), ["ips", "細胞", "胞"]);
        assert_eq!(tokenize("ｶﾞﾝ"), tokenize("ガン"));
        assert_eq!(tokenize("令和３年度"), ["令和", "和", "3", "年度", "度"]);
    }

    #[test]
    fn splits_mixed_text_and_words() {
        assert_eq!(
            tokenize("COVID-19ワクチン"),
            ["covid", "19", "ワク", "クチ", "チン", "ン"]
        );
        assert_eq!(
            tokenize("AMED's  approvals, 2021."),
            ["ameds", "approvals", "2021"]
        );
        assert_eq!(tokenize("β-cell café"), ["β", "cell", "café"]);
        assert!(tokenize(" ・、。!? ").is_empty());
    }

    #[test]
    fn english_pipeline_stems_and_drops_stop_words() {
        assert_eq!(
            index_tokens("en", "The approvals were approved"),
            ["approv", "approv"]
        );
        assert_eq!(index_tokens("en", "ＡＭＥＤ"), index_tokens("en", "amed"));
        assert_eq!(index_tokens("ja", "The approvals"), ["the", "approvals"]);
        // Non-ASCII words are trimmed but not stemmed.
        assert_eq!(index_tokens("en", "naïvely"), ["naïvely"]);
    }

    #[test]
    fn splits_html_at_headings_with_id() {
        let html = "<p>Intro &amp; more</p>\n<h2 id=\"a\">First <em>part</em></h2>\n<p>One</p>\
                    <h3>No id</h3><p>Two</p><h2 id='b&amp;c'>Second</h2><table><tr><td>x</td><td>y</td></tr></table>";
        assert_eq!(
            split_chunks(html),
            [
                chunk(None, "", "Intro & more"),
                chunk(Some("a"), "First part", "One No id Two"),
                chunk(Some("b&c"), "Second", "x y"),
            ]
        );
    }

    #[test]
    fn drops_an_empty_first_chunk_and_skips_scripts() {
        let html = "<h2 id=\"x\">見出し</h2><script>var a = '<p>';</script><p>本文<!-- c --></p><svg><text>9</text></svg>";
        assert_eq!(split_chunks(html), [chunk(Some("x"), "見出し", "本文")]);
        assert_eq!(split_chunks(""), [chunk(None, "", "")]);
    }

    #[test]
    fn inline_markup_does_not_split_words() {
        let html = "<p>全身性<strong>強皮症</strong>に対して<a href=\"#\">リツキシマブ</a>が\n承認</p><p>次</p>";
        assert_eq!(
            split_chunks(html),
            [chunk(None, "", "全身性強皮症に対してリツキシマブが承認 次")]
        );
        assert_eq!(
            split_chunks("<p>a &lt;b&gt; &#x41;&#66; &bogus; & x</p>"),
            [chunk(None, "", "a <b> AB &bogus; & x")]
        );
    }

    fn sample_pages() -> Vec<IndexInput<'static>> {
        vec![
            IndexInput {
                url: "ja/pharmaceuticals/approvals/index.html",
                title: "承認事例",
                section: "医薬品プロジェクト",
                html: "<p>令和３年度に15件の承認</p><h2 id=\"ssc\">全身性強皮症</h2><p>リツキシマブが承認</p>",
            },
            IndexInput { url: "ja/index.html", title: "ホーム", section: "", html: "<p>AMED の年報</p>" },
        ]
    }

    #[test]
    fn builds_a_script_with_refs_in_url_order() {
        let js = build("ja", &sample_pages()).unwrap();
        let prefix = "window.SEARCH_INDEX=window.SEARCH_INDEX||{};window.SEARCH_INDEX[\"ja\"]=";
        assert!(js.starts_with(prefix), "{js}");
        let json: Value =
            serde_json::from_str(js[prefix.len()..].trim_end().trim_end_matches(';')).unwrap();
        let docs = &json["documentStore"]["docs"];
        assert_eq!(docs["0"]["url"], "ja/index.html");
        assert_eq!(docs["1"]["url"], "ja/pharmaceuticals/approvals/index.html");
        assert_eq!(
            docs["2"]["url"],
            "ja/pharmaceuticals/approvals/index.html#ssc"
        );
        assert_eq!(docs["2"]["heading"], "全身性強皮症");
        assert_eq!(
            json["index"]["heading"]["root"]["強"]["皮"]["docs"]["2"]["tf"],
            1
        );
        assert_eq!(json["tokenizer"], TOKENIZER);
        assert_eq!(json["lang"], "Japanese");
        assert_eq!(json["pipeline"], serde_json::json!([]));
        let en = build("en", &[]).unwrap();
        assert!(
            en.contains(r#""pipeline":["trimmer","stopWordFilter","stemmer"]"#),
            "{en}"
        );
    }

    #[test]
    fn output_is_deterministic_and_independent_of_input_order() {
        let pages = sample_pages();
        let mut reversed = sample_pages();
        reversed.reverse();
        assert_eq!(build("ja", &pages).unwrap(), build("ja", &pages).unwrap());
        assert_eq!(
            build("ja", &pages).unwrap(),
            build("ja", &reversed).unwrap()
        );
    }

    #[test]
    fn rejects_duplicate_urls() {
        let mut pages = sample_pages();
        pages[1].url = pages[0].url;
        assert!(build("ja", &pages).unwrap_err().contains("two pages"));
    }

    /// Strings whose tokens the JavaScript client must reproduce exactly
    /// (`tests/browser/tokenizer.test.mjs` reads the fixture this test keeps up to date).
    const FIXTURE_STRINGS: &[&str] = &[
        "強皮症",
        "全身性強皮症に対してリツキシマブが承認",
        "ゲノム",
        "ゲノム・データ基盤",
        "ゲノム医療",
        "iPS細胞",
        "ｉＰＳ細胞",
        "ＩＰＳ",
        "抗菌薬",
        "ワクチン",
        "医師主導治験",
        "ＡＭＥＤ",
        "AMED",
        "amed",
        "ｱﾒﾄﾞ",
        "ｶﾞﾝ ｹﾞﾉﾑ",
        "令和３年度に15件の承認を達成した。（令和3年３月時点）",
        "COVID-19",
        "ＣＯＶＩＤ－１９",
        "SARS-CoV-2",
        "新型コロナウイルス感染症（COVID-19）",
        "β細胞",
        "抗HER2薬",
        "唾液腺癌",
        "①②③",
        "Ⅱ相",
        "第II相臨床試験",
        "㈱",
        "㍻",
        "ℳ",
        "々",
        "一つ一つ",
        "〇",
        "ヴァ",
        "ゟ",
        "ㇰ",
        "𠮷野家",
        "\u{3099}",
        "approvals",
        "Approved",
        "approval",
        "APPROVING",
        "The studies were conducted by AMED's researchers",
        "children’s hospitals",
        "rock'n'roll",
        "don't",
        "'quoted'",
        "state-of-the-art",
        "e.g. i.e.",
        "naïve café résumé",
        "Straße",
        "ΣΊΣΥΦΟΣ",
        "İstanbul",
        "ǅ",
        "ﬁnance",
        "x²",
        "1,234.5 mg/kg",
        "10%",
        "2021-03-31",
        "<img src=x onerror=alert(1)>",
        "a\u{00A0}b\u{2003}c\u{3000}d",
        "tab\there",
        "line\nbreak",
        "",
        "   ",
        "antimicrobial resistance (AMR)",
        "regenerative medicine",
        "vaccines",
        "generalization",
        "generalizations",
        "oscillators",
        "hopefulness",
        "conditional",
        "relational",
        "triplicate",
        "happily",
        "sky",
        "skies",
        "agreed",
        "feed",
        "bled",
        "hoping",
        "filing",
        "coding",
        "yearly",
        "apology",
        "lay",
        "stay",
        "saying",
        "sized",
        "troubled",
        "hissing",
        "falling",
        "matting",
        "mating",
        "controlling",
        "electricity",
        "effective",
        "predication",
        "knives",
        "ion",
        "by",
        "a",
        "I",
        "ies",
        "eed",
        "ed",
        "ing",
        "s",
        "ss",
        "ational",
        "izer",
        "ousness",
        "alli",
        "enci",
        "anci",
        "abli",
        "entli",
        "eli",
        "ousli",
        "ization",
        "ation",
        "ator",
        "alism",
        "iveness",
        "fulness",
        "aliti",
        "iviti",
        "biliti",
        "logi",
        "icate",
        "ative",
        "alize",
        "iciti",
        "ical",
        "ful",
        "ness",
        "al",
        "ance",
        "ence",
        "er",
        "ic",
        "able",
        "ible",
        "ant",
        "ement",
        "ment",
        "ent",
        "sion",
        "tion",
        "ou",
        "ism",
        "ate",
        "iti",
        "ous",
        "ive",
        "ize",
        "rate",
        "roll",
        "cease",
        "controll",
        "y",
        "yy",
        "ya",
        "yes",
        "toy",
        "toys",
        "_under_score_",
        "__",
        "a_b",
        "Ⅻ",
        "½",
        "٣",
        "१२३",
        "한국어 검색",
        "中文搜索",
        "🙂 emoji",
    ];

    fn fixture_json() -> String {
        let cases: Vec<Value> = FIXTURE_STRINGS
            .iter()
            .map(|s| {
                serde_json::json!({
                    "text": s,
                    "tokens": tokenize(s),
                    "en": index_tokens("en", s),
                    "ja": index_tokens("ja", s),
                })
            })
            .collect();
        let mut json = serde_json::to_string_pretty(&serde_json::json!({
            "tokenizer": TOKENIZER,
            "cases": cases,
        }))
        .unwrap();
        json.push('\n');
        json
    }

    /// The golden fixture must match what this tokenizer produces. Regenerate with
    /// `UPDATE_SEARCH_FIXTURE=1 cargo test index::`.
    #[test]
    fn token_fixture_is_up_to_date() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/browser/fixtures/tokens.json"
        );
        let expected = fixture_json();
        if std::env::var_os("UPDATE_SEARCH_FIXTURE").is_some() {
            std::fs::create_dir_all(std::path::Path::new(path).parent().unwrap()).unwrap();
            std::fs::write(path, &expected).unwrap();
        }
        let actual = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            actual == expected,
            "{path} is out of date: run UPDATE_SEARCH_FIXTURE=1 cargo test index:: and check the diff"
        );
    }

    #[test]
    fn fixture_strings_are_unique() {
        let set: BTreeSet<&&str> = FIXTURE_STRINGS.iter().collect();
        assert_eq!(set.len(), FIXTURE_STRINGS.len());
    }
}
