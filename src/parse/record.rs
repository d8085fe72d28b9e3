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
    /// Texts missing a language, one error each at its position. The record is still complete:
    /// such a text shows in the first language of config.toml that has it. The build decides:
    /// errors, or warnings under `--allow-missing-translations`.
    pub missing: Vec<Diagnostic>,
}

/// Parses a record; problems are returned together (a missing language is reported once per text,
/// in `Record::missing`, so that the caller may let it pass).
pub fn parse(src: &RecordSource, languages: &[String]) -> Result<Record, Vec<Diagnostic>> {
    if src.file.ends_with(".csv") {
        return parse_csv(src, languages);
    }
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
    let mut missing = Vec::new();
    check_parity(&root, languages, src, &mut problems, &mut missing);
    if let DeValue::Table(table) = root.get_ref() {
        check_chart(table, src, &mut problems);
    }
    if !problems.is_empty() {
        problems.extend(missing);
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
        missing,
    })
}

/// The id of a record's table on a page: `projects/approvals` → `projects-approvals`.
/// Gives a record of an edition (`2021/projects`) its id within the edition (`projects`) in
/// every language, where the record does not set `id` or `anchor` itself.
pub fn set_local_id(record: &mut Record, full: &str, local: &str) {
    for json in record.by_lang.values_mut() {
        if let Json::Object(map) = json {
            if map.get("id").and_then(Json::as_str) == Some(full) {
                map.insert("id".into(), Json::String(local.to_string()));
            }
            if map.get("anchor").and_then(Json::as_str) == Some(anchor(full).as_str()) {
                map.insert("anchor".into(), Json::String(anchor(local)));
            }
        }
    }
}

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
    missing_out: &mut Vec<Diagnostic>,
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
                    missing_out.push(missing_language(src, value.span(), &missing, &keys));
                }
                return;
            }
            for (_, v) in table.iter() {
                check_parity(v, languages, src, out, missing_out);
            }
        }
        DeValue::Array(items) => {
            for v in items.iter() {
                check_parity(v, languages, src, out, missing_out);
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
                // A text missing this language (allowed by a flag) shows in the first language
                // of config.toml that has it.
                let text = std::iter::once(lang)
                    .chain(languages.iter().map(String::as_str))
                    .find_map(|l| table.get(l))
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

/// A record from a spreadsheet: `content/x/visitors.csv`. The first line names the columns; a
/// text in several languages has one column per language, `name.ja`, `name.en`. A column whose
/// cells are all numbers (or empty) holds numbers. The record has `columns` (key, label = key,
/// numeric) and `rows`; a TOML record of the same name beside it (`visitors.toml`) gives the
/// title, the column labels and the chart, and the CSV gives the rows (`merge_csv`).
fn parse_csv(src: &RecordSource, languages: &[String]) -> Result<Record, Vec<Diagnostic>> {
    let text: &Arc<str> = &src.text;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let csv_error = |e: csv::Error| -> Diagnostic {
        let at = e.position().map(|p| p.byte() as usize);
        let message = match e.kind() {
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => format!(
                "this row has {len} cells where the first line names {expected_len} columns"
            ),
            csv::ErrorKind::Utf8 { .. } => "the file is not valid UTF-8".to_string(),
            _ => format!("CSV: {e}"),
        };
        let d = Diagnostic::error(&src.file, message).help(
            "every row needs one cell per column of the first line; quote a cell that holds a comma: \"1,234\"",
        );
        match at {
            Some(at) => d.at(text, at..at + 1),
            None => d,
        }
    };
    let headers = reader
        .byte_headers()
        .map_err(|e| vec![csv_error(e)])?
        .clone();
    let header_start = headers.position().map_or(0, |p| p.byte() as usize);
    let mut problems = Vec::new();
    let mut missing_texts = Vec::new();
    // Column key → the header cell of each language (or `None` for a column in every language).
    let mut columns: Vec<(String, BTreeMap<String, usize>, Option<usize>)> = Vec::new();
    for (i, raw) in headers.iter().enumerate() {
        let name = String::from_utf8_lossy(raw).trim().to_string();
        // Field ranges leave out the delimiters: one comma before each earlier field.
        let span = header_start + headers.range(i).map_or(0, |r| r.start) + i;
        let located = |d: Diagnostic| d.at(text, span..span + raw.len().max(1));
        if name.is_empty() {
            problems.push(
                located(Diagnostic::error(
                    &src.file,
                    format!("column {} has no name", i + 1),
                ))
                .help(
                    "write a name for every column on the first line, e.g. `name.ja,name.en,count`",
                ),
            );
            continue;
        }
        let (key, lang) = match name.rsplit_once('.') {
            Some((key, lang)) if languages.iter().any(|l| l == lang) => {
                (key.to_string(), Some(lang.to_string()))
            }
            Some((_, lang))
                if !lang.is_empty()
                    && lang.chars().all(|c| c.is_ascii_alphabetic() || c == '-')
                    && lang.len() <= 8 =>
            {
                problems.push(
                    located(Diagnostic::error(
                        &src.file,
                        format!("`{lang}` in `{name}` is not a language of the site"),
                    ))
                    .help(format!(
                        "name a column of texts `key.<lang>` with one of {}",
                        languages.join(", ")
                    )),
                );
                continue;
            }
            _ => (name.clone(), None),
        };
        let existing = columns.iter_mut().find(|(k, _, _)| *k == key);
        match (existing, lang) {
            (Some((_, by_lang, None)), Some(lang)) if !by_lang.contains_key(&lang) => {
                by_lang.insert(lang, i);
            }
            (None, Some(lang)) => columns.push((key, BTreeMap::from([(lang, i)]), None)),
            (None, None) => columns.push((key, BTreeMap::new(), Some(i))),
            _ => problems.push(
                located(Diagnostic::error(
                    &src.file,
                    format!("the column `{name}` is named twice"),
                ))
                .help("give every column its own name"),
            ),
        }
    }
    for (key, by_lang, all) in &columns {
        if all.is_none() {
            let missing: Vec<&str> = languages
                .iter()
                .map(String::as_str)
                .filter(|l| !by_lang.contains_key(*l))
                .collect();
            if !missing.is_empty() {
                let first = by_lang.values().next().copied().unwrap_or(0);
                let span = header_start + headers.range(first).map_or(0, |r| r.start) + first;
                missing_texts.push(
                    Diagnostic::error(
                        &src.file,
                        format!("the column `{key}` has no {} version", missing.join(", ")),
                    )
                    .at(text, span..span + headers.get(first).map_or(1, <[u8]>::len))
                    .help(format!(
                        "add a column `{key}.{}` to the first line",
                        missing[0]
                    )),
                );
            }
        }
    }
    let mut rows: Vec<csv::ByteRecord> = Vec::new();
    for row in reader.byte_records() {
        match row {
            Ok(row) => rows.push(row),
            Err(e) => problems.push(csv_error(e)),
        }
    }
    if !problems.is_empty() {
        problems.extend(missing_texts);
        return Err(problems);
    }
    let cell = |row: &csv::ByteRecord, i: usize| {
        String::from_utf8_lossy(row.get(i).unwrap_or(b""))
            .trim()
            .to_string()
    };
    // A column of numbers: every non-empty cell parses as one.
    let numeric: Vec<bool> = columns
        .iter()
        .map(|(_, _, all)| match all {
            Some(i) => {
                rows.iter().any(|r| !cell(r, *i).is_empty())
                    && rows.iter().all(|r| {
                        let c = cell(r, *i);
                        c.is_empty() || number(&c).is_some()
                    })
            }
            None => false,
        })
        .collect();
    let by_lang = languages
        .iter()
        .map(|lang| {
            let cols: Vec<Json> = columns
                .iter()
                .zip(&numeric)
                .map(|((key, _, _), numeric)| {
                    let mut c = Map::new();
                    c.insert("key".into(), Json::String(key.clone()));
                    c.insert("label".into(), Json::String(key.clone()));
                    if *numeric {
                        c.insert("numeric".into(), Json::Bool(true));
                    }
                    Json::Object(c)
                })
                .collect();
            let rows: Vec<Json> = rows
                .iter()
                .map(|row| {
                    let mut map = Map::new();
                    for ((key, by_lang, all), numeric) in columns.iter().zip(&numeric) {
                        // A language without its column (allowed by a flag) shows the first
                        // language of config.toml that has one.
                        let i = all
                            .or_else(|| {
                                std::iter::once(lang)
                                    .chain(languages)
                                    .find_map(|l| by_lang.get(l).copied())
                            })
                            .unwrap_or(0);
                        let c = cell(row, i);
                        let value = match (numeric, number(&c)) {
                            (true, Some(n)) => n,
                            _ if c.is_empty() && *numeric => Json::Null,
                            _ => Json::String(c),
                        };
                        map.insert(key.clone(), value);
                    }
                    Json::Object(map)
                })
                .collect();
            let mut map = Map::new();
            map.insert("id".into(), Json::String(src.id.clone()));
            map.insert("anchor".into(), Json::String(anchor(&src.id)));
            map.insert("columns".into(), Json::Array(cols));
            map.insert("rows".into(), Json::Array(rows));
            (lang.clone(), Json::Object(map))
        })
        .collect();
    Ok(Record {
        id: src.id.clone(),
        file: src.file.clone(),
        by_lang,
        missing: missing_texts,
    })
}

/// `1234`, `-5`, `12.5`, `1,234` (thousands separators) as a JSON number.
fn number(cell: &str) -> Option<Json> {
    let plain = if cell.contains(',') {
        let (int, frac) = cell.split_once('.').unwrap_or((cell, ""));
        let groups: Vec<&str> = int.trim_start_matches('-').split(',').collect();
        let grouped = groups[0].len() <= 3
            && !groups[0].is_empty()
            && groups[1..].iter().all(|g| g.len() == 3);
        if !grouped {
            return None;
        }
        let joined = int.replace(',', "");
        if frac.is_empty() {
            joined
        } else {
            format!("{joined}.{frac}")
        }
    } else {
        cell.to_string()
    };
    if !plain
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'-' || b == b'.')
    {
        return None;
    }
    if let Ok(i) = plain.parse::<i64>() {
        return Some(Json::from(i));
    }
    plain
        .parse::<f64>()
        .ok()
        .filter(|f| f.is_finite())
        .and_then(Number::from_f64)
        .map(Json::Number)
}

/// Two records of one name (`visitors.toml` and `visitors.csv`) as one: the TOML record with the
/// CSV's rows. (Two files of one name and kind cannot exist, so there is no other pair.)
pub fn combine(a: Record, b: Record) -> Record {
    let (mut toml, csv) = if a.file.ends_with(".csv") {
        (b, a)
    } else {
        (a, b)
    };
    toml.missing.extend(csv.missing.iter().cloned());
    merge_csv(&mut toml, csv);
    toml
}

/// A TOML record and a CSV record of the same name: the TOML's fields (title, labelled columns,
/// chart), the CSV's rows; the CSV's columns when the TOML names none.
fn merge_csv(toml: &mut Record, csv: Record) {
    for (lang, data) in csv.by_lang {
        let Some(Json::Object(target)) = toml.by_lang.get_mut(&lang) else {
            continue;
        };
        if let Json::Object(mut from) = data {
            if let Some(rows) = from.remove("rows") {
                target.insert("rows".into(), rows);
            }
            if let Some(columns) = from.remove("columns") {
                target.entry("columns").or_insert(columns);
            }
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
    fn a_missing_language_is_located_and_falls_back_to_the_first_language() {
        let r = parse(
            &source("a = 1\ntitle = { ja = \"承認\" }\nb = { ja = \"x\" }\n"),
            &langs(),
        )
        .unwrap();
        let errs = &r.missing;
        assert_eq!(errs.len(), 2);
        assert!(errs[0].is_error());
        assert_eq!(errs[0].line_col(), Some((2, 9)));
        assert!(errs[0].message.contains("no en version"));
        assert_eq!(r.by_lang["en"]["title"], "承認");
        assert_eq!(r.by_lang["ja"]["title"], "承認");
    }

    #[test]
    fn a_missing_language_comes_with_the_other_problems() {
        let errs = parse(&source("a = nan\ntitle = { ja = \"承認\" }\n"), &langs()).unwrap_err();
        assert_eq!(errs.len(), 2, "{errs:?}");
    }

    #[test]
    fn malformed_toml_is_located() {
        let errs = parse(&source("a = 1\nb = \n"), &langs()).unwrap_err();
        assert_eq!(errs[0].line_col().unwrap().0, 2);
    }

    fn csv_source(text: &str) -> RecordSource {
        RecordSource {
            file: "content/visitors.csv".into(),
            id: "visitors".into(),
            text: Arc::from(text),
        }
    }

    #[test]
    fn a_csv_record_has_texts_per_language_and_typed_numbers() {
        let r = parse(
            &csv_source("day.ja,day.en,visitors,note\n3月,March,120,x\n6月,June,\"1,185\",\n"),
            &langs(),
        )
        .unwrap();
        assert_eq!(r.by_lang["ja"]["rows"][0]["day"], "3月");
        assert_eq!(r.by_lang["en"]["rows"][1]["day"], "June");
        assert_eq!(r.by_lang["en"]["rows"][1]["visitors"], 1185);
        assert_eq!(r.by_lang["en"]["columns"][1]["numeric"], true);
        assert_eq!(r.by_lang["en"]["columns"][2].get("numeric"), None);
        assert_eq!(r.by_lang["en"]["rows"][1]["note"], "");
    }

    #[test]
    fn a_short_csv_row_is_located() {
        let errs = parse(&csv_source("a,b\n1,2\n3\n"), &langs()).unwrap_err();
        assert_eq!(errs[0].line_col(), Some((3, 1)));
        assert!(errs[0].message.contains("1 cells"), "{}", errs[0].message);
    }

    #[test]
    fn a_csv_text_without_every_language_is_located() {
        let r = parse(&csv_source("count,name.ja\n1,甲\n"), &langs()).unwrap();
        assert_eq!(r.by_lang["en"]["rows"][0]["name"], "甲");
        let errs = r.missing;
        assert!(
            errs[0].message.contains("`name` has no en version"),
            "{}",
            errs[0].message
        );
        assert_eq!(errs[0].line_col(), Some((1, 7)));
    }
}
