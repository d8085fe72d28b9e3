//! Render: Tera templates (built-in ← theme ← the site's own `templates/`) over typed page views.

mod limits;
pub mod series;
pub mod strings;
mod templates;
mod view;

pub use strings::Strings;
pub use templates::{RecordReads, Templates};

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;
use tera::Context;

use crate::error::{Diagnostic, Diagnostics};
use crate::site::{home_key, url_of, Site};
use view::{ConfigView, Link, PageView};

/// The Content-Security-Policy every page carries (the theme writes it as a `<meta>` from
/// `{{ csp }}`): scripts, styles, images and media only from the site itself; no inline script
/// or style, no network request (`connect-src` falls back to `'none'`), no web font, no plug-in,
/// frame, `<base>` or form submission. Measured in Chromium 156 from file://: `'self'` lets
/// `../../style.css`, `search.js` and the search index's script files load (the browser suite
/// checks that no page reports a violation and that search works), so nothing is added for file:.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; media-src 'self'; base-uri 'none'; form-action 'none'";

/// The policy of pages that `serve` serves: its live-reload script (a file of the served site, no
/// inline script) long-polls the server, so this one policy allows requests to the serving address.
pub const SERVED_CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; media-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'";

/// One rendered HTML file.
pub struct RenderedPage {
    /// Relative to the site root.
    pub path: String,
    pub html: String,
    /// The content file (or generator) it comes from, for messages.
    pub source: String,
}

/// The render stage: the templates (with the `record()` function over the site's records) and
/// each language's shared context, ready to render any page.
pub struct Renderer<'a> {
    site: &'a Site,
    templates: Templates,
    /// Per language and edition (`None` outside a series): what every page's context holds
    /// besides `root` and `page`.
    bases: BTreeMap<(&'a str, Option<&'a str>), Context>,
    /// The PDF of each language and edition that has one (see [`Renderer::link_pdf`]).
    pdfs: BTreeMap<(String, Option<String>), crate::pdf::Link>,
}

impl<'a> Renderer<'a> {
    /// Loads the templates. `None` when they have problems (added to `diags`) or an earlier stage
    /// found errors: nothing is rendered then.
    pub fn new(site: &'a Site, root: &Path, diags: &mut Diagnostics) -> Option<Renderer<'a>> {
        let records_by_language = records_by_language(site);
        let theme = match crate::theme::load(root, &site.config.theme) {
            Ok(theme) => theme,
            Err(d) => {
                diags.push(d);
                return None;
            }
        };
        let templates =
            Strings::load(root, theme.as_deref(), &site.config.languages).and_then(|strings| {
                Templates::load(
                    root,
                    theme.as_deref(),
                    Arc::new(records_by_language),
                    Arc::new(site.broken_records.clone()),
                    Arc::new(strings),
                    Arc::new(series::Figures::of(site)),
                    &site.config.languages,
                )
            });
        let templates = match templates {
            Ok(mut templates) => {
                diags.extend(std::mem::take(&mut templates.warnings));
                if diags.has_errors() {
                    return None;
                }
                templates
            }
            Err(problems) => {
                diags.extend(problems);
                return None;
            }
        };
        Some(Renderer::with_templates(site, templates))
    }

    /// A renderer over `site` with templates loaded before (by an earlier build of the same
    /// sources but for content: `serve`'s incremental rebuilds). `record()` and `series()` read
    /// `site`.
    pub fn with_templates(site: &'a Site, mut templates: Templates) -> Renderer<'a> {
        templates.set_site_data(
            Arc::new(records_by_language(site)),
            Arc::new(site.broken_records.clone()),
            Arc::new(series::Figures::of(site)),
        );
        let print_url =
            |lang: &str, e: Option<&str>| templates.has("print.html").then(|| print_path(lang, e));
        let editions = site.editions();
        let bases = site
            .config
            .languages
            .iter()
            .flat_map(|lang| editions.iter().map(move |&e| (lang.as_str(), e)))
            .map(|(lang, e)| {
                let context = view::base_context(site, lang, e, print_url(lang, e));
                ((lang, e), context)
            })
            .collect();
        Renderer {
            site,
            templates,
            bases,
            pdfs: BTreeMap::new(),
        }
    }

    /// The templates, to render another version of the site with [`with_templates`](Self::with_templates).
    pub fn into_templates(self) -> Templates {
        self.templates
    }

    /// Renders every content page in parallel and hands each to `emit` as soon as it is ready, so
    /// that a worker holds one page at a time, never the whole rendered site.
    pub fn pages(&self, diags: &mut Diagnostics, emit: impl Fn(RenderedPage) + Sync) {
        self.pages_where(|_| true, diags, emit);
    }

    /// [`pages`](Self::pages), for the content pages `wanted` picks only.
    pub fn pages_where(
        &self,
        wanted: impl Fn(&crate::site::Page) -> bool + Sync,
        diags: &mut Diagnostics,
        emit: impl Fn(RenderedPage) + Sync,
    ) {
        let (site, templates) = (self.site, &self.templates);
        // Each worker copies a shared context when it first needs it and then only replaces
        // `root` and `page` in it: a per-page copy would deep-copy every record for every page.
        let pages: Vec<&crate::site::Page> = site.pages.iter().filter(|p| wanted(p)).collect();
        let problems: Vec<Diagnostic> = pages
            .par_iter()
            .map_init(
                BTreeMap::new,
                |contexts: &mut BTreeMap<(&str, Option<&str>), Context>, page| {
                    let key = (page.lang.as_str(), page.edition.as_deref());
                    let Some(base) = self.bases.get(&key) else {
                        return Some(Diagnostic::error(
                            &page.file,
                            format!("`{}` is not a language of config.toml", page.lang),
                        ));
                    };
                    let context = contexts.entry(key).or_insert_with(|| base.clone());
                    context.insert("root", &page.root());
                    context.insert("page", &PageView::new(site, page, true));
                    let template = view::template_for(page);
                    if !templates.has(&template) {
                        return Some(missing_template(page, &template, templates));
                    }
                    match templates.render(&template, context, &page.file) {
                        Ok(html) => {
                            emit(RenderedPage {
                                path: page.url.clone(),
                                html,
                                source: page.file.clone(),
                            });
                            None
                        }
                        Err(d) => Some(d),
                    }
                },
            )
            .flatten()
            .collect();
        diags.extend(problems);
    }

    /// Per content page and print page (by output path), a fingerprint of everything its
    /// rendering reads: the page as templates see it (its text, twins, section, children,
    /// neighbours, own records…), what every page of its language and edition shares (config,
    /// navigation; not the records), the records its template reads ([`RecordReads`]), the
    /// figures `series()` reads when its template calls it, and its template's name. Templates
    /// and interface strings are not in it: a change to them is a new [`Templates`]. Two renders
    /// with the same fingerprint and the same templates give the same page, so an incremental
    /// rebuild re-renders exactly the pages whose fingerprint changed.
    pub fn fingerprints(&self) -> HashMap<String, u64> {
        let site = self.site;
        let shared: BTreeMap<(&str, Option<&str>), u64> = self
            .bases
            .iter()
            .map(|(key, context)| {
                let mut json = context.clone().into_json();
                if let Some(map) = json.as_object_mut() {
                    map.remove("records");
                }
                (*key, hash_json(&json))
            })
            .collect();
        let records: BTreeMap<&str, u64> = site
            .records
            .iter()
            .map(|(id, r)| (id.as_str(), hash_json(&r.by_lang)))
            .collect();
        // What `series()` reads: every page's key figures.
        let figures = {
            let mut h = Fingerprint::default();
            for page in &site.pages {
                (&page.lang, &page.edition, &page.series_key).hash(&mut h);
                let _ = serde_json::to_writer(&mut h, &page.front.extra.get("figures"));
            }
            h.finish()
        };
        let mut all = site
            .pages
            .par_iter()
            .map(|page| {
                let template = view::template_for(page);
                let reads = self.templates.record_reads(&template);
                let mut h = Fingerprint::default();
                template.hash(&mut h);
                shared
                    .get(&(page.lang.as_str(), page.edition.as_deref()))
                    .hash(&mut h);
                page.root().hash(&mut h);
                for (id, hash) in &records {
                    if reads.reads(id) {
                        (id, hash).hash(&mut h);
                    }
                }
                // A record named in `reads` that does not exist reads as missing.
                for id in reads
                    .ids
                    .iter()
                    .filter(|id| !records.contains_key(id.as_str()))
                {
                    (id, 0u8).hash(&mut h);
                }
                if reads.series {
                    figures.hash(&mut h);
                }
                let _ = serde_json::to_writer(&mut h, &PageView::new(site, page, true));
                (page.url.clone(), h.finish())
            })
            .collect::<HashMap<String, u64>>();
        // The print page of a language shows every page of it and may read every record: its
        // fingerprint is made of theirs.
        if self.templates.has("print.html") {
            for (key, shared) in &shared {
                let mut h = Fingerprint::default();
                shared.hash(&mut h);
                records.hash(&mut h);
                figures.hash(&mut h);
                for page in site.pages_in(key.0) {
                    all.get(&page.url).hash(&mut h);
                }
                all.insert(print_path(key.0, key.1), h.finish());
            }
        }
        all
    }

    /// The pages no content file makes: the language chooser and, when the theme has them, the
    /// print page and the 404 page of each language.
    pub fn generated(&self, diags: &mut Diagnostics) -> Vec<RenderedPage> {
        self.generated_where(|_| true, diags)
    }

    /// The print page of each language (and edition), when the theme has one, in the order of
    /// config.toml. A full build renders them before the PDFs are known (and the other generated
    /// pages after, with `generated_where(|_| false, …)`): a print page never links to the PDF
    /// made from it.
    pub fn print_pages(&self, diags: &mut Diagnostics) -> Vec<PrintPage> {
        let (site, templates) = (self.site, &self.templates);
        let mut out = Vec::new();
        if templates.has("print.html") {
            let editions = site.editions();
            let each: Vec<(&str, Option<&str>)> = site
                .config
                .languages
                .iter()
                .flat_map(|l| editions.iter().map(move |&e| (l.as_str(), e)))
                .collect();
            // One print page per language and edition, each the size of its whole report: in
            // parallel, they take as long as the largest.
            let printed: Vec<_> = each
                .par_iter()
                .map(|&(lang, edition)| {
                    let base = &self.bases[&(lang, edition)];
                    (
                        lang,
                        edition,
                        render_print(site, templates, lang, edition, base),
                    )
                })
                .collect();
            for (lang, edition, printed) in printed {
                match printed {
                    Ok(page) => out.push(PrintPage {
                        lang: lang.to_string(),
                        edition: edition.map(str::to_string),
                        page,
                    }),
                    Err(d) => diags.push(d),
                }
            }
        }
        out
    }

    /// From now on every page of `lang` (in `edition`) links to its PDF in the footer
    /// (`report_pdf`), and the archive page to each edition's PDF.
    pub fn link_pdf(&mut self, lang: &str, edition: Option<&str>, link: &crate::pdf::Link) {
        self.pdfs.insert(
            (lang.to_string(), edition.map(str::to_string)),
            link.clone(),
        );
        let key = self
            .bases
            .iter_mut()
            .find(|((l, e), _)| *l == lang && *e == edition);
        if let Some((_, base)) = key {
            base.insert("report_pdf", link);
        }
    }

    /// [`generated`](Self::generated), with only the print pages whose path `print` picks.
    pub fn generated_where(
        &self,
        print: impl Fn(&str) -> bool,
        diags: &mut Diagnostics,
    ) -> Vec<RenderedPage> {
        let (site, templates) = (self.site, &self.templates);
        let mut out = Vec::new();
        let latest = site.config.editions.as_ref().map(|e| e.latest.as_str());
        if templates.has("print.html") {
            for (&(lang, edition), base) in self
                .bases
                .iter()
                .filter(|((lang, edition), _)| print(&print_path(lang, *edition)))
            {
                match render_print(site, templates, lang, edition, base) {
                    Ok(page) => out.push(page),
                    Err(d) => diags.push(d),
                }
            }
        }
        if templates.has("data.html") {
            for (&(lang, edition), base) in &self.bases {
                match render_data(site, templates, lang, edition, base) {
                    Ok(Some(page)) => out.push(page),
                    Ok(None) => {}
                    Err(d) => diags.push(d),
                }
            }
        }
        if site.config.editions.is_some() && templates.has("archive.html") {
            for lang in &site.config.languages {
                let base = &self.bases[&(lang.as_str(), latest)];
                match render_archive(site, templates, lang, base, &self.pdfs) {
                    Ok(page) => out.push(page),
                    Err(d) => diags.push(d),
                }
            }
        }
        if templates.has("404.html") {
            for lang in &site.config.languages {
                match render_not_found(site, templates, lang, &self.bases[&(lang.as_str(), latest)])
                {
                    Ok(pages) => out.extend(pages),
                    Err(d) => diags.push(d),
                }
            }
        }
        match render_language_chooser(site, templates) {
            Ok(page) => out.push(page),
            Err(d) => diags.push(d),
        }
        out
    }
}

/// Every record in every language, for `record()`.
fn records_by_language(site: &Site) -> templates::RecordsByLanguage {
    site.records
        .iter()
        .map(|(id, r)| (id.clone(), r.by_lang.clone()))
        .collect()
}

/// A hash of render inputs, fed by their JSON (in memory only: never written anywhere).
#[derive(Default)]
struct Fingerprint(std::collections::hash_map::DefaultHasher);

impl Hasher for Fingerprint {
    fn write(&mut self, bytes: &[u8]) {
        self.0.write(bytes);
    }

    fn finish(&self) -> u64 {
        self.0.finish()
    }
}

impl std::io::Write for Fingerprint {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        Hasher::write(self, bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn hash_json(value: &impl Serialize) -> u64 {
    let mut h = Fingerprint::default();
    let _ = serde_json::to_writer(&mut h, value);
    h.finish()
}

/// A print page: the language's (and edition's) whole report, what its PDF is printed from.
pub struct PrintPage {
    pub lang: String,
    pub edition: Option<String>,
    pub page: RenderedPage,
}

/// A page names a template that does not exist: point at its `template` line.
fn missing_template(page: &crate::site::Page, name: &str, templates: &Templates) -> Diagnostic {
    let front = &page.text[..page.body_offset];
    let d = Diagnostic::error(&page.file, format!("the template `{name}` does not exist"))
        .help(format!("use one of: {}", templates.names().join(", ")));
    match front.find(&format!("\"{name}\"")) {
        Some(at) => d.at(&page.text, at + 1..at + 1 + name.len()),
        None => d,
    }
}

/// The print page of a language (and edition): `ja/print/index.html`, `ja/2021/print/index.html`.
pub fn print_path(lang: &str, edition: Option<&str>) -> String {
    match edition {
        Some(e) => format!("{lang}/{e}/print/index.html"),
        None => format!("{lang}/print/index.html"),
    }
}

/// The data page of an edition in one language: every table with its downloads.
pub fn data_path(lang: &str, edition: Option<&str>) -> String {
    match edition {
        Some(e) => format!("{lang}/{e}/data/index.html"),
        None => format!("{lang}/data/index.html"),
    }
}

/// A table on the data page: its title, the page that shows it, and its downloads.
#[derive(Serialize)]
struct DataTable<'a> {
    title: &'a serde_json::Value,
    page: Option<Link>,
    downloads: &'a serde_json::Value,
}

/// Whether a content page of the site's own (a section `data/`) is at the data page's address:
/// the site's page wins, and the tables are downloaded from under their own pages only.
pub fn data_page_taken(site: &Site, path: &str) -> bool {
    site.pages.iter().any(|p| p.url == path)
}

/// `{lang}/<edition>/data/index.html`: every table record of the edition with its downloads,
/// and the report's PDF (template `data.html`; `tables` in its context). None for an edition
/// without tables.
fn render_data(
    site: &Site,
    templates: &Templates,
    lang: &str,
    edition: Option<&str>,
    base: &Context,
) -> Result<Option<RenderedPage>, Diagnostic> {
    let path = data_path(lang, edition);
    if data_page_taken(site, &path) {
        return Ok(None);
    }
    let in_edition = |id: &str| match (edition, site.config.editions.as_ref()) {
        (Some(e), Some(editions)) => editions.split(id).is_some_and(|(name, _)| name == e),
        _ => true,
    };
    let pages: Vec<&crate::site::Page> = site.pages_of(lang, edition).collect();
    let tables: Vec<DataTable> = site
        .records
        .iter()
        .filter(|(id, _)| in_edition(id))
        .filter_map(|(id, r)| {
            let json = r.by_lang.get(lang)?;
            let downloads = json.get("downloads")?;
            let page = pages
                .iter()
                .find(|p| p.front.records.iter().any(|r| r == id))
                .map(|p| Link {
                    title: p.front.title.clone(),
                    url: p.url.clone(),
                    lang: lang.to_string(),
                });
            Some(DataTable {
                title: json.get("title").unwrap_or(&serde_json::Value::Null),
                page,
                downloads,
            })
        })
        .collect();
    if tables.is_empty() {
        return Ok(None);
    }
    let mut context = base.clone();
    context.insert("tables", &tables);
    context.insert("root", &root_of(&path));
    // In a series, the edition's label, for the `<title>` (the data pages of two editions differ).
    let label = edition.and_then(|e| Some(site.config.editions.as_ref()?.label(e, lang)));
    context.insert("edition_label", &label);
    context.insert(
        "page",
        &GeneratedPage {
            title: String::new(),
            kind: "data",
            key: "",
            url: &path,
            translations: generated_translations(site, lang, |l| data_path(l, edition)),
            ancestors: Vec::new(),
            extra: BTreeMap::new(),
        },
    );
    let source = format!("the data page ({lang})");
    let html = templates.render("data.html", &context, &source)?;
    Ok(Some(RenderedPage { path, html, source }))
}

/// The list of every edition of a series in one language.
pub fn archive_path(lang: &str) -> String {
    format!("{lang}/archive/index.html")
}

/// What `page` holds on a page that no content file makes (print, 404): enough for the base
/// layout's title, language switch and breadcrumbs.
#[derive(Serialize)]
struct GeneratedPage<'a> {
    title: String,
    kind: &'static str,
    key: &'static str,
    url: &'a str,
    translations: Vec<Link>,
    ancestors: Vec<()>,
    extra: BTreeMap<String, String>,
}

/// The same generated page in the other languages.
fn generated_translations(site: &Site, lang: &str, path_of: impl Fn(&str) -> String) -> Vec<Link> {
    site.config
        .languages
        .iter()
        .filter(|l| l.as_str() != lang)
        .map(|l| Link {
            title: site.config.title.get(l).cloned().unwrap_or_default(),
            url: path_of(l),
            lang: l.clone(),
        })
        .collect()
}

/// The whole report in one page per language, in reading order, for printing or saving as PDF.
fn render_print(
    site: &Site,
    templates: &Templates,
    lang: &str,
    edition: Option<&str>,
    base: &Context,
) -> Result<RenderedPage, Diagnostic> {
    let path = print_path(lang, edition);
    let pages: Vec<PageView> = site
        .pages_of(lang, edition)
        .map(|p| PageView::new(site, p, false))
        .collect();
    let mut context = base.clone();
    context.insert("root", &root_of(&path));
    context.insert("pages", &pages);
    // The home page with every page below it, as deep as the site goes.
    let contents = site
        .page(lang, &home_key(edition))
        .map(|home| view::Entry::new(site, home));
    context.insert("contents", &contents);
    // In a series, the edition's label, for the `<title>` (the print pages of two editions differ).
    let label = edition.and_then(|e| Some(site.config.editions.as_ref()?.label(e, lang)));
    context.insert("edition_label", &label);
    context.insert(
        "page",
        &GeneratedPage {
            title: String::new(),
            kind: "print",
            key: "",
            url: &path,
            translations: generated_translations(site, lang, |l| print_path(l, edition)),
            ancestors: Vec::new(),
            extra: BTreeMap::new(),
        },
    );
    let source = format!("the print page ({lang})");
    let html = templates.render("print.html", &context, &source)?;
    Ok(RenderedPage { path, html, source })
}

/// `{lang}/archive/index.html`: every edition of the series, newest first, each with its PDF
/// where there is one (template `archive.html`; `editions` in its context).
fn render_archive(
    site: &Site,
    templates: &Templates,
    lang: &str,
    base: &Context,
    pdfs: &BTreeMap<(String, Option<String>), crate::pdf::Link>,
) -> Result<RenderedPage, Diagnostic> {
    let path = archive_path(lang);
    let mut context = base.clone();
    let mut editions = view::edition_links(site, lang, None);
    editions.reverse();
    for e in &mut editions {
        e.pdf = pdfs.get(&(lang.to_string(), Some(e.name.clone()))).cloned();
    }
    context.insert("editions", &editions);
    context.insert("root", &root_of(&path));
    context.insert(
        "page",
        &GeneratedPage {
            title: String::new(),
            kind: "archive",
            key: "",
            url: &path,
            translations: generated_translations(site, lang, archive_path),
            ancestors: Vec::new(),
            extra: BTreeMap::new(),
        },
    );
    let source = format!("the archive page ({lang})");
    let html = templates.render("archive.html", &context, &source)?;
    Ok(RenderedPage { path, html, source })
}

/// `{lang}/404.html` for every language, and `404.html` at the root in the default language (the
/// file static hosts look for). A server shows it at any address, so its links are absolute when
/// the site has a base URL; without one they are relative to where the file lies.
fn render_not_found(
    site: &Site,
    templates: &Templates,
    lang: &str,
    base: &Context,
) -> Result<Vec<RenderedPage>, Diagnostic> {
    let not_found_path = |l: &str| format!("{l}/404.html");
    let mut paths = vec![not_found_path(lang)];
    if lang == site.config.default_language {
        paths.push("404.html".to_string());
    }
    let mut out = Vec::new();
    for path in paths {
        let root = match &site.config.base_url {
            Some(base_url) => format!("{base_url}/"),
            None => root_of(&path),
        };
        let mut context = base.clone();
        context.insert("root", &root);
        context.insert(
            "page",
            &GeneratedPage {
                title: String::new(),
                kind: "not-found",
                key: "",
                url: &path,
                translations: generated_translations(site, lang, not_found_path),
                ancestors: Vec::new(),
                extra: BTreeMap::new(),
            },
        );
        let source = format!("the 404 page ({lang})");
        let html = templates.render("404.html", &context, &source)?;
        out.push(RenderedPage { path, html, source });
    }
    Ok(out)
}

/// `../../` for `ja/print/index.html`.
fn root_of(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

#[derive(Serialize)]
struct LanguageChoice<'a> {
    code: &'a str,
    title: &'a str,
    description: &'a str,
    url: String,
}

/// `index.html` at the root: a plain list of links, one per language, that works without JavaScript.
fn render_language_chooser(site: &Site, templates: &Templates) -> Result<RenderedPage, Diagnostic> {
    let choices: Vec<LanguageChoice> = site
        .config
        .languages
        .iter()
        .map(|lang| LanguageChoice {
            code: lang,
            title: site.config.title.get(lang).map_or("", String::as_str),
            description: site.config.description.get(lang).map_or("", String::as_str),
            url: url_of(
                lang,
                &home_key(site.config.editions.as_ref().map(|e| e.latest.as_str())),
            ),
        })
        .collect();
    let mut context = Context::new();
    context.insert("root", "");
    context.insert("csp", CONTENT_SECURITY_POLICY);
    context.insert("lang", &site.config.default_language);
    context.insert(
        "config",
        &ConfigView::new(&site.config, &site.config.default_language),
    );
    context.insert("choices", &choices);
    let html = templates.render(
        "languages.html",
        &context,
        "public/index.html (the language chooser)",
    )?;
    Ok(RenderedPage {
        path: "index.html".into(),
        html,
        source: "the language chooser".into(),
    })
}
