//! The site config (`config.toml`): raw file → validated `Config`.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;

use crate::error::Diagnostic;
use crate::fs;

pub const CONFIG_FILE: &str = "config.toml";

/// The file as written. Unknown keys are errors.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: BTreeMap<String, String>,
    #[serde(default)]
    description: BTreeMap<String, String>,
    default_language: String,
    languages: Vec<String>,
    #[serde(default)]
    theme: String,
    base_url: Option<String>,
    abbreviations: Option<String>,
    #[serde(default)]
    search: SearchConfig,
    #[serde(default)]
    extra: toml::Table,
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
    pub extra: toml::Table,
}

impl Config {
    pub fn load(root: &Path) -> Result<Config, Diagnostic> {
        let text = fs::read_text(&root.join(CONFIG_FILE), CONFIG_FILE)?;
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
        let span_of = |key: &str| {
            text.find(&format!("{key} "))
                .or_else(|| text.find(key))
                .map(|s| s..s + key.len())
        };
        let located = |d: Diagnostic, key: &str| match span_of(key) {
            Some(span) => d.at(text, span),
            None => d,
        };
        let mut languages = raw.languages.clone();
        if languages.is_empty() || !languages.contains(&raw.default_language) {
            return Err(located(
                Diagnostic::error(
                    CONFIG_FILE,
                    format!(
                        "default_language `{}` is not one of languages {:?}",
                        raw.default_language, raw.languages
                    ),
                ),
                "default_language",
            )
            .help("add the default language to `languages`"));
        }
        languages.retain(|l| l != &raw.default_language);
        languages.insert(0, raw.default_language.clone());
        for (key, map) in [("title", &raw.title), ("description", &raw.description)] {
            if key == "description" && map.is_empty() {
                continue;
            }
            for lang in &languages {
                if !map.contains_key(lang) {
                    return Err(located(
                        Diagnostic::error(CONFIG_FILE, format!("`{key}` has no `{lang}` text")),
                        key,
                    )
                    .help(format!(
                        "write `{key} = {{ {lang} = \"…\" }}` for every language"
                    )));
                }
            }
        }
        Ok(Config {
            languages,
            default_language: raw.default_language,
            title: raw.title,
            description: raw.description,
            theme: raw.theme,
            base_url: raw
                .base_url
                .map(|u| u.trim_end_matches('/').to_string())
                .filter(|u| !u.is_empty()),
            abbreviations: raw.abbreviations,
            search: raw.search,
            extra: raw.extra,
        })
    }
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
    fn unknown_key_is_an_error_with_position() {
        let text: Arc<str> = Arc::from(
            "languages = [\"ja\"]\ndefault_language = \"ja\"\ntheme = \"t\"\nthem = 1\n[title]\nja = \"x\"\n",
        );
        let err = Config::parse(&text).unwrap_err();
        assert!(err.message.contains("them"), "{}", err.message);
        assert_eq!(err.line_col(), Some((4, 1)));
    }
}
