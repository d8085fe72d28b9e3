//! Downloads of table records: every table, in every language, as CSV (UTF-8 with a byte-order
//! mark, so that Excel opens Japanese right) and as XLSX (rust_xlsxwriter): the language's
//! column labels, the same rows and total, numbers as numbers, and the source line. `prepare`
//! makes the files before pages are rendered, so that the links under each table (`downloads`
//! in the record) can give their size; `add` puts them among the outputs.

use std::path::Path;

use rayon::prelude::*;
use serde_json::{json, Value as Json};

use crate::error::Diagnostics;
use crate::render::strings::Strings;
use crate::site::Site;
use crate::write::{Contents, Output};

/// Files by their output path.
type Files = Vec<(String, Vec<u8>)>;

/// One cell of a download: a text or a number.
enum Value {
    Text(String),
    Number(f64),
}

/// Makes every table's downloads, keeps them in `site.downloads` and tells each record (in each
/// language) where they are: `downloads = [{format, url, size}]`, addresses from the site root.
/// Without interface strings (a theme missing one), nothing is made: rendering reports that.
pub fn prepare(site: &mut Site, root: &Path, _diags: &mut Diagnostics) {
    let Ok(theme) = crate::theme::load(root, &site.config.theme) else {
        return;
    };
    let Ok(strings) = Strings::load(root, theme.as_deref(), &site.config.languages) else {
        return;
    };
    let config = &site.config;
    // The files of every table in every language, made side by side (a workbook is a zip).
    let jobs: Vec<(&String, &String, &Json)> = site
        .records
        .iter()
        .flat_map(|(id, r)| r.by_lang.iter().map(move |(lang, json)| (id, lang, json)))
        .filter(|(_, _, json)| json.get("body").is_some())
        .collect();
    let made: Vec<(String, String, Json, Files)> = jobs
        .par_iter()
        .filter_map(|(id, lang, json)| {
            let (links, files) = downloads_of(config, id, lang, json, &strings)?;
            Some((id.to_string(), lang.to_string(), links, files))
        })
        .collect();
    let mut files = Vec::new();
    for (id, lang, links, made) in made {
        if let Some(Json::Object(map)) = site
            .records
            .get_mut(&id)
            .and_then(|r| r.by_lang.get_mut(&lang))
        {
            map.insert("downloads".into(), links);
        }
        files.extend(made);
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    site.downloads = files;
}

/// A table's CSV and XLSX in `lang`, and the links to them.
fn downloads_of(
    config: &crate::config::Config,
    id: &str,
    lang: &str,
    json: &Json,
    strings: &Strings,
) -> Option<(Json, Files)> {
    let (edition, local) = match config.editions.as_ref().and_then(|e| e.split(id)) {
        Some((edition, local)) => (Some(edition.to_string()), local.to_string()),
        None => (None, id.to_string()),
    };
    let table = table_of(json)?;
    let title = config.title.get(lang).cloned().unwrap_or_default();
    let edition_label = edition
        .as_deref()
        .zip(config.editions.as_ref())
        .map(|(e, editions)| editions.label(e, lang).to_string());
    let source = source_line(json, strings, lang, &title, edition_label.as_deref());
    let rows = rows_of(json, &table, strings, lang);
    let folder = match &edition {
        Some(e) => format!("{lang}/{e}/data"),
        None => format!("{lang}/data"),
    };
    let name = local.replace('/', "-");
    let csv = csv_bytes(&table.labels, &rows, &source);
    let sheet_name = json.get("title").and_then(Json::as_str).unwrap_or(&name);
    let xlsx = xlsx_bytes(&table.labels, &rows, &source, sheet_name).ok()?;
    let mut links = Vec::new();
    let mut files = Vec::new();
    for (format, ext, bytes) in [("CSV", "csv", csv), ("XLSX", "xlsx", xlsx)] {
        let url = format!("{folder}/{name}.{ext}");
        links.push(json!({
            "format": format,
            "url": url,
            "size": crate::pdf::size(bytes.len() as u64),
        }));
        files.push((url, bytes));
    }
    Some((Json::Array(links), files))
}

/// The downloads among the outputs.
pub fn add(output: &mut Output, site: &Site) {
    for (path, bytes) in &site.downloads {
        output.set(
            path.clone(),
            Contents::Bytes(bytes.clone()),
            "a table's download",
        );
    }
}

/// A checked table's columns: each key, its label in this language, and whether it is numeric.
struct Table {
    keys: Vec<(String, bool)>,
    labels: Vec<String>,
}

fn table_of(json: &Json) -> Option<Table> {
    json.get("body")?;
    let columns = json.get("columns")?.as_array()?;
    let mut keys = Vec::new();
    let mut labels = Vec::new();
    for c in columns {
        let key = c.get("key")?.as_str()?.to_string();
        let numeric = c.get("numeric").and_then(Json::as_bool).unwrap_or(false);
        labels.push(text_of(c.get("label")).unwrap_or_else(|| key.clone()));
        keys.push((key, numeric));
    }
    Some(Table { keys, labels })
}

fn text_of(value: Option<&Json>) -> Option<String> {
    match value? {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        Json::Bool(b) => Some(b.to_string()),
        // An image: its alt text stands for it.
        Json::Object(o) => o.get("alt").and_then(Json::as_str).map(str::to_string),
        _ => None,
    }
}

/// The rows as the table shows them (numbers as numbers), and the total row when it has one.
fn rows_of(json: &Json, table: &Table, strings: &Strings, lang: &str) -> Vec<Vec<Option<Value>>> {
    let mut out: Vec<Vec<Option<Value>>> = json
        .get("rows")
        .and_then(Json::as_array)
        .map(|rows| {
            rows.iter()
                .map(|row| {
                    table
                        .keys
                        .iter()
                        .map(|(key, numeric)| match row.get(key) {
                            Some(Json::Number(n)) if *numeric => n.as_f64().map(Value::Number),
                            other => text_of(other).map(Value::Text),
                        })
                        .collect()
                })
                .collect()
        })
        .unwrap_or_default();
    if let Some(Json::Array(foot)) = json.get("foot") {
        // The foot's cells are written for reading (`€872,250`); the sum itself is recomputed
        // from the rows, as the table's total is.
        let mut total: Vec<Option<Value>> = Vec::new();
        let shown: Vec<&Json> = foot.iter().collect();
        for (i, (key, numeric)) in table.keys.iter().enumerate() {
            if i == 0 {
                let label = strings.get(lang, "table.total").unwrap_or("Total");
                total.push(Some(Value::Text(label.to_string())));
                continue;
            }
            let has_total = shown
                .get(i)
                .and_then(|c| c.get("value"))
                .and_then(Json::as_str)
                .is_some_and(|v| !v.is_empty());
            total.push((*numeric && has_total).then(|| {
                let sum = out
                    .iter()
                    .filter_map(|r| match r.get(i) {
                        Some(Some(Value::Number(n))) => Some(*n),
                        _ => None,
                    })
                    .sum();
                let _ = key;
                Value::Number(sum)
            }));
        }
        out.push(total);
    }
    out
}

/// "Tidewater Kelp Cooperative Annual Report (FY2023): Grants received. Source: p. 4"
fn source_line(
    json: &Json,
    strings: &Strings,
    lang: &str,
    title: &str,
    edition: Option<&str>,
) -> String {
    let mut line = title.to_string();
    if let Some(edition) = edition {
        line.push_str(&format!(" ({edition})"));
    }
    if let Some(caption) = json.get("title").and_then(Json::as_str) {
        line.push_str(&format!(": {caption}"));
    }
    let pages: Vec<String> = json
        .get("source_pages")
        .and_then(Json::as_array)
        .map(|p| p.iter().map(|n| n.to_string()).collect())
        .unwrap_or_default();
    let source = match pages.len() {
        0 => None,
        1 => strings.get(lang, "source.one"),
        _ => strings.get(lang, "source.many"),
    };
    if let Some(source) = source {
        let separator = strings.get(lang, "list_separator").unwrap_or(", ");
        line.push_str(". ");
        line.push_str(&source.replace("{pages}", &pages.join(separator)));
    }
    line
}

fn csv_bytes(labels: &[String], rows: &[Vec<Option<Value>>], source: &str) -> Vec<u8> {
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    {
        let mut writer = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(&mut bytes);
        let _ = writer.write_record(labels);
        for row in rows {
            let cells: Vec<String> = row
                .iter()
                .map(|v| match v {
                    Some(Value::Text(t)) => t.clone(),
                    Some(Value::Number(n)) => format!("{n}"),
                    None => String::new(),
                })
                .collect();
            let _ = writer.write_record(&cells);
        }
        let _ = writer.write_record([""]);
        let _ = writer.write_record([source]);
        let _ = writer.flush();
    }
    bytes
}

fn xlsx_bytes(
    labels: &[String],
    rows: &[Vec<Option<Value>>],
    source: &str,
    title: &str,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    // A fixed date: two builds of the same table are the same bytes.
    let created = ExcelDateTime::from_ymd(2000, 1, 1)?;
    book.set_properties(
        &DocProperties::new()
            .set_title(title)
            .set_creation_datetime(&created),
    );
    let sheet = book.add_worksheet();
    let bold = Format::new().set_bold();
    for (c, label) in labels.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, label, &bold)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            let (r, c) = (r as u32 + 1, c as u16);
            match value {
                Some(Value::Text(t)) => {
                    sheet.write_string(r, c, t)?;
                }
                Some(Value::Number(n)) => {
                    sheet.write_number(r, c, *n)?;
                }
                None => {}
            }
        }
    }
    sheet.write_string(rows.len() as u32 + 2, 0, source)?;
    book.save_to_buffer()
}
