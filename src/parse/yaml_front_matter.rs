//! YAML front matter (`---` lines, as Hugo and Jekyll sites write it) recognised and explained:
//! nenpo reads TOML between `+++` lines, and the error shows the TOML this page's YAML would be.
//!
//! Why an error with the TOML rather than a `convert` command that rewrites files: nenpo never
//! changes what an editor wrote, the error appears where the editor already looks (`check`,
//! `serve`'s overlay) with file:line:col, and what it shows is exactly what the page will hold,
//! keys nenpo knows in place and the others under `[extra]`, to paste and review.

use std::ops::Range;
use std::sync::Arc;

use yaml_rust2::{Yaml, YamlLoader};

use crate::error::Diagnostic;

/// The keys that keep their name, with the TOML type each must have.
const KNOWN: &[&str] = &[
    "title",
    "description",
    "weight",
    "date",
    "template",
    "draft",
    "aliases",
];

/// When `text` starts with a `---` line: the error that explains it, with the TOML to write.
pub fn explain(file: &str, text: &Arc<str>) -> Option<Diagnostic> {
    let first_end = text.find('\n').unwrap_or(text.len());
    if text[..first_end].trim_end() != "---" {
        return None;
    }
    let start = (first_end + 1).min(text.len());
    let mut pos = start;
    let mut end = None;
    while pos < text.len() {
        let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        if matches!(text[pos..line_end].trim_end(), "---" | "...") {
            end = Some(pos..line_end);
            break;
        }
        pos = line_end + 1;
    }
    let message =
        "this page starts with YAML front matter (`---`); nenpo reads TOML between `+++` lines";
    let first_line = 0..first_end;
    let Some(closing) = end else {
        return Some(
            Diagnostic::error(file, message)
                .at(text, first_line)
                .help("write the front matter as TOML between two `+++` lines: `title = \"…\"`"),
        );
    };
    let yaml = &text[start..closing.start];
    let diagnostic = match to_toml(yaml) {
        Ok(toml) => Diagnostic::error(file, message)
            .at(text, first_line)
            .help(format!(
                "replace lines 1 to {} (from `---` to `---`) with:\n+++\n{toml}+++",
                text[..closing.start].matches('\n').count() + 1
            )),
        Err((problem, at)) => {
            let span = clamp(text, start + at);
            Diagnostic::error(
                file,
                format!("{message}, and it does not read as YAML either: {problem}"),
            )
            .at(text, span)
            .help("write the front matter as TOML between two `+++` lines: `title = \"…\"`")
        }
    };
    Some(diagnostic)
}

/// A one-character span at byte `at` (moved back to a character boundary).
fn clamp(text: &str, mut at: usize) -> Range<usize> {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let next = text[at..].chars().next().map_or(0, char::len_utf8);
    at..at + next
}

/// The TOML front matter a YAML one would be: the keys nenpo knows first (where their value has
/// the right type), every other key under `[extra]`. Err: (what, byte offset in `yaml`).
pub fn to_toml(yaml: &str) -> Result<String, (String, usize)> {
    let docs =
        YamlLoader::load_from_str(yaml).map_err(|e| (e.info().to_string(), e.marker().index()))?;
    let mut front = toml::Table::new();
    let mut extra = toml::Table::new();
    let Some(Yaml::Hash(hash)) = docs.into_iter().next() else {
        return Err(("it is not a list of `key: value` lines".to_string(), 0));
    };
    for (key, value) in hash {
        let key = match key {
            Yaml::String(s) => s,
            Yaml::Integer(i) => i.to_string(),
            other => format!("{other:?}"),
        };
        let Some(value) = to_value(value) else {
            continue; // null: TOML has none, and an absent key means the same.
        };
        if KNOWN.contains(&key.as_str()) {
            if let Some(value) = known(&key, value.clone()) {
                front.insert(key, value);
                continue;
            }
        }
        extra.insert(key, value);
    }
    if !extra.is_empty() {
        front.insert("extra".into(), toml::Value::Table(extra));
    }
    toml::to_string(&front).map_err(|e| (e.to_string(), 0))
}

/// A known key's value in the type nenpo reads, or `None` to keep it under `[extra]`.
fn known(key: &str, value: toml::Value) -> Option<toml::Value> {
    use toml::Value;
    match (key, value) {
        ("title" | "description" | "template", v @ Value::String(_)) => Some(v),
        ("weight", v @ Value::Integer(_)) => Some(v),
        ("draft", v @ Value::Boolean(_)) => Some(v),
        ("date", v @ Value::Datetime(_)) => Some(v),
        ("date", Value::String(s)) => s.parse().ok().map(Value::Datetime),
        ("aliases", Value::Array(items)) if items.iter().all(Value::is_str) => {
            Some(Value::Array(items))
        }
        _ => None,
    }
}

fn to_value(yaml: Yaml) -> Option<toml::Value> {
    use toml::Value;
    Some(match yaml {
        Yaml::Real(r) => r
            .parse::<f64>()
            .map(Value::Float)
            .unwrap_or(Value::String(r)),
        Yaml::Integer(i) => Value::Integer(i),
        // A YAML date (`2024-03-01`) is a string to YAML and a date to TOML.
        Yaml::String(s) => s
            .parse::<toml::value::Datetime>()
            .map(Value::Datetime)
            .unwrap_or(Value::String(s)),
        Yaml::Boolean(b) => Value::Boolean(b),
        Yaml::Array(items) => Value::Array(items.into_iter().filter_map(to_value).collect()),
        Yaml::Hash(hash) => Value::Table(
            hash.into_iter()
                .filter_map(|(k, v)| {
                    let k = match k {
                        Yaml::String(s) => s,
                        Yaml::Integer(i) => i.to_string(),
                        other => format!("{other:?}"),
                    };
                    Some((k, to_value(v)?))
                })
                .collect(),
        ),
        Yaml::Alias(_) | Yaml::Null | Yaml::BadValue => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hugo_front_matter_becomes_toml_with_unknown_keys_under_extra() {
        let yaml = "title: \"Developer grants\"\ndate: 2024-03-01\nweight: 20\ndraft: false\ntags: [grants, open source]\nslug: grants\naliases:\n  - /old/grants/\nparams:\n  lead: Ada\n";
        let toml = to_toml(yaml).unwrap();
        assert_eq!(
            toml,
            "title = \"Developer grants\"\ndate = 2024-03-01\nweight = 20\ndraft = false\naliases = [\"/old/grants/\"]\n\n[extra]\ntags = [\"grants\", \"open source\"]\nslug = \"grants\"\n\n[extra.params]\nlead = \"Ada\"\n"
        );
        // What it shows is front matter nenpo reads.
        let page: Arc<str> = Arc::from(format!("+++\n{toml}+++\nText.\n"));
        let split = super::super::front_matter::split("a.en.md", &page).unwrap();
        assert_eq!(split.front.title, "Developer grants");
        assert_eq!(split.front.weight, 20);
    }

    #[test]
    fn a_page_with_yaml_is_explained_with_the_toml_it_would_be() {
        let page: Arc<str> = Arc::from("---\ntitle: Grants\nlayout: post\n---\n\nText.\n");
        let d = explain("a.en.md", &page).unwrap();
        assert!(d.message.contains("YAML front matter"), "{}", d.message);
        assert_eq!(d.line_col(), Some((1, 1)));
        assert_eq!(
            d.help.unwrap(),
            "replace lines 1 to 4 (from `---` to `---`) with:\n+++\ntitle = \"Grants\"\n\n[extra]\nlayout = \"post\"\n+++"
                .into()
        );
        // Not YAML either: the place where it stops reading.
        let page: Arc<str> = Arc::from("---\ntitle: [a\n---\n");
        let d = explain("a.en.md", &page).unwrap();
        assert!(d.message.contains("does not read as YAML"), "{}", d.message);
        assert!(explain("a.en.md", &Arc::from("+++\n")).is_none());
    }
}
