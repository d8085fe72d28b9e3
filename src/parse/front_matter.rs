//! Front matter: the TOML between `+++` lines at the top of a page.

use std::sync::Arc;

use serde::Deserialize;

use crate::error::Diagnostic;

pub const ALLOWED_KEYS: &str =
    "title, description, weight, date, template, draft, records, aliases, series_key, original, and an [extra] table";

/// The keys a page may set. Anything else is an error, not silently ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: String,
    pub description: Option<String>,
    #[serde(default)]
    pub weight: i64,
    pub date: Option<toml::value::Datetime>,
    pub template: Option<String>,
    #[serde(default)]
    pub draft: bool,
    /// Ids of the records this page shows, in order.
    #[serde(default)]
    pub records: Vec<String>,
    /// Earlier addresses of this page (`old/path`, without the language): each gets a redirect.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// In a series of editions: the path this page has in other editions when it was renamed.
    pub series_key: Option<String>,
    /// The language this page was first written in, where it is not the site's default
    /// language: its translations are tracked against that one (`nenpo translations`).
    pub original: Option<String>,
    #[serde(default)]
    pub extra: toml::Table,
}

/// A page split into its front matter and its Markdown body.
#[derive(Debug)]
pub struct Split<'a> {
    pub front: FrontMatter,
    pub body: &'a str,
    /// Byte offset of `body` in the file, to turn body spans into file positions.
    pub body_offset: usize,
    /// Where `draft = true` is written (a draft's value), to point at it.
    pub draft_span: Option<std::ops::Range<usize>>,
}

/// Splits and parses the front matter of `text` (the whole file, shown as `file`).
pub fn split<'a>(file: &str, text: &'a Arc<str>) -> Result<Split<'a>, Diagnostic> {
    let src: &'a str = text;
    let missing = || {
        Diagnostic::error(file, "the page has no front matter")
            .at(text, 0..src.find('\n').unwrap_or(src.len()))
            .help("start the file with a line `+++`, then `title = \"…\"`, then another `+++` line")
    };
    if let Some(yaml) = super::yaml_front_matter::explain(file, text) {
        return Err(yaml);
    }
    let first_line_end = src.find('\n').ok_or_else(missing)?;
    if src[..first_line_end].trim_end() != "+++" {
        return Err(missing());
    }
    let toml_start = first_line_end + 1;
    let mut pos = toml_start;
    let toml_end = loop {
        if pos >= src.len() {
            return Err(Diagnostic::error(file, "the front matter is never closed")
                .at(text, 0..first_line_end)
                .help("add a line `+++` after the last front-matter line"));
        }
        let line_end = src[pos..].find('\n').map_or(src.len(), |i| pos + i);
        if src[pos..line_end].trim_end() == "+++" {
            break (pos, (line_end + 1).min(src.len()));
        }
        pos = line_end + 1;
    };
    let (toml_stop, body_offset) = toml_end;
    let toml_text = &src[toml_start..toml_stop];
    let front: FrontMatter = toml::from_str(toml_text).map_err(|e| {
        let message = e.message().trim().to_string();
        let key = e.span().and_then(|span| key_at(toml_text, span));
        let help = if message.contains("unknown field") {
            let known = ALLOWED_KEYS
                .split([',', ' '])
                .filter(|k| !k.is_empty() && *k != "and" && !k.starts_with('['))
                .chain(["extra"]);
            let guess = key
                .as_deref()
                .and_then(|k| crate::error::closest(k, known))
                .map(|k| format!("did you mean `{k}`? "))
                .unwrap_or_default();
            format!(
                "{guess}front matter may only have {ALLOWED_KEYS}; put your own keys under [extra]"
            )
        } else if message.contains("missing field") {
            "every page needs `title = \"…\"` in its front matter".to_string()
        } else if let Some(help) = key.as_deref().and_then(value_help) {
            help.to_string()
        } else {
            "front matter is TOML: `key = value`, strings in double quotes".to_string()
        };
        let span = e
            .span()
            .map(|s| toml_start + s.start..toml_start + s.end)
            .unwrap_or(0..first_line_end);
        Diagnostic::error(file, format!("front matter: {message}"))
            .at(text, span)
            .help(help)
    })?;
    let spans = toml::de::DeTable::parse(toml_text).ok();
    let span_of = |key: &str| {
        spans
            .as_ref()
            .and_then(|t| t.get_ref().get(key).map(|v| v.span()))
            .map(|s| toml_start + s.start..toml_start + s.end)
            .unwrap_or(0..first_line_end)
    };
    if front.title.trim().is_empty() {
        return Err(Diagnostic::error(file, "the title is empty")
            .at(text, span_of("title"))
            .help("write the page's title between the quotes: `title = \"…\"`"));
    }
    if front.weight.unsigned_abs() > MAX_WEIGHT as u64 {
        return Err(Diagnostic::error(
            file,
            format!("`weight` must be between -{MAX_WEIGHT} and {MAX_WEIGHT}"),
        )
        .at(text, span_of("weight"))
        .help("weights only order siblings: small numbers such as 10, 20, 30 leave room between pages"));
    }
    // Aliases become folders of the output: checked here, at each one's place in the file.
    let alias_values = spans
        .as_ref()
        .and_then(|t| t.get_ref().get("aliases"))
        .map(|v| v.get_ref());
    if let Some(toml::de::DeValue::Array(items)) = alias_values {
        for (item, alias) in items.iter().zip(&front.aliases) {
            if let Some(problem) = alias_problem(alias) {
                // The alias's text, inside its quotes.
                let (start, end) = (toml_start + item.span().start, toml_start + item.span().end);
                let quoted = src[start..end].starts_with(['"', '\'']) && end - start >= 2;
                let span = if quoted {
                    start + 1..end - 1
                } else {
                    start..end
                };
                let shown: String = alias.escape_debug().to_string().chars().take(60).collect();
                return Err(Diagnostic::error(file, format!("the alias `{shown}` {problem}"))
                    .at(text, span)
                    .help("write the page's earlier address without the language, as folder names: `aliases = [\"projects/old-name\"]`"));
            }
        }
    }
    let draft_span = front.draft.then(|| span_of("draft"));
    Ok(Split {
        front,
        body: &src[body_offset..],
        body_offset,
        draft_span,
    })
}

/// An error when `original = "…"` does not name one of `languages`, at its value.
pub fn check_original(
    file: &str,
    text: &Arc<str>,
    split: &Split,
    languages: &[String],
) -> Option<Diagnostic> {
    let lang = split.front.original.as_deref()?;
    if languages.iter().any(|l| l == lang) {
        return None;
    }
    let toml_start = text.find('\n').map_or(0, |i| i + 1);
    let toml_end = text[..split.body_offset]
        .trim_end_matches(['\n', '\r'])
        .rfind('\n')
        .map_or(toml_start, |i| i + 1)
        .max(toml_start);
    let span = toml::de::DeTable::parse(&text[toml_start..toml_end])
        .ok()
        .and_then(|t| t.get_ref().get("original").map(|v| v.span()))
        .map_or(0..3, |s| toml_start + s.start..toml_start + s.end);
    Some(
        Diagnostic::error(
            file,
            format!("`original = \"{lang}\"` is not a language of this site"),
        )
        .at(text, span)
        .help(format!(
            "name the language the page was first written in, one of {} (docs/translations.md)",
            languages.join(", ")
        )),
    )
}

/// The longest folder name an alias may have, in bytes (file systems allow 255).
pub const MAX_ALIAS_PART: usize = 200;

/// What is wrong with an alias (`old/path`, a plain path of folder names), if anything: the
/// words that follow "the alias `…`".
pub fn alias_problem(alias: &str) -> Option<String> {
    let path = alias.trim_matches('/');
    let path = path
        .strip_suffix("/index.html")
        .or_else(|| path.strip_suffix("index.html"))
        .unwrap_or(path)
        .trim_end_matches('/');
    if path.is_empty() {
        return Some("is empty".into());
    }
    for part in path.split('/') {
        if part.is_empty() || part == "." || part == ".." {
            return Some(format!("has `{part}` as a folder name"));
        }
        if let Some(c) = part.chars().find(|c| c.is_control()) {
            return Some(format!("holds a control character (U+{:04X})", c as u32));
        }
        if part.contains(|c: char| c.is_whitespace() || matches!(c, '\\' | '?' | '#' | '%' | '"')) {
            return Some("holds a space or one of \\ ? # % \"".into());
        }
        if part.len() > MAX_ALIAS_PART {
            return Some(format!(
                "has a folder name of {} bytes, longer than {MAX_ALIAS_PART}",
                part.len()
            ));
        }
    }
    None
}

/// The span of a top-level key's value in a page's text (its front matter between `+++` lines),
/// from the TOML parser's spans; the first line when it cannot be found.
pub fn value_span(text: &str, key: &str) -> std::ops::Range<usize> {
    let first_end = text.find('\n').unwrap_or(text.len());
    let start = (first_end + 1).min(text.len());
    let end = text[start..]
        .match_indices("\n+++")
        .next()
        .map_or(text.len(), |(i, _)| start + i + 1);
    toml::de::DeTable::parse(&text[start..end])
        .ok()
        .and_then(|t| t.get_ref().get(key).map(|v| v.span()))
        .map_or(0..first_end, |s| start + s.start..start + s.end)
}

/// The largest weight: `new page` adds 10 to the last one, and that must never overflow.
pub const MAX_WEIGHT: i64 = 1_000_000_000;

/// The top-level key whose value holds `span` (from the TOML parser's own spans).
fn key_at(toml_text: &str, span: std::ops::Range<usize>) -> Option<String> {
    let table = toml::de::DeTable::parse_recoverable(toml_text).0;
    table
        .get_ref()
        .iter()
        .find(|(key, value)| {
            let (k, v) = (key.span(), value.span());
            (k.start..v.end.max(k.end)).contains(&span.start)
        })
        .map(|(key, _)| key.get_ref().to_string())
}

/// What a key's value must look like, for a value of the wrong type.
fn value_help(key: &str) -> Option<&'static str> {
    Some(match key {
        "weight" => "`weight` must be a whole number, without quotes: `weight = 3`",
        "date" => "`date` must be a date like 2021-04-01, without quotes: `date = 2021-04-01`",
        "draft" => "`draft` must be true or false, without quotes: `draft = true`",
        "records" => "`records` is a list of record ids: `records = [\"projects/approvals\"]`",
        "title" | "description" | "template" => {
            "this value is text, in double quotes: `title = \"…\"`"
        }
        "extra" => "`[extra]` is a table: put it last, as `[extra]` and then `key = value` lines",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Arc<str> {
        Arc::from(s)
    }

    #[test]
    fn splits_front_matter_and_body() {
        let t = text("+++\ntitle = \"概要\"\nweight = 2\n+++\n本文\n");
        let s = split("a.ja.md", &t).unwrap();
        assert_eq!(s.front.title, "概要");
        assert_eq!(s.front.weight, 2);
        assert_eq!(s.body, "本文\n");
    }

    #[test]
    fn unknown_key_points_at_the_key() {
        let t = text("+++\ntitle = \"x\"\ntitel = \"y\"\n+++\n");
        let e = split("a.ja.md", &t).unwrap_err();
        assert!(e.message.contains("titel"), "{}", e.message);
        assert_eq!(e.line_col(), Some((3, 1)));
    }

    #[test]
    fn an_alias_that_cannot_be_a_folder_is_an_error_at_it() {
        let long = "x".repeat(300);
        for (alias, needle) in [
            ("a\\u0000b", "control character (U+0000)"),
            (long.as_str(), "300 bytes"),
            ("../up", "`..`"),
        ] {
            let t = text(&format!(
                "+++\ntitle = \"x\"\naliases = [\"ok\", \"{alias}\"]\n+++\n"
            ));
            let e = split("a.ja.md", &t).unwrap_err();
            assert!(e.message.contains(needle), "{}", e.message);
            assert_eq!(e.line_col(), Some((3, 19)));
        }
        let t = text("+++\ntitle = \"x\"\naliases = [\"old/name\"]\n+++\n");
        assert!(split("a.ja.md", &t).is_ok());
    }

    #[test]
    fn missing_front_matter_is_explained() {
        let t = text("# 見出し\n");
        let e = split("a.ja.md", &t).unwrap_err();
        assert!(e.help.unwrap().contains("+++"));
    }
}
