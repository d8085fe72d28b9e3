//! Typed views of the model for templates. Every `url` is relative to the site root; templates
//! prefix it with `{{ root }}`, the relative path from the current page to the root.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value as Json;
use tera::Context;

use crate::config::Config;
use crate::parse::markdown::Heading;
use crate::site::{home_key, url_of, Page, Site};

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

/// An edition of a series as a link: in the switcher, the notice and the archive.
#[derive(Clone, Serialize)]
pub struct EditionLink {
    /// The folder name (`2021`).
    pub name: String,
    /// Its label in the page's language (`令和3年度`, `FY2021`).
    pub label: String,
    /// The same page in that edition where it exists, else that edition's home page.
    pub url: String,
    /// Whether `url` is the same page (false: the edition's home page).
    pub same_page: bool,
    /// The edition of the page being rendered.
    pub current: bool,
    pub latest: bool,
    /// That edition's home page title.
    pub title: String,
    /// That edition's PDF (`url`, `size`) where `nenpo pdf` has made it; only on the archive page.
    pub pdf: Option<crate::pdf::Link>,
}

/// Every edition, oldest first, each leading to `page`'s counterpart or to its home page.
pub fn edition_links(site: &Site, lang: &str, page: Option<&Page>) -> Vec<EditionLink> {
    let Some(editions) = &site.config.editions else {
        return Vec::new();
    };
    editions
        .names
        .iter()
        .map(|name| {
            let home = site.page(lang, &home_key(Some(name)));
            let same = page.and_then(|p| site.in_edition(p, lang, name));
            EditionLink {
                name: name.clone(),
                label: editions.label(name, lang).to_string(),
                url: same
                    .or(home)
                    .map_or_else(|| url_of(lang, &home_key(Some(name))), |p| p.url.clone()),
                same_page: same.is_some(),
                current: page.is_some_and(|p| p.edition.as_deref() == Some(name.as_str())),
                latest: *name == editions.latest,
                title: home.map_or_else(String::new, |h| h.front.title.clone()),
                pdf: None,
            }
        })
        .collect()
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
    /// In a series: the page's edition (`2021`), its path within it and its series key.
    pub edition: Option<&'a str>,
    /// In a series: the edition's label in the page's language (`FY2021`), which the page's
    /// `<title>` names (where the title does not already say it) so that the same page in two
    /// editions has two titles.
    pub edition_label: Option<&'a str>,
    pub path: &'a str,
    pub series_key: &'a str,
    /// The edition switcher: every edition, oldest first (empty outside a series).
    pub editions: Vec<EditionLink>,
    /// On a page of an edition older than the latest: the latest edition (its same page or home).
    pub newer: Option<EditionLink>,
    /// On a translation whose original changed after it was made (and `[translations] notice`
    /// is on): the original.
    pub outdated: Option<Outdated>,
}

/// The original of an out-of-date translation, for the notice.
#[derive(Clone, Serialize)]
pub struct Outdated {
    pub lang: String,
    pub url: String,
    /// How many of its texts changed since the translation.
    pub changed: usize,
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
                None => {
                    let home = home_key(page.edition.as_deref());
                    Link {
                        title: site
                            .page(l, &home)
                            .map_or_else(String::new, |home| home.front.title.clone()),
                        url: url_of(l, &home),
                        lang: l.clone(),
                    }
                }
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
        let editions = edition_links(site, lang, Some(page));
        let newer = editions
            .iter()
            .find(|e| e.latest && !e.current)
            .filter(|_| editions.iter().any(|e| e.current))
            .cloned();
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
        let outdated = site
            .outdated
            .get(&(page.lang.clone(), page.key.clone()))
            .filter(|_| site.config.translations.notice)
            .map(|(original, changed)| Outdated {
                url: url_of(original, &page.key),
                lang: original.to_string(),
                changed: *changed,
            });
        PageView {
            outdated,
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
            edition: page.edition.as_deref(),
            edition_label: edition_label(site, page),
            path: &page.path,
            series_key: &page.series_key,
            editions,
            newer,
        }
    }
}

/// The label of the page's edition, for its `<title>`.
fn edition_label<'a>(site: &'a Site, page: &'a Page) -> Option<&'a str> {
    Some(
        site.config
            .editions
            .as_ref()?
            .label(page.edition.as_deref()?, &page.lang),
    )
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
            .filter(|p| p.lang == page.lang && p.edition == page.edition)
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

/// What every page of a language (and edition, in a series) shares: config, navigation and
/// records. `print_url` is the print page, when the theme has one.
pub fn base_context(
    site: &Site,
    lang: &str,
    edition: Option<&str>,
    print_url: Option<String>,
) -> Context {
    let mut context = Context::new();
    context.insert("lang", lang);
    context.insert("csp", super::CONTENT_SECURITY_POLICY);
    context.insert("config", &ConfigView::new(&site.config, lang));
    // Where the language's (edition's) pages start: `ja/` or `ja/2021/`.
    let lang_root = match edition {
        Some(e) => format!("{lang}/{e}/"),
        None => format!("{lang}/"),
    };
    context.insert("lang_root", &lang_root);
    context.insert("edition", &edition);
    let editions = edition_links(site, lang, None)
        .into_iter()
        .map(|mut e| {
            e.current = Some(e.name.as_str()) == edition;
            e
        })
        .collect::<Vec<_>>();
    context.insert("editions", &editions);
    // The data page, when the edition has a table to download.
    let data_folder = match edition {
        Some(e) => format!("{lang}/{e}/data/"),
        None => format!("{lang}/data/"),
    };
    let has_data = site.downloads.iter().any(|(path, _)| {
        path.strip_prefix(&data_folder)
            .is_some_and(|rest| !rest.contains('/'))
    });
    let data_url = super::data_path(lang, edition);
    let has_data = has_data && !super::data_page_taken(site, &data_url);
    context.insert("data_url", &has_data.then_some(data_url));
    context.insert(
        "archive_url",
        &site
            .config
            .editions
            .as_ref()
            .map(|_| format!("{lang}/archive/index.html")),
    );
    let home = site.page(lang, &home_key(edition));
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
    // The language's PDF (`url`, `size`), once `nenpo pdf` has made it (see `Renderer::link_pdf`).
    context.insert("report_pdf", &None::<()>);
    // In a series, an edition's records under their ids within it (`projects`).
    let records: BTreeMap<&str, &Json> = site
        .records
        .iter()
        .filter(|(id, _)| match edition {
            Some(e) => {
                site.config
                    .editions
                    .as_ref()
                    .and_then(|es| es.split(id))
                    .map(|(x, _)| x)
                    == Some(e)
            }
            None => true,
        })
        .filter_map(|(id, r)| r.by_lang.get(lang).map(|v| (site.local_id(id), v)))
        .collect();
    context.insert("records", &records);
    context
}
