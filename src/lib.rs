//! nenpo: a static site generator for bilingual annual reports.
//!
//! A build is a pipeline over one model: `config` → `load` (discover and read) → `parse` +
//! `site` (front matter, Markdown, records; URLs, order, translations, links) → `render` (Tera)
//! → `index` (search) → `write` (the only stage that touches the output folder).

pub mod chart;
pub mod config;
pub mod error;
pub mod fs;
pub mod index;
pub mod load;
pub mod parse;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod site;
pub mod write;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value as Json;

use config::Config;
use error::{Diagnostic, Diagnostics};
use render::Templates;
use site::{Site, Strictness};
use write::{Contents, Output};

/// What to build and how.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// The site folder: `config.toml`, `content/`, `themes/`, `templates/`, `static/`.
    pub root: PathBuf,
    /// Where the site goes; `None` checks everything without writing.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` from config.toml.
    pub base_url: Option<String>,
    pub strict: Strictness,
    /// Inserted before `</body>` of every HTML page (used by `serve` for live reload only).
    pub inject_html: Option<String>,
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        let root = root.into();
        BuildOptions {
            output: Some(root.join("public")),
            root,
            base_url: None,
            strict: Strictness::default(),
            inject_html: None,
        }
    }
}

/// What a successful build did.
#[derive(Debug)]
pub struct Summary {
    /// Pages (sections included) per language, in config order.
    pub pages: Vec<(String, usize)>,
    pub records: usize,
    pub files: usize,
    pub elapsed: Duration,
    /// Time per stage, in pipeline order.
    pub timings: Vec<(&'static str, Duration)>,
    /// Warnings (drafts skipped, translations allowed to be missing, a large index).
    pub warnings: Vec<Diagnostic>,
}

impl Summary {
    /// The one line printed at the end of a build.
    pub fn line(&self, output: Option<&Path>) -> String {
        let per_lang: Vec<String> = self.pages.iter().map(|(l, n)| format!("{n} {l}")).collect();
        let verb = if output.is_some() { "Built" } else { "Checked" };
        let dest = output
            .map(|o| format!(" → {}", o.display()))
            .unwrap_or_default();
        format!(
            "{verb} {} pages ({}), {} records, {} files in {} ms{dest}",
            self.pages.iter().map(|(_, n)| n).sum::<usize>(),
            per_lang.join(", "),
            self.records,
            self.files,
            self.elapsed.as_millis()
        )
    }
}

/// Runs the whole pipeline. On any error nothing is written and every problem is returned.
pub fn build(options: &BuildOptions) -> Result<Summary, Diagnostics> {
    let started = Instant::now();
    let mut timings = Vec::new();
    let mut diags = Diagnostics::default();
    let mut lap = {
        let mut last = Instant::now();
        move |name: &'static str, timings: &mut Vec<(&'static str, Duration)>| {
            timings.push((name, last.elapsed()));
            last = Instant::now();
        }
    };

    let mut config = Config::load(&options.root).map_err(|d| Diagnostics(vec![d]))?;
    if let Some(url) = &options.base_url {
        config.base_url = Some(url.trim_end_matches('/').to_string()).filter(|u| !u.is_empty());
    }
    let sources = load::load(&options.root, &config, &mut diags);
    lap("load", &mut timings);

    let site = site::build(config, sources, &options.strict, &mut diags);
    lap("parse", &mut timings);

    let records_by_language = site
        .records
        .iter()
        .map(|(id, r)| (id.clone(), r.by_lang.clone()))
        .collect();
    let templates = Templates::load(
        &options.root,
        Some(site.config.theme.as_str()).filter(|t| !t.is_empty()),
        std::sync::Arc::new(records_by_language),
    );
    let templates = match templates {
        Ok(t) => Some(t),
        Err(problems) => {
            diags.extend(problems);
            None
        }
    };
    let rendered = match &templates {
        Some(t) if !diags.has_errors() => render::render(&site, t, &mut diags),
        _ => Vec::new(),
    };
    lap("render", &mut timings);
    if diags.has_errors() {
        diags.sort();
        return Err(diags);
    }

    let indexes = build_indexes(&site, &mut diags);
    lap("index", &mut timings);

    let output = assemble(&site, options, rendered, indexes, &mut diags);
    if diags.has_errors() {
        diags.sort();
        return Err(diags);
    }
    if let Some(out) = &options.output {
        output.write(out).map_err(|d| Diagnostics(vec![d]))?;
    }
    lap("write", &mut timings);

    diags.sort();
    Ok(Summary {
        pages: site
            .config
            .languages
            .iter()
            .map(|l| (l.clone(), site.pages_in(l).count()))
            .collect(),
        records: site.records.len(),
        files: output.len(),
        elapsed: started.elapsed(),
        timings,
        warnings: diags.0,
    })
}

/// One search index per language, over each page's body and the text of the records it shows.
fn build_indexes(site: &Site, diags: &mut Diagnostics) -> Vec<(String, String)> {
    use rayon::prelude::*;
    let texts: Vec<(usize, String)> = site
        .pages
        .par_iter()
        .enumerate()
        .map(|(i, page)| (i, searchable_html(site, page)))
        .collect();
    let results: Vec<(String, Result<String, String>)> = site
        .config
        .languages
        .par_iter()
        .map(|lang| {
            let inputs: Vec<index::IndexInput> = texts
                .iter()
                .map(|(i, html)| (&site.pages[*i], html))
                .filter(|(p, _)| p.lang == *lang)
                .map(|(page, html)| index::IndexInput {
                    url: &page.url,
                    title: &page.front.title,
                    section: page
                        .parent
                        .as_ref()
                        .filter(|k| k.as_str() != "_index.md")
                        .and_then(|k| site.page(lang, k))
                        .map_or("", |s| s.front.title.as_str()),
                    html,
                })
                .collect();
            (lang.clone(), index::build(lang, &inputs))
        })
        .collect();
    let mut out = Vec::new();
    for (lang, result) in results {
        match result {
            Ok(js) => {
                if let Some(warning) = index::size_warning(&lang, &js) {
                    diags.push(Diagnostic::warning(
                        format!("search-index.{lang}.js"),
                        warning,
                    ));
                }
                out.push((lang, js));
            }
            Err(e) => diags.push(Diagnostic::error(format!("search-index.{lang}.js"), e)),
        }
    }
    out
}

/// The page's body followed by the text of its records, each under a heading with the record's
/// anchor, so that a match in a table points at the table.
fn searchable_html(site: &Site, page: &site::Page) -> String {
    let mut html = page.content.clone();
    for id in &page.front.records {
        let Some(record) = site.records.get(id).and_then(|r| r.by_lang.get(&page.lang)) else {
            continue;
        };
        let title = record.get("title").and_then(Json::as_str).unwrap_or("");
        let mut words = Vec::new();
        // The record's own title is the heading above; titles inside its rows are text.
        if let Json::Object(fields) = record {
            for (key, value) in fields.iter().filter(|(key, _)| key.as_str() != "title") {
                if !is_setting(key) {
                    collect_text(value, &mut words);
                }
            }
        }
        html.push_str(&format!(
            "<h2 id=\"{}\">{}</h2><p>{}</p>",
            parse::record::anchor(id),
            parse::markdown::escape_attr(title),
            parse::markdown::escape_attr(&words.join(" "))
        ));
    }
    html
}

/// Ids, anchors, column keys and chart settings are not reader-visible text.
fn is_setting(key: &str) -> bool {
    matches!(key, "id" | "anchor" | "chart" | "key" | "source_pages")
}

fn collect_text<'a>(value: &'a Json, out: &mut Vec<&'a str>) {
    match value {
        Json::String(s) => out.push(s),
        Json::Array(items) => items.iter().for_each(|v| collect_text(v, out)),
        Json::Object(map) => {
            for (key, v) in map {
                if !is_setting(key) {
                    collect_text(v, out);
                }
            }
        }
        _ => {}
    }
}

/// Every output file: theme and site static files, content assets, pages, indexes, sitemap.
fn assemble(
    site: &Site,
    options: &BuildOptions,
    rendered: Vec<render::RenderedPage>,
    indexes: Vec<(String, String)>,
    diags: &mut Diagnostics,
) -> Output {
    let mut output = Output::default();
    let root = &options.root;
    // Theme static files first; the site's own `static/` overrides them.
    let mut static_dirs = Vec::new();
    if !site.config.theme.is_empty() {
        static_dirs.push(root.join("themes").join(&site.config.theme).join("static"));
    }
    static_dirs.push(root.join("static"));
    for dir in static_dirs {
        for (path, rel) in fs::files_under(&dir) {
            let shown = fs::display_path(root, &path);
            output.set(
                fs::display_path(Path::new(""), &rel),
                Contents::Copy(path),
                &shown,
            );
        }
    }
    // Assets beside their pages, in every language's tree.
    for asset in &site.assets {
        let rel = fs::display_path(Path::new(""), &asset.rel);
        let shown = format!("content/{rel}");
        for lang in &site.config.languages {
            if let Err(d) = output.add(
                format!("{lang}/{rel}"),
                Contents::Copy(asset.path.clone()),
                &shown,
            ) {
                diags.push(d);
            }
        }
    }
    for page in rendered {
        let mut html = page.html;
        if let Some(inject) = &options.inject_html {
            match html.rfind("</body>") {
                Some(at) => html.insert_str(at, inject),
                None => html.push_str(inject),
            }
        }
        if let Err(d) = output.add(page.path, Contents::Bytes(html.into_bytes()), &page.source) {
            diags.push(d);
        }
    }
    for (lang, js) in indexes {
        output.set(
            format!("search-index.{lang}.js"),
            Contents::Bytes(js.into_bytes()),
            "search index",
        );
    }
    output.set(
        "robots.txt".into(),
        Contents::Bytes(robots(&site.config).into_bytes()),
        "robots.txt",
    );
    if let Some(sitemap) = sitemap(site) {
        output.set(
            "sitemap.xml".into(),
            Contents::Bytes(sitemap.into_bytes()),
            "sitemap",
        );
    }
    output
}

fn robots(config: &Config) -> String {
    let mut text = String::from("User-agent: *\nAllow: /\n");
    if let Some(base) = &config.base_url {
        text.push_str(&format!("Sitemap: {base}/sitemap.xml\n"));
    }
    text
}

/// Both languages, each URL with its hreflang alternates; only with a base URL (sitemaps need absolute URLs).
fn sitemap(site: &Site) -> Option<String> {
    let base = site.config.base_url.as_ref()?;
    let esc = parse::markdown::escape_attr;
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    for page in &site.pages {
        xml.push_str(&format!(
            "<url><loc>{}</loc>",
            esc(&format!("{base}/{}", page.url))
        ));
        for lang in &site.config.languages {
            if let Some(twin) = site.page(lang, &page.key) {
                xml.push_str(&format!(
                    "<xhtml:link rel=\"alternate\" hreflang=\"{lang}\" href=\"{}\"/>",
                    esc(&format!("{base}/{}", twin.url))
                ));
            }
        }
        if let Some(default) = site.page(&site.config.default_language, &page.key) {
            xml.push_str(&format!(
                "<xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{}\"/>",
                esc(&format!("{base}/{}", default.url))
            ));
        }
        if let Some(date) = &page.front.date {
            xml.push_str(&format!("<lastmod>{date}</lastmod>"));
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    Some(xml)
}
