//! The sharded index: small script files that register themselves with the client, so that it
//! loads from `file://` (browsers refuse `fetch()` there, but load `<script>`s) and a query loads
//! only what it needs. The format is documented in `docs/search-format.md`; in short, under the
//! index's prefix (`search/ja`):
//!
//! - `meta.js`: format and tokenizer tags, the pipeline, the number of pages, the first term of
//!   every term shard, and the glossary's aliases;
//! - `t/<n>.js`: term shards, consecutive ranges of the sorted terms, each term with its postings
//!   encoded as base-64 varints (page gaps and weights);
//! - `f/<n>.js`: one fragment per page: URL, title, section and its text section by section, for
//!   the snippets of the results shown.
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
pub const FORMAT: &str = "nenpo-search-1";

/// A term shard is closed once it holds this many bytes of postings (a term is never split).
const SHARD_BYTES: usize = 16 * 1024;

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
) -> Files {
    let mut files = Files::new();
    // Each term with its postings, `"term":"<varints>"`, made in parallel; then the term shards.
    let entries: Vec<String> = postings
        .terms
        .par_iter()
        .map(|term| {
            let mut entry = String::with_capacity(term.text.len() + 8 + 4 * term.pages.len());
            push_json_str(&term.text, &mut entry);
            entry.push_str(":\"");
            let mut previous = 0;
            for (i, &(page, weight)) in term.pages.iter().enumerate() {
                push_varint(if i == 0 { page } else { page - previous }, &mut entry);
                push_varint(weight, &mut entry);
                previous = page;
            }
            entry.push('"');
            entry
        })
        .collect();
    let mut bounds: Vec<&str> = Vec::new();
    let mut shard = String::new();
    let mut shards: Vec<String> = Vec::new();
    for (term, entry) in postings.terms.iter().zip(&entries) {
        if shard.is_empty() {
            bounds.push(&term.text);
            shard.push('{');
        } else {
            shard.push(',');
        }
        shard.push_str(entry);
        if shard.len() >= SHARD_BYTES {
            shard.push('}');
            shards.push(std::mem::take(&mut shard));
        }
    }
    if !shard.is_empty() {
        shard.push('}');
        shards.push(shard);
    }
    for (n, json) in shards.iter().enumerate() {
        files.push(script(prefix, &format!("t/{n}"), json));
    }

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
    meta.push_str(&format!("],\"pages\":{},\"shards\":[", pages.len()));
    for (i, bound) in bounds.iter().enumerate() {
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

/// The fragment of every page (page `n` is `pages[n]`).
pub fn fragments(prefix: &str, pages: &[&SearchPage]) -> Files {
    pages
        .par_iter()
        .enumerate()
        .map(|(n, page)| {
            let mut js = String::new();
            let path = fragment(prefix, n, page, &mut js);
            (path, js.into_bytes())
        })
        .collect()
}

/// Where the fragment of page `n` goes: `<prefix>/f/<n>.js`.
pub fn fragment_path(prefix: &str, n: usize) -> String {
    format!("{prefix}/f/{n}.js")
}

/// Page `n`'s fragment, a script registering
/// `{"url","title","section","chunks":[[id, heading, body], …]}` (`id` `""` for the top of the
/// page), made in `out` (emptied first); returns its path.
pub fn fragment(prefix: &str, n: usize, page: &SearchPage, out: &mut String) -> String {
    let text: usize = page
        .sections
        .iter()
        .map(|s| s.heading.len() + s.body.len() + 16)
        .sum();
    let key = format!("{prefix}/f/{n}");
    out.clear();
    out.reserve(text + page.url.len() + page.title.len() + page.section.len() + key.len() + 80);
    out.push_str("nenpoSearch(");
    push_json_str(&key, out);
    out.push_str(",{\"url\":");
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
    out.push_str("]});\n");
    key + ".js"
}

/// `<prefix>/<name>.js`, which registers `json` under `"<prefix>/<name>"`.
fn script(prefix: &str, name: &str, json: &str) -> (String, Vec<u8>) {
    let key = format!("{prefix}/{name}");
    let mut js = String::with_capacity(json.len() + key.len() + 20);
    js.push_str("nenpoSearch(");
    push_json_str(&key, &mut js);
    js.push(',');
    js.push_str(json);
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
    // Most text needs no escape (0xE2 starts U+2028 and U+2029, among others).
    if !s
        .bytes()
        .any(|b| b < 0x20 || b == b'"' || b == b'\\' || b == 0xE2)
    {
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
    }
}
