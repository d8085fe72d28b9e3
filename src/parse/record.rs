//! Records: TOML files of structured data whose texts carry every language (`{ ja = "…", en = "…" }`).
//! Parsing yields one JSON value per language, the language tables collapsed to their text.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Map, Number, Value as Json};
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::error::Diagnostic;
use crate::load::RecordSource;

#[derive(Debug)]
pub struct Record {
    pub id: String,
    pub file: String,
    /// The record in each language.
    pub by_lang: BTreeMap<String, Json>,
}

/// Parses a record; problems are returned together (a missing language is reported once per text).
pub fn parse(src: &RecordSource, languages: &[String]) -> Result<Record, Vec<Diagnostic>> {
    let table = DeTable::parse(&src.text).map_err(|e| {
        let d = Diagnostic::error(&src.file, format!("TOML: {}", e.message().trim()))
            .help("records are TOML; texts in both languages are written `key = { ja = \"…\", en = \"…\" }`");
        vec![match e.span() {
            Some(span) => d.at(&src.text, span),
            None => d,
        }]
    })?;
    let root = Spanned::new(table.span(), DeValue::Table(table.into_inner()));
    let mut problems = Vec::new();
    check_parity(&root, languages, src, &mut problems);
    if let DeValue::Table(table) = root.get_ref() {
        check_chart(table, src, &mut problems);
        check_numeric_columns(table, src, &mut problems);
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let by_lang = languages
        .iter()
        .map(|lang| {
            let mut json = localise(root.get_ref(), lang, languages);
            if let Json::Object(map) = &mut json {
                map.entry("id")
                    .or_insert_with(|| Json::String(src.id.clone()));
                map.entry("anchor")
                    .or_insert_with(|| Json::String(anchor(&src.id)));
            }
            (lang.clone(), json)
        })
        .collect();
    Ok(Record {
        id: src.id.clone(),
        file: src.file.clone(),
        by_lang,
    })
}

/// The id of a record's table on a page: `projects/approvals` → `projects-approvals`.
pub fn anchor(id: &str) -> String {
    id.replace('/', "-")
}

/// A table whose keys are all site languages is one text in several languages.
fn language_keys<'a>(table: &'a DeTable, languages: &[String]) -> Option<Vec<&'a str>> {
    let keys: Vec<&str> = table.keys().map(|k| k.get_ref().as_ref()).collect();
    (!keys.is_empty() && keys.iter().all(|k| languages.iter().any(|l| l == k))).then_some(keys)
}

fn check_parity(
    value: &Spanned<DeValue>,
    languages: &[String],
    src: &RecordSource,
    out: &mut Vec<Diagnostic>,
) {
    match value.get_ref() {
        DeValue::Table(table) => {
            if let Some(keys) = language_keys(table, languages) {
                let missing: Vec<&str> = languages
                    .iter()
                    .map(String::as_str)
                    .filter(|l| !keys.contains(l))
                    .collect();
                if !missing.is_empty() {
                    out.push(missing_language(src, value.span(), &missing, &keys));
                }
                return;
            }
            for (_, v) in table.iter() {
                check_parity(v, languages, src, out);
            }
        }
        DeValue::Array(items) => {
            for v in items.iter() {
                check_parity(v, languages, src, out);
            }
        }
        DeValue::Float(f)
            if !f
                .as_str()
                .replace('_', "")
                .parse::<f64>()
                .is_ok_and(f64::is_finite) =>
        {
            out.push(
                Diagnostic::error(
                    &src.file,
                    format!("`{}` is not a number a reader can use", f.as_str()),
                )
                .at(&src.text, value.span())
                .help("write the figure itself (e.g. 12.5); leave the key out when there is none"),
            );
        }
        DeValue::Integer(i)
            if i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()).is_err() =>
        {
            out.push(
                Diagnostic::error(&src.file, format!("`{}` is out of range", i.as_str()))
                    .at(&src.text, value.span())
                    .help(format!(
                        "whole numbers go from {} to {}",
                        i64::MIN,
                        i64::MAX
                    )),
            );
        }
        _ => {}
    }
}

/// The kinds of chart that can be drawn.
const CHART_KINDS: [&str; 1] = ["bar"];

/// A `[chart]`'s kind and the numbers of its value columns, checked here where their positions
/// are known (a chart drawn from a text would otherwise fail in the template).
fn check_chart(table: &DeTable, src: &RecordSource, out: &mut Vec<Diagnostic>) {
    let Some(DeValue::Table(chart)) = table.get("chart").map(Spanned::get_ref) else {
        return;
    };
    if let Some(kind) = chart.get("kind") {
        let known =
            matches!(kind.get_ref(), DeValue::String(k) if CHART_KINDS.contains(&k.as_ref()));
        if !known {
            out.push(
                Diagnostic::error(&src.file, "unknown chart `kind`")
                    .at(&src.text, kind.span())
                    .help(format!(
                        "charts are one of: {} (or leave `kind` out)",
                        CHART_KINDS.map(|k| format!("\"{k}\"")).join(", ")
                    )),
            );
        }
    }
    let columns: Vec<(&str, &str)> = match chart.get("values").map(Spanned::get_ref) {
        Some(DeValue::Array(values)) => values
            .iter()
            .filter_map(|v| match v.get_ref() {
                DeValue::String(s) => Some((s.as_ref(), "a value column of the chart")),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    check_rows(table, &columns, src, out);
}

/// Columns marked `numeric = true` hold numbers in every row.
fn check_numeric_columns(table: &DeTable, src: &RecordSource, out: &mut Vec<Diagnostic>) {
    let Some(DeValue::Array(columns)) = table.get("columns").map(Spanned::get_ref) else {
        return;
    };
    let numeric: Vec<(&str, &str)> = columns
        .iter()
        .filter_map(|c| match c.get_ref() {
            DeValue::Table(c) => Some(c),
            _ => None,
        })
        .filter(|c| {
            matches!(
                c.get("numeric").map(Spanned::get_ref),
                Some(DeValue::Boolean(true))
            )
        })
        .filter_map(|c| match c.get("key").map(Spanned::get_ref) {
            Some(DeValue::String(key)) => Some((key.as_ref(), "a numeric column")),
            _ => None,
        })
        .collect();
    check_rows(table, &numeric, src, out);
}

/// Each `[[rows]]` value of `columns` is a number (or a text of one, `"1,234"`).
fn check_rows(
    table: &DeTable,
    columns: &[(&str, &str)],
    src: &RecordSource,
    out: &mut Vec<Diagnostic>,
) {
    if columns.is_empty() {
        return;
    }
    let Some(DeValue::Array(rows)) = table.get("rows").map(Spanned::get_ref) else {
        return;
    };
    for row in rows.iter() {
        let DeValue::Table(row) = row.get_ref() else {
            continue;
        };
        for (column, what) in columns {
            let Some(value) = row.get(*column) else {
                continue;
            };
            let number = match value.get_ref() {
                DeValue::Integer(_) | DeValue::Float(_) => true,
                DeValue::String(s) => s.replace(',', "").trim().parse::<f64>().is_ok(),
                _ => false,
            };
            if !number {
                out.push(
                    Diagnostic::error(
                        &src.file,
                        format!("`{column}` is {what}: it must be a number"),
                    )
                    .at(&src.text, value.span())
                    .help(format!("write the figure without quotes or units, e.g. `{column} = 15`; units belong in the column's label")),
                );
            }
        }
    }
}

fn missing_language(
    src: &RecordSource,
    span: std::ops::Range<usize>,
    missing: &[&str],
    present: &[&str],
) -> Diagnostic {
    let text: &Arc<str> = &src.text;
    Diagnostic::error(
        &src.file,
        format!("this text has no {} version", missing.join(", ")),
    )
    .at(text, span)
    .help(format!(
        "add {} next to {} inside the braces, e.g. {{ {} = \"…\", {} = \"…\" }}",
        missing
            .iter()
            .map(|l| format!("`{l} = \"…\"`"))
            .collect::<Vec<_>>()
            .join(", "),
        present
            .iter()
            .map(|l| format!("`{l}`"))
            .collect::<Vec<_>>()
            .join(", "),
        present[0],
        missing[0]
    ))
}

fn localise(value: &DeValue, lang: &str, languages: &[String]) -> Json {
    match value {
        DeValue::String(s) => Json::String(s.to_string()),
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
            .map(Json::from)
            .unwrap_or_else(|_| Json::String(i.as_str().to_string())),
        DeValue::Float(f) => f
            .as_str()
            .replace('_', "")
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Json::Number)
            .unwrap_or_else(|| Json::String(f.as_str().to_string())),
        DeValue::Boolean(b) => Json::Bool(*b),
        DeValue::Datetime(d) => Json::String(d.to_string()),
        DeValue::Array(items) => Json::Array(
            items
                .iter()
                .map(|v| localise(v.get_ref(), lang, languages))
                .collect(),
        ),
        DeValue::Table(table) => {
            if language_keys(table, languages).is_some() {
                let text = table
                    .get(lang)
                    .map(|v| localise(v.get_ref(), lang, languages));
                return text.unwrap_or(Json::Null);
            }
            let mut map = Map::new();
            for (k, v) in table.iter() {
                map.insert(
                    k.get_ref().to_string(),
                    localise(v.get_ref(), lang, languages),
                );
            }
            Json::Object(map)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str) -> RecordSource {
        RecordSource {
            file: "content/r.toml".into(),
            id: "r".into(),
            text: Arc::from(text),
        }
    }

    fn langs() -> Vec<String> {
        vec!["ja".into(), "en".into()]
    }

    #[test]
    fn language_tables_collapse_per_language() {
        let r = parse(&source("count = 15\ntitle = { ja = \"承認\", en = \"Approvals\" }\n[[rows]]\nname = { ja = \"甲\", en = \"A\" }\n"), &langs()).unwrap();
        assert_eq!(r.by_lang["ja"]["title"], "承認");
        assert_eq!(r.by_lang["en"]["title"], "Approvals");
        assert_eq!(r.by_lang["en"]["rows"][0]["name"], "A");
        assert_eq!(r.by_lang["ja"]["count"], 15);
        assert_eq!(r.by_lang["ja"]["id"], "r");
    }

    #[test]
    fn a_missing_language_is_located() {
        let errs = parse(
            &source("a = 1\ntitle = { ja = \"承認\" }\nb = { ja = \"x\" }\n"),
            &langs(),
        )
        .unwrap_err();
        assert_eq!(errs.len(), 2);
        assert_eq!(errs[0].line_col(), Some((2, 9)));
        assert!(errs[0].message.contains("no en version"));
    }

    #[test]
    fn malformed_toml_is_located() {
        let errs = parse(&source("a = 1\nb = \n"), &langs()).unwrap_err();
        assert_eq!(errs[0].line_col().unwrap().0, 2);
    }
}
