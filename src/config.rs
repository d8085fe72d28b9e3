//! The site config (`config.toml`): raw file → validated `Config`.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use crate::error::Diagnostic;
use crate::fs;

pub const CONFIG_FILE: &str = "config.toml";

/// The file as written. Unknown keys are errors.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: Spanned<BTreeMap<String, String>>,
    #[serde(default)]
    description: Option<Spanned<BTreeMap<String, String>>>,
    default_language: Spanned<String>,
    languages: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    theme: Option<Spanned<String>>,
    base_url: Option<Spanned<String>>,
    abbreviations: Option<String>,
    #[serde(default)]
    search: SearchConfig,
    #[serde(default)]
    editions: Option<Spanned<RawEditions>>,
    #[serde(default)]
    markdown: MarkdownConfig,
    #[serde(default)]
    build: BuildConfig,
    #[serde(default)]
    translations: TranslationsConfig,
    #[serde(default)]
    images: ImagesConfig,
    #[serde(default)]
    extra: toml::Table,
}

/// `[editions]` as written: `latest = "2021"` and `[editions.label]` with one table of labels
/// per edition, `2021 = { ja = "令和3年度", en = "FY2021" }`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEditions {
    latest: Spanned<String>,
    label: Spanned<BTreeMap<Spanned<String>, Spanned<Labels>>>,
}

/// One edition's label in every language.
type Labels = BTreeMap<String, String>;

/// A yearly series: the site's content is one folder per edition, `content/<edition>/…`.
#[derive(Clone, Debug)]
pub struct Editions {
    /// Edition names, oldest first (ordered by name: years sort as numbers do).
    pub names: Vec<String>,
    pub latest: String,
    /// Edition → language → label (`令和3年度`, `FY2021`).
    pub labels: BTreeMap<String, BTreeMap<String, String>>,
    /// Where each edition's label is written in config.toml, for errors about that edition.
    pub spans: BTreeMap<String, std::ops::Range<usize>>,
    /// Where `latest`'s value is written.
    pub latest_span: std::ops::Range<usize>,
    /// The text of config.toml, which the spans point into.
    pub source: Arc<str>,
}

impl Editions {
    /// The edition a content path (`2021/projects/a.md`, `2021/projects`) lies in, and the path
    /// within it.
    pub fn split<'k>(&self, key: &'k str) -> Option<(&str, &'k str)> {
        let (first, rest) = key.split_once('/').unwrap_or((key, ""));
        let name = self.names.iter().find(|n| n.as_str() == first)?;
        Some((name.as_str(), rest))
    }

    /// The label of `edition` in `lang` (the edition's name when it has none).
    pub fn label<'a>(&'a self, edition: &'a str, lang: &str) -> &'a str {
        self.labels
            .get(edition)
            .and_then(|l| l.get(lang))
            .map_or(edition, String::as_str)
    }
}

/// `[markdown]`: what Markdown may hold.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    /// `raw_html = false`: HTML tags in Markdown are errors (comments stay allowed), for sites
    /// that take content from many hands. Raw HTML that is allowed is still checked
    /// (`parse::raw_html`).
    #[serde(default = "yes")]
    pub raw_html: bool,
}

impl Default for MarkdownConfig {
    fn default() -> Self {
        MarkdownConfig { raw_html: true }
    }
}

fn yes() -> bool {
    true
}

/// `[build]`: how a build judges the site.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuildConfig {
    /// `strict = true`: every warning is an error (as `--strict`), for CI: nothing marked
    /// `[TO UPDATE]`, no placeholder text, no missing translation, no skipped file is published.
    #[serde(default)]
    pub strict: bool,
}

/// `[translations]`: what readers are told about translations (docs/translations.md).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TranslationsConfig {
    /// `notice = false`: no notice on a page whose original changed after its translation.
    #[serde(default = "yes")]
    pub notice: bool,
}

impl Default for TranslationsConfig {
    fn default() -> Self {
        TranslationsConfig { notice: true }
    }
}

/// `[images]`: what content images may be.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImagesConfig {
    /// The most pixels an image may have, in millions (width × height): a larger one is an error
    /// where it is used. Every image is decoded whole at build time; one of 30000×30000 pixels
    /// would take a reader's browser gigabytes to show.
    #[serde(default = "forty")]
    pub max_megapixels: u32,
}

impl Default for ImagesConfig {
    fn default() -> Self {
        ImagesConfig {
            max_megapixels: forty(),
        }
    }
}

fn forty() -> u32 {
    40
}

/// `[search]`: which indexes to write.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchConfig {
    #[serde(default)]
    pub format: SearchFormat,
}

/// `format = "sharded"` (the default): the sharded index the theme's client reads;
/// `format = "elasticlunr"`: that and, per language, a standard elasticlunr index
/// (`search/<lang>/elasticlunr.json`) for a site's own elasticlunr.js client.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "lowercase")]
pub enum SearchFormat {
    #[default]
    Sharded,
    Elasticlunr,
}

/// The validated config the build runs on.
#[derive(Clone, Debug)]
pub struct Config {
    /// Languages in output order, the default one first.
    pub languages: Vec<String>,
    pub default_language: String,
    pub title: BTreeMap<String, String>,
    pub description: BTreeMap<String, String>,
    pub theme: String,
    /// Without a trailing slash; `None` when the site has no fixed address.
    pub base_url: Option<String>,
    /// Record folder whose `[[terms]]` with `abbr` are marked up as `<abbr>`.
    pub abbreviations: Option<String>,
    pub search: SearchConfig,
    /// `[editions]`: `None` for a site that is one report, not a series.
    pub editions: Option<Editions>,
    pub markdown: MarkdownConfig,
    pub build: BuildConfig,
    pub translations: TranslationsConfig,
    pub images: ImagesConfig,
    pub extra: toml::Table,
}

impl Config {
    pub fn load(root: &Path) -> Result<Config, Diagnostic> {
        let text = fs::read_source(root, &root.join(CONFIG_FILE), CONFIG_FILE)?;
        Config::parse(&text)
    }

    pub fn parse(text: &Arc<str>) -> Result<Config, Diagnostic> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let d = Diagnostic::error(CONFIG_FILE, e.message().trim().to_string()).help(
                "config.toml needs title, default_language and languages (and usually theme); see README.md",
            );
            match e.span() {
                Some(span) => d.at(text, span),
                None => d,
            }
        })?;
        let error = |message: String, span: std::ops::Range<usize>, help: String| {
            Diagnostic::error(CONFIG_FILE, message)
                .at(text, span)
                .help(help)
        };
        for lang in raw.languages.get_ref() {
            if !is_language_tag(lang.get_ref()) {
                return Err(error(
                    format!("`{}` is not a language tag", lang.get_ref()),
                    lang.span(),
                    "use a BCP 47 tag such as \"ja\", \"en\", \"zh-Hans\" or \"pt-BR\"".into(),
                ));
            }
        }
        let listed: Vec<String> = raw
            .languages
            .get_ref()
            .iter()
            .map(|l| l.get_ref().clone())
            .collect();
        let default_language = raw.default_language.get_ref().clone();
        if listed.is_empty() || !listed.contains(&default_language) {
            return Err(error(
                format!("default_language `{default_language}` is not one of languages {listed:?}"),
                raw.default_language.span(),
                "add the default language to `languages`".into(),
            ));
        }
        let mut languages = listed.clone();
        languages.retain(|l| l != &default_language);
        languages.insert(0, default_language.clone());
        let description = raw.description.map(|d| (d.span(), d.into_inner()));
        let title = (raw.title.span(), raw.title.into_inner());
        for (key, (span, map)) in [
            ("title", Some(&title)),
            ("description", description.as_ref()),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        {
            if key == "description" && map.is_empty() {
                continue;
            }
            for lang in &languages {
                if !map.contains_key(lang) {
                    return Err(error(
                        format!("`{key}` has no `{lang}` text"),
                        span.clone(),
                        format!("write `{key} = {{ {lang} = \"…\" }}` for every language"),
                    ));
                }
            }
        }
        let theme = raw.theme.map(|t| (t.span(), t.into_inner()));
        if let Some((span, theme)) = &theme {
            let plain = std::path::Path::new(theme)
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)));
            if !plain || theme.contains(['/', '\\']) {
                return Err(error(
                    format!("the theme `{theme}` is not a folder name under themes/"),
                    span.clone(),
                    "name a folder of themes/ (e.g. `theme = \"amed\"`); a theme outside the site folder cannot be used".into(),
                ));
            }
        }
        let base_url = match raw.base_url {
            None => None,
            Some(url) => {
                let value = url.get_ref().trim_end_matches('/').to_string();
                if !value.is_empty() && !is_absolute_http_url(&value) {
                    return Err(error(
                        format!("`base_url` `{}` is not an absolute http(s) address", url.get_ref()),
                        url.span(),
                        "write the site's public address, e.g. `base_url = \"https://example.org/report\"`, or leave it out".into(),
                    ));
                }
                Some(value).filter(|u| !u.is_empty())
            }
        };
        let editions = match raw.editions {
            Some(raw) => Some(editions(raw, &languages, text)?),
            None => None,
        };
        Ok(Config {
            editions,
            languages,
            default_language,
            title: title.1,
            description: description.map(|d| d.1).unwrap_or_default(),
            theme: theme.map(|t| t.1).unwrap_or_default(),
            base_url,
            abbreviations: raw.abbreviations,
            search: raw.search,
            markdown: raw.markdown,
            build: raw.build,
            translations: raw.translations,
            images: raw.images,
            extra: raw.extra,
        })
    }
}

/// Validates `[editions]`: at least one edition, names that are folder names, a label in every
/// language, and `latest` one of them.
fn editions(
    raw: Spanned<RawEditions>,
    languages: &[String],
    text: &Arc<str>,
) -> Result<Editions, Diagnostic> {
    let error = |message: String, span: std::ops::Range<usize>, help: String| {
        Diagnostic::error(CONFIG_FILE, message)
            .at(text, span)
            .help(help)
    };
    let whole = raw.span();
    let raw = raw.into_inner();
    let label_span = raw.label.span();
    let mut labels = BTreeMap::new();
    let mut spans = BTreeMap::new();
    for (name, label) in raw.label.into_inner() {
        let edition = name.get_ref().clone();
        if !is_edition_name(&edition) {
            return Err(error(
                format!("`{edition}` cannot be an edition: an edition is a folder name under content/"),
                name.span(),
                "name editions with letters, digits and hyphens, usually the year: `2021 = { ja = \"令和3年度\", en = \"FY2021\" }`".into(),
            ));
        }
        for lang in languages {
            if !label.get_ref().contains_key(lang) {
                return Err(error(
                    format!("edition `{edition}` has no `{lang}` label"),
                    label.span(),
                    format!(
                        "write `{edition} = {{ {} }}`",
                        languages
                            .iter()
                            .map(|l| format!("{l} = \"…\""))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
        }
        spans.insert(edition.clone(), name.span());
        labels.insert(edition, label.into_inner());
    }
    if labels.is_empty() {
        return Err(error(
            "`[editions]` lists no edition".into(),
            if label_span.is_empty() { whole } else { label_span },
            "add `[editions.label]` with a line per edition, e.g. `2021 = { ja = \"令和3年度\", en = \"FY2021\" }`, or remove `[editions]`".into(),
        ));
    }
    let names: Vec<String> = labels.keys().cloned().collect();
    let latest = raw.latest.get_ref().clone();
    if !labels.contains_key(&latest) {
        return Err(error(
            format!("`latest` is `{latest}`, which is not an edition of `[editions.label]`"),
            raw.latest.span(),
            format!("use one of: {}", names.join(", ")),
        ));
    }
    Ok(Editions {
        names,
        latest_span: raw.latest.span(),
        latest,
        labels,
        spans,
        source: text.clone(),
    })
}

/// A folder name an edition may have: letters, digits, hyphens; not starting with a hyphen.
pub fn is_edition_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('-')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !matches!(name, "archive" | "search" | "print")
}

/// Whether `tag` is a well-formed BCP 47 language tag of the shape sites use: a 2–3 letter
/// language (ISO 639), then subtags of 1–8 letters or digits (script, region, variants). The
/// 5–8 letter language subtags BCP 47 reserves are not in use and are refused as typos.
pub fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let Some(language) = parts.next() else {
        return false;
    };
    let language_ok =
        matches!(language.len(), 2 | 3) && language.chars().all(|c| c.is_ascii_alphabetic());
    language_ok
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// `http://host…` or `https://host…` with a host.
pub fn is_absolute_http_url(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    rest.is_some_and(|r| {
        let host = r.split(['/', '?', '#']).next().unwrap_or("");
        !host.is_empty() && !host.contains(char::is_whitespace)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_language_comes_first() {
        let text: Arc<str> = Arc::from(
            "languages = [\"en\", \"ja\"]\ndefault_language = \"ja\"\ntheme = \"t\"\n[title]\nja = \"年報\"\nen = \"Report\"\n",
        );
        let config = Config::parse(&text).unwrap();
        assert_eq!(config.languages, ["ja", "en"]);
    }

    #[test]
    fn language_tags_base_urls_and_themes_are_checked_where_they_are_written() {
        let cases = [
            (
                "languages = [\"ja\", \"english\"]",
                "`english` is not a language tag",
                (1, 20),
            ),
            (
                "languages = [\"ja\", \"en_US\"]",
                "`en_US` is not a language tag",
                (1, 20),
            ),
            (
                "base_url = \"example.org\"",
                "not an absolute http(s) address",
                (2, 12),
            ),
            (
                "theme = \"../../elsewhere\"",
                "not a folder name under themes/",
                (2, 9),
            ),
        ];
        for (line, message, at) in cases {
            let (languages, extra) = if line.starts_with("languages") {
                (line.to_string(), String::new())
            } else {
                ("languages = [\"ja\", \"en\"]".to_string(), line.to_string())
            };
            let text: Arc<str> = Arc::from(format!(
                "{languages}\n{extra}\ndefault_language = \"ja\"\n[title]\nja = \"x\"\nen = \"y\"\n"
            ));
            let err = Config::parse(&text).unwrap_err();
            assert!(err.message.contains(message), "{line}: {}", err.message);
            assert_eq!(err.line_col(), Some(at), "{line}");
        }
        for tag in ["ja", "en", "zh-Hans", "pt-BR", "sr-Latn-RS", "es-419"] {
            assert!(is_language_tag(tag), "{tag}");
        }
    }

    #[test]
    fn search_format_is_checked() {
        let base = "languages = [\"ja\"]\ndefault_language = \"ja\"\n[title]\nja = \"x\"\n";
        let parse = |extra: &str| Config::parse(&Arc::from(format!("{base}{extra}")));
        assert_eq!(parse("").unwrap().search.format, SearchFormat::Sharded);
        let config = parse("[search]\nformat = \"elasticlunr\"\n").unwrap();
        assert_eq!(config.search.format, SearchFormat::Elasticlunr);
        let err = parse("[search]\nformat = \"lunr\"\n").unwrap_err();
        assert!(err.message.contains("lunr"), "{}", err.message);
        assert_eq!(err.line_col(), Some((6, 10)));
    }

    #[test]
    fn editions_are_read_and_checked_where_they_are_written() {
        let base = "languages = [\"ja\", \"en\"]\ndefault_language = \"ja\"\n[title]\nja = \"x\"\nen = \"y\"\n";
        let parse = |extra: &str| Config::parse(&Arc::from(format!("{base}{extra}")));
        assert!(parse("").unwrap().editions.is_none());
        let ok = parse("[editions]\nlatest = \"2021\"\n[editions.label]\n2021 = { ja = \"令和3年度\", en = \"FY2021\" }\n2020 = { ja = \"令和2年度\", en = \"FY2020\" }\n").unwrap();
        let e = ok.editions.unwrap();
        assert_eq!(e.names, ["2020", "2021"]);
        assert_eq!(e.label("2021", "ja"), "令和3年度");
        assert_eq!(e.split("2020/a/b.md"), Some(("2020", "a/b.md")));
        assert_eq!(e.split("a/b.md"), None);
        let cases = [
            ("[editions]\nlatest = \"2022\"\n[editions.label]\n2021 = { ja = \"a\", en = \"b\" }\n", "not an edition", (7, 10)),
            ("[editions]\nlatest = \"2021\"\n[editions.label]\n2021 = { ja = \"a\" }\n", "no `en` label", (9, 8)),
            ("[editions]\nlatest = \"a b\"\n[editions.label]\n\"a b\" = { ja = \"a\", en = \"b\" }\n", "cannot be an edition", (9, 1)),
        ];
        for (extra, message, at) in cases {
            let err = parse(extra).unwrap_err();
            assert!(err.message.contains(message), "{extra}: {}", err.message);
            assert_eq!(err.line_col(), Some(at), "{extra}");
        }
    }

    #[test]
    fn unknown_key_is_an_error_with_position() {
        let text: Arc<str> = Arc::from(
            "languages = [\"ja\"]\ndefault_language = \"ja\"\ntheme = \"t\"\nthem = 1\n[title]\nja = \"x\"\n",
        );
        let err = Config::parse(&text).unwrap_err();
        assert!(err.message.contains("them"), "{}", err.message);
        assert_eq!(err.line_col(), Some((4, 1)));
    }
}
