//! Typed views of the model for templates. Every `url` is relative to the site root; templates
//! prefix it with `{{ root }}`, the relative path from the current page to the root.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value as Json;
use tera::Context;

use crate::config::Config;
use crate::parse::markdown::Heading;
use crate::site::{url_of, Page, Site};

#[derive(Serialize)]
pub struct LanguageView<'a> {
    /// Its name, in its own words, is the interface string `language.name`: t(key="language.name", lang=code).
    pub code: &'a str,
}

#[derive(Serialize)]
pub struct ConfigView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub default_language: &'a str,
    pub languages: Vec<LanguageView<'a>>,
    pub base_url: Option<&'a str>,
    /// `[extra]` with `{ ja = …, en = … }` tables collapsed to this language.
    pub extra: Json,
}

impl<'a> ConfigView<'a> {
    pub fn new(config: &'a Config, lang: &str) -> Self {
        ConfigView {
            title: config.title.get(lang).map_or("", String::as_str),
            description: config.description.get(lang).map_or("", String::as_str),
            default_language: &config.default_language,
            languages: config
                .languages
                .iter()
                .map(|c| LanguageView { code: c })
                .collect(),
            base_url: config.base_url.as_deref(),
            extra: localise_json(
                serde_json::to_value(&config.extra).unwrap_or(Json::Null),
                lang,
                &config.languages,
            ),
        }
    }
}

/// Collapses `{ ja = …, en = … }` objects to the value for `lang`.
fn localise_json(value: Json, lang: &str, languages: &[String]) -> Json {
    match value {
        Json::Object(map) => {
            if !map.is_empty() && map.keys().all(|k| languages.contains(k)) {
                return map.get(lang).cloned().unwrap_or(Json::Null);
            }
            Json::Object(
                map.into_iter()
                    .map(|(k, v)| (k, localise_json(v, lang, languages)))
                    .collect(),
            )
        }
        Json::Array(items) => Json::Array(
            items
                .into_iter()
                .map(|v| localise_json(v, lang, languages))
                .collect(),
        ),
        other => other,
    }
}

#[derive(Clone, Serialize)]
pub struct Link {
    pub title: String,
    pub url: String,
    pub lang: String,
}

/// A page as a list item: enough for navigation, cards and breadcrumbs.
#[derive(Serialize)]
pub struct Summary<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub url: &'a str,
    pub key: &'a str,
    pub kind: &'static str,
    pub weight: i64,
    pub extra: &'a toml::Table,
}

impl<'a> Summary<'a> {
    pub fn new(page: &'a Page) -> Self {
        Summary {
            title: &page.front.title,
            description: page.front.description.as_deref(),
            url: &page.url,
            key: &page.key,
            kind: kind(page),
            weight: page.front.weight,
            extra: &page.front.extra,
        }
    }
}

/// A page and everything below it, for a table of contents at any depth (the print page's):
/// a template walks it with a macro that calls itself.
#[derive(Serialize)]
pub struct Entry<'a> {
    #[serde(flatten)]
    pub page: Summary<'a>,
    /// Its pages and subsections, in reading order (empty for a page).
    pub children: Vec<Entry<'a>>,
}

impl<'a> Entry<'a> {
    pub fn new(site: &'a Site, page: &'a Page) -> Self {
        Entry {
            page: Summary::new(page),
            children: site
                .children(page)
                .map(|child| Entry::new(site, child))
                .collect(),
        }
    }
}

#[derive(Serialize)]
pub struct Alternate {
    pub lang: String,
    pub href: String,
}

/// Everything a template knows about the page it renders.
#[derive(Serialize)]
pub struct PageView<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub date: Option<String>,
    pub weight: i64,
    pub extra: &'a toml::Table,
    pub content: &'a str,
    pub toc: &'a [Heading],
    pub url: &'a str,
    /// From this page to the site root (`../../`): the print page rebases links with it.
    pub root: String,
    pub key: &'a str,
    pub lang: &'a str,
    /// `home`, `section` or `page`.
    pub kind: &'static str,
    /// The content file, for "edit this page" links and messages.
    pub file: &'a str,
    /// The records named in front matter, in this language.
    pub records: Vec<&'a Json>,
    /// The same page in the other languages.
    pub translations: Vec<Link>,
    /// From the home page down to the parent section.
    pub ancestors: Vec<Summary<'a>>,
    pub section: Option<Summary<'a>>,
    /// Pages and subsections of a section, in order.
    pub children: Vec<Summary<'a>>,
    pub previous: Option<Summary<'a>>,
    pub next: Option<Summary<'a>>,
    /// Absolute URLs, only when a base URL is configured.
    pub permalink: Option<String>,
    pub alternates: Vec<Alternate>,
}

impl<'a> PageView<'a> {
    /// `neighbours` adds previous/next in reading order (not needed on the print page).
    pub fn new(site: &'a Site, page: &'a Page, neighbours: bool) -> Self {
        let lang = page.lang.as_str();
        let translations = site
            .config
            .languages
            .iter()
            .filter(|l| l.as_str() != lang)
            .map(|l| match site.page(l, &page.key) {
                Some(twin) => Link {
                    title: twin.front.title.clone(),
                    url: twin.url.clone(),
                    lang: l.clone(),
                },
                // Without a translation (allowed by a flag), lead to that language's home page.
                None => Link {
                    title: site
                        .page(l, "_index.md")
                        .map_or_else(String::new, |home| home.front.title.clone()),
                    url: url_of(l, "_index.md"),
                    lang: l.clone(),
                },
            })
            .collect();
        let ancestors: Vec<Summary> = site.ancestors(page).into_iter().map(Summary::new).collect();
        let section = page
            .parent
            .as_ref()
            .and_then(|k| site.page(lang, k))
            .map(Summary::new);
        let children = if page.is_section {
            site.children(page).map(Summary::new).collect()
        } else {
            Vec::new()
        };
        let (previous, next) = if neighbours {
            neighbours_of(site, page)
        } else {
            (None, None)
        };
        let records = page
            .front
            .records
            .iter()
            .filter_map(|id| site.records.get(id).and_then(|r| r.by_lang.get(lang)))
            .collect();
        let (permalink, alternates) = match &site.config.base_url {
            Some(base) => {
                let mut alternates: Vec<Alternate> = site
                    .config
                    .languages
                    .iter()
                    .filter(|l| site.page(l, &page.key).is_some())
                    .map(|l| Alternate {
                        lang: l.clone(),
                        href: format!("{base}/{}", url_of(l, &page.key)),
                    })
                    .collect();
                if site
                    .page(&site.config.default_language, &page.key)
                    .is_some()
                {
                    alternates.push(Alternate {
                        lang: "x-default".into(),
                        href: format!(
                            "{base}/{}",
                            url_of(&site.config.default_language, &page.key)
                        ),
                    });
                }
                (Some(format!("{base}/{}", page.url)), alternates)
            }
            None => (None, Vec::new()),
        };
        PageView {
            title: &page.front.title,
            description: page.front.description.as_deref(),
            date: page.front.date.as_ref().map(ToString::to_string),
            weight: page.front.weight,
            extra: &page.front.extra,
            content: &page.content,
            toc: &page.toc,
            url: &page.url,
            root: page.root(),
            key: &page.key,
            lang,
            kind: kind(page),
            file: &page.file,
            records,
            translations,
            ancestors,
            section,
            children,
            previous,
            next,
            permalink,
            alternates,
        }
    }
}

fn kind(page: &Page) -> &'static str {
    match (page.is_section, page.parent.is_none()) {
        (true, true) => "home",
        (true, false) => "section",
        _ => "page",
    }
}

/// Previous and next page in reading order, within the language.
fn neighbours_of<'a>(site: &'a Site, page: &'a Page) -> (Option<Summary<'a>>, Option<Summary<'a>>) {
    let Some(i) = site.position(page) else {
        return (None, None);
    };
    let same_lang = |j: usize| {
        site.pages
            .get(j)
            .filter(|p| p.lang == page.lang)
            .map(Summary::new)
    };
    (i.checked_sub(1).and_then(same_lang), same_lang(i + 1))
}

/// The template a page asks for, or the default for its kind.
pub fn template_for(page: &Page) -> String {
    if let Some(t) = &page.front.template {
        return t.clone();
    }
    match kind(page) {
        "home" => "index.html",
        "section" => "section.html",
        _ => "page.html",
    }
    .to_string()
}

/// What every page of a language shares: config, navigation and records. `print_url` is the
/// language's print page, when the theme has one.
pub fn base_context(site: &Site, lang: &str, print_url: Option<String>) -> Context {
    let mut context = Context::new();
    context.insert("lang", lang);
    context.insert("config", &ConfigView::new(&site.config, lang));
    let home = site.page(lang, "_index.md");
    context.insert("home", &home.map(Summary::new));
    let sections: Vec<Summary> = match home {
        Some(home) => site
            .children(home)
            .filter(|p| p.is_section)
            .map(Summary::new)
            .collect(),
        None => Vec::new(),
    };
    context.insert("sections", &sections);
    // Pages directly under the home page (a glossary, an about page): the theme's footer links them.
    let home_pages: Vec<Summary> = match home {
        Some(home) => site
            .children(home)
            .filter(|p| !p.is_section)
            .map(Summary::new)
            .collect(),
        None => Vec::new(),
    };
    context.insert("home_pages", &home_pages);
    context.insert("print_url", &print_url);
    let records: BTreeMap<&str, &Json> = site
        .records
        .iter()
        .filter_map(|(id, r)| r.by_lang.get(lang).map(|v| (id.as_str(), v)))
        .collect();
    context.insert("records", &records);
    context
}
