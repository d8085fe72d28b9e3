//! Search: the index stage. From the model's text (each page's plain text cut at its headings by
//! the parse stage, and the text of the records it shows), one index per language:
//!
//! - [`tokenize`]: text → tokens, one definition for every language, mirrored by the client;
//! - [`pipeline`]: what each language does to its tokens (English: stop words, spelling
//!   variants, stemming);
//! - [`postings`]: which pages hold each term, and how strongly;
//! - [`dictionary`]: the site's bilingual texts, so that a query in another language's words also
//!   searches for their counterpart;
//! - [`format`]: the sharded index of self-registering scripts the theme's client loads from
//!   `file://` (documented in `docs/search-format.md`);
//! - [`elasticlunr`]: on request (`[search] format = "elasticlunr"`), a standard elasticlunr
//!   index for a site's own elasticlunr.js client.
//!
//! [`build_index`] takes any list of pages and an output prefix, so one site can have several
//! indexes (per language, per edition).

pub mod dictionary;
pub mod elasticlunr;
pub mod format;
pub mod pipeline;
pub mod postings;
pub mod tokenize;

use std::borrow::Cow;
use std::collections::BTreeMap;

use rayon::prelude::*;
use serde_json::Value as Json;

use crate::config::SearchFormat;
use crate::error::{Diagnostic, Diagnostics};
use crate::parse;
use crate::site::{Page, Site};

/// One page as search sees it.
#[derive(Clone, Debug, Hash)]
pub struct SearchPage<'a> {
    /// URL relative to the site root, e.g. `"ja/pharmaceuticals/approvals/index.html"`.
    pub url: &'a str,
    pub title: &'a str,
    /// Title of the page's section (`""` for the home page and top-level sections).
    pub section: &'a str,
    /// The page's text: its body section by section, then one section per record it shows.
    pub sections: Vec<Section<'a>>,
}

/// The text under one heading; `id` is the heading's anchor (`None`: the top of the page).
#[derive(Clone, Debug, Hash, PartialEq)]
pub struct Section<'a> {
    pub id: Option<Cow<'a, str>>,
    pub heading: Cow<'a, str>,
    pub body: Cow<'a, str>,
}

/// Every file of the search indexes: `(path in the output, contents)`.
pub type Files = Vec<(String, Vec<u8>)>;

/// What the index stage hands on: every index's meta file and term shards (and its elasticlunr
/// index when the site asks for one), and the path of every page's fragment. The fragments, the
/// bulk of an index, are not held: [`write_fragments`] makes each from the model at write time.
#[derive(Default)]
pub struct Index {
    pub files: Files,
    pub fragments: Vec<String>,
}

/// The index stage: one index per language of the site, under `search/<lang>/`; in a series of
/// editions one per language and edition, under `search/<lang>/<edition>/`.
pub fn build(site: &Site, diags: &mut Diagnostics) -> Index {
    build_some(site, &index_sets(site), false, diags)
}

/// Every index of the site: `(language, edition)`.
pub fn index_sets(site: &Site) -> Vec<(&str, Option<&str>)> {
    let editions = site.editions();
    site.config
        .languages
        .iter()
        .flat_map(|lang| editions.iter().map(move |&e| (lang.as_str(), e)))
        .collect()
}

/// The indexes of `sets` only, fragments included (`serve` rebuilds those whose
/// [`inputs_hash`] changed, and compares every file with the one it has).
pub fn build_sets(site: &Site, sets: &[(&str, Option<&str>)], diags: &mut Diagnostics) -> Files {
    build_some(site, sets, true, diags).files
}

/// The indexes of `sets`, with their fragments in `files` or only their paths in `fragments`.
fn build_some(
    site: &Site,
    sets: &[(&str, Option<&str>)],
    with_fragments: bool,
    diags: &mut Diagnostics,
) -> Index {
    let results: Vec<(String, Result<Built, String>)> = sets
        .par_iter()
        .map(|&(lang, edition)| {
            let pages = pages_of(site, lang, edition);
            let aliases = aliases_of(site, lang, edition);
            let pairs = dictionary::pairs_of(site, lang, edition);
            let prefix = index_prefix(lang, edition);
            let format = site.config.search.format;
            let lexicon = Lexicon {
                aliases: &aliases,
                pairs: &pairs,
            };
            let built = index_files(lang, &pages, lexicon, &prefix, format, with_fragments);
            (prefix, built)
        })
        .collect();
    let mut index = Index::default();
    for (prefix, result) in results {
        match result {
            Ok((mut built, bundles)) => {
                for warning in format::size_warnings(&built) {
                    diags.push(Diagnostic::warning(format!("{prefix}/"), warning));
                }
                index.files.append(&mut built);
                if !with_fragments {
                    index
                        .fragments
                        .extend((0..bundles).map(|n| format::fragment_path(&prefix, n)));
                }
            }
            Err(e) => diags.push(Diagnostic::error(format!("{prefix}/"), e)),
        }
    }
    index
}

/// Makes every fragment bundle of every index [`build`] made, in parallel, and hands each to
/// `write` with its path as soon as it is made (one buffer per thread; none is held).
pub fn write_fragments(site: &Site, write: impl Fn(&str, &[u8]) + Sync) {
    for (lang, edition) in index_sets(site) {
        let pages = pages_of(site, lang, edition);
        // An index with errors has no fragments (and the build stops before writing).
        let Ok(order) = in_url_order(lang, &pages) else {
            continue;
        };
        let prefix = index_prefix(lang, edition);
        order
            .par_chunks(format::bundle_size(&order))
            .enumerate()
            .for_each_init(String::new, |buffer, (n, bundle)| {
                let path = format::fragment_bundle(&prefix, n, bundle, buffer);
                write(&path, buffer.as_bytes());
            });
    }
}

/// A fingerprint of everything the index of `lang` (and `edition`) is made of (pages, their text
/// and records, glossary aliases, format): equal fingerprints give the same index files.
pub fn inputs_hash(site: &Site, lang: &str, edition: Option<&str>) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (lang, edition).hash(&mut h);
    pages_of(site, lang, edition).hash(&mut h);
    // The aliases come from the glossary's records (hashed, not made: making them is the slow part).
    if let Some(folder) = &site.config.abbreviations {
        let prefix = format!("{}/", site.record_id(edition, folder));
        for record in site.records.values().filter(|r| r.id.starts_with(&prefix)) {
            record.id.hash(&mut h);
            serde_json::to_string(&record.by_lang)
                .unwrap_or_default()
                .hash(&mut h);
        }
    }
    // The dictionary comes from every record and the titles of the pages' twins.
    dictionary::pairs_of(site, lang, edition).hash(&mut h);
    (site.config.search.format == SearchFormat::Elasticlunr).hash(&mut h);
    h.finish()
}

/// One index over `pages` in language `lang`, its files named `<prefix>/…`: the sharded index,
/// and the elasticlunr one when the site asks for it.
pub fn build_index(
    lang: &str,
    pages: &[SearchPage],
    aliases: &BTreeMap<String, Vec<String>>,
    prefix: &str,
    requested: SearchFormat,
) -> Result<Files, String> {
    let lexicon = Lexicon {
        aliases,
        pairs: &[],
    };
    index_files(lang, pages, lexicon, prefix, requested, true).map(|(files, _)| files)
}

/// What an index knows of other names: the glossary's aliases and the cross-language dictionary.
#[derive(Clone, Copy)]
struct Lexicon<'a> {
    aliases: &'a BTreeMap<String, Vec<String>>,
    pairs: &'a [dictionary::Pair],
}

/// An index's files and its number of fragment bundles.
type Built = (Files, usize);

/// [`build_index`], with or without the fragments.
fn index_files(
    lang: &str,
    pages: &[SearchPage],
    lexicon: Lexicon,
    prefix: &str,
    requested: SearchFormat,
    with_fragments: bool,
) -> Result<Built, String> {
    let order = in_url_order(lang, pages)?;
    let postings = postings::build(lang, &order);
    let (mut files, dictionary) =
        dictionary::write(lang, prefix, lexicon.pairs, &order, format::SHARD_BYTES);
    files.extend(format::write(
        lang,
        prefix,
        &order,
        &postings,
        lexicon.aliases,
        &dictionary,
    ));
    let bundle = format::bundle_size(&order);
    if with_fragments {
        files.extend(format::fragments(prefix, &order, bundle));
    }
    if requested == SearchFormat::Elasticlunr {
        files.push((
            format!("{prefix}/elasticlunr.json"),
            elasticlunr::build(lang, &order).into_bytes(),
        ));
    }
    Ok((files, order.len().div_ceil(bundle)))
}

/// The pages in the order an index numbers them (by URL); an error for an invalid language code
/// or two pages with one URL.
fn in_url_order<'p, 'a>(
    lang: &str,
    pages: &'p [SearchPage<'a>],
) -> Result<Vec<&'p SearchPage<'a>>, String> {
    if lang.is_empty() || !lang.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(format!("search index: invalid language code {lang:?}"));
    }
    let mut order: Vec<&SearchPage> = pages.iter().collect();
    order.sort_by(|a, b| a.url.cmp(b.url));
    if let Some(pair) = order.windows(2).find(|pair| pair[0].url == pair[1].url) {
        return Err(format!(
            "search index ({lang}): two pages have the URL {:?}",
            pair[0].url
        ));
    }
    Ok(order)
}

/// Where the index of a language (and edition) lies: `search/ja`, `search/ja/2021`.
pub fn index_prefix(lang: &str, edition: Option<&str>) -> String {
    match edition {
        Some(e) => format!("search/{lang}/{e}"),
        None => format!("search/{lang}"),
    }
}

/// The pages of one language (and edition) with their text from the model.
pub fn pages_of<'a>(
    site: &'a Site,
    lang: &'a str,
    edition: Option<&'a str>,
) -> Vec<SearchPage<'a>> {
    let home = crate::site::home_key(edition);
    site.pages_of(lang, edition)
        .map(|page| SearchPage {
            url: &page.url,
            title: &page.front.title,
            section: page
                .parent
                .as_ref()
                .filter(|k| **k != home)
                .and_then(|k| site.page(lang, k))
                .map_or("", |s| s.front.title.as_str()),
            sections: sections_of(site, page),
        })
        .collect()
}

/// The page's body sections, then each record it shows under a heading with the record's anchor,
/// so that a match in a table points at the table.
fn sections_of<'a>(site: &'a Site, page: &'a Page) -> Vec<Section<'a>> {
    let mut sections: Vec<Section> = page
        .plain_text
        .iter()
        .map(|s| Section {
            id: s.id.as_deref().map(Cow::Borrowed),
            heading: Cow::Borrowed(&s.heading),
            body: Cow::Borrowed(&s.body),
        })
        .collect();
    for id in &page.front.records {
        let Some(record) = site.records.get(id).and_then(|r| r.by_lang.get(&page.lang)) else {
            continue;
        };
        let title = record.get("title").and_then(Json::as_str).unwrap_or("");
        let mut words = Vec::new();
        record_text(record, &mut words);
        sections.push(Section {
            id: Some(Cow::Owned(parse::record::anchor(site.local_id(id)))),
            heading: Cow::Borrowed(title),
            body: Cow::Owned(words.join(" ")),
        });
    }
    sections
}

/// Ids, anchors, column keys, chart settings and search aliases are not reader-visible text.
fn is_setting(key: &str) -> bool {
    matches!(key, "id" | "anchor" | "chart" | "key" | "aliases")
}

/// What a record shows a reader, in the order it shows it: its texts, and a table's rows each as
/// its cells in column order with their labels ("Events: 10,500 · Remuneration: 5,000"). The
/// record's own title is the section's heading. Numbers outside the table (a site's own settings
/// or references) are not text.
fn record_text<'a>(record: &'a Json, out: &mut Vec<Cow<'a, str>>) {
    let Json::Object(fields) = record else {
        return;
    };
    let columns = fields.get("columns").and_then(Json::as_array);
    let rows = fields.get("rows").and_then(Json::as_array);
    for (key, value) in fields {
        if key == "title" || is_setting(key) {
            continue;
        }
        match (key.as_str(), columns, rows) {
            ("rows", Some(columns), Some(rows)) => {
                out.extend(rows.iter().map(|row| Cow::Owned(row_text(columns, row))))
            }
            // Their labels are in each row's text.
            ("columns", Some(_), Some(_)) => {}
            _ => collect_texts(value, out),
        }
    }
}

/// A table row's cells in column order, each with its column's label, as the table shows them.
fn row_text(columns: &[Json], row: &Json) -> String {
    let mut cells = Vec::new();
    for column in columns {
        let Some(key) = column.get("key").and_then(Json::as_str) else {
            continue;
        };
        let shown = match row.get(key) {
            Some(Json::String(s)) if !s.is_empty() => s.clone(),
            Some(Json::Number(n)) => grouped(n),
            // An image: its alt text.
            Some(Json::Object(image)) => match image.get("alt").and_then(Json::as_str) {
                Some(alt) if !alt.is_empty() => alt.to_string(),
                _ => continue,
            },
            _ => continue,
        };
        match column.get("label").and_then(Json::as_str) {
            Some(label) if !label.is_empty() => cells.push(format!("{label}: {shown}")),
            _ => cells.push(shown),
        }
    }
    cells.join(" · ")
}

/// A number as the theme's tables show it: whole numbers from 1,000 with thousands separators.
fn grouped(n: &serde_json::Number) -> String {
    match n.as_u64().or_else(|| {
        n.as_f64()
            .filter(|f| f.fract() == 0.0 && *f >= 0.0)
            .map(|f| f as u64)
    }) {
        Some(v) if (1_000..1_000_000_000).contains(&v) => {
            let digits = v.to_string();
            let mut out = String::new();
            for (i, c) in digits.chars().enumerate() {
                if i > 0 && (digits.len() - i) % 3 == 0 {
                    out.push(',');
                }
                out.push(c);
            }
            out
        }
        _ => n.to_string(),
    }
}

/// The texts of a record value, in order; numbers outside a table are not text.
fn collect_texts<'a>(value: &'a Json, out: &mut Vec<Cow<'a, str>>) {
    match value {
        Json::String(s) => out.push(Cow::Borrowed(s)),
        Json::Array(items) => items.iter().for_each(|v| collect_texts(v, out)),
        Json::Object(map) => {
            for (key, v) in map {
                if !is_setting(key) {
                    collect_texts(v, out);
                }
            }
        }
        _ => {}
    }
}

/// Other names of the glossary's terms, for the index in `lang`. A term's names are its name in
/// every language, its abbreviation and its `aliases`; each name, keyed by its tokens in `lang`'s
/// pipeline ([`alias_key`]), leads to what to search for besides it: the term's name in `lang`
/// and its abbreviation (those of them that are not the key itself).
pub fn aliases_of(site: &Site, lang: &str, edition: Option<&str>) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let Some(folder) = &site.config.abbreviations else {
        return out;
    };
    let prefix = format!("{}/", site.record_id(edition, folder));
    let pipeline = pipeline::pipeline(lang, pipeline::Flavour::Site);
    for record in site.records.values().filter(|r| r.id.starts_with(&prefix)) {
        let Some(Json::Array(terms)) = record.by_lang.get(lang).and_then(|r| r.get("terms")) else {
            continue;
        };
        for (i, term) in terms.iter().enumerate() {
            let Some(name) = term.get("term").and_then(Json::as_str) else {
                continue;
            };
            let targets: Vec<&str> = std::iter::once(name)
                .chain(term.get("abbr").and_then(Json::as_str))
                .collect();
            // The same term in every language: its name there, its abbreviation, its aliases.
            let mut names: Vec<&str> = Vec::new();
            for other in record.by_lang.values() {
                let Some(entry) = other.get("terms").and_then(|t| t.get(i)) else {
                    continue;
                };
                let aliases = entry.get("aliases").and_then(Json::as_array);
                names.extend(
                    ["term", "abbr"]
                        .iter()
                        .filter_map(|k| entry.get(*k))
                        .chain(aliases.into_iter().flatten())
                        .filter_map(Json::as_str),
                );
            }
            if names.len() <= targets.len() {
                continue;
            }
            for alias in names {
                let key = alias_key_in(&pipeline, alias);
                if key.is_empty() {
                    continue;
                }
                let entry = out.entry(key.clone()).or_default();
                for target in &targets {
                    if alias_key_in(&pipeline, target) != key && !entry.iter().any(|t| t == target)
                    {
                        entry.push(target.to_string());
                    }
                }
            }
        }
    }
    out.retain(|_, targets| !targets.is_empty());
    out
}

/// How a query and an alias are compared: their tokens after the pipeline, joined by spaces
/// (the client computes the same from what the reader typed). A token the pipeline drops is kept
/// when it is not ASCII: the English trimmer drops Japanese tokens, and a Japanese name must still
/// lead to the English term.
pub fn alias_key(lang: &str, text: &str) -> String {
    alias_key_in(&pipeline::pipeline(lang, pipeline::Flavour::Site), text)
}

/// [`alias_key`] with the language's pipeline made once (making it is what costs most).
fn alias_key_in(pipeline: &::elasticlunr::pipeline::Pipeline, text: &str) -> String {
    tokenize::tokenize(text)
        .iter()
        .filter_map(|t| pipeline::run(pipeline, t).or_else(|| (!t.is_ascii()).then(|| t.clone())))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests;
