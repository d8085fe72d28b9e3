//! The search indexes: one per language, over each page's body and the text of the records it
//! shows (`search-index.<lang>.js`).

use serde_json::Value as Json;

use crate::error::{Diagnostic, Diagnostics};
use crate::index;
use crate::parse::{markdown, record};
use crate::site::{Page, Site};
use crate::write::{Contents, Output};

pub fn add(output: &mut Output, indexes: Vec<(String, String)>) {
    for (lang, js) in indexes {
        output.set(
            format!("search-index.{lang}.js"),
            Contents::Bytes(js.into_bytes()),
            "search index",
        );
    }
}

/// One search index per language, over each page's body and the text of the records it shows.
pub fn build(site: &Site, diags: &mut Diagnostics) -> Vec<(String, String)> {
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
fn searchable_html(site: &Site, page: &Page) -> String {
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
            record::anchor(id),
            markdown::escape_attr(title),
            markdown::escape_attr(&words.join(" "))
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
