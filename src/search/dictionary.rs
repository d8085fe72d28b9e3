//! The cross-language dictionary: the site's own bilingual texts as what a query typed in another
//! language's words also searches for. For the index in language `L`, every text the site writes
//! in another language `M` and in `L` makes a pair:
//!
//! - a record's cell written in both (`drug = { ja = "リツキシマブ", en = "rituximab" }`): the
//!   text in `M` leads to the text in `L`, which the client searches for;
//! - a page's title in `M`: it leads to the page itself (its twin in `L`).
//!
//! (The glossary's terms, with their abbreviations and aliases, are in the index's `aliases`.)
//! Each pair is keyed by the units a reader would type of its text in `M` (its words after `L`'s
//! pipeline, its CJK runs whole), and written as `d/<n>.js` shards: `{ key: [entry, …] }`, an entry
//! being a page number or a text. Nothing is added by hand: any bilingual site gets it.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use serde_json::Value as Json;

use super::format::{self, push_json_str};
use super::pipeline::{self, Flavour};
use super::tokenize::runs_and_words;
use super::{is_setting, Files, SearchPage};
use crate::site::Site;

/// What a text in another language leads to in the index's language.
#[derive(Clone, Debug, Hash, PartialEq, Eq, PartialOrd, Ord)]
pub enum Counterpart {
    /// A page, by its URL (a title's twin).
    Page(String),
    /// A text to search for (a cell's text in the index's language).
    Text(String),
}

/// A text in another language and its counterpart in the index's.
pub type Pair = (String, Counterpart);

/// Cells longer than this (in characters, either side) are sentences, not names or terms.
const MAX_CELL_CHARS: usize = 80;

/// A key held by more pairs than this is too common to lead anywhere (a word of every title).
const MAX_ENTRIES: usize = 24;

/// The pairs of the index of `lang` (and `edition`), in a stable order, without repeats.
pub fn pairs_of(site: &Site, lang: &str, edition: Option<&str>) -> Vec<Pair> {
    let mut pairs: BTreeSet<Pair> = BTreeSet::new();
    let prefix = edition.map(|e| format!("{e}/"));
    let others: Vec<&str> = site
        .config
        .languages
        .iter()
        .map(String::as_str)
        .filter(|l| *l != lang)
        .collect();
    for record in site
        .records
        .values()
        .filter(|r| prefix.as_ref().is_none_or(|p| r.id.starts_with(p.as_str())))
    {
        let Some(here) = record.by_lang.get(lang) else {
            continue;
        };
        for other in &others {
            if let Some(there) = record.by_lang.get(*other) {
                pair_cells(here, there, &mut pairs);
            }
        }
    }
    for page in site.pages_of(lang, edition) {
        for other in &others {
            if let Some(twin) = site.page(other, &page.key) {
                if twin.front.title != page.front.title {
                    pairs.insert((
                        twin.front.title.clone(),
                        Counterpart::Page(page.url.clone()),
                    ));
                }
            }
        }
    }
    pairs.into_iter().collect()
}

/// The texts at the same place of a record in two languages (`here` the index's), as pairs.
fn pair_cells(here: &Json, there: &Json, out: &mut BTreeSet<Pair>) {
    match (here, there) {
        (Json::String(a), Json::String(b)) => {
            let short = |s: &str| s.chars().count() <= MAX_CELL_CHARS;
            if a != b && short(a) && short(b) && b.chars().any(char::is_alphabetic) {
                out.insert((b.clone(), Counterpart::Text(a.clone())));
            }
        }
        (Json::Array(x), Json::Array(y)) => {
            for (a, b) in x.iter().zip(y) {
                pair_cells(a, b, out);
            }
        }
        (Json::Object(x), Json::Object(y)) => {
            for (key, a) in x.iter().filter(|(key, _)| !is_setting(key)) {
                if let Some(b) = y.get(key) {
                    pair_cells(a, b, out);
                }
            }
        }
        _ => {}
    }
}

/// The keys of a text in the index's pipeline: its words (a word the pipeline drops is no key)
/// and its CJK runs, each once; and, since Japanese writes its particles and inflections in
/// hiragana between the words, the parts of two or more characters between the hiragana of a
/// run (`難治性の天疱瘡` also gives `難治性` and `天疱瘡`).
pub fn keys(pipeline: &::elasticlunr::pipeline::Pipeline, text: &str) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    runs_and_words(text, |unit, run| {
        if run {
            keys.insert(unit.to_string());
        } else if let Some(word) = pipeline::run(pipeline, unit) {
            keys.insert(word);
        }
    });
    let is_hiragana = |c: char| ('\u{3041}'..='\u{309F}').contains(&c);
    if text.chars().any(is_hiragana) {
        // An ideographic full stop ends a run (a space would not: a name's parts meet across it).
        let parts: String = text
            .chars()
            .map(|c| if is_hiragana(c) { '。' } else { c })
            .collect();
        runs_and_words(&parts, |unit, run| {
            if run && unit.chars().nth(1).is_some() {
                keys.insert(unit.to_string());
            }
        });
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_keyed_by_what_a_reader_types() {
        let ja = pipeline::pipeline("ja", Flavour::Site);
        let of_ja: Vec<String> = keys(&ja, "難治性の天疱瘡（自己免疫疾患） Rituximab")
            .into_iter()
            .collect();
        assert_eq!(
            of_ja,
            [
                "rituximab",
                "天疱瘡",
                "自己免疫疾患",
                "難治性",
                "難治性の天疱瘡"
            ]
        );
        let en = pipeline::pipeline("en", Flavour::Site);
        let of_en: Vec<String> = keys(&en, "the approved drugs").into_iter().collect();
        assert_eq!(of_en, ["approv", "drug"]);
    }
}

/// One entry of a key, as the client reads it: a page number or a text.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Entry {
    Page(usize),
    Text(String),
}

/// The dictionary's shards under `prefix` (`d/<n>.js`, of about `shard_bytes` each) and the
/// first key of each, for the meta file. `pages` are the index's pages in its order.
pub fn write(
    lang: &str,
    prefix: &str,
    pairs: &[Pair],
    pages: &[&SearchPage],
    shard_bytes: usize,
) -> (Files, Vec<String>) {
    let number: BTreeMap<&str, usize> = pages.iter().enumerate().map(|(n, p)| (p.url, n)).collect();
    let keyed: Vec<(BTreeSet<String>, Entry)> = pairs
        .par_iter()
        .map_init(
            || pipeline::pipeline(lang, Flavour::Site),
            |pipe, (text, counterpart)| {
                let entry = match counterpart {
                    Counterpart::Page(url) => number.get(url.as_str()).map(|&n| Entry::Page(n)),
                    Counterpart::Text(t) => Some(Entry::Text(t.clone())),
                };
                (keys(pipe, text), entry)
            },
        )
        .filter_map(|(keys, entry)| entry.map(|e| (keys, e)))
        .collect();
    let mut by_key: BTreeMap<&str, BTreeSet<&Entry>> = BTreeMap::new();
    for (keys, entry) in &keyed {
        for key in keys {
            by_key.entry(key.as_str()).or_default().insert(entry);
        }
    }
    by_key.retain(|_, entries| entries.len() <= MAX_ENTRIES);
    let mut keys: Vec<(&str, String)> = by_key
        .into_iter()
        .map(|(key, entries)| {
            let mut json = String::new();
            push_json_str(key, &mut json);
            json.push_str(":[");
            for (i, entry) in entries.into_iter().enumerate() {
                if i > 0 {
                    json.push(',');
                }
                match entry {
                    Entry::Page(n) => json.push_str(&n.to_string()),
                    Entry::Text(t) => push_json_str(t, &mut json),
                }
            }
            json.push(']');
            (key, json)
        })
        .collect();
    // The client looks a key up in the shards by JavaScript's order (UTF-16 code units).
    keys.sort_by(|a, b| super::postings::utf16_cmp(a.0, b.0));
    let mut files = Files::new();
    let mut bounds = Vec::new();
    let mut shard = String::new();
    for (i, (key, json)) in keys.iter().enumerate() {
        if shard.is_empty() {
            bounds.push(key.to_string());
            shard.push('{');
        } else {
            shard.push(',');
        }
        shard.push_str(json);
        if shard.len() >= shard_bytes || i + 1 == keys.len() {
            shard.push('}');
            files.push(format::script(
                prefix,
                &format!("d/{}", bounds.len() - 1),
                &shard,
            ));
            shard.clear();
        }
    }
    (files, bounds)
}
