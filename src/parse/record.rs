//! Records: TOML files of structured data whose texts carry every language (`{ ja = "…", en = "…" }`).
//! Parsing yields one JSON value per language, the language tables collapsed to their text.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Map, Number, Value as Json};
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::chart::Kind;
use crate::error::Diagnostic;
use crate::load::RecordSource;
use crate::parse::table::{self, Cell, Column, Origin, Place, Raw, Row, TableFacts};

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
    /// Its images, in the order of their `"image": n` marks in `by_lang`.
    pub images: Vec<RecordImage>,
    /// A table record's columns, rows and chart keys where they are written, for
    /// `table::check` once a TOML record and its CSV are one.
    pub table: Option<TableFacts>,
}

/// An image in a record: `photo = { src = "photo.jpg", alt = { ja = "…", en = "…" } }` in TOML,
/// the columns `photo.src` and `photo.alt.<lang>` (or `photo.alt`) in CSV. The path is relative to
/// the record's file. Until the build resolves it (`site.rs`, where the content's images are
/// known), it is `{ "src": …, "alt": …, "image": n }` in every language, `n` its index here.
#[derive(Clone, Debug)]
pub struct RecordImage {
    pub src: String,
    /// The alt text in each language that has one (`decorative` for an image that only decorates).
    pub alt: BTreeMap<String, String>,
    /// The file it is written in (a CSV's images stay in the CSV when a TOML record takes its
    /// rows), its text and where the image is written in it.
    pub file: String,
    pub text: Arc<str>,
    pub span: std::ops::Range<usize>,
}

impl RecordImage {
    /// The alt text in `lang`, or in the first language of `languages` that has one.
    pub fn alt_in(&self, lang: &str, languages: &[String]) -> &str {
        std::iter::once(lang)
            .chain(languages.iter().map(String::as_str))
            .find_map(|l| self.alt.get(l))
            .map_or("", String::as_str)
    }
}

/// `{ src = "…", alt = … }`: a table of `src` (a text) and at most `alt`.
fn is_image_table(table: &DeTable) -> bool {
    table
        .get("src")
        .is_some_and(|v| matches!(v.get_ref(), DeValue::String(_)))
        && table
            .keys()
            .all(|k| matches!(k.get_ref().as_ref(), "src" | "alt"))
}

/// Every image table under `value`, in the order `localise` meets them.
fn collect_images(
    value: &Spanned<DeValue>,
    languages: &[String],
    src: &RecordSource,
    out: &mut Vec<RecordImage>,
) {
    match value.get_ref() {
        DeValue::Table(table) if is_image_table(table) => {
            let source = src;
            let src = table.get("src").expect("an image table has src");
            let src_text = match src.get_ref() {
                DeValue::String(s) => s.to_string(),
                _ => String::new(),
            };
            let alt = match table.get("alt").map(Spanned::get_ref) {
                Some(DeValue::String(s)) => languages
                    .iter()
                    .map(|l| (l.clone(), s.to_string()))
                    .collect(),
                Some(DeValue::Table(by_lang)) => by_lang
                    .iter()
                    .filter_map(|(k, v)| match v.get_ref() {
                        DeValue::String(s) => Some((k.get_ref().to_string(), s.to_string())),
                        _ => None,
                    })
                    .collect(),
                _ => BTreeMap::new(),
            };
            out.push(RecordImage {
                src: src_text,
                alt,
                file: source.file.clone(),
                text: source.text.clone(),
                span: src.span(),
            });
        }
        DeValue::Table(table) if language_keys(table, languages).is_none() => {
            for (_, v) in table.iter() {
                collect_images(v, languages, src, out);
            }
        }
        DeValue::Array(items) => {
            for v in items.iter() {
                collect_images(v, languages, src, out);
            }
        }
        _ => {}
    }
}

/// Parses a record; problems are returned together (a missing language is reported once per text,
/// in `Record::missing`, so that the caller may let it pass).
pub fn parse(src: &RecordSource, languages: &[String]) -> Result<Record, Vec<Diagnostic>> {
    if src.file.ends_with(".csv") {
        return parse_csv(src, languages);
    }
    if src.file.ends_with(".xlsx") {
        return parse_xlsx(src, languages, None);
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
    let mut facts = None;
    if let DeValue::Table(table) = root.get_ref() {
        check_chart(table, src, &mut problems);
        let origin = Arc::new(Origin {
            file: src.file.clone(),
            text: Some(src.text.clone()),
            sheet: None,
        });
        facts = table::from_toml(table, &origin, languages, false, &mut problems);
    }
    if !problems.is_empty() {
        problems.extend(missing);
        return Err(problems);
    }
    let mut images = Vec::new();
    collect_images(&root, languages, src, &mut images);
    let by_lang = languages
        .iter()
        .map(|lang| {
            let mut json = localise(root.get_ref(), lang, languages, &mut 0);
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
        images,
        table: facts,
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

/// A `[chart]`'s kind, what that kind needs of the data, and the numbers of its value columns,
/// checked here where their positions are known (a chart drawn from a text would otherwise fail
/// in the template). The kinds and their needs are `chart::Kind`'s.
fn check_chart(table: &DeTable, src: &RecordSource, out: &mut Vec<Diagnostic>) {
    let Some(DeValue::Table(chart)) = table.get("chart").map(Spanned::get_ref) else {
        return;
    };
    let mut kind = Some(Kind::Bar);
    if let Some(given) = chart.get("kind") {
        let name = match given.get_ref() {
            DeValue::String(k) => k.as_ref(),
            _ => "",
        };
        kind = Kind::from_name(name);
        if kind.is_none() {
            let guess = Kind::nearest(name)
                .map(|k| format!("did you mean `kind = \"{}\"`? ", k.name()))
                .unwrap_or_default();
            out.push(
                Diagnostic::error(&src.file, format!("unknown chart kind `{name}`"))
                    .at(&src.text, given.span())
                    .help(format!(
                        "{guess}charts are one of: {} (or leave `kind` out for \"bar\")",
                        Kind::list()
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
    if let Some(kind) = kind {
        check_kind(kind, table, chart, &columns, src, out);
    }
}

/// What `kind` needs of the record: a donut one value column, a line two rows, a donut or a
/// stacked chart no negative value. Each mismatch at the setting or the value to change.
fn check_kind(
    kind: Kind,
    table: &DeTable,
    chart: &DeTable,
    columns: &[(&str, &str)],
    src: &RecordSource,
    out: &mut Vec<Diagnostic>,
) {
    let rows = match table.get("rows").map(Spanned::get_ref) {
        Some(DeValue::Array(rows)) => rows.iter().collect(),
        _ => Vec::new(),
    };
    // A CSV beside the record gives the rows: their count is known only when they are merged.
    if !rows.is_empty() || kind != Kind::Line {
        if let Some((problem, help)) = kind.shape_problem(columns.len(), rows.len()) {
            let at = if kind == Kind::Donut {
                "values"
            } else {
                "kind"
            };
            let d = Diagnostic::error(&src.file, problem).help(help);
            out.push(match chart.get(at).or_else(|| chart.get("kind")) {
                Some(v) => d.at(&src.text, v.span()),
                None => d,
            });
        }
    }
    let Some((problem, help)) = kind.negative_problem() else {
        return;
    };
    for row in rows {
        let DeValue::Table(row) = row.get_ref() else {
            continue;
        };
        for (column, _) in columns {
            let Some(value) = row.get(*column) else {
                continue;
            };
            let negative = match value.get_ref() {
                DeValue::Integer(i) => i.as_str().starts_with('-'),
                DeValue::Float(f) => f.as_str().starts_with('-'),
                DeValue::String(s) => s.trim().starts_with('-'),
                _ => false,
            };
            if negative {
                out.push(
                    Diagnostic::error(&src.file, format!("`{column}` is negative: {problem}"))
                        .at(&src.text, value.span())
                        .help(help.clone()),
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

/// `value` in `lang`; an image table becomes `{src, alt, image: n}`, `n` counted in `images`.
fn localise(value: &DeValue, lang: &str, languages: &[String], images: &mut usize) -> Json {
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
                .map(|v| localise(v.get_ref(), lang, languages, images))
                .collect(),
        ),
        DeValue::Table(table) if is_image_table(table) => {
            let mut map = Map::new();
            if let Some(src) = table.get("src") {
                map.insert(
                    "src".into(),
                    localise(src.get_ref(), lang, languages, images),
                );
            }
            let alt = table.get("alt").map_or(Json::Null, |a| {
                localise(a.get_ref(), lang, languages, images)
            });
            map.insert("alt".into(), alt);
            map.insert("image".into(), Json::from(*images));
            *images += 1;
            Json::Object(map)
        }
        DeValue::Table(table) => {
            if language_keys(table, languages).is_some() {
                // A text missing this language (allowed by a flag) shows in the first language
                // of config.toml that has it.
                let text = std::iter::once(lang)
                    .chain(languages.iter().map(String::as_str))
                    .find_map(|l| table.get(l))
                    .map(|v| localise(v.get_ref(), lang, languages, images));
                return text.unwrap_or(Json::Null);
            }
            let mut map = Map::new();
            for (k, v) in table.iter() {
                map.insert(
                    k.get_ref().to_string(),
                    localise(v.get_ref(), lang, languages, images),
                );
            }
            Json::Object(map)
        }
    }
}

/// A sheet of cells: the first line names the columns, each later line is a row. Every name
/// and cell keeps its place (a CSV's line and column, a spreadsheet's sheet and cell).
struct Grid {
    headers: Vec<(String, Place)>,
    /// Where the first line is, for a grid without rows.
    start: Place,
    rows: Vec<GridRow>,
}

struct GridRow {
    place: Place,
    /// Each cell's text (a spreadsheet's number as its shortest exact text) and place.
    cells: Vec<(String, Place)>,
}

/// A record from a CSV file: `content/x/visitors.csv`, read into a grid (`grid_record`).
fn parse_csv(src: &RecordSource, languages: &[String]) -> Result<Record, Vec<Diagnostic>> {
    let text: &Arc<str> = &src.text;
    let origin = Arc::new(Origin {
        file: src.file.clone(),
        text: Some(text.clone()),
        sheet: None,
    });
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
    // Field ranges leave out the delimiters: one comma before each earlier field.
    let place = |row: &csv::ByteRecord, i: usize| {
        let at = row.position().map_or(0, |p| p.byte() as usize)
            + row.range(i).map_or(0, |r| r.start)
            + i;
        Place::span(&origin, at..at + row.get(i).map_or(0, <[u8]>::len))
    };
    let texts = |row: &csv::ByteRecord| -> Vec<(String, Place)> {
        (0..row.len())
            .map(|i| {
                let cell = String::from_utf8_lossy(row.get(i).unwrap_or(b""))
                    .trim()
                    .to_string();
                (cell, place(row, i))
            })
            .collect()
    };
    let header_start = headers.position().map_or(0, |p| p.byte() as usize);
    let mut problems = Vec::new();
    let mut rows = Vec::new();
    for row in reader.byte_records() {
        match row {
            Ok(row) => {
                let start = row.position().map_or(0, |p| p.byte() as usize);
                rows.push(GridRow {
                    place: Place::span(&origin, start..start),
                    cells: texts(&row),
                });
            }
            Err(e) => problems.push(csv_error(e)),
        }
    }
    let grid = Grid {
        headers: texts(&headers),
        start: Place::span(&origin, header_start..header_start),
        rows,
    };
    grid_record(src, grid, languages, problems)
}

/// A record from a spreadsheet (`.xlsx`, read with calamine): its first sheet, or the sheet
/// that the TOML record of the same name names (`sheet = "Grants"`, given with its place).
pub fn parse_xlsx(
    src: &RecordSource,
    languages: &[String],
    sheet: Option<&(String, Place)>,
) -> Result<Record, Vec<Diagnostic>> {
    use calamine::{Data, Reader};
    let bytes = src.bytes.clone().unwrap_or_else(|| Arc::from(&[][..]));
    let mut workbook: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).map_err(|e| {
            vec![
                Diagnostic::error(&src.file, format!("this spreadsheet cannot be read: {e}"))
                    .help("save it from your spreadsheet program as an Excel workbook (.xlsx)"),
            ]
        })?;
    let names = workbook.sheet_names();
    let name = match sheet {
        Some((wanted, place)) => {
            if !names.contains(wanted) {
                let guess = crate::error::closest(wanted, names.iter().map(String::as_str))
                    .map(|k| format!("did you mean `{k}`? "))
                    .unwrap_or_default();
                return Err(vec![place
                    .error(format!("{} has no sheet `{wanted}`", src.file))
                    .help(format!(
                        "{guess}its sheets are {}",
                        names
                            .iter()
                            .map(|n| format!("`{n}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))]);
            }
            wanted.clone()
        }
        None => names.first().cloned().ok_or_else(|| {
            vec![
                Diagnostic::error(&src.file, "this spreadsheet has no sheet")
                    .help("a spreadsheet record reads its first sheet: put the table there"),
            ]
        })?,
    };
    let range = workbook.worksheet_range(&name).map_err(|e| {
        vec![
            Diagnostic::error(&src.file, format!("the sheet `{name}` cannot be read: {e}"))
                .help("save it from your spreadsheet program as an Excel workbook (.xlsx)"),
        ]
    })?;
    let origin = Arc::new(Origin {
        file: src.file.clone(),
        text: None,
        sheet: Some(name.clone()),
    });
    let (top, left) = range.start().unwrap_or((0, 0));
    let mut problems = Vec::new();
    let mut lines = Vec::new();
    for (r, row) in range.rows().enumerate() {
        let mut cells = Vec::new();
        for (c, data) in row.iter().enumerate() {
            let place = Place::cell(&origin, top + r as u32, left + c as u32);
            let text = match data {
                Data::Empty => String::new(),
                Data::String(s) => s.trim().to_string(),
                Data::Float(f) => format!("{f}"),
                Data::Int(i) => i.to_string(),
                Data::Bool(b) => b.to_string(),
                Data::DateTime(d) => d.to_string(),
                Data::DateTimeIso(d) | Data::DurationIso(d) => d.clone(),
                Data::Error(e) => {
                    problems.push(
                        place
                            .error(format!(
                                "this cell holds an error ({e:?}) where a value should be"
                            ))
                            .help("fix the formula, or write the value itself"),
                    );
                    String::new()
                }
            };
            cells.push((text, place));
        }
        lines.push((Place::cell(&origin, top + r as u32, left), cells));
    }
    let mut lines = lines.into_iter();
    let (start, headers) = lines
        .next()
        .unwrap_or_else(|| (Place::cell(&origin, 0, 0), Vec::new()));
    let grid = Grid {
        headers,
        start,
        rows: lines
            .map(|(place, cells)| GridRow { place, cells })
            .collect(),
    };
    grid_record(src, grid, languages, problems)
}

/// The record of a grid. The first line names the columns; a text in several languages has one
/// column per language, `name.ja`, `name.en`. A column whose cells are all numbers (or empty)
/// holds numbers. The record has `columns` (key, label = key, numeric) and `rows`; a TOML record
/// of the same name beside it (`visitors.toml`) gives the title, the column labels and the
/// chart, and the grid gives the rows (`merge_csv`).
fn grid_record(
    src: &RecordSource,
    grid: Grid,
    languages: &[String],
    mut problems: Vec<Diagnostic>,
) -> Result<Record, Vec<Diagnostic>> {
    let mut missing_texts = Vec::new();
    // Column key → the header cell of each language (or `None` for a column in every language).
    let mut columns: Vec<(String, BTreeMap<String, usize>, Option<usize>)> = Vec::new();
    for (i, (name, place)) in grid.headers.iter().enumerate() {
        let name = name.clone();
        if name.is_empty() {
            problems.push(place.error(format!("column {} has no name", i + 1)).help(
                "write a name for every column on the first line, e.g. `name.ja,name.en,count`",
            ));
            continue;
        }
        let (key, lang) = match name.rsplit_once('.') {
            Some((key, lang)) if languages.iter().any(|l| l == lang) => {
                (key.to_string(), Some(lang.to_string()))
            }
            // An image's columns: `photo.src`, and `photo.alt` when its alt text is the same in
            // every language.
            Some((_, "src" | "alt")) => (name.clone(), None),
            Some((_, lang))
                if !lang.is_empty()
                    && lang.chars().all(|c| c.is_ascii_alphabetic() || c == '-')
                    && lang.len() <= 8 =>
            {
                problems.push(
                    place
                        .error(format!(
                            "`{lang}` in `{name}` is not a language of the site"
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
                place
                    .error(format!("the column `{name}` is named twice"))
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
                missing_texts.push(
                    grid.headers[first]
                        .1
                        .error(format!(
                            "the column `{key}` has no {} version",
                            missing.join(", ")
                        ))
                        .help(format!(
                            "add a column `{key}.{}` to the first line",
                            missing[0]
                        )),
                );
            }
        }
    }
    // A spreadsheet's rows may be shorter than its first line (empty cells at the end); a row
    // longer than it has a cell without a column.
    for row in &grid.rows {
        if let Some((text, place)) = row
            .cells
            .get(grid.headers.len()..)
            .and_then(|extra| extra.iter().find(|(t, _)| !t.is_empty()))
        {
            problems.push(
                place
                    .error(format!(
                        "`{text}` is in a column that the first line does not name"
                    ))
                    .help("name the column on the first line, or remove the cell"),
            );
        }
    }
    if !problems.is_empty() {
        problems.extend(missing_texts);
        return Err(problems);
    }
    let rows = &grid.rows;
    let cell =
        |row: &GridRow, i: usize| row.cells.get(i).map_or("", |(t, _)| t.as_str()).to_string();
    let cell_place = |row: &GridRow, i: usize| {
        row.cells
            .get(i)
            .map_or_else(|| row.place.clone(), |(_, p)| p.clone())
    };
    // A column of numbers: every non-empty cell parses as one.
    let numeric: Vec<bool> = columns
        .iter()
        .map(|(key, _, all)| match all {
            Some(i) if !key.ends_with(".src") => {
                rows.iter().any(|r| !cell(r, *i).is_empty())
                    && rows.iter().all(|r| {
                        let c = cell(r, *i);
                        c.is_empty() || number(&c).is_some()
                    })
            }
            _ => false,
        })
        .collect();
    // Images: `x.src` with `x.alt` (or `x.alt.<lang>`) is one column `x` of images.
    let image_base = |key: &str| -> Option<String> {
        let base = key.strip_suffix(".src")?;
        Some(base.to_string())
    };
    let image_columns: Vec<String> = columns
        .iter()
        .filter_map(|(key, _, _)| image_base(key))
        .collect();
    let is_alt_of_image = |key: &str| {
        key.strip_suffix(".alt")
            .is_some_and(|base| image_columns.iter().any(|b| b == base))
    };
    // The cell of a column in `lang` (its own column, or the first language's that has one).
    let cell_in =
        |row: &GridRow, by_lang: &BTreeMap<String, usize>, all: Option<usize>, lang: &str| {
            let i = all
                .or_else(|| {
                    std::iter::once(lang)
                        .chain(languages.iter().map(String::as_str))
                        .find_map(|l| by_lang.get(l).copied())
                })
                .unwrap_or(0);
            cell(row, i)
        };
    let alt_column = |base: &str| {
        columns
            .iter()
            .find(|(key, _, _)| *key == format!("{base}.alt"))
    };
    let mut images = Vec::new();
    for row in rows {
        for (key, _, all) in &columns {
            let (Some(base), Some(i)) = (image_base(key), all) else {
                continue;
            };
            let alt = match alt_column(&base) {
                Some((_, by_lang, all)) => languages
                    .iter()
                    .map(|l| (l.clone(), cell_in(row, by_lang, *all, l)))
                    .filter(|(_, a)| !a.is_empty())
                    .collect(),
                None => BTreeMap::new(),
            };
            let (text, span) = cell_place(row, *i).text_span();
            images.push(RecordImage {
                src: cell(row, *i),
                alt,
                file: src.file.clone(),
                text,
                span: span.start..span.end.max(span.start + 1),
            });
        }
    }
    // The facts `table::check` reads: the first line, and each cell where it is written.
    let first_of = |by_lang: &BTreeMap<String, usize>, all: Option<usize>| {
        all.or_else(|| by_lang.values().min().copied()).unwrap_or(0)
    };
    let shown: Vec<&(String, BTreeMap<String, usize>, Option<usize>)> = columns
        .iter()
        .filter(|(key, _, _)| !is_alt_of_image(key))
        .collect();
    let header_place = |i: usize| grid.headers[i].1.clone();
    let header_facts = shown
        .iter()
        .map(|(key, by_lang, all)| {
            let key = image_base(key).unwrap_or_else(|| key.clone());
            Column::header(key, header_place(first_of(by_lang, *all)))
        })
        .collect();
    let row_facts = rows
        .iter()
        .map(|row| Row {
            place: row.place.clone(),
            cells: shown
                .iter()
                .map(|(key, by_lang, all)| {
                    let first = first_of(by_lang, *all);
                    let raw = match (image_base(key), all) {
                        (Some(_), _) => Raw::Other,
                        (None, Some(i)) => Raw::Text(cell(row, *i)),
                        (None, None) => Raw::Texts(
                            by_lang
                                .iter()
                                .map(|(l, i)| (l.clone(), cell(row, *i), cell_place(row, *i)))
                                .collect(),
                        ),
                    };
                    let key = image_base(key).unwrap_or_else(|| key.clone());
                    let c = Cell {
                        raw,
                        place: cell_place(row, first),
                    };
                    (key, header_place(first), c)
                })
                .collect(),
        })
        .collect();
    let facts = TableFacts {
        declared: Vec::new(),
        header: Some(header_facts),
        rows: row_facts,
        rows_place: grid.start.clone(),
        rows_from_grid: true,
        chart: Vec::new(),
        compare: None,
        sheet: None,
    };
    let by_lang = languages
        .iter()
        .map(|lang| {
            let cols: Vec<Json> = columns
                .iter()
                .zip(&numeric)
                .filter(|((key, _, _), _)| !is_alt_of_image(key))
                .map(|((key, _, _), numeric)| {
                    let mut c = Map::new();
                    let shown = image_base(key).unwrap_or_else(|| key.clone());
                    c.insert("key".into(), Json::String(shown.clone()));
                    c.insert("label".into(), Json::String(shown));
                    if *numeric {
                        c.insert("numeric".into(), Json::Bool(true));
                    }
                    if image_base(key).is_some() {
                        c.insert("image".into(), Json::Bool(true));
                    }
                    Json::Object(c)
                })
                .collect();
            let mut image_index = 0;
            let rows: Vec<Json> = rows
                .iter()
                .map(|row| {
                    let mut map = Map::new();
                    for ((key, by_lang, all), numeric) in columns.iter().zip(&numeric) {
                        if is_alt_of_image(key) {
                            continue;
                        }
                        // A language without its column (allowed by a flag) shows the first
                        // language of config.toml that has one.
                        let c = cell_in(row, by_lang, *all, lang);
                        if let Some(base) = image_base(key) {
                            let alt = images[image_index].alt_in(lang, languages).to_string();
                            let mut image = Map::new();
                            image.insert("src".into(), Json::String(c));
                            image.insert("alt".into(), Json::String(alt));
                            image.insert("image".into(), Json::from(image_index));
                            image_index += 1;
                            map.insert(base, Json::Object(image));
                            continue;
                        }
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
        images,
        table: Some(facts),
    })
}

/// `1234`, `-5`, `12.5`, `1,234` (thousands separators) as a JSON number: read as the record
/// checks read it ([`table::parse_number`]), kept whole where it is whole.
fn number(cell: &str) -> Option<Json> {
    let value = table::parse_number(cell)?;
    if let Ok(i) = cell.trim().replace(',', "").parse::<i64>() {
        return Some(Json::from(i));
    }
    Number::from_f64(value).map(Json::Number)
}

/// Two records of one name (`visitors.toml` and `visitors.csv`) as one: the TOML record with the
/// CSV's rows. (Two files of one name and kind cannot exist, so there is no other pair.)
pub fn combine(a: Record, b: Record) -> Record {
    let (mut toml, csv) = if !a.file.ends_with(".toml") {
        (b, a)
    } else {
        (a, b)
    };
    toml.missing.extend(csv.missing.iter().cloned());
    // The TOML's columns and chart, checked against the CSV's first line and cells.
    toml.table = match (toml.table.take(), csv.table.clone()) {
        (Some(facts), Some(grid)) => Some(facts.with_grid(grid)),
        (None, grid) => grid,
        (facts, None) => facts,
    };
    merge_csv(&mut toml, csv);
    toml
}

/// A TOML record and a CSV record of the same name: the TOML's fields (title, labelled columns,
/// chart), the CSV's rows; the CSV's columns when the TOML names none.
fn merge_csv(toml: &mut Record, csv: Record) {
    // The CSV's images follow the TOML's: their marks move up by as many.
    let offset = toml.images.len();
    toml.images.extend(csv.images);
    for (lang, mut data) in csv.by_lang {
        shift_image_marks(&mut data, offset);
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

fn shift_image_marks(value: &mut Json, by: usize) {
    match value {
        Json::Object(map) => {
            if let (Some(Json::Number(n)), true) = (map.get("image"), map.contains_key("src")) {
                let n = n.as_u64().unwrap_or(0) as usize + by;
                map.insert("image".into(), Json::from(n));
                return;
            }
            for v in map.values_mut() {
                shift_image_marks(v, by);
            }
        }
        Json::Array(items) => {
            for v in items {
                shift_image_marks(v, by);
            }
        }
        _ => {}
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
            bytes: None,
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
            bytes: None,
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
