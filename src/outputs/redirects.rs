//! Redirect pages: a small HTML file (meta refresh, a visible link, `rel=canonical`) at an address
//! that leads elsewhere. Written for every `aliases = ["old/path"]` of a page (in that page's
//! language: `<lang>/old/path/index.html`), and in a series of editions for the entry points that
//! follow the latest edition: `<lang>/index.html` and `<lang>/print/index.html`.
//!
//! An address that a page or another redirect already has is an error at the alias.

use crate::error::{Diagnostic, Diagnostics};
use crate::parse::markdown::escape_attr as esc;
use crate::render::{print_path, CONTENT_SECURITY_POLICY};
use crate::site::{home_key, url_of, Page, Site};
use crate::write::{Contents, Output};

pub fn add(output: &mut Output, site: &Site, diags: &mut Diagnostics) {
    if let Some(editions) = &site.config.editions {
        let latest = Some(editions.latest.as_str());
        for lang in &site.config.languages {
            if let Some(home) = site.page(lang, &home_key(latest)) {
                let from = url_of(lang, "_index.md");
                let html = redirect(site, lang, &from, &home.url, &home.front.title);
                add_one(
                    output,
                    from,
                    html,
                    "the language home (latest edition)",
                    diags,
                );
            }
            let print = print_path(lang, latest);
            if output.source_of(&print).is_some() {
                let from = print_path(lang, None);
                let title = site.config.title.get(lang).cloned().unwrap_or_default();
                let html = redirect(site, lang, &from, &print, &title);
                add_one(output, from, html, "the print page (latest edition)", diags);
            }
        }
    }
    for page in &site.pages {
        for alias in &page.front.aliases {
            let from = match alias_path(&page.lang, alias) {
                Ok(from) => from,
                Err(help) => {
                    diags.push(located(
                        Diagnostic::error(&page.file, format!("`{alias}` cannot be an alias"))
                            .help(help),
                        page,
                        alias,
                    ));
                    continue;
                }
            };
            if let Some(first) = output.source_of(&from) {
                diags.push(located(
                    Diagnostic::error(
                        &page.file,
                        format!("the alias `{alias}` is the address of {first} (public/{from})"),
                    )
                    .help("an address leads to one page: remove this alias or the other one"),
                    page,
                    alias,
                ));
                continue;
            }
            let html = redirect(site, &page.lang, &from, &page.url, &page.front.title);
            add_one(output, from, html, &page.file, diags);
        }
    }
}

fn add_one(output: &mut Output, from: String, html: String, source: &str, diags: &mut Diagnostics) {
    if let Err(d) = output.add(from, Contents::Bytes(html.into_bytes()), source) {
        diags.push(d);
    }
}

/// The diagnostic at the alias's text in the page's front matter.
fn located(d: Diagnostic, page: &Page, alias: &str) -> Diagnostic {
    let front = &page.text[..page.body_offset];
    match front.find(&format!("\"{alias}\"")) {
        Some(at) => d.at(&page.text, at + 1..at + 1 + alias.len()),
        None => d,
    }
}

/// `old/path` → `<lang>/old/path/index.html`; an alias is a plain path of folder names.
pub fn alias_path(lang: &str, alias: &str) -> Result<String, String> {
    let path = alias.trim_matches('/');
    let path = path
        .strip_suffix("/index.html")
        .or_else(|| path.strip_suffix("index.html"))
        .unwrap_or(path)
        .trim_end_matches('/');
    if crate::parse::front_matter::alias_problem(alias).is_some() {
        return Err("write the page's earlier address without the language, as folder names: `aliases = [\"projects/old-name\"]`".into());
    }
    Ok(format!("{lang}/{path}/index.html"))
}

/// The redirect page at `from` (relative to the site root) leading to `to`, under the same
/// Content-Security-Policy as every page (a `<meta>` refresh is a navigation, which it allows).
fn redirect(site: &Site, lang: &str, from: &str, to: &str, title: &str) -> String {
    let relative = format!("{}{to}", "../".repeat(from.matches('/').count()));
    let canonical = match &site.config.base_url {
        Some(base) => format!("{base}/{to}"),
        None => relative.clone(),
    };
    let (title, relative, canonical) = (esc(title), esc(&relative), esc(&canonical));
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"{CONTENT_SECURITY_POLICY}\">\n<title>{title}</title>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"robots\" content=\"noindex\">\n<link rel=\"canonical\" href=\"{canonical}\">\n<meta http-equiv=\"refresh\" content=\"0; url={relative}\">\n</head>\n<body>\n<main>\n<p><a href=\"{relative}\">{title}</a></p>\n</main>\n</body>\n</html>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_are_plain_paths() {
        assert_eq!(alias_path("ja", "a/b").unwrap(), "ja/a/b/index.html");
        assert_eq!(alias_path("en", "/a/b/").unwrap(), "en/a/b/index.html");
        assert_eq!(alias_path("en", "a/index.html").unwrap(), "en/a/index.html");
        for bad in ["", "/", "../a", "a//b", "a b", "a/./b"] {
            assert!(alias_path("ja", bad).is_err(), "{bad}");
        }
    }
}
