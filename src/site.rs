//! The site model: pages in every language, records and assets, with URLs, order, translations,
//! internal links and glossary abbreviations resolved. Built from `Sources`; nothing here does IO.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;
use serde_json::Value as Json;

use crate::config::Config;
use crate::error::{Diagnostic, Diagnostics};
use crate::load::{Asset, Sources};
use crate::parse::front_matter::{self, FrontMatter};
use crate::parse::markdown::{self, Abbreviation, Heading, InternalLink, TextSection};
use crate::parse::record::{self, Record};

/// One page or section in one language.
#[derive(Debug)]
pub struct Page {
    /// Language-neutral content path: `projects/pharma.md`, `projects/_index.md`, `_index.md`.
    pub key: String,
    pub lang: String,
    /// In a series: the edition whose folder holds the page (`2021`).
    pub edition: Option<String>,
    /// The content path within the edition (`projects/pharma.md`); `key` outside a series.
    pub path: String,
    /// What the same page is called in every edition: front matter `series_key`, else `path`.
    pub series_key: String,
    pub file: String,
    /// The content file's text; once the model is built, only its front matter (the first
    /// `body_offset` bytes): the body lives on as `content` and `plain_text`.
    pub text: Arc<str>,
    pub is_section: bool,
    pub front: FrontMatter,
    pub body_offset: usize,
    /// Output path relative to the site root: `ja/projects/pharma/index.html`.
    pub url: String,
    /// Key of the section this page belongs to (`None` for the home page).
    pub parent: Option<String>,
    pub bundle_dir: Option<PathBuf>,
    /// Rendered Markdown body.
    pub content: String,
    /// The body's plain text, section by section (what search indexes).
    pub plain_text: Vec<TextSection>,
    pub toc: Vec<Heading>,
    pub ids: HashSet<String>,
    pub links: Vec<InternalLink>,
    /// Links out of the site (`http(s)://`), kept only for `check --external`.
    pub external: Vec<crate::external::ExternalLink>,
}

impl Page {
    /// Relative prefix from this page to the site root (`../../`).
    pub fn root(&self) -> String {
        "../".repeat(self.url.matches('/').count())
    }
}

/// Options that change what counts as an error.
#[derive(Clone, Debug, Default)]
pub struct Strictness {
    /// Report a missing translation as a warning instead of an error.
    pub allow_missing_translations: bool,
    /// `--strict` (or `[build] strict = true`): every warning is an error, for CI. Wins over
    /// `allow_missing_translations`, whose warnings it turns back into errors.
    pub warnings_are_errors: bool,
    /// `check --external`: keep the links out of the site, to ask the web about them.
    pub external_links: bool,
}

#[derive(Debug)]
pub struct Site {
    pub config: Config,
    /// Every page in every language, in reading order per language (languages in config order).
    pub pages: Vec<Page>,
    pub records: BTreeMap<String, Record>,
    /// Records that have errors of their own (left out of `records`): what reads them is not
    /// reported again.
    pub broken_records: BTreeSet<String>,
    pub assets: Vec<Asset>,
    /// Each table record as a CSV and an XLSX file per language, by output path
    /// (`outputs::downloads::prepare`).
    pub downloads: Vec<(String, Vec<u8>)>,
    /// Per language, in config order: key → index in `pages`. Looked up by `&str`, without
    /// building a key.
    index: Vec<HashMap<String, usize>>,
    /// Per page (same index as `pages`): its direct children, in reading order.
    children: Vec<Vec<usize>>,
    /// (language, edition, series key) → index in `pages`: the same page in another edition.
    series: HashMap<(String, String, String), usize>,
    /// (language, page key) → (the original's language, texts changed): the translations whose
    /// original changed since they were made (`crate::translations`).
    pub outdated: crate::translations::status::Outdated,
}

impl Site {
    pub fn page(&self, lang: &str, key: &str) -> Option<&Page> {
        self.index_of(lang, key).map(|i| &self.pages[i])
    }

    fn index_of(&self, lang: &str, key: &str) -> Option<usize> {
        let l = self.config.languages.iter().position(|l| l == lang)?;
        self.index.get(l)?.get(key).copied()
    }

    /// Index of `page` in `pages` (reading order; each language's pages are contiguous).
    pub fn position(&self, page: &Page) -> Option<usize> {
        self.index_of(&page.lang, &page.key)
    }

    pub fn pages_in<'a>(&'a self, lang: &'a str) -> impl Iterator<Item = &'a Page> + 'a {
        self.pages.iter().filter(move |p| p.lang == lang)
    }

    /// The pages of one language and edition (`None`: a site without editions), in reading order.
    pub fn pages_of<'a>(
        &'a self,
        lang: &'a str,
        edition: Option<&'a str>,
    ) -> impl Iterator<Item = &'a Page> + 'a {
        self.pages_in(lang)
            .filter(move |p| p.edition.as_deref() == edition)
    }

    /// The editions, oldest first: `[None]` for a site without editions.
    pub fn editions(&self) -> Vec<Option<&str>> {
        match &self.config.editions {
            Some(e) => e.names.iter().map(|n| Some(n.as_str())).collect(),
            None => vec![None],
        }
    }

    /// The page that stands for `page` in `edition`, by series key.
    pub fn in_edition(&self, page: &Page, lang: &str, edition: &str) -> Option<&Page> {
        self.series
            .get(&(
                lang.to_string(),
                edition.to_string(),
                page.series_key.clone(),
            ))
            .map(|&i| &self.pages[i])
    }

    /// An id (`projects`, `glossary/terms`) as seen from `edition`: its id in that edition's
    /// folder when the site is a series, else itself.
    pub fn record_id(&self, edition: Option<&str>, id: &str) -> String {
        in_edition(edition, id)
    }

    /// An id without its edition folder: the id a template or an anchor uses.
    pub fn local_id<'k>(&self, id: &'k str) -> &'k str {
        match &self.config.editions {
            Some(e) => e.split(id).map_or(id, |(_, rest)| rest),
            None => id,
        }
    }

    /// Direct children of a section, pages and subsections in one reading order.
    pub fn children<'a>(&'a self, section: &Page) -> impl Iterator<Item = &'a Page> + 'a {
        let kids = match self.position(section) {
            Some(i) => self.children[i].as_slice(),
            None => &[],
        };
        kids.iter().map(|&i| &self.pages[i])
    }

    /// Sections from the home page down to the parent of `page`.
    pub fn ancestors(&self, page: &Page) -> Vec<&Page> {
        let mut chain = Vec::new();
        let mut next = page.parent.as_deref();
        while let Some(key) = next {
            match self.page(&page.lang, key) {
                Some(p) => {
                    next = p.parent.as_deref();
                    chain.push(p);
                }
                None => break,
            }
        }
        chain.reverse();
        chain
    }
}

/// The key of the home page of `edition` (of the site, outside a series).
pub fn home_key(edition: Option<&str>) -> String {
    in_edition(edition, "_index.md")
}

/// `path` in the folder of `edition`.
fn in_edition(edition: Option<&str>, path: &str) -> String {
    match edition {
        Some(e) => format!("{e}/{path}"),
        None => path.to_string(),
    }
}

/// Output URL of a content key in a language.
pub fn url_of(lang: &str, key: &str) -> String {
    let path = key
        .strip_suffix("_index.md")
        .or_else(|| key.strip_suffix(".md"))
        .unwrap_or(key);
    let path = path.trim_end_matches('/');
    if path.is_empty() {
        format!("{lang}/index.html")
    } else {
        format!("{lang}/{path}/index.html")
    }
}

/// Parent section key of a content key: `a/b.md` → `a/_index.md`, `a/_index.md` → `_index.md`.
fn parent_of(key: &str, is_section: bool) -> Option<String> {
    let dir = if is_section {
        let dir = key.strip_suffix("_index.md")?.trim_end_matches('/');
        if dir.is_empty() && key == "_index.md" {
            return None;
        }
        dir.rsplit_once('/')
            .map(|(d, _)| d.to_string())
            .unwrap_or_default()
    } else {
        key.rsplit_once('/')
            .map(|(d, _)| d.to_string())
            .unwrap_or_default()
    };
    Some(if dir.is_empty() {
        "_index.md".to_string()
    } else {
        format!("{dir}/_index.md")
    })
}

/// Builds the model: parses every source, orders pages, checks parity, renders Markdown, checks links.
pub fn build(
    config: Config,
    sources: Sources,
    images: &crate::image::Images,
    strict: &Strictness,
    diags: &mut Diagnostics,
) -> Site {
    build_reusing(config, sources, images, strict, diags, None)
}

/// Whether a content file's text is what it was when the previous model was built.
pub type SameText<'a> = dyn Fn(&str) -> bool + Sync + 'a;

/// [`build`], taking each page's rendered Markdown from `previous` (the last good model of the
/// same site, with the same pages, images and config: `serve`'s incremental rebuilds) where
/// nothing it depends on changed: the page's text, every page's URL, the glossary's
/// abbreviations. A page of `previous` built without errors, so reusing it loses no problem.
pub fn build_reusing(
    config: Config,
    sources: Sources,
    images: &crate::image::Images,
    strict: &Strictness,
    diags: &mut Diagnostics,
    previous: Option<(&Site, &SameText<'_>)>,
) -> Site {
    let languages = config.languages.clone();
    let editions = config.editions.as_ref();

    // What `new edition` marked and nobody has updated yet; what `init` and `new` wrote to be
    // replaced.
    for (file, text) in sources
        .pages
        .iter()
        .map(|p| (&p.file, &p.text))
        .chain(sources.records.iter().map(|r| (&r.file, &r.text)))
    {
        if editions.is_some() {
            diags.extend(crate::scaffold::edition::marks(file, text));
        }
        diags.extend(crate::scaffold::placeholders(file, text));
    }

    // Records first: pages and the glossary read them.
    let mut records = BTreeMap::new();
    let mut broken_records = HashSet::new();
    // Spreadsheets last: the TOML record beside one may name the sheet to read.
    let is_sheet = |src: &&crate::load::RecordSource| src.file.ends_with(".xlsx");
    let in_order = sources
        .records
        .iter()
        .filter(|s| !is_sheet(s))
        .chain(sources.records.iter().filter(is_sheet));
    for src in in_order {
        // In a series, a record belongs to an edition; its id and anchor are those within it,
        // so that the same record has the same anchor in every edition.
        let local = match editions {
            Some(e) => match e.split(&src.id) {
                Some((_, rest)) if !rest.is_empty() => Some(rest.to_string()),
                _ => {
                    diags.push(outside_editions(&src.file, e));
                    continue;
                }
            },
            None => None,
        };
        let parsed = if is_sheet(&src) {
            let sheet = records
                .get(&src.id)
                .and_then(|r: &Record| r.table.as_ref())
                .and_then(|f| f.sheet.as_ref());
            record::parse_xlsx(src, &languages, sheet)
        } else {
            record::parse(src, &languages)
        };
        let mut record = match parsed {
            Ok(mut r) => {
                if let Some(local) = &local {
                    record::set_local_id(&mut r, &src.id, local);
                }
                r
            }
            Err(problems) => {
                diags.extend(problems);
                broken_records.insert(src.id.clone());
                continue;
            }
        };
        // A text missing a language: an error, or with the flag a warning (the text then shows
        // in the first language of config.toml that has it).
        let missing = std::mem::take(&mut record.missing);
        if !missing.is_empty() && !strict.allow_missing_translations {
            diags.extend(missing);
            broken_records.insert(src.id.clone());
            continue;
        }
        diags.extend(missing.into_iter().map(Diagnostic::into_warning));
        // A CSV beside a TOML record of the same name gives that record its rows.
        let record = match records.remove(&record.id) {
            Some(earlier) => record::combine(earlier, record),
            None => record,
        };
        records.insert(record.id.clone(), record);
    }

    // A record with errors is left out whole: a TOML record whose CSV rows failed has no rows.
    for id in &broken_records {
        records.remove(id);
    }

    // Images in records: checked like Markdown images, at the record's file:line:col; each
    // `{src, alt, image: n}` becomes the image as templates see it (`image::ImageView`).
    for record in records.values_mut() {
        resolve_record_images(record, images, &languages, diags);
    }

    // Table records checked against their own columns (a TOML record and its CSV as one), then
    // shown: numbers per language, totals, the previous edition's values. Ids sort by edition,
    // so an edition's tables are checked before the next edition compares with them.
    let ids: Vec<String> = records
        .iter()
        .filter(|(_, r)| r.table.is_some())
        .map(|(id, _)| id.clone())
        .collect();
    #[allow(clippy::type_complexity)]
    let mut checked_tables: BTreeMap<
        String,
        (Option<Json>, Vec<BTreeMap<String, Option<f64>>>),
    > = BTreeMap::new();
    for id in ids {
        let Some(record) = records.get_mut(&id) else {
            continue;
        };
        let Some(facts) = record.table.as_ref() else {
            continue;
        };
        let (errors, missing, table) = crate::parse::table::check(facts, &languages);
        let missing_fatal = !missing.is_empty() && !strict.allow_missing_translations;
        if missing_fatal {
            diags.extend(missing);
        } else {
            diags.extend(missing.into_iter().map(Diagnostic::into_warning));
        }
        diags.extend(errors);
        let Some(table) = table.filter(|_| !missing_fatal) else {
            records.remove(&id);
            broken_records.insert(id);
            continue;
        };
        // The text of a row's key, in the default language: how editions match rows.
        let key_texts = |rows: Option<&Json>, key: &str| -> Vec<String> {
            rows.and_then(Json::as_array)
                .map(|rows| {
                    rows.iter()
                        .map(|r| match r.get(key) {
                            Some(Json::String(s)) => s.clone(),
                            Some(other) => other.to_string(),
                            None => String::new(),
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        let default_rows = |r: &Record| {
            r.by_lang
                .get(&config.default_language)
                .and_then(|r| r.get("rows"))
                .cloned()
        };
        let this_rows = default_rows(record);
        let row_keys = match &table.compare {
            Some(key) => key_texts(this_rows.as_ref(), key),
            None => Vec::new(),
        };
        let previous = match (&table.compare, editions) {
            (Some(key), Some(e)) => e.split(&id).and_then(|(edition, local)| {
                let at = e.names.iter().position(|n| n == edition)?;
                let before = e.names.get(at.checked_sub(1)?)?;
                let (rows, numbers) = checked_tables.get(&format!("{before}/{local}"))?;
                let by_row: crate::tables::Previous = key_texts(rows.as_ref(), key)
                    .into_iter()
                    .zip(numbers.iter().cloned())
                    .collect();
                Some((before.clone(), by_row))
            }),
            _ => None,
        };
        for (lang, json) in record.by_lang.iter_mut() {
            let previous = previous
                .as_ref()
                .zip(editions)
                .map(|((before, numbers), e)| (numbers, e.label(before, lang)));
            crate::tables::annotate(json, &table, lang, &row_keys, previous);
        }
        if editions.is_some() {
            checked_tables.insert(id, (this_rows, table.numbers));
        }
    }

    // A chart of a series may draw the same record in every edition so far (a trend over the
    // years is not retyped): `editions` in such a record, oldest first, each edition's label and
    // rows (numbers typed) in the record's language.
    if let Some(e) = editions {
        add_editions_of_charts(&mut records, e);
    }

    // Front matter of every page.
    let mut pages = Vec::new();
    // Pages that exist but failed to load or parse: their own error says what to fix, so they
    // count as present for parity and as link targets.
    let mut unparsed = sources.unreadable.clone();
    // Pages that are drafts: a twin that is published is then not "missing" but unpaired.
    let mut drafts: Vec<Draft> = Vec::new();
    for src in sources.pages {
        let split = match front_matter::split(&src.file, &src.text) {
            Ok(s) => s,
            Err(d) => {
                diags.push(d);
                // It exists, so its twin is not "missing"; its own error says what to fix.
                unparsed.push((src.key.clone(), src.lang.clone()));
                continue;
            }
        };
        if let Some(d) = front_matter::check_original(&src.file, &src.text, &split, &languages) {
            diags.push(d);
        }
        if let Some(span) = split.draft_span.clone() {
            diags.push(
                Diagnostic::warning(&src.file, "draft: not published")
                    .at(&src.text, span.clone())
                    .help("set `draft = false` to publish it"),
            );
            drafts.push(Draft {
                key: src.key.clone(),
                lang: src.lang.clone(),
                file: src.file.clone(),
                text: src.text.clone(),
                span,
            });
            continue;
        }
        let (mut front, body_offset) = (split.front, split.body_offset);
        let (edition, path) = match editions {
            Some(e) => match e.split(&src.key) {
                Some((edition, path)) if !path.is_empty() => {
                    (Some(edition.to_string()), path.to_string())
                }
                _ => {
                    diags.push(outside_editions(&src.file, e));
                    unparsed.push((src.key.clone(), src.lang.clone()));
                    continue;
                }
            },
            None => (None, src.key.clone()),
        };
        // `records = ["x"]` names the record of the page's own edition first.
        for id in &mut front.records {
            let own = in_edition(edition.as_deref(), id);
            if records.contains_key(&own) || broken_records.contains(&own) {
                *id = own;
            }
        }
        for id in &front.records {
            if !records.contains_key(id) && !broken_records.contains(id) {
                let span = src.text[..body_offset]
                    .find(&format!("\"{id}\""))
                    .map(|s| s + 1..s + 1 + id.len());
                let d = Diagnostic::error(&src.file, format!("there is no record `{id}`")).help(
                    format!(
                        "create content/{id}.toml, or fix the id in `records` (known: {})",
                        near(id, records.keys())
                    ),
                );
                diags.push(match span {
                    Some(span) => d.at(&src.text, span),
                    None => d,
                });
            }
        }
        let parent = parent_of(&path, src.is_section).map(|p| in_edition(edition.as_deref(), &p));
        pages.push(Page {
            url: url_of(&src.lang, &src.key),
            parent,
            series_key: front.series_key.clone().unwrap_or_else(|| path.clone()),
            edition,
            path,
            key: src.key,
            lang: src.lang,
            file: src.file,
            text: src.text,
            is_section: src.is_section,
            front,
            body_offset,
            bundle_dir: src.bundle_dir,
            content: String::new(),
            plain_text: Vec::new(),
            toc: Vec::new(),
            ids: HashSet::new(),
            links: Vec::new(),
            external: Vec::new(),
        });
    }

    check_duplicates(&pages, diags);
    if let Some(e) = editions {
        check_editions(&pages, e, &config.default_language, diags);
        check_titles(&pages, diags);
    }
    check_parity(&pages, &unparsed, &drafts, &languages, strict, diags);
    check_parents(&pages, diags);

    // Reading order: depth-first from the home page, siblings by weight then key.
    let order = reading_order(&pages, &languages);
    let mut slots: Vec<Option<Page>> = pages.into_iter().map(Some).collect();
    let mut pages: Vec<Page> = order.into_iter().filter_map(|i| slots[i].take()).collect();
    let mut index: Vec<HashMap<String, usize>> = vec![HashMap::new(); languages.len()];
    for (i, p) in pages.iter().enumerate() {
        if let Some(l) = languages.iter().position(|l| *l == p.lang) {
            index[l].insert(p.key.clone(), i);
        }
    }
    let mut series = HashMap::new();
    for (i, p) in pages.iter().enumerate() {
        if let Some(edition) = &p.edition {
            series.insert((p.lang.clone(), edition.clone(), p.series_key.clone()), i);
        }
    }
    let mut children = vec![Vec::new(); pages.len()];
    for (i, p) in pages.iter().enumerate() {
        let parent = languages
            .iter()
            .position(|l| *l == p.lang)
            .zip(p.parent.as_ref())
            .and_then(|(l, parent)| index[l].get(parent));
        if let Some(&parent) = parent {
            children[parent].push(i);
        }
    }

    // Markdown, in parallel: every page needs only the URL table and the glossary.
    // Language → key → URL.
    let mut urls: HashMap<String, HashMap<String, String>> = HashMap::new();
    for p in &pages {
        urls.entry(p.lang.clone())
            .or_default()
            .insert(p.key.clone(), p.url.clone());
    }
    for (key, lang) in &unparsed {
        urls.entry(lang.clone())
            .or_default()
            .insert(key.clone(), url_of(lang, key));
    }
    let link_table = crate::links::LinkTable::new(&urls, &sources.assets, &languages);
    let edition_names: Vec<Option<String>> = match editions {
        Some(e) => e.names.iter().cloned().map(Some).collect(),
        None => vec![None],
    };
    let abbreviations: HashMap<(String, Option<String>), Vec<Abbreviation>> = languages
        .iter()
        .flat_map(|l| edition_names.iter().map(move |e| (l, e)))
        .map(|(l, e)| {
            let list = glossary_abbreviations(&config, &records, l, e.as_deref());
            ((l.clone(), e.clone()), list)
        })
        .collect();
    let raw_html = config.markdown.raw_html;
    // What the previous model rendered that still holds: only when every page has the same URL.
    // `same_text(file)`: the file's text is what it was when `previous` was built (the model
    // keeps only each page's front matter, so the caller, who has the sources, tells).
    let (previous, same_text) = match previous {
        Some((prev, same)) => (Some(prev), Some(same)),
        None => (None, None),
    };
    let previous = previous.filter(|prev| {
        prev.pages.len() == pages.len()
            && prev.pages.iter().all(|p| {
                urls.get(&p.lang)
                    .and_then(|by_key| by_key.get(&p.key))
                    .is_some_and(|u| *u == p.url)
            })
    });
    let same_abbreviations: HashSet<&(String, Option<String>)> = previous
        .map(|prev| {
            abbreviations
                .iter()
                .filter(|((l, e), list)| {
                    glossary_abbreviations(&prev.config, &prev.records, l, e.as_deref()) == **list
                })
                .map(|(key, _)| key)
                .collect()
        })
        .unwrap_or_default();
    let problems: Vec<Diagnostic> = pages
        .par_iter_mut()
        .flat_map_iter(|page| {
            let earlier = previous
                .filter(|_| same_abbreviations.contains(&(page.lang.clone(), page.edition.clone())))
                .and_then(|prev| prev.page(&page.lang, &page.key))
                .filter(|p| p.file == page.file && same_text.is_some_and(|same| same(&page.file)));
            if let Some(earlier) = earlier {
                page.content = earlier.content.clone();
                page.plain_text = earlier.plain_text.clone();
                page.toc = earlier.toc.clone();
                page.ids = earlier.ids.clone();
                page.links = earlier.links.clone();
                return Vec::new();
            }
            let root = page.root();
            let lang = page.lang.clone();
            // A page missing in this language is reported by the parity check; the link still
            // leads somewhere useful: the page in another language.
            // `@/x.md` on a page of an edition is the page of that edition first.
            let own = |key: &str| in_edition(page.edition.as_deref(), key);
            let resolve = |key: &str| {
                let find = |key: &str| {
                    std::iter::once(&lang)
                        .chain(languages.iter())
                        .find_map(|l| urls.get(l).and_then(|by_key| by_key.get(key)))
                        .map(|u| format!("{root}{u}"))
                };
                find(&own(key)).or_else(|| find(key))
            };
            // Image paths are relative to the content file's folder.
            let page_dir = page
                .file
                .strip_prefix("content/")
                .and_then(|f| f.rsplit_once('/'))
                .map_or("", |(dir, _)| dir)
                .to_string();
            let image = |src: &str, alt: &str| images.img_html(&page_dir, &root, src, alt);
            let body = &page.text[page.body_offset..];
            let abbreviations = &abbreviations[&(page.lang.clone(), page.edition.clone())];
            let from = crate::links::From {
                key: &page.key,
                lang: &page.lang,
                url: &page.url,
                dir: &page_dir,
            };
            let links = |dest: &str| link_table.resolve(&from, dest);
            let mut rendered =
                markdown::render_linked(body, &resolve, &links, &image, abbreviations, raw_html);
            for link in &mut rendered.links {
                let own = own(&link.key);
                if urls.get(&lang).is_some_and(|u| u.contains_key(&own)) {
                    link.key = own;
                }
            }
            page.content = rendered.html;
            page.plain_text = rendered.plain_text;
            page.toc = rendered.toc;
            page.ids = rendered.ids;
            page.links = rendered.links;
            if strict.external_links {
                page.external = rendered
                    .external
                    .into_iter()
                    .map(|(url, span)| crate::external::ExternalLink {
                        url,
                        file: page.file.clone(),
                        text: page.text.clone(),
                        span: page.body_offset + span.start..page.body_offset + span.end,
                    })
                    .collect();
            }
            let offset = page.body_offset;
            let problems = rendered
                .problems
                .into_iter()
                .map(|p| {
                    Diagnostic::error(&page.file, p.message)
                        .at(&page.text, offset + p.span.start..offset + p.span.end)
                        .help(p.help)
                })
                .collect::<Vec<_>>();
            // The body lives on as `content` and `plain_text`; only a page whose links name an
            // anchor needs it until every page's headings are known ([`check_anchors`]). Let go
            // of it now, so that a large site never holds every source and every rendering at
            // once.
            if page.links.iter().all(|l| l.anchor.is_none()) {
                keep_front_matter(page);
            }
            problems
        })
        .collect();
    diags.extend(problems);

    let mut site = Site {
        config,
        pages,
        records,
        broken_records: broken_records.into_iter().collect(),
        assets: sources.assets,
        downloads: Vec::new(),
        index,
        children,
        series,
        outdated: BTreeMap::new(),
    };
    check_anchors(&site, diags);
    // Every check that points into a page's body is done, and the body is in `content` and
    // `plain_text`: keep only the front matter, which later messages point into.
    site.pages.iter_mut().for_each(keep_front_matter);
    site
}

/// Keeps only the front matter of a page's text, which later messages point into.
fn keep_front_matter(page: &mut Page) {
    if page.text.len() > page.body_offset {
        page.text = Arc::from(&page.text[..page.body_offset]);
    }
}

/// A page or record of a series outside every edition's folder.
fn outside_editions(file: &str, editions: &crate::config::Editions) -> Diagnostic {
    let rest = file.strip_prefix("content/").unwrap_or(file);
    Diagnostic::error(file, "this file lies outside every edition's folder").help(format!(
        "the site is a series of editions ([editions] in config.toml): move it into an edition, e.g. content/{}/{rest}",
        editions.latest
    ))
}

/// In a series, every page's `<title>` names its edition, so titles stay apart across editions;
/// two pages of one edition and language with the same title are a warning at the second.
fn check_titles(pages: &[Page], diags: &mut Diagnostics) {
    let mut seen: HashMap<(&str, Option<&str>, &str), &Page> = HashMap::new();
    for page in pages.iter().filter(|p| p.parent.is_some()) {
        let title = page.front.title.trim();
        let key = (page.lang.as_str(), page.edition.as_deref(), title);
        if let Some(first) = seen.insert(key, page) {
            seen.insert(key, first);
            diags.push(
                Diagnostic::warning(
                    &page.file,
                    format!("the title `{title}` is also the title of {}", first.file),
                )
                .at(
                    &page.text,
                    crate::parse::front_matter::value_span(&page.text, "title"),
                )
                .help("give each page of an edition its own title: readers tell tabs, bookmarks and search results apart by it"),
            );
        }
    }
}

/// Every edition has a home page; two pages of one edition do not share a series key.
fn check_editions(
    pages: &[Page],
    editions: &crate::config::Editions,
    default_language: &str,
    diags: &mut Diagnostics,
) {
    for name in &editions.names {
        let home = home_key(Some(name));
        if !pages.iter().any(|p| p.key == home) {
            let d = Diagnostic::error(
                crate::config::CONFIG_FILE,
                format!("the edition `{name}` has no home page"),
            )
            .help(format!(
                "create content/{name}/_index.{default_language}.md (and its translations), or remove the edition from [editions.label]"
            ));
            diags.push(match editions.spans.get(name) {
                Some(span) => d.at(&editions.source, span.clone()),
                None => d,
            });
        }
    }
    let mut seen: HashMap<(&str, &str, &str), &Page> = HashMap::new();
    for p in pages {
        let Some(edition) = &p.edition else { continue };
        if let Some(first) = seen.insert((&p.lang, edition, &p.series_key), p) {
            let (page, other) = if p.front.series_key.is_some() {
                (p, first)
            } else {
                (first, p)
            };
            let d = Diagnostic::error(
                &page.file,
                format!(
                    "this page and {} are the same page of edition {edition} (series key `{}`)",
                    other.file, p.series_key
                ),
            )
            .help("a page's `series_key` names its path in other editions; give each page of an edition its own");
            let front = &page.text[..page.body_offset];
            diags.push(match front.find(&format!("\"{}\"", p.series_key)) {
                Some(at) => d.at(&page.text, at + 1..at + 1 + p.series_key.len()),
                None => d,
            });
        }
    }
}

/// `editions = [{edition, label, rows}]` in every record with a `[chart]` that earlier editions
/// also have (by its id within the edition), from the oldest edition to the record's own.
fn add_editions_of_charts(records: &mut BTreeMap<String, Record>, e: &crate::config::Editions) {
    let mut by_local: BTreeMap<String, Vec<(usize, String)>> = BTreeMap::new();
    for id in records.keys() {
        if let Some((edition, local)) = e.split(id) {
            let at = e.names.iter().position(|n| n == edition).unwrap_or(0);
            by_local
                .entry(local.to_string())
                .or_default()
                .push((at, id.clone()));
        }
    }
    for (_, mut ids) in by_local.into_iter().filter(|(_, ids)| ids.len() > 1) {
        ids.sort();
        for (i, (_, id)) in ids.iter().enumerate() {
            let charted = records[id]
                .by_lang
                .values()
                .next()
                .is_some_and(|r| r.get("chart").is_some());
            if !charted {
                continue;
            }
            let langs: Vec<String> = records[id].by_lang.keys().cloned().collect();
            for lang in langs {
                let series: Vec<Json> = ids[..=i]
                    .iter()
                    .filter_map(|(at, other)| {
                        let rows = records[other].by_lang.get(&lang)?.get("rows")?.clone();
                        let edition = &e.names[*at];
                        Some(serde_json::json!({
                            "edition": edition,
                            "label": e.label(edition, &lang),
                            "rows": rows,
                        }))
                    })
                    .collect();
                if let Some(Json::Object(map)) =
                    records.get_mut(id).and_then(|r| r.by_lang.get_mut(&lang))
                {
                    map.insert("editions".into(), Json::Array(series));
                }
            }
        }
    }
}

/// The images of a record, resolved in every language (alt texts differ); a problem is
/// reported once per image, at its `src`.
fn resolve_record_images(
    record: &mut record::Record,
    images: &crate::image::Images,
    languages: &[String],
    diags: &mut Diagnostics,
) {
    if record.images.is_empty() {
        return;
    }
    // Paths are relative to the record's folder.
    let dir = record
        .file
        .strip_prefix("content/")
        .and_then(|f| f.rsplit_once('/'))
        .map_or("", |(dir, _)| dir)
        .to_string();
    let mut views: Vec<BTreeMap<&str, serde_json::Value>> = Vec::new();
    for image in &record.images {
        let mut by_lang = BTreeMap::new();
        for lang in languages {
            match images.resolve(&dir, &image.src, image.alt_in(lang, languages)) {
                Ok(view) => {
                    by_lang.insert(
                        lang.as_str(),
                        serde_json::to_value(view).unwrap_or_default(),
                    );
                }
                Err((message, help)) => {
                    let help = if message.contains("has no alt text") {
                        "say what the image shows beside its path: `alt = { ja = \"…\", en = \"…\" }` (in a CSV, columns `<name>.alt.ja`, `<name>.alt.en`), or `alt = \"decorative\"` for an image that only decorates".to_string()
                    } else if message.contains("cannot be read") {
                        help
                    } else {
                        "an image path in a record is relative to the record's file and stays inside content/, e.g. `src = \"photo.jpg\"` beside it".to_string()
                    };
                    diags.push(
                        Diagnostic::error(&image.file, message)
                            .at(&image.text, image.span.clone())
                            .help(help),
                    );
                    break;
                }
            }
        }
        views.push(by_lang);
    }
    fn replace(
        value: &mut serde_json::Value,
        views: &[BTreeMap<&str, serde_json::Value>],
        lang: &str,
    ) {
        match value {
            serde_json::Value::Object(map) => {
                if let (Some(n), true) = (
                    map.get("image").and_then(serde_json::Value::as_u64),
                    map.contains_key("src"),
                ) {
                    if let Some(view) = views.get(n as usize).and_then(|v| v.get(lang)) {
                        *value = view.clone();
                    }
                    return;
                }
                for v in map.values_mut() {
                    replace(v, views, lang);
                }
            }
            serde_json::Value::Array(items) => {
                for v in items {
                    replace(v, views, lang);
                }
            }
            _ => {}
        }
    }
    for (lang, json) in record.by_lang.iter_mut() {
        replace(json, &views, lang);
    }
}

/// Up to three known names, to help fix a typo.
fn near<'a>(_wanted: &str, known: impl Iterator<Item = &'a String>) -> String {
    let known: Vec<&String> = known.take(3).collect();
    if known.is_empty() {
        "none".into()
    } else {
        known
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ")
            + ", …"
    }
}

fn check_duplicates(pages: &[Page], diags: &mut Diagnostics) {
    let mut seen: BTreeMap<(&str, &str), &str> = BTreeMap::new();
    for p in pages {
        if let Some(first) = seen.insert((&p.lang, &p.url), &p.file) {
            diags.push(
                Diagnostic::error(
                    &p.file,
                    format!(
                        "this page and {first} would both be written to public/{}",
                        p.url
                    ),
                )
                .help("rename or remove one of the two files"),
            );
        }
    }
}

/// A page left out as a draft, with where its `draft = true` is.
struct Draft {
    key: String,
    lang: String,
    file: String,
    text: Arc<str>,
    span: std::ops::Range<usize>,
}

fn check_parity(
    pages: &[Page],
    unparsed: &[(String, String)],
    drafts: &[Draft],
    languages: &[String],
    strict: &Strictness,
    diags: &mut Diagnostics,
) {
    let mut langs_of: BTreeMap<&str, (BTreeSet<&str>, &Page)> = BTreeMap::new();
    for p in pages {
        langs_of
            .entry(&p.key)
            .or_insert_with(|| (BTreeSet::new(), p))
            .0
            .insert(&p.lang);
    }
    for (key, lang) in unparsed {
        if let Some((present, _)) = langs_of.get_mut(key.as_str()) {
            present.insert(lang);
        }
    }
    for (key, (present, example)) in langs_of {
        for lang in languages {
            if present.contains(lang.as_str()) {
                continue;
            }
            let twin = twin_file(&example.file, &example.lang, lang);
            let draft = drafts.iter().find(|d| d.key == key && &d.lang == lang);
            let (twin, message, help) = match draft {
                Some(Draft { file, .. }) => (
                    file.clone(),
                    format!("{key} is a draft in {lang} but published in {}", example.lang),
                    format!(
                        "set `draft = false` in {file} when the translation is ready, or `draft = true` in {} too",
                        example.file
                    ),
                ),
                None => (
                    twin.clone(),
                    format!("{key} has no {lang} version"),
                    format!("create {twin} (the {lang} translation of {})", example.file),
                ),
            };
            let mut d = if strict.allow_missing_translations {
                Diagnostic::warning(&twin, message)
            } else {
                Diagnostic::error(&twin, message)
            };
            if let Some(draft) = draft {
                d = d.at(&draft.text, draft.span.clone());
            }
            diags.push(d.help(help));
        }
    }
}

/// `content/a.ja.md` → `content/a.en.md`.
fn twin_file(file: &str, from: &str, to: &str) -> String {
    match file.strip_suffix(&format!(".{from}.md")) {
        Some(stem) => format!("{stem}.{to}.md"),
        None => file.to_string(),
    }
}

/// How deep sections may nest (`a/b/c/_index.md` is 3 deep; an edition's folder does not
/// count). Far deeper than a report needs, and what every page's breadcrumbs, a theme's nested
/// contents and the print page's outline can show.
pub const MAX_SECTION_DEPTH: usize = 32;

fn check_parents(pages: &[Page], diags: &mut Diagnostics) {
    let keys: HashSet<(&str, &str)> = pages
        .iter()
        .map(|p| (p.lang.as_str(), p.key.as_str()))
        .collect();
    let mut reported = HashSet::new();
    for p in pages {
        let depth = p.key.matches('/').count() - usize::from(p.edition.is_some());
        // The first level too deep only: what is under it is the same mistake.
        if p.is_section && depth == MAX_SECTION_DEPTH + 1 {
            diags.push(
                Diagnostic::error(
                    &p.file,
                    format!(
                        "sections are nested {depth} deep here; at most {MAX_SECTION_DEPTH} levels are allowed"
                    ),
                )
                .help("move this section's folder (and what it holds) up: a reader cannot follow so many levels either"),
            );
        }
        if let Some(parent) = &p.parent {
            if !keys.contains(&(p.lang.as_str(), parent.as_str()))
                && reported.insert((p.lang.clone(), parent.clone()))
            {
                let file = format!(
                    "content/{}",
                    parent.replace("_index.md", &format!("_index.{}.md", p.lang))
                );
                diags.push(
                    Diagnostic::error(
                        &p.file,
                        format!("this page's folder has no section file {file}"),
                    )
                    .help(format!(
                        "create {file} with a title, so the section can list its pages"
                    )),
                );
            }
        }
    }
}

/// Indices of `pages` in reading order: per language, depth-first, siblings by (weight, key).
fn reading_order(pages: &[Page], languages: &[String]) -> Vec<usize> {
    let mut children: HashMap<(&str, Option<&str>), Vec<usize>> = HashMap::new();
    for (i, p) in pages.iter().enumerate() {
        children
            .entry((&p.lang, p.parent.as_deref()))
            .or_default()
            .push(i);
    }
    for list in children.values_mut() {
        // Weight, then key: a total order, so builds are reproducible. Pages and subsections
        // share one order, so that a page of weight 90 follows sections of weight 1 to 6.
        list.sort_by(|&a, &b| {
            let (a, b) = (&pages[a], &pages[b]);
            (a.front.weight, &a.key).cmp(&(b.front.weight, &b.key))
        });
    }
    let mut order = Vec::with_capacity(pages.len());
    let mut placed = vec![false; pages.len()];
    fn visit(
        i: usize,
        pages: &[Page],
        children: &HashMap<(&str, Option<&str>), Vec<usize>>,
        order: &mut Vec<usize>,
        placed: &mut [bool],
    ) {
        if placed[i] {
            return;
        }
        placed[i] = true;
        order.push(i);
        if pages[i].is_section {
            if let Some(kids) = children.get(&(pages[i].lang.as_str(), Some(pages[i].key.as_str())))
            {
                for &k in kids {
                    visit(k, pages, children, order, placed);
                }
            }
        }
    }
    for lang in languages {
        if let Some(roots) = children.get(&(lang.as_str(), None)) {
            for &r in roots {
                visit(r, pages, &children, &mut order, &mut placed);
            }
        }
        // Orphans (a missing section file is reported elsewhere) still get built, in key order.
        let mut rest: Vec<usize> = (0..pages.len())
            .filter(|&i| !placed[i] && pages[i].lang == *lang)
            .collect();
        rest.sort_by(|&a, &b| pages[a].key.cmp(&pages[b].key));
        for i in rest {
            visit(i, pages, &children, &mut order, &mut placed);
        }
    }
    order
}

/// The glossary's abbreviations in one language, from records in the configured folder.
fn glossary_abbreviations(
    config: &Config,
    records: &BTreeMap<String, Record>,
    lang: &str,
    edition: Option<&str>,
) -> Vec<Abbreviation> {
    let Some(folder) = &config.abbreviations else {
        return Vec::new();
    };
    let folder = &in_edition(edition, folder);
    let prefix = format!("{folder}/");
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (id, record) in records {
        if id != folder && !id.starts_with(&prefix) {
            continue;
        }
        let Some(Json::Array(terms)) = record.by_lang.get(lang).and_then(|r| r.get("terms")) else {
            continue;
        };
        for term in terms {
            let Some(abbr) = term.get("abbr").and_then(Json::as_str) else {
                continue;
            };
            let title = term
                .get("expansion")
                .or_else(|| term.get("term"))
                .and_then(Json::as_str)
                .unwrap_or(abbr);
            if !abbr.is_empty() && seen.insert(abbr.to_string()) {
                out.push(Abbreviation {
                    abbr: abbr.to_string(),
                    title: title.to_string(),
                });
            }
        }
    }
    out
}

fn check_anchors(site: &Site, diags: &mut Diagnostics) {
    for page in &site.pages {
        for link in &page.links {
            let Some(anchor) = &link.anchor else { continue };
            let Some(target) = site.page(&page.lang, &link.key) else {
                continue;
            };
            let record_anchor = target
                .front
                .records
                .iter()
                .any(|r| record::anchor(site.local_id(r)) == *anchor);
            if !target.ids.contains(anchor) && !record_anchor {
                let known: Vec<String> = target
                    .toc
                    .iter()
                    .take(5)
                    .map(|h| format!("#{}", h.id))
                    .collect();
                diags.push(
                    Diagnostic::error(&page.file, format!("{} has no heading `#{anchor}`", target.file))
                        .at(&page.text, page.body_offset + link.span.start..page.body_offset + link.span.end)
                        .help(format!(
                            "use one of its anchors ({}), or give the heading an id with `{{#{anchor}}}`",
                            if known.is_empty() { "it has none".to_string() } else { known.join(", ") }
                        )),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_the_file() {
        assert_eq!(url_of("ja", "_index.md"), "ja/index.html");
        assert_eq!(url_of("en", "a/_index.md"), "en/a/index.html");
        assert_eq!(url_of("en", "a/b.md"), "en/a/b/index.html");
    }

    #[test]
    fn parents() {
        assert_eq!(parent_of("_index.md", true), None);
        assert_eq!(parent_of("a/_index.md", true).as_deref(), Some("_index.md"));
        assert_eq!(
            parent_of("a/b/_index.md", true).as_deref(),
            Some("a/_index.md")
        );
        assert_eq!(parent_of("a/b.md", false).as_deref(), Some("a/_index.md"));
        assert_eq!(parent_of("b.md", false).as_deref(), Some("_index.md"));
    }
}
