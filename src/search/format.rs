//! The sharded index: small script files that register themselves with the client, so that it
//! loads from `file://` (browsers refuse `fetch()` there, but load `<script>`s) and a query loads
//! only what it needs. The format is documented in `docs/search-format.md`; in short, under the
//! index's prefix (`search/ja`):
//!
//! - `meta.js`: format and tokenizer tags, the pipeline, the number of pages, the first term of
//!   every term shard, and the glossary's aliases;
//! - `t/<n>.js`: term shards, consecutive ranges of the sorted terms, each term with its postings
//!   encoded as base-64 varints (page gaps and weights);
//! - `f/<n>.js`: the fragments of consecutive pages, bundled: each page's URL, title, section and
//!   its text section by section, for the snippets of the results shown;
//! - `d/<n>.js`: the cross-language dictionary (written by [`super::dictionary`]).
//!
//! Each file calls `nenpoSearch("<prefix>/<name>", <JSON>)`. Output is byte-identical for the same
//! input: pages are numbered in URL order and terms are sorted.

use std::collections::BTreeMap;

use rayon::prelude::*;

use super::pipeline::{self, Flavour};
use super::postings::Postings;
use super::tokenize::TOKENIZER;
use super::{Files, SearchPage};

/// Version of this format; the client refuses an index of another.
pub const FORMAT: &str = "nenpo-search-2";

/// A term shard is closed once it holds this many bytes of postings (a term is never split), or
/// a [`SHARDS`]th of the index's postings when that is more: a query loads one per word (a few
/// for the word being typed), and a big site is not thousands of files.
pub(super) const SHARD_BYTES: usize = 16 * 1024;
const SHARDS: usize = 256;

/// Pages' fragments are bundled, consecutive pages in one file, so that a big site has not one
/// file per page (every static host uploads them one by one). A bundle aims at this many bytes,
/// or at a thousandth of all the fragments when that is more (at most [`MAX_BUNDLE`] pages): a
/// result loads its page's bundle, and the ten results shown load up to ten.
const BUNDLE_BYTES: usize = 4 * 1024;
const BUNDLES: usize = 1000;
const MAX_BUNDLE: usize = 64;

/// Warn when the meta file, which every search loads, grows beyond this.
const META_WARNING_BYTES: usize = 256 * 1024;

/// Digits of the varints, in value order: values below 32 end a number, the others carry 5 more
/// bits of it (big-endian).
const DIGITS: &[u8; 64] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";

/// Every file of one index.
pub fn write(
    lang: &str,
    prefix: &str,
    pages: &[&SearchPage],
    postings: &Postings,
    aliases: &BTreeMap<String, Vec<String>>,
    dictionary: &[String],
) -> Files {
    // Each term's entry, `"term":"<varints>"`, is measured first (in parallel), to cut the terms
    // into shards; then each shard's file is written in one go (in parallel), so that the
    // entries are never held apart from the files.
    let lengths: Vec<usize> = postings
        .terms
        .par_iter()
        .map(|term| {
            let varints: usize = postings
                .pages(term)
                .scan(0, |previous, (page, weight)| {
                    let gap = page - *previous;
                    *previous = page;
                    Some(varint_len(gap) + varint_len(weight))
                })
                .sum();
            json_str_len(&term.text) + 3 + varints
        })
        .collect();
    // Consecutive ranges of terms: a shard is closed once it holds shard_bytes.
    let shard_bytes = SHARD_BYTES.max(lengths.iter().sum::<usize>() / SHARDS);
    let mut ranges: Vec<std::ops::Range<usize>> = Vec::new();
    let mut shard_len = 0;
    for (i, &len) in lengths.iter().enumerate() {
        if shard_len == 0 {
            ranges.push(i..i);
        }
        shard_len += 1 + len; // `{` or `,`, then the entry
        ranges.last_mut().expect("a shard is open").end = i + 1;
        if shard_len >= shard_bytes {
            shard_len = 0;
        }
    }
    let bounds: Vec<&str> = ranges
        .iter()
        .map(|r| postings.terms[r.start].text.as_str())
        .collect();
    let mut files: Files = ranges
        .par_iter()
        .enumerate()
        .map(|(n, range)| {
            let json_len = 1 + range.len() + lengths[range.clone()].iter().sum::<usize>();
            script_with(prefix, &format!("t/{n}"), json_len, |js| {
                for (i, term) in postings.terms[range.clone()].iter().enumerate() {
                    js.push(if i == 0 { '{' } else { ',' });
                    push_json_str(&term.text, js);
                    js.push_str(":\"");
                    let mut previous = 0;
                    for (page, weight) in postings.pages(term) {
                        push_varint(page - previous, js);
                        push_varint(weight, js);
                        previous = page;
                    }
                    js.push('"');
                }
                js.push('}');
            })
        })
        .collect();

    let mut meta = String::from("{\"format\":");
    push_json_str(FORMAT, &mut meta);
    meta.push_str(",\"tokenizer\":");
    push_json_str(TOKENIZER, &mut meta);
    meta.push_str(",\"lang\":");
    push_json_str(lang, &mut meta);
    meta.push_str(",\"pipeline\":[");
    for (i, f) in pipeline::pipeline(lang, Flavour::Site)
        .queue
        .iter()
        .enumerate()
    {
        if i > 0 {
            meta.push(',');
        }
        push_json_str(&f.name(), &mut meta);
    }
    meta.push_str(&format!(
        "],\"pages\":{},\"bundle\":{},\"shards\":[",
        pages.len(),
        bundle_size(pages)
    ));
    for (i, bound) in bounds.iter().enumerate() {
        if i > 0 {
            meta.push(',');
        }
        push_json_str(bound, &mut meta);
    }
    meta.push_str("],\"dictionary\":[");
    for (i, bound) in dictionary.iter().enumerate() {
        if i > 0 {
            meta.push(',');
        }
        push_json_str(bound, &mut meta);
    }
    meta.push_str("],\"aliases\":{");
    for (i, (key, targets)) in aliases.iter().enumerate() {
        if i > 0 {
            meta.push(',');
        }
        push_json_str(key, &mut meta);
        meta.push_str(":[");
        for (j, target) in targets.iter().enumerate() {
            if j > 0 {
                meta.push(',');
            }
            push_json_str(target, &mut meta);
        }
        meta.push(']');
    }
    meta.push_str("}}");
    files.push(script(prefix, "meta", &meta));
    files
}

/// How many pages each fragment bundle of an index holds (see [`BUNDLE_BYTES`]): from the
/// size of the pages' text, so the same pages always give the same bundles.
pub fn bundle_size(pages: &[&SearchPage]) -> usize {
    if pages.is_empty() {
        return 1;
    }
    let total: usize = pages.iter().map(|p| fragment_len(p)).sum();
    let target = BUNDLE_BYTES.max(total / BUNDLES);
    let average = (total / pages.len()).max(1);
    ((target + average / 2) / average).clamp(1, MAX_BUNDLE)
}

/// About how many bytes a page's fragment takes.
fn fragment_len(page: &SearchPage) -> usize {
    let text: usize = page
        .sections
        .iter()
        .map(|s| s.heading.len() + s.body.len() + 16)
        .sum();
    text + page.url.len() + page.title.len() + page.section.len() + 48
}

/// Every fragment bundle of an index (page `n` is `pages[n]`), of `size` pages each.
pub fn fragments(prefix: &str, pages: &[&SearchPage], size: usize) -> Files {
    pages
        .par_chunks(size)
        .enumerate()
        .map(|(n, bundle)| {
            let mut js = String::new();
            let path = fragment_bundle(prefix, n, bundle, &mut js);
            (path, js.into_bytes())
        })
        .collect()
}

/// Where fragment bundle `n` goes: `<prefix>/f/<n>.js`.
pub fn fragment_path(prefix: &str, n: usize) -> String {
    format!("{prefix}/f/{n}.js")
}

/// Fragment bundle `n`, a script registering an array of the fragments of `pages` (its pages,
/// in order), each `{"url","title","section","chunks":[[id, heading, body], …]}` (`id` `""` for
/// the top of the page), made in `out` (emptied first); returns its path.
pub fn fragment_bundle(prefix: &str, n: usize, pages: &[&SearchPage], out: &mut String) -> String {
    let key = format!("{prefix}/f/{n}");
    out.clear();
    out.reserve(pages.iter().map(|p| fragment_len(p)).sum::<usize>() + key.len() + 20);
    out.push_str("nenpoSearch(");
    push_json_str(&key, out);
    out.push_str(",[");
    for (i, page) in pages.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_fragment(page, out);
    }
    out.push_str("]);\n");
    key + ".js"
}

/// One page's fragment, as JSON.
fn push_fragment(page: &SearchPage, out: &mut String) {
    out.push_str("{\"url\":");
    push_json_str(page.url, out);
    out.push_str(",\"title\":");
    push_json_str(page.title, out);
    out.push_str(",\"section\":");
    push_json_str(page.section, out);
    out.push_str(",\"chunks\":[");
    for (i, s) in page.sections.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('[');
        push_json_str(s.id.as_deref().unwrap_or(""), out);
        out.push(',');
        push_json_str(&s.heading, out);
        out.push(',');
        push_json_str(&s.body, out);
        out.push(']');
    }
    out.push_str("]}");
}

/// `<prefix>/<name>.js`, which registers `json` under `"<prefix>/<name>"`.
pub(super) fn script(prefix: &str, name: &str, json: &str) -> (String, Vec<u8>) {
    script_with(prefix, name, json.len(), |js| js.push_str(json))
}

/// [`script`], its JSON (of about `json_len` bytes) written by `write`.
fn script_with(
    prefix: &str,
    name: &str,
    json_len: usize,
    write: impl FnOnce(&mut String),
) -> (String, Vec<u8>) {
    let key = format!("{prefix}/{name}");
    let mut js = String::with_capacity(json_len + key.len() + 20);
    js.push_str("nenpoSearch(");
    push_json_str(&key, &mut js);
    js.push(',');
    write(&mut js);
    js.push_str(");\n");
    (format!("{key}.js"), js.into_bytes())
}

/// Warnings about an index that would be slow to search.
pub fn size_warnings(files: &Files) -> Vec<String> {
    files
        .iter()
        .filter(|(path, bytes)| path.ends_with("/meta.js") && bytes.len() > META_WARNING_BYTES)
        .map(|(path, bytes)| {
            format!(
                "{path} is {} KiB (warning above {} KiB): every search loads it first",
                bytes.len() / 1024,
                META_WARNING_BYTES / 1024
            )
        })
        .collect()
}

/// The number of digits [`push_varint`] writes for `value`: one per 5 bits, at least one.
fn varint_len(value: u32) -> usize {
    (32 - value.leading_zeros() as usize).div_ceil(5).max(1)
}

/// The length of what [`push_json_str`] writes for `s`.
fn json_str_len(s: &str) -> usize {
    if needs_escape(s) {
        let mut escaped = String::new();
        push_json_str(s, &mut escaped);
        escaped.len()
    } else {
        s.len() + 2
    }
}

/// Whether [`push_json_str`] must escape something in `s` (0xE2 starts U+2028 and U+2029,
/// among others).
fn needs_escape(s: &str) -> bool {
    s.bytes()
        .any(|b| b < 0x20 || b == b'"' || b == b'\\' || b == 0xE2)
}

/// Appends a number as a varint of [`DIGITS`].
fn push_varint(mut value: u32, out: &mut String) {
    let mut groups = [0u8; 7];
    let mut n = 0;
    loop {
        groups[n] = (value & 31) as u8;
        n += 1;
        value >>= 5;
        if value == 0 {
            break;
        }
    }
    for k in (0..n).rev() {
        let digit = groups[k] + if k > 0 { 32 } else { 0 };
        out.push(DIGITS[digit as usize] as char);
    }
}

/// Appends `s` as a JSON string that is also a valid JavaScript string literal in every engine
/// (U+2028 and U+2029 escaped).
pub fn push_json_str(s: &str, out: &mut String) {
    // Most text needs no escape.
    if !needs_escape(s) {
        out.reserve(s.len() + 2);
        out.push('"');
        out.push_str(s);
        out.push('"');
        return;
    }
    out.push('"');
    let mut from = 0;
    for (i, c) in s.char_indices() {
        let escape = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            '\u{2028}' => "\\u2028",
            '\u{2029}' => "\\u2029",
            c if (c as u32) < 0x20 => "",
            _ => continue,
        };
        out.push_str(&s[from..i]);
        if escape.is_empty() {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push_str(escape);
        }
        from = i + c.len_utf8();
    }
    out.push_str(&s[from..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(s: &str) -> Vec<u32> {
        let mut out = Vec::new();
        let mut v = 0u32;
        for b in s.bytes() {
            let d = DIGITS.iter().position(|&x| x == b).unwrap() as u32;
            if d >= 32 {
                v = v * 32 + (d - 32);
            } else {
                out.push(v * 32 + d);
                v = 0;
            }
        }
        out
    }

    #[test]
    fn varints_round_trip() {
        let values = [0u32, 1, 31, 32, 33, 1023, 1024, 65_535, 1 << 20, u32::MAX];
        let mut s = String::new();
        for v in values {
            push_varint(v, &mut s);
        }
        assert_eq!(decode(&s), values);
        let mut one = String::new();
        push_varint(5, &mut one);
        assert_eq!(one, "5");
    }

    #[test]
    fn json_strings_are_javascript_strings() {
        let mut s = String::new();
        push_json_str("a\"b\\c\n\u{1}\u{2028}日本", &mut s);
        assert_eq!(s, "\"a\\\"b\\\\c\\n\\u0001\\u2028日本\"");
        let parsed: String = serde_json::from_str(&s).unwrap();
        assert_eq!(parsed, "a\"b\\c\n\u{1}\u{2028}日本");
        // Other characters whose UTF-8 starts with the byte E2 (quotes, dashes, circled digits)
        // are left as they are, and json_str_len measures what is written.
        let text = "“引用”—\u{2029}\t\r①\u{1f}";
        let mut s = String::new();
        push_json_str(text, &mut s);
        assert_eq!(s, "\"“引用”—\\u2029\\t\\r①\\u001f\"");
        assert_eq!(serde_json::from_str::<String>(&s).unwrap(), text);
        assert_eq!(json_str_len(text), s.len());
    }
}
