//! A standard elasticlunr index (`[search] format = "elasticlunr"`), for a site's own
//! elasticlunr.js client: `<prefix>/elasticlunr.json`, loaded with `elasticlunr.Index.load`.
//!
//! Every section of every page (the text under one heading, see [`SearchPage`]) is one
//! document with the fields `title` (the page title), `heading`, `section` and `body`, plus `url`
//! (`page#heading-id`), stored but not indexed. Tokens come from this crate's tokenizer and the
//! language's standard elasticlunr pipeline (English: trimmer, stop words, stemmer).
//!
//! The index is built and written here, not by elasticlunr-rs's `Index`: the output is exactly
//! the JSON of elasticlunr-rs 3.1's `Index::to_json` with compact term frequencies
//! (`push_compact_tf`), but the data structure behind it is ours. elasticlunr-rs keeps, per field,
//! a trie of `BTreeMap`s per character with `String` refs in every posting, and serialises it
//! through serde; on a synthetic site of 10,000 pages per language its index stage took 28.1 s and
//! the build peaked at 2.7 GB RSS. Here every field maps each distinct token to one postings list
//! of `(document, count)` numbers, the pipeline runs once per distinct token, the fields are
//! tokenized in parallel, and the trie is written straight from the sorted tokens: 2.4 s and
//! 1.3 GB on the same site, with byte-identical output (the tests build the same index with
//! elasticlunr-rs and compare).

use elasticlunr::pipeline::Pipeline;
use rayon::prelude::*;
use serde_json::Value;
use std::collections::HashMap;

use super::pipeline::{self, Flavour};
use super::tokenize::tokenize_each;
use super::SearchPage;

/// Fields of every document, in the order given to elasticlunr.
const FIELDS: [&str; 5] = ["title", "heading", "section", "body", "url"];

/// The index as JSON, over `pages` in the order given (documents are numbered from 0 in that
/// order, page by page and section by section).
pub fn build(lang: &str, pages: &[&SearchPage]) -> String {
    let urls: Vec<Vec<String>> = pages
        .iter()
        .map(|page| {
            page.sections
                .iter()
                .map(|s| match &s.id {
                    Some(id) => format!("{}#{}", page.url, id),
                    None => page.url.to_string(),
                })
                .collect()
        })
        .collect();
    let docs: Vec<[&str; FIELDS.len()]> = pages
        .iter()
        .zip(&urls)
        .flat_map(|(page, urls)| {
            page.sections.iter().zip(urls).map(|(s, url)| {
                [
                    page.title,
                    s.heading.as_ref(),
                    page.section,
                    s.body.as_ref(),
                    url.as_str(),
                ]
            })
        })
        .collect();
    let mut out = String::new();
    write_index(lang, &docs, &mut out);
    out
}

fn pipeline(lang: &str) -> Pipeline {
    pipeline::pipeline(lang, Flavour::Elasticlunr)
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
    push_json_str(pipeline::elasticlunr_name(lang), out);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::Section;
    use elasticlunr::{IndexBuilder, Language};
    use std::borrow::Cow;

    // -----------------------------------------------------------------------------------------
    // Reference: the index as elasticlunr-rs's own `Index` builds it (too slow for large sites).
    // `build` must give the very same bytes.

    fn reference_build(lang: &str, pages: &[&SearchPage]) -> String {
        let mut builder =
            IndexBuilder::with_language(Box::new(SiteLanguage::new(lang))).set_ref("id");
        for field in &FIELDS[..4] {
            builder = builder.add_field(field);
        }
        let mut index = builder
            .add_field_with_tokenizer("url", Box::new(|_: &str| Vec::new()))
            .build();
        let mut next_ref = 0usize;
        for page in pages {
            for section in &page.sections {
                let url = match &section.id {
                    Some(id) => format!("{}#{}", page.url, id),
                    None => page.url.to_string(),
                };
                let doc_ref = next_ref.to_string();
                next_ref += 1;
                index.add_doc(
                    &doc_ref,
                    [
                        page.title,
                        section.heading.as_ref(),
                        page.section,
                        section.body.as_ref(),
                        url.as_str(),
                    ],
                );
            }
        }
        let json = index.to_json();
        let mut out = String::with_capacity(json.len());
        compact_tf_into(&json, &mut out);
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
            crate::search::tokenize::tokenize(text)
        }

        fn make_pipeline(&self) -> Pipeline {
            pipeline(&self.code)
        }
    }

    /// A corpus with what the index writer must get right: more than 100 documents (refs sorted
    /// as strings), repeated terms (term frequencies), tokens that are prefixes of others, the
    /// English pipeline (stop words, stems that merge words), full-width and half-width text,
    /// punctuation, characters that JSON escapes, U+2028, `"tf":` in text, empty pages.
    fn writer_corpus(lang: &str) -> Vec<SearchPage<'static>> {
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
        let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
        (0..60usize)
            .map(|p| {
                let w = |k: usize| words[(p * 7 + k * 3) % words.len()];
                let mut sections = Vec::new();
                if p % 4 != 0 {
                    sections.push(Section {
                        id: None,
                        heading: Cow::Borrowed(""),
                        body: Cow::Owned(format!("{} {} {}、{}。", w(4), w(4), w(5), w(6))),
                    });
                }
                for h in 0..(p % 4) {
                    sections.push(Section {
                        id: Some(Cow::Owned(format!("h{h}-{}", w(h)))),
                        heading: Cow::Owned(format!("{}（{}）", w(h + 1), w(h + 2))),
                        body: Cow::Owned(format!(
                            "{} {} {} {} & {}\u{2028}\"tf\":1 {}{} {} {}\t{}",
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
                        )),
                    });
                }
                if p == 7 {
                    sections.push(Section {
                        id: Some(Cow::Borrowed("c")),
                        heading: Cow::Borrowed(""),
                        body: Cow::Borrowed("\u{1}control\u{7f}"),
                    });
                }
                SearchPage {
                    url: leak(format!("{lang}/s{}/p{p:02}/index.html", p % 3)),
                    title: leak(format!("{} {} \"quoted\" \\ {}", w(0), w(1), p)),
                    section: if p % 5 == 0 {
                        ""
                    } else {
                        leak(format!("{}・{}", w(2), w(3)))
                    },
                    sections,
                }
            })
            .collect()
    }

    #[test]
    fn writer_matches_elasticlunr_rs() {
        for lang in ["ja", "en", "de"] {
            let corpus = writer_corpus(lang);
            let pages: Vec<&SearchPage> = corpus.iter().collect();
            let ours = build(lang, &pages);
            assert!(ours.contains(r#""100":{"#), "{ours}");
            assert!(ours.contains(r#"{"tf":1.732}"#), "{ours}");
            assert_eq!(ours, reference_build(lang, &pages), "{lang}");
            assert_eq!(build(lang, &pages[..1]), reference_build(lang, &pages[..1]));
            assert_eq!(build(lang, &[]), reference_build(lang, &[]));
        }
    }

    #[test]
    fn documents_are_sections_with_their_urls() {
        let page = SearchPage {
            url: "ja/a/index.html",
            title: "承認事例",
            section: "医薬品",
            sections: vec![
                Section {
                    id: None,
                    heading: Cow::Borrowed(""),
                    body: Cow::Borrowed("令和３年度に15件"),
                },
                Section {
                    id: Some(Cow::Borrowed("ssc")),
                    heading: Cow::Borrowed("全身性強皮症"),
                    body: Cow::Borrowed("リツキシマブ"),
                },
            ],
        };
        let json: Value = serde_json::from_str(&build("ja", &[&page])).unwrap();
        let docs = &json["documentStore"]["docs"];
        assert_eq!(docs["0"]["url"], "ja/a/index.html");
        assert_eq!(docs["1"]["url"], "ja/a/index.html#ssc");
        assert_eq!(
            json["index"]["heading"]["root"]["強"]["皮"]["docs"]["1"]["tf"],
            1
        );
        assert_eq!(json["lang"], "Japanese");
        let en: Value = serde_json::from_str(&build("en", &[])).unwrap();
        assert_eq!(
            en["pipeline"],
            serde_json::json!(["trimmer", "stopWordFilter", "stemmer"])
        );
    }
}
