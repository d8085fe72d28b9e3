//! Interface strings: `i18n/<lang>.toml` of the built-in default theme ← the site's theme ← the
//! site's own `i18n/`, merged key by key, and the `t(key="…")` template function that reads them.
//!
//! This is the one place where what a language says on the page is known: templates and the
//! search client never branch on a language code.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::Arc;

use serde_json::Value as Json;

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
    /// Loads the strings for `languages`. Every language must have every key any layer defines.
    pub fn load(
        root: &Path,
        theme_files: Option<&[ThemeFile]>,
        languages: &[String],
    ) -> Result<Strings, Vec<Diagnostic>> {
        let mut problems = Vec::new();
        let mut by_lang: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        let mut known: BTreeSet<String> = BTreeSet::new();
        let mut layer = |rel: &str, shown: &str, text: Result<Arc<str>, Diagnostic>| {
            let Some(lang) = rel.strip_suffix(".toml") else {
                return;
            };
            match text.and_then(|t| parse(&t, shown)) {
                Ok(table) => {
                    known.extend(table.keys().cloned());
                    if languages.iter().any(|l| l == lang) {
                        by_lang.entry(lang.to_string()).or_default().extend(table);
                    }
                }
                Err(d) => problems.push(d),
            }
        };
        // The built-in default theme's strings first, so that any theme has every string.
        let built_in = theme::built_in();
        for files in [Some(built_in.as_slice()), theme_files]
            .into_iter()
            .flatten()
        {
            for (rel, f) in theme::part(files, "i18n") {
                layer(rel, &f.shown, f.text());
            }
        }
        let (files, walk_problems) = fs::files_under(root, &root.join("i18n"));
        for (path, rel) in files {
            let rel = fs::display_path(Path::new(""), &rel);
            let shown = format!("i18n/{rel}");
            layer(&rel, &shown, fs::read_text(&path, &shown));
        }
        problems.extend(walk_problems.into_iter().filter(Diagnostic::is_error));
        for lang in languages {
            let have = by_lang.entry(lang.clone()).or_default();
            let missing: Vec<&str> = known
                .iter()
                .filter(|k| !have.contains_key(*k))
                .map(String::as_str)
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

/// A strings file: string values, in tables as deep as one likes.
fn parse(text: &Arc<str>, shown: &str) -> Result<BTreeMap<String, String>, Diagnostic> {
    let table: toml::Spanned<toml::Table> = toml::from_str(text).map_err(|e| {
        let d = Diagnostic::error(shown, e.message().trim().to_string())
            .help("an i18n file holds `key = \"text\"` lines, optionally under `[table]` headings");
        match e.span() {
            Some(span) => d.at(text, span),
            None => d,
        }
    })?;
    let mut out = BTreeMap::new();
    flatten("", table.get_ref(), &mut out).map_err(|key| {
        let d = Diagnostic::error(shown, format!("`{key}` is not a text"))
            .help("write every interface string in quotes: key = \"text\"");
        let leaf = key.rsplit('.').next().unwrap_or(&key).to_string();
        match text.find(&leaf) {
            Some(at) => d.at(text, at..at + leaf.len()),
            None => d,
        }
    })?;
    Ok(out)
}

fn flatten(
    prefix: &str,
    table: &toml::Table,
    out: &mut BTreeMap<String, String>,
) -> Result<(), String> {
    for (key, value) in table {
        let full = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::String(s) => {
                out.insert(full, s.clone());
            }
            toml::Value::Table(t) => flatten(&full, t, out)?,
            _ => return Err(full),
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
