//! Table records checked against their own columns. A table record (a TOML record with
//! `[[columns]]`, a CSV or a spreadsheet, or a TOML record with the rows of a CSV beside it) is
//! first gathered as `TableFacts`: its declared columns, the first line of its CSV, its rows and
//! its chart's keys, each with the place it is written. `check` then finds every mistake at that
//! place (a TOML value, a CSV cell, a sheet's cell `B7`), with the known columns and a "did you
//! mean", and yields the typed numbers and totals that the model shows.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::error::{closest, Diagnostic};
use crate::numbers::{format_number, unit_of, NumberFormat, Unit};

/// The file a place is in: its text (TOML, CSV) or, for a spreadsheet, the sheet read.
#[derive(Debug)]
pub struct Origin {
    pub file: String,
    pub text: Option<Arc<str>>,
    pub sheet: Option<String>,
}

/// Where something is written: a span of a text, or a cell of a sheet.
#[derive(Clone, Debug)]
pub struct Place {
    pub origin: Arc<Origin>,
    at: At,
}

#[derive(Clone, Debug)]
enum At {
    Span(Range<usize>),
    /// `B7`.
    Cell(String),
}

impl Place {
    pub fn span(origin: &Arc<Origin>, span: Range<usize>) -> Place {
        Place {
            origin: origin.clone(),
            at: At::Span(span),
        }
    }

    /// The cell of a sheet at `row` and `column`, both counted from 0 (`B7` is row 6, column 1).
    pub fn cell(origin: &Arc<Origin>, row: u32, column: u32) -> Place {
        Place {
            origin: origin.clone(),
            at: At::Cell(format!("{}{}", column_letters(column), row + 1)),
        }
    }

    pub fn file(&self) -> &str {
        &self.origin.file
    }

    /// The text and span of a place in a text (an empty text for a sheet's cell).
    pub fn text_span(&self) -> (Arc<str>, Range<usize>) {
        match (&self.at, &self.origin.text) {
            (At::Span(span), Some(text)) => (text.clone(), span.clone()),
            _ => (Arc::from(""), 0..0),
        }
    }

    /// An error here.
    pub fn error(&self, message: impl Into<String>) -> Diagnostic {
        let d = Diagnostic::error(&self.origin.file, message);
        match (&self.at, &self.origin.text, &self.origin.sheet) {
            (At::Span(span), Some(text), _) => d.at(text, span.clone()),
            (At::Cell(cell), _, Some(sheet)) => d.in_cell(sheet, cell),
            _ => d,
        }
    }
}

/// `A`, `B`, … `Z`, `AA`: a spreadsheet's name of a column counted from 0.
pub fn column_letters(mut column: u32) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (column % 26) as u8);
        if column < 26 {
            break;
        }
        column = column / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// A cell as written, before the column says what it must be.
#[derive(Clone, Debug)]
pub enum Raw {
    /// A number as such: a TOML integer or float, a spreadsheet's number.
    Number(f64),
    /// One text for every language (a TOML string, a CSV cell).
    Text(String),
    /// A text per language, each with its place.
    Texts(Vec<(String, String, Place)>),
    /// Anything else (an image, a list): not a number and not a text to translate.
    Other,
}

#[derive(Clone, Debug)]
pub struct Cell {
    pub raw: Raw,
    pub place: Place,
}

#[derive(Clone, Debug)]
pub struct Row {
    /// The whole row (a `[[rows]]` table, a CSV line), for what it lacks.
    pub place: Place,
    /// Each key the row sets, where the key is written, and its cell.
    pub cells: Vec<(String, Place, Cell)>,
}

/// A computed total: `total = true` (computed) or `total = 1234` (computed and compared).
#[derive(Clone, Debug)]
pub enum Total {
    Computed,
    Stated(f64, Place),
}

#[derive(Clone, Debug)]
pub struct Column {
    pub key: String,
    pub place: Place,
    /// Declared `numeric = …`; otherwise the cells decide.
    pub numeric: Option<bool>,
    pub optional: bool,
    pub format: NumberFormat,
    pub total: Option<Total>,
}

impl Column {
    pub fn header(key: String, place: Place) -> Column {
        Column {
            key,
            place,
            numeric: None,
            optional: false,
            format: NumberFormat::default(),
            total: None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartRole {
    Label,
    Value,
}

/// Everything about a table record that `check` looks at, each part where it is written.
#[derive(Clone, Debug)]
pub struct TableFacts {
    /// `[[columns]]` of a TOML record.
    pub declared: Vec<Column>,
    /// The first line of a CSV (or a sheet), when the rows come from one.
    pub header: Option<Vec<Column>>,
    pub rows: Vec<Row>,
    /// Where the rows are (the first line of a CSV, `[[columns]]` of a TOML record without
    /// rows), for a record that has none.
    pub rows_place: Place,
    pub rows_from_grid: bool,
    pub chart: Vec<(ChartRole, String, Place)>,
    /// `compare = "previous"` and `row_key`: the previous edition's values beside these.
    pub compare: Option<(String, Place)>,
    /// `sheet = "…"`: the sheet of the spreadsheet beside the TOML record that holds the rows.
    pub sheet: Option<(String, Place)>,
}

impl TableFacts {
    /// A CSV's (or sheet's) facts under a TOML record's: its columns, the grid's rows.
    pub fn with_grid(mut self, grid: TableFacts) -> TableFacts {
        self.header = grid.header;
        self.rows = grid.rows;
        self.rows_place = grid.rows_place;
        self.rows_from_grid = true;
        self
    }
}

/// A column as checked: what the model needs to show and total it.
#[derive(Clone, Debug)]
pub struct CheckedColumn {
    pub key: String,
    pub numeric: bool,
    pub optional: bool,
    pub format: NumberFormat,
    /// The sum of the rows, when the column asks for a total.
    pub total: Option<f64>,
}

/// A table as checked: its columns and, for each row, the number of each numeric column
/// (`None` for an optional cell left empty).
#[derive(Clone, Debug)]
pub struct CheckedTable {
    pub columns: Vec<CheckedColumn>,
    pub numbers: Vec<BTreeMap<String, Option<f64>>>,
    pub compare: Option<String>,
}

/// Keys a table record may have at its top level.
const TABLE_KEYS: [&str; 11] = [
    "title",
    "note",
    "source_pages",
    "columns",
    "rows",
    "chart",
    "compare",
    "row_key",
    "sheet",
    "id",
    "anchor",
];
/// Keys of a `[[columns]]` entry.
const COLUMN_KEYS: [&str; 7] = [
    "key", "label", "numeric", "optional", "unit", "decimals", "total",
];
/// Keys of `[chart]` (the drawing's own settings are read by `chart.rs`).
const CHART_KEYS: [&str; 4] = ["kind", "label", "values", "title"];

/// The largest whole number an f64 holds exactly: a figure beyond it would be written wrong.
const EXACT_LIMIT: f64 = 9_007_199_254_740_992.0;

fn did_you_mean<'a>(wanted: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    closest(wanted, known)
        .map(|k| format!("did you mean `{k}`? "))
        .unwrap_or_default()
}

fn listed<'a>(known: impl IntoIterator<Item = &'a str>) -> String {
    known
        .into_iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The facts of a TOML record that is a table (one with `[[columns]]`, or with `[chart]`, or
/// the TOML beside a CSV), and the mistakes of its shape: unknown keys, values of the wrong
/// kind. `None` for a record that is not a table.
pub fn from_toml(
    root: &DeTable,
    origin: &Arc<Origin>,
    languages: &[String],
    beside_grid: bool,
    out: &mut Vec<Diagnostic>,
) -> Option<TableFacts> {
    let columns = root.get("columns");
    let sheet = root.get("sheet");
    if columns.is_none() && root.get("chart").is_none() && sheet.is_none() && !beside_grid {
        return None;
    }
    let place = |s: Range<usize>| Place::span(origin, s);
    for (key, _) in root.iter() {
        let k = key.get_ref().as_ref();
        if !TABLE_KEYS.contains(&k) {
            out.push(
                place(key.span())
                    .error(format!("a table record has no key `{k}`"))
                    .help(format!(
                        "{}a table record has {}",
                        did_you_mean(k, TABLE_KEYS),
                        listed(TABLE_KEYS)
                    )),
            );
        }
    }
    let mut declared = Vec::new();
    match columns.map(|c| (c.get_ref(), c.span())) {
        Some((DeValue::Array(items), _)) => {
            for item in items.iter() {
                let DeValue::Table(table) = item.get_ref() else {
                    out.push(place(item.span()).error("a column is a table of `key`, `label` and its settings").help("write each column as `[[columns]]` followed by `key = \"…\"` and `label = { … }`"));
                    continue;
                };
                if let Some(c) = column(table, item.span(), origin, languages, out) {
                    declared.push(c);
                }
            }
        }
        Some((_, span)) => out.push(
            place(span)
                .error("`columns` is a list of tables")
                .help("write each column as `[[columns]]` followed by `key = \"…\"`"),
        ),
        None => {}
    }
    let mut chart = Vec::new();
    if let Some(c) = root.get("chart") {
        match c.get_ref() {
            DeValue::Table(table) => {
                for (key, value) in table.iter() {
                    let k = key.get_ref().as_ref();
                    match (k, value.get_ref()) {
                        ("label", DeValue::String(s)) => {
                            chart.push((ChartRole::Label, s.to_string(), place(value.span())))
                        }
                        ("label", _) => out.push(
                            place(value.span())
                                .error("the chart's `label` is the key of a column")
                                .help("e.g. `label = \"item\"`"),
                        ),
                        ("values", DeValue::Array(items)) => {
                            for v in items.iter() {
                                match v.get_ref() {
                                    DeValue::String(s) => chart.push((
                                        ChartRole::Value,
                                        s.to_string(),
                                        place(v.span()),
                                    )),
                                    _ => out.push(
                                        place(v.span())
                                            .error("each of the chart's `values` is the key of a column")
                                            .help("e.g. `values = [\"actual\", \"planned\"]`"),
                                    ),
                                }
                            }
                        }
                        ("values", _) => out.push(
                            place(value.span())
                                .error("the chart's `values` is a list of column keys")
                                .help("e.g. `values = [\"actual\"]`"),
                        ),
                        (k, _) if !CHART_KEYS.contains(&k) => out.push(
                            place(key.span())
                                .error(format!("a chart has no key `{k}`"))
                                .help(format!(
                                    "{}a chart has {}",
                                    did_you_mean(k, CHART_KEYS),
                                    listed(CHART_KEYS)
                                )),
                        ),
                        _ => {}
                    }
                }
            }
            _ => out.push(place(c.span()).error("`chart` is a table").help(
                "write `[chart]` on its own line, then `label = \"…\"` and `values = [\"…\"]`",
            )),
        }
    }
    let mut rows = Vec::new();
    if let Some(r) = root.get("rows") {
        match r.get_ref() {
            DeValue::Array(items) => {
                for item in items.iter() {
                    match item.get_ref() {
                        DeValue::Table(table) => rows.push(Row {
                            place: place(item.span()),
                            cells: table
                                .iter()
                                .map(|(k, v)| {
                                    (
                                        k.get_ref().to_string(),
                                        place(k.span()),
                                        toml_cell(v, origin, languages),
                                    )
                                })
                                .collect(),
                        }),
                        _ => out.push(
                            place(item.span())
                                .error("a row is a table of its columns' values")
                                .help(
                                    "write each row as `[[rows]]` followed by `key = value` lines",
                                ),
                        ),
                    }
                }
            }
            _ => out.push(
                place(r.span())
                    .error("`rows` is a list of tables")
                    .help("write each row as `[[rows]]` followed by `key = value` lines"),
            ),
        }
    }
    let compare = match (root.get("compare"), root.get("row_key")) {
        (None, None) => None,
        (Some(c), key) => match (c.get_ref(), key.map(|k| (k.get_ref(), k.span()))) {
            (DeValue::String(s), Some((DeValue::String(k), span))) if s.as_ref() == "previous" => {
                Some((k.to_string(), place(span)))
            }
            (DeValue::String(s), _) if s.as_ref() != "previous" => {
                out.push(
                    place(c.span())
                        .error(format!("`compare = \"{s}\"` is not a comparison nenpo makes"))
                        .help("write `compare = \"previous\"` to show the previous edition's values beside these"),
                );
                None
            }
            _ => {
                out.push(
                    place(c.span())
                        .error("a comparison needs the column that tells rows apart")
                        .help("add `row_key = \"<key of a column>\"` next to `compare = \"previous\"`: rows of the two editions with the same text there are compared"),
                );
                None
            }
        },
        (None, Some(k)) => {
            out.push(
                place(k.span())
                    .error("`row_key` is for a comparison")
                    .help("add `compare = \"previous\"`, or remove `row_key`"),
            );
            None
        }
    };
    let rows_place = columns.or(root.get("rows")).map_or(place(0..0), |c| {
        let s = c.span();
        place(s.start..s.start)
    });
    let sheet = sheet.and_then(|v| match v.get_ref() {
        DeValue::String(s) => Some((s.to_string(), place(v.span()))),
        _ => {
            out.push(
                place(v.span())
                    .error("`sheet` is the name of a sheet of the spreadsheet beside this record")
                    .help("e.g. `sheet = \"Grants\"`; without it the first sheet is read"),
            );
            None
        }
    });
    Some(TableFacts {
        declared,
        header: None,
        rows,
        rows_place,
        rows_from_grid: false,
        chart,
        compare,
        sheet,
    })
}

/// A `[[columns]]` entry: its key, its settings, each checked.
fn column(
    table: &DeTable,
    span: Range<usize>,
    origin: &Arc<Origin>,
    languages: &[String],
    out: &mut Vec<Diagnostic>,
) -> Option<Column> {
    let place = |s: Range<usize>| Place::span(origin, s);
    for (key, _) in table.iter() {
        let k = key.get_ref().as_ref();
        if !COLUMN_KEYS.contains(&k) {
            out.push(
                place(key.span())
                    .error(format!("a column has no key `{k}`"))
                    .help(format!(
                        "{}a column has {}",
                        did_you_mean(k, COLUMN_KEYS),
                        listed(COLUMN_KEYS)
                    )),
            );
        }
    }
    let flag = |name: &str, out: &mut Vec<Diagnostic>| -> Option<bool> {
        let v = table.get(name)?;
        match v.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            _ => {
                out.push(
                    place(v.span())
                        .error(format!("`{name}` is true or false"))
                        .help(format!("write `{name} = true` (without quotes)")),
                );
                None
            }
        }
    };
    let numeric = flag("numeric", out);
    let optional = flag("optional", out).unwrap_or(false);
    let decimals = table.get("decimals").and_then(|v| match v.get_ref() {
        DeValue::Integer(i) => match i.as_str().parse::<u8>() {
            Ok(d) if d <= 10 => Some(d),
            _ => {
                out.push(place(v.span()).error("`decimals` is how many digits follow the decimal sign, from 0 to 10").help("e.g. `decimals = 1` shows 12.5"));
                None
            }
        },
        _ => {
            out.push(
                place(v.span())
                    .error("`decimals` is a whole number, like 1")
                    .help("e.g. `decimals = 1` shows 12.5"),
            );
            None
        }
    });
    let unit = table
        .get("unit")
        .and_then(|v| unit(v, origin, languages, out));
    let total = table.get("total").and_then(|v| match v.get_ref() {
        DeValue::Boolean(true) => Some(Total::Computed),
        DeValue::Boolean(false) => None,
        DeValue::Integer(_) | DeValue::Float(_) => {
            toml_number(v.get_ref()).map(|n| Total::Stated(n, place(v.span())))
        }
        _ => {
            out.push(
                place(v.span())
                    .error("`total` is true, or the total the source states")
                    .help("`total = true` adds a row with the sum; `total = 1234` also checks that the rows add up to 1234"),
            );
            None
        }
    });
    let Some(key) = table.get("key") else {
        out.push(
            place(span.start..span.start)
                .error("this column has no `key`")
                .help("add `key = \"…\"`, the name its rows use for it"),
        );
        return None;
    };
    let DeValue::String(name) = key.get_ref() else {
        out.push(
            place(key.span())
                .error("a column's `key` is a text")
                .help("e.g. `key = \"count\"`"),
        );
        return None;
    };
    Some(Column {
        key: name.to_string(),
        place: place(key.span()),
        numeric,
        optional,
        format: NumberFormat { unit, decimals },
        total,
    })
}

/// `unit = "EUR"` (ISO 4217), `"%"`, a text, or a text per language.
fn unit(
    v: &Spanned<DeValue>,
    origin: &Arc<Origin>,
    languages: &[String],
    out: &mut Vec<Diagnostic>,
) -> Option<Unit> {
    let place = Place::span(origin, v.span());
    match v.get_ref() {
        DeValue::String(s) if !s.trim().is_empty() => Some(unit_of(s, languages)),
        DeValue::Table(t) if t.keys().all(|k| languages.iter().any(|l| l == k.get_ref())) => {
            Some(Unit::Text(
                t.iter()
                    .filter_map(|(k, v)| match v.get_ref() {
                        DeValue::String(s) => Some((k.get_ref().to_string(), s.to_string())),
                        _ => None,
                    })
                    .collect(),
            ))
        }
        _ => {
            out.push(place.error("a unit is a currency code, \"%\" or a text").help(
                "e.g. `unit = \"EUR\"`, `unit = \"%\"` or `unit = { ja = \"件\", en = \"cases\" }`",
            ));
            None
        }
    }
}

fn toml_number(v: &DeValue) -> Option<f64> {
    match v {
        DeValue::Integer(i) => i64::from_str_radix(&i.as_str().replace('_', ""), i.radix())
            .ok()
            .map(|n| n as f64),
        DeValue::Float(f) => f.as_str().replace('_', "").parse::<f64>().ok(),
        _ => None,
    }
}

fn toml_cell(v: &Spanned<DeValue>, origin: &Arc<Origin>, languages: &[String]) -> Cell {
    let place = Place::span(origin, v.span());
    let raw = match v.get_ref() {
        DeValue::Integer(_) | DeValue::Float(_) => match toml_number(v.get_ref()) {
            Some(n) => Raw::Number(n),
            None => Raw::Other,
        },
        DeValue::String(s) => Raw::Text(s.to_string()),
        DeValue::Table(t)
            if !t.is_empty() && t.keys().all(|k| languages.iter().any(|l| l == k.get_ref())) =>
        {
            Raw::Texts(
                t.iter()
                    .map(|(k, v)| {
                        let text = match v.get_ref() {
                            DeValue::String(s) => s.to_string(),
                            _ => "?".to_string(),
                        };
                        (k.get_ref().to_string(), text, Place::span(origin, v.span()))
                    })
                    .collect(),
            )
        }
        _ => Raw::Other,
    };
    Cell { raw, place }
}

/// `1234`, `-5`, `12.5`, `1,234` (thousands separators): a number written as text in a CSV cell
/// (or a TOML string).
pub fn parse_number(cell: &str) -> Option<f64> {
    let cell = cell.trim();
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
    let digits = plain.strip_prefix('-').unwrap_or(&plain);
    if digits.is_empty()
        || !digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        || !digits.bytes().any(|b| b.is_ascii_digit())
    {
        return None;
    }
    plain.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// A cell that looks like a number but means none: `NaN`, `inf`, `-Infinity`.
fn not_a_real_number(text: &str) -> bool {
    let t = text
        .trim()
        .trim_start_matches(['-', '+'])
        .to_ascii_lowercase();
    matches!(t.as_str(), "nan" | "inf" | "infinity")
}

/// What a column is, as an editor would say it: "a whole number, like 12".
fn expected(column: &Column, whole: bool) -> String {
    match (&column.format.unit, whole) {
        (Some(Unit::Percent), _) => "a percentage written as a number, like 12.5".into(),
        (Some(Unit::Currency(code)), _) => {
            format!("an amount in {code} written as a number, like 1200")
        }
        (_, true) => "a whole number, like 12".into(),
        (_, false) => "a number, like 12 or 12.5".into(),
    }
}

/// Every mistake of a table, each where it is written: errors, and the texts without every
/// language (`missing`, for the build to decide). The checked table when there are no errors.
pub fn check(
    facts: &TableFacts,
    languages: &[String],
) -> (Vec<Diagnostic>, Vec<Diagnostic>, Option<CheckedTable>) {
    let mut errors = Vec::new();
    let mut missing = Vec::new();
    // The columns: those declared, and the CSV's first line must name the same.
    let columns: Vec<Column> = match (&facts.header, facts.declared.is_empty()) {
        (Some(header), true) => header.clone(),
        // A chart over rows without `[[columns]]`: the rows' keys are its columns.
        (None, true) => {
            let mut implicit: Vec<Column> = Vec::new();
            for (key, place, _) in facts.rows.iter().flat_map(|r| &r.cells) {
                if !implicit.iter().any(|c| c.key == *key) {
                    let mut c = Column::header(key.clone(), place.clone());
                    c.optional = true;
                    implicit.push(c);
                }
            }
            implicit
        }
        (header, _) => {
            if let Some(header) = header {
                let declared: Vec<&str> = facts.declared.iter().map(|c| c.key.as_str()).collect();
                for h in header {
                    if !declared.contains(&h.key.as_str()) {
                        let toml = facts.declared[0].place.file().to_string();
                        errors.push(
                            h.place
                                .error(format!("`{}` is not a column of {toml}", h.key))
                                .help(format!(
                                    "{}the columns are {}; rename this one, or declare it in {toml} with `[[columns]] key = \"{}\"`",
                                    did_you_mean(&h.key, declared.iter().copied()),
                                    listed(declared.iter().copied()),
                                    h.key
                                )),
                        );
                    }
                }
                let headers: Vec<&str> = header.iter().map(|c| c.key.as_str()).collect();
                for c in &facts.declared {
                    if !headers.contains(&c.key.as_str()) {
                        let grid = facts.rows_place.file().to_string();
                        errors.push(
                            c.place
                                .error(format!("{grid} has no column `{}`", c.key))
                                .help(format!(
                                    "{}its first line names {}; add the column there, or remove this `[[columns]]` entry",
                                    did_you_mean(&c.key, headers.iter().copied()),
                                    listed(headers.iter().copied())
                                )),
                        );
                    }
                }
            }
            facts.declared.clone()
        }
    };
    let keys: Vec<&str> = columns.iter().map(|c| c.key.as_str()).collect();
    if facts.rows.is_empty() {
        let message = if facts.rows_from_grid {
            "this table has only its first line: it has no rows"
        } else {
            "this table has no rows"
        };
        errors.push(facts.rows_place.error(message).help(if facts.rows_from_grid {
            "add a line per row under the first line, or remove the file"
        } else {
            "add the rows, each `[[rows]]` followed by a value per column, or remove `[[columns]]`"
        }));
    }
    // Rows of a TOML record: every key a column, every column there.
    if !facts.rows_from_grid {
        for row in &facts.rows {
            for (key, place, _) in &row.cells {
                if !keys.contains(&key.as_str()) {
                    errors.push(
                        place
                            .error(format!("`{key}` is not a column of this table"))
                            .help(format!(
                                "{}the columns are {}",
                                did_you_mean(key, keys.iter().copied()),
                                listed(keys.iter().copied())
                            )),
                    );
                }
            }
            for c in &columns {
                if !c.optional && !row.cells.iter().any(|(k, _, _)| *k == c.key) {
                    let start = match &row.place.at {
                        At::Span(s) => s.start..s.start,
                        At::Cell(_) => 0..0,
                    };
                    errors.push(
                        Place::span(&row.place.origin, start)
                            .error(format!("this row has no `{}`", c.key))
                            .help(format!(
                                "add `{} = …` to the row, or write `optional = true` in its column when a row may leave it empty",
                                c.key
                            )),
                    );
                }
            }
        }
    }
    fn cells_of<'a>(facts: &'a TableFacts, key: &'a str) -> impl Iterator<Item = Option<&'a Cell>> {
        facts
            .rows
            .iter()
            .map(move |r| r.cells.iter().find(|(k, _, _)| k == key).map(|(_, _, c)| c))
    }
    let charted = |key: &str| {
        facts
            .chart
            .iter()
            .any(|(role, k, _)| *role == ChartRole::Value && k == key)
    };
    let mut checked = Vec::new();
    let mut numbers: Vec<BTreeMap<String, Option<f64>>> = vec![BTreeMap::new(); facts.rows.len()];
    for c in &columns {
        // A column is numeric when it says so, when its settings are a number's, when a chart
        // draws it, or when most of its cells are numbers (a slip in one is then an error).
        let (mut as_numbers, mut as_texts) = (0, 0);
        for cell in cells_of(facts, &c.key).flatten() {
            match &cell.raw {
                Raw::Number(_) => as_numbers += 1,
                Raw::Text(t) if t.trim().is_empty() => {}
                Raw::Text(t)
                    if facts.rows_from_grid
                        && (parse_number(t).is_some() || not_a_real_number(t)) =>
                {
                    as_numbers += 1
                }
                Raw::Text(_) | Raw::Texts(_) => as_texts += 1,
                Raw::Other => {}
            }
        }
        let numeric = c.numeric.unwrap_or(
            c.format.unit.is_some()
                || c.format.decimals.is_some()
                || c.total.is_some()
                || charted(&c.key)
                || (as_numbers > 0 && as_numbers > as_texts),
        );
        if !numeric {
            for cell in cells_of(facts, &c.key).flatten() {
                match &cell.raw {
                    Raw::Text(t) if t.trim().is_empty() => missing.push(
                        cell.place
                            .error(format!("this `{}` text is empty", c.key))
                            .help(format!(
                                "write the text in every language ({}); an empty cell leaves a gap in the table",
                                languages.join(", ")
                            )),
                    ),
                    Raw::Texts(texts) => {
                        for (lang, text, place) in texts {
                            if text.trim().is_empty() {
                                missing.push(
                                    place
                                        .error(format!("the {lang} text of `{}` is empty", c.key))
                                        .help(format!("write the {lang} text, or mark it for later with `--allow-missing-translations`")),
                                );
                            }
                        }
                    }
                    _ => {}
                }
            }
            checked.push(CheckedColumn {
                key: c.key.clone(),
                numeric: false,
                optional: c.optional,
                format: c.format.clone(),
                total: None,
            });
            continue;
        }
        let whole = cells_of(facts, &c.key)
            .flatten()
            .all(|cell| match &cell.raw {
                Raw::Number(n) => n.fract() == 0.0,
                Raw::Text(t) => parse_number(t).is_none_or(|n| n.fract() == 0.0),
                _ => true,
            })
            && c.format.decimals.is_none_or(|d| d == 0);
        let mut sum = 0.0;
        for (i, cell) in cells_of(facts, &c.key).enumerate() {
            let Some(cell) = cell else {
                numbers[i].insert(c.key.clone(), None);
                continue;
            };
            let value = match &cell.raw {
                Raw::Number(n) => Ok(Some(*n)),
                Raw::Text(t) if t.trim().is_empty() => {
                    if c.optional {
                        Ok(None)
                    } else {
                        Err(cell
                            .place
                            .error(format!("this `{}` is empty", c.key))
                            .help(format!(
                                "write the figure, {}; when the source gives none, write `optional = true` in the column `{}` and the table shows a dash",
                                expected(c, whole),
                                c.key
                            )))
                    }
                }
                Raw::Text(t) if not_a_real_number(t) => Err(cell
                    .place
                    .error(format!("`{}` is not a number a reader can use", t.trim()))
                    .help(format!("write the figure itself, {}", expected(c, whole)))),
                Raw::Text(t) => match parse_number(t) {
                    Some(n) => Ok(Some(n)),
                    None => Err(cell
                        .place
                        .error(format!(
                            "`{}` in the column `{}` is not a number",
                            t.trim(),
                            c.key
                        ))
                        .help(format!(
                            "expected {}; write it without units or spaces (the column's unit is shown for it)",
                            expected(c, whole)
                        ))),
                },
                Raw::Texts(_) => Err(cell
                    .place
                    .error(format!("`{}` is a column of numbers: this is a text", c.key))
                    .help(format!(
                        "a number is the same in every language: write it once, {}",
                        expected(c, whole)
                    ))),
                Raw::Other => Err(cell
                    .place
                    .error(format!("`{}` is a column of numbers", c.key))
                    .help(format!("expected {}", expected(c, whole)))),
            };
            match value {
                Ok(Some(n)) if n.abs() > EXACT_LIMIT => errors.push(
                    cell.place
                        .error("this number is too large to be written exactly")
                        .help("figures up to 9,007,199,254,740,992 are written exactly; give larger ones in a larger unit (thousands, millions) and say so in the column's label"),
                ),
                Ok(v) => {
                    sum += v.unwrap_or(0.0);
                    numbers[i].insert(c.key.clone(), v);
                }
                Err(d) => errors.push(d),
            }
        }
        let total = match &c.total {
            None => None,
            Some(Total::Computed) => Some(sum),
            Some(Total::Stated(stated, place)) => {
                // Compared as written: to the column's decimals, or to the digits the rows have.
                let digits = c.format.decimals.map_or(6, i32::from);
                let scale = 10f64.powi(digits);
                if (sum * scale).round() != (stated * scale).round() {
                    let format = NumberFormat {
                        unit: None,
                        decimals: c.format.decimals,
                    };
                    errors.push(
                        place
                            .error(format!(
                                "the rows of `{}` add up to {}, not {}",
                                c.key,
                                format_number(sum, &format, "en"),
                                format_number(*stated, &format, "en")
                            ))
                            .help("correct the figure here or the row that is wrong; `total = true` shows the sum without a stated figure"),
                    );
                }
                Some(sum)
            }
        };
        checked.push(CheckedColumn {
            key: c.key.clone(),
            numeric: true,
            optional: c.optional,
            format: c.format.clone(),
            total,
        });
    }
    // The chart draws declared columns; its values are numbers.
    for (role, key, place) in &facts.chart {
        match checked.iter().find(|c| c.key == *key) {
            None => errors.push(
                place
                    .error(format!("the chart's `{key}` is not a column of this table"))
                    .help(format!(
                        "{}the columns are {}",
                        did_you_mean(key, keys.iter().copied()),
                        listed(keys.iter().copied())
                    )),
            ),
            Some(c) if *role == ChartRole::Value && !c.numeric => errors.push(
                place
                    .error(format!("the chart draws `{key}`, a column of texts"))
                    .help("a chart's `values` are columns of numbers; write `numeric = true` in the column, or draw another"),
            ),
            _ => {}
        }
    }
    if let Some((key, place)) = &facts.compare {
        if !keys.contains(&key.as_str()) {
            errors.push(
                place
                    .error(format!("`{key}` is not a column of this table"))
                    .help(format!(
                        "{}`row_key` names the column whose text tells rows apart: {}",
                        did_you_mean(key, keys.iter().copied()),
                        listed(keys.iter().copied())
                    )),
            );
        }
    }
    let table = errors.is_empty().then(|| CheckedTable {
        columns: checked,
        numbers,
        compare: facts.compare.as_ref().map(|(k, _)| k.clone()),
    });
    (errors, missing, table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreadsheet_columns_are_lettered() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn numbers_in_text() {
        assert_eq!(parse_number("1,234"), Some(1234.0));
        assert_eq!(parse_number("-5"), Some(-5.0));
        assert_eq!(parse_number("12.5"), Some(12.5));
        assert_eq!(parse_number("48O0"), None);
        assert_eq!(parse_number("NaN"), None);
        assert_eq!(parse_number("-"), None);
        assert_eq!(parse_number("1,23"), None);
    }
}
