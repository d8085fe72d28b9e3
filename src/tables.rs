//! Table records as readers see them, made once the record is checked (`parse::table::check`):
//! numbers typed in `rows` (for charts), and `head`, `body` and `foot` for the table itself, with
//! every number written by its language's conventions and its column's unit, the computed total
//! row, and the previous edition's values beside this edition's (`compare = "previous"`).

use std::collections::BTreeMap;

use serde_json::{Map, Value as Json};

use crate::numbers::{format_signed, NumberFormat, Sign, Unit};
use crate::parse::table::{CheckedColumn, CheckedTable};

/// A number as JSON: whole numbers as integers (as the record wrote them), others as floats.
pub fn number_json(n: f64) -> Json {
    if n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0 {
        Json::from(n as i64)
    } else {
        serde_json::Number::from_f64(n).map_or(Json::Null, Json::Number)
    }
}

/// The previous edition's numbers of a compared table, by the text of its row key (in the
/// default language, the same in every edition) and column.
pub type Previous = BTreeMap<String, BTreeMap<String, Option<f64>>>;

/// Types the numbers of `json` (a record in `lang`) and adds `head`, `body` and `foot`.
/// `previous`: the previous edition's numbers and its label, for a compared table.
pub fn annotate(
    json: &mut Json,
    table: &CheckedTable,
    lang: &str,
    row_keys: &[String],
    previous: Option<(&Previous, &str)>,
) {
    let Json::Object(record) = json else {
        return;
    };
    let by_key: BTreeMap<&str, &CheckedColumn> =
        table.columns.iter().map(|c| (c.key.as_str(), c)).collect();
    if let Some(Json::Array(columns)) = record.get_mut("columns") {
        for c in columns.iter_mut() {
            let Json::Object(c) = c else { continue };
            let Some(checked) = c
                .get("key")
                .and_then(Json::as_str)
                .and_then(|k| by_key.get(k))
            else {
                continue;
            };
            if checked.numeric {
                c.insert("numeric".into(), Json::Bool(true));
                // What a chart needs to write the column's numbers as the table does
                // (`NumberFormat::of_column`).
                let unit = match &checked.format.unit {
                    Some(Unit::Currency(code)) => Some(code.clone()),
                    Some(Unit::Percent) => Some("%".to_string()),
                    Some(Unit::Text(by_lang)) => by_lang.get(lang).cloned(),
                    None => None,
                };
                if let Some(unit) = unit {
                    c.insert("unit".into(), Json::String(unit));
                }
                if let Some(d) = checked.format.decimals {
                    c.insert("decimals".into(), Json::from(d));
                }
            }
        }
    }
    let order: Vec<&CheckedColumn> = match record.get("columns") {
        Some(Json::Array(columns)) => columns
            .iter()
            .filter_map(|c| c.get("key").and_then(Json::as_str))
            .filter_map(|k| by_key.get(k).copied())
            .collect(),
        _ => table.columns.iter().collect(),
    };
    let labels: BTreeMap<String, Json> = match record.get("columns") {
        Some(Json::Array(columns)) => columns
            .iter()
            .filter_map(|c| {
                Some((
                    c.get("key")?.as_str()?.to_string(),
                    c.get("label").cloned().unwrap_or(Json::Null),
                ))
            })
            .collect(),
        _ => BTreeMap::new(),
    };
    let compared = previous.is_some();
    let mut head = Vec::new();
    for c in &order {
        let mut cell = Map::new();
        cell.insert("key".into(), Json::String(c.key.clone()));
        cell.insert(
            "label".into(),
            labels
                .get(&c.key)
                .cloned()
                .unwrap_or(Json::String(c.key.clone())),
        );
        cell.insert("numeric".into(), Json::Bool(c.numeric));
        head.push(Json::Object(cell.clone()));
        if compared && c.numeric {
            // The previous edition's column and the change, labelled by the template.
            cell.insert("previous".into(), Json::Bool(true));
            head.push(Json::Object(cell.clone()));
            cell.remove("previous");
            cell.insert("change".into(), Json::Bool(true));
            head.push(Json::Object(cell));
        }
    }
    let mut body = Vec::new();
    if let Some(Json::Array(rows)) = record.get_mut("rows") {
        for (i, row) in rows.iter_mut().enumerate() {
            let Json::Object(row) = row else { continue };
            let numbers = table.numbers.get(i);
            let before = previous.and_then(|(p, _)| row_keys.get(i).and_then(|k| p.get(k)));
            let mut cells = Vec::new();
            for c in &order {
                if !c.numeric {
                    cells.push(cell(row.get(&c.key).cloned().unwrap_or_default(), false));
                    continue;
                }
                let value = numbers.and_then(|n| n.get(&c.key)).copied().flatten();
                row.insert(c.key.clone(), value.map_or(Json::Null, number_json));
                cells.push(number_cell(value, &c.format, lang, Sign::Auto));
                if compared {
                    let was = before.and_then(|b| b.get(&c.key)).copied().flatten();
                    cells.push(number_cell(was, &c.format, lang, Sign::Auto));
                    let change = value.zip(was).map(|(now, was)| now - was);
                    cells.push(number_cell(change, &c.format, lang, Sign::Change));
                }
            }
            body.push(Json::Array(cells));
        }
    }
    if table.columns.iter().any(|c| c.total.is_some()) {
        let mut foot = Vec::new();
        for (i, c) in order.iter().enumerate() {
            if i == 0 {
                let mut label = Map::new();
                label.insert("total".into(), Json::Bool(true));
                foot.push(Json::Object(label));
            } else {
                foot.push(match c.total {
                    Some(t) => number_cell(Some(t), &c.format, lang, Sign::Auto),
                    None => cell(Json::String(String::new()), c.numeric),
                });
            }
            if compared && c.numeric {
                foot.push(cell(Json::String(String::new()), true));
                foot.push(cell(Json::String(String::new()), true));
            }
        }
        record.insert("foot".into(), Json::Array(foot));
    }
    if let Some((_, label)) = previous {
        record.insert("previous_label".into(), Json::String(label.to_string()));
    }
    record.insert("head".into(), Json::Array(head));
    record.insert("body".into(), Json::Array(body));
}

fn cell(value: Json, numeric: bool) -> Json {
    let mut c = Map::new();
    c.insert("value".into(), value);
    c.insert("numeric".into(), Json::Bool(numeric));
    Json::Object(c)
}

/// A number as its column writes it, or a cell marked `none` (shown as a dash, read as "no
/// value") for an optional figure left empty.
fn number_cell(value: Option<f64>, format: &NumberFormat, lang: &str, sign: Sign) -> Json {
    match value {
        Some(n) => cell(Json::String(format_signed(n, format, lang, sign)), true),
        None => {
            let mut c = Map::new();
            c.insert("none".into(), Json::Bool(true));
            c.insert("numeric".into(), Json::Bool(true));
            Json::Object(c)
        }
    }
}
