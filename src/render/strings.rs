//! Interface strings: `i18n/<lang>.toml` of the built-in default theme ← the site's theme ← the
//! site's own `i18n/`, merged key by key, and the `t(key="…")` template function that reads them.
//!
//! This is the one place where what a language says on the page is known: templates and the
//! search client never branch on a language code.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use serde_json::Value as Json;
use toml::de::{DeTable, DeValue};

use crate::error::Diagnostic;
use crate::fs;
use crate::theme::{self, ThemeFile};

/// Language → key → text. Keys of nested tables are joined with dots: `[search] label` is
/// `search.label`.
#[derive(Clone, Debug, Default)]
pub struct Strings {
    by_lang: BTreeMap<String, BTreeMap<String, String>>,
}

impl Strings {
    /// Loads the strings for `languages`. Every language must have every key any layer defines;
    /// a `{placeholder}` must be one that the key has where it is first defined (the built-in
    /// theme, the site's theme, or the site's other languages), since nothing else fills it.
    pub fn load(
        root: &Path,
        theme_files: Option<&[ThemeFile]>,
        languages: &[String],
    ) -> Result<Strings, Vec<Diagnostic>> {
        let mut problems = Vec::new();
        let mut by_lang: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        // Every string read, with where it is: (layer, language, key) → entry.
        let mut entries: Vec<Entry> = Vec::new();
        let mut layer =
            |depth: usize, rel: &str, shown: &str, text: Result<Arc<str>, Diagnostic>| {
                let Some(lang) = rel.strip_suffix(".toml") else {
                    return;
                };
                match text.and_then(|t| parse(&t, shown).map(|table| (t, table))) {
                    Ok((text, table)) => {
                        for (key, (value, span, key_span)) in table {
                            if languages.iter().any(|l| l == lang) {
                                by_lang
                                    .entry(lang.to_string())
                                    .or_default()
                                    .insert(key.clone(), value.clone());
                            }
                            entries.push(Entry {
                                layer: depth,
                                lang: lang.to_string(),
                                key,
                                value,
                                shown: shown.to_string(),
                                text: text.clone(),
                                span,
                                key_span,
                            });
                        }
                    }
                    Err(d) => problems.push(d),
                }
            };
        // The built-in default theme's strings first, so that any theme has every string.
        let built_in = theme::built_in();
        for (depth, files) in [Some(built_in.as_slice()), theme_files]
            .into_iter()
            .enumerate()
            .filter_map(|(d, f)| f.map(|f| (d, f)))
        {
            for (rel, f) in theme::part(files, "i18n") {
                layer(depth, rel, &f.shown, f.text());
            }
        }
        let (files, walk_problems) = fs::files_under(root, &root.join("i18n"));
        for (path, rel) in files {
            let rel = fs::display_path(Path::new(""), &rel);
            let shown = format!("i18n/{rel}");
            layer(SITE_LAYER, &rel, &shown, fs::read_text(&path, &shown));
        }
        problems.extend(walk_problems.into_iter().filter(Diagnostic::is_error));
        problems.extend(check_placeholders(&entries));
        let known: BTreeSet<&str> = entries.iter().map(|e| e.key.as_str()).collect();
        // A key that only the site's own files have, and not in every language, is most likely
        // misspelt: reported where it is written, not at a file of the language that lacks it.
        let mut site_only: BTreeSet<&str> = BTreeSet::new();
        for key in &known {
            let defined: Vec<&Entry> = entries.iter().filter(|e| e.key == *key).collect();
            if defined.iter().all(|e| e.layer == SITE_LAYER) {
                let lacking: Vec<&str> = languages
                    .iter()
                    .filter(|l| !defined.iter().any(|e| &e.lang == *l))
                    .map(String::as_str)
                    .collect();
                if lacking.is_empty() {
                    continue;
                }
                site_only.insert(key);
                for e in defined.iter().filter(|e| languages.contains(&e.lang)) {
                    problems.push(
                        Diagnostic::error(
                            &e.shown,
                            format!(
                                "the interface string `{key}` is not one of the theme's, and {} has none",
                                lacking
                                    .iter()
                                    .map(|l| format!("`{l}`"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        )
                        .at(&e.text, e.key_span.clone())
                        .help(format!(
                            "check the key's spelling (the theme's i18n/en.toml shows every key), or write `{key} = \"…\"` for {} too",
                            lacking.join(", ")
                        )),
                    );
                }
            }
        }
        for lang in languages {
            let have = by_lang.entry(lang.clone()).or_default();
            let missing: Vec<&str> = known
                .iter()
                .filter(|k| !have.contains_key(**k) && !site_only.contains(**k))
                .copied()
                .collect();
            if !missing.is_empty() {
                problems.push(
                    Diagnostic::error(
                        format!("i18n/{lang}.toml"),
                        format!(
                            "the language `{lang}` has no interface string for {}",
                            missing
                                .iter()
                                .map(|k| format!("`{k}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    )
                    .help(format!(
                        "write `{} = \"…\"` (and the others) in i18n/{lang}.toml; the theme's i18n/en.toml shows every key",
                        missing[0]
                    )),
                );
            }
        }
        if problems.is_empty() {
            Ok(Strings { by_lang })
        } else {
            Err(problems)
        }
    }

    pub fn get(&self, lang: &str, key: &str) -> Option<&str> {
        self.by_lang.get(lang)?.get(key).map(String::as_str)
    }
}

/// The layer of the site's own `i18n/` (above the built-in theme, 0, and the site's theme, 1).
const SITE_LAYER: usize = 2;

/// One interface string as read, with where it is.
struct Entry {
    layer: usize,
    lang: String,
    key: String,
    value: String,
    shown: String,
    text: Arc<str>,
    /// The string's value in `text`.
    span: Range<usize>,
    /// Its key (the last part, under a `[table]`) in `text`.
    key_span: Range<usize>,
}

/// A string of a strings file: (text, where the text is, where its key is).
type Read = (String, Range<usize>, Range<usize>);

/// The `{name}`s of a string: what `t(…, name=…)` fills.
fn placeholders(text: &str) -> BTreeSet<&str> {
    let mut found = BTreeSet::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        let Some(close) = rest.find('}') else { break };
        let name = &rest[..close];
        if !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !name.starts_with(|c: char| c.is_ascii_digit())
        {
            found.insert(name);
        }
    }
    found
}

/// A placeholder no template fills is shipped to readers as it is (`Page {pgae}`): each one a
/// string has that the key does not have where it comes from (a lower layer; for a key of the
/// site's own, its text in the other languages, when they have any) is an error at the string.
fn check_placeholders(entries: &[Entry]) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for e in entries.iter().filter(|e| e.layer > 0) {
        let lower: Vec<&Entry> = entries
            .iter()
            .filter(|o| o.key == e.key && o.layer < e.layer)
            .collect();
        let own_key = lower.is_empty();
        let reference: Vec<&Entry> = if own_key {
            entries
                .iter()
                .filter(|o| o.key == e.key && o.layer == e.layer && o.lang != e.lang)
                .collect()
        } else {
            lower
        };
        if reference.is_empty() {
            continue;
        }
        let known: BTreeSet<&str> = reference
            .iter()
            .flat_map(|o| placeholders(&o.value))
            .collect();
        // A key of the site's own that its other languages write without placeholders may
        // have a language that needs one: nothing to compare with.
        if own_key && known.is_empty() {
            continue;
        }
        for name in placeholders(&e.value) {
            if known.contains(name) {
                continue;
            }
            let help = if known.is_empty() {
                format!("`{}` has no placeholders: write the text without it", e.key)
            } else {
                let list: Vec<String> = known.iter().map(|k| format!("`{{{k}}}`")).collect();
                format!(
                    "the placeholders of `{}` are {}: check the spelling, or write the text without it",
                    e.key,
                    list.join(", ")
                )
            };
            problems.push(
                Diagnostic::error(
                    &e.shown,
                    format!(
                        "the interface string `{}` has a placeholder `{{{name}}}` that no template fills",
                        e.key
                    ),
                )
                .at(&e.text, e.span.clone())
                .help(help),
            );
        }
    }
    problems
}

/// A strings file: string values, in tables as deep as one likes; key → (text, spans).
fn parse(text: &Arc<str>, shown: &str) -> Result<BTreeMap<String, Read>, Diagnostic> {
    let table = DeTable::parse(text).map_err(|e| {
        let d = Diagnostic::error(shown, e.message().trim().to_string())
            .help("an i18n file holds `key = \"text\"` lines, optionally under `[table]` headings");
        match e.span() {
            Some(span) => d.at(text, span),
            None => d,
        }
    })?;
    let mut out = BTreeMap::new();
    flatten("", table.get_ref(), &mut out).map_err(|(key, span)| {
        Diagnostic::error(shown, format!("`{key}` is not a text"))
            .at(text, span)
            .help("write every interface string in quotes: key = \"text\"")
    })?;
    Ok(out)
}

fn flatten(
    prefix: &str,
    table: &DeTable,
    out: &mut BTreeMap<String, Read>,
) -> Result<(), (String, Range<usize>)> {
    for (key, value) in table {
        let full = if prefix.is_empty() {
            key.get_ref().to_string()
        } else {
            format!("{prefix}.{}", key.get_ref())
        };
        match value.get_ref() {
            DeValue::String(s) => {
                out.insert(full, (s.to_string(), value.span(), key.span()));
            }
            DeValue::Table(t) => flatten(&full, t, out)?,
            _ => return Err((full, key.span())),
        }
    }
    Ok(())
}

/// `t(key="search.label")`: the string in the page's language. `lang="en"` picks another
/// language (the language switcher names each language in its own words). Any other argument
/// fills its `{name}` in the text: `t(key="source.many", pages="3, 4")`.
pub struct TranslateFunction {
    pub strings: Arc<Strings>,
    pub lang: String,
}

impl tera::Function for TranslateFunction {
    fn call(&self, args: &HashMap<String, Json>) -> tera::Result<Json> {
        let key = args
            .get("key")
            .and_then(Json::as_str)
            .ok_or_else(|| tera::Error::msg("t() needs `key=\"…\"`"))?;
        let lang = args
            .get("lang")
            .and_then(Json::as_str)
            .unwrap_or(&self.lang);
        let text = self.strings.get(lang, key).ok_or_else(|| {
            tera::Error::msg(format!(
                "t(): the language `{lang}` has no interface string `{key}`; add `{key} = \"…\"` to i18n/{lang}.toml"
            ))
        })?;
        let mut out = text.to_string();
        let mut names: Vec<&String> = args
            .keys()
            .filter(|k| *k != "key" && *k != "lang")
            .collect();
        names.sort();
        for name in names {
            let value = match &args[name] {
                Json::String(s) => s.clone(),
                other => other.to_string(),
            };
            out = out.replace(&format!("{{{name}}}"), &value);
        }
        Ok(Json::String(out))
    }

    fn is_safe(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tera::Function;

    fn strings(files: &[(&str, &str)], languages: &[&str]) -> Result<Strings, Vec<Diagnostic>> {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            fs::write(&dir.path().join("i18n").join(name), text.as_bytes()).unwrap();
        }
        let langs: Vec<String> = languages.iter().map(|l| l.to_string()).collect();
        Strings::load(dir.path(), None, &langs)
    }

    #[test]
    fn the_site_overrides_a_key_of_the_theme() {
        let s = strings(
            &[("en.toml", "[search]\nlabel = \"Find\"\n")],
            &["ja", "en"],
        )
        .unwrap();
        assert_eq!(s.get("en", "search.label"), Some("Find"));
        assert_eq!(s.get("ja", "search.label"), Some("サイト内検索"));
    }

    #[test]
    fn a_language_without_strings_is_an_error_naming_the_key() {
        let errors = strings(&[("fr.toml", "skip = \"Aller au contenu\"\n")], &["fr"]).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].file, "i18n/fr.toml");
        assert!(
            errors[0].message.contains("`search.label`"),
            "{}",
            errors[0].message
        );
        assert!(
            !errors[0].message.contains("`skip`"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn a_number_is_an_error_at_its_key() {
        let errors = strings(&[("en.toml", "\n[search]\nlabel = 3\n")], &["en"]).unwrap_err();
        assert!(errors[0].message.contains("search.label"));
        assert_eq!(errors[0].line_col(), Some((3, 1)));
    }

    #[test]
    fn a_placeholder_no_template_fills_is_an_error_at_its_string() {
        // A key of the theme: its placeholders are the theme's.
        let errors = strings(
            &[("ja.toml", "[search]\nlabel = \"{nmae}を検索\"\n")],
            &["ja", "en"],
        )
        .unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].file, "i18n/ja.toml");
        assert!(
            errors[0].message.contains("`{nmae}`"),
            "{}",
            errors[0].message
        );
        assert_eq!(errors[0].line_col(), Some((2, 9)));
        // A key of the site's own: languages that disagree are each shown the others'.
        let errors = strings(
            &[
                ("en.toml", "[x]\nhello = \"Hello, {name}!\"\n"),
                ("ja.toml", "[x]\nhello = \"{nmae}さん、こんにちは\"\n"),
            ],
            &["ja", "en"],
        )
        .unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(
            errors[1].help.as_deref().unwrap_or("").contains("`{name}`"),
            "{errors:?}"
        );
        // Leaving one out is fine; so is a theme key's own placeholder.
        strings(
            &[
                ("en.toml", "[x]\nhello = \"Hello, {name}!\"\n"),
                ("ja.toml", "[x]\nhello = \"こんにちは\"\n"),
            ],
            &["ja", "en"],
        )
        .unwrap();
    }

    #[test]
    fn a_key_of_the_site_alone_missing_in_a_language_is_blamed_where_it_is_written() {
        let errors =
            strings(&[("en.toml", "[search]\nlabl = \"Find\"\n")], &["ja", "en"]).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].file, "i18n/en.toml");
        assert_eq!(errors[0].line_col(), Some((2, 1)));
        assert!(
            errors[0].message.contains("`search.labl`"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn t_fills_arguments() {
        let s = strings(&[("en.toml", "[x]\nhello = \"Hello, {name}!\"\n")], &["en"]).unwrap();
        let t = TranslateFunction {
            strings: Arc::new(s),
            lang: "en".into(),
        };
        let mut args = HashMap::new();
        args.insert("key".to_string(), Json::from("x.hello"));
        args.insert("name".to_string(), Json::from("Hana"));
        assert_eq!(t.call(&args).unwrap(), Json::from("Hello, Hana!"));
        args.insert("key".to_string(), Json::from("x.nothing"));
        let e = t.call(&args).unwrap_err().to_string();
        assert!(e.contains("`x.nothing`") && e.contains("`en`"), "{e}");
    }
}
