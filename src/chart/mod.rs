//! Charts drawn at build time as SVG from a table record's `[chart]` settings, without
//! JavaScript: horizontal bars, columns, lines, stacked bars and columns, donuts. Each is an
//! image with a name (its title) and a description written from its data in the page's language;
//! colours come from the theme's CSS (light, dark, print), and series differ by pattern or marker
//! too, never by colour alone.

mod axis;
mod bars;
mod describe;
mod donut;
pub mod kind;
mod marks;
mod plot;
mod text;

use serde_json::Value as Json;
use std::collections::HashMap;

pub use describe::Words;
pub use kind::Kind;

use crate::parse::markdown::escape_attr as esc;

/// The drawing's width in its own units. The SVG is at most this many CSS pixels wide and
/// shrinks with its box: on a 390 px phone the figure's box is about 320 px, so 14-unit text is
/// drawn at about 12.5 px, never below 12.
pub const WIDTH: f64 = 360.0;

/// `{{ chart(record=r) | safe }}` in a template; one per language, for the description's words.
pub struct ChartFunction(pub Words);

impl tera::Function for ChartFunction {
    fn call(&self, args: &HashMap<String, Json>) -> tera::Result<Json> {
        let record = args
            .get("record")
            .ok_or("chart() needs `record=`, a table record with a [chart] table")?;
        render(record, &self.0)
            .map(Json::String)
            .map_err(tera::Error::msg)
    }

    fn is_safe(&self) -> bool {
        true
    }
}

/// One value column of a chart: its label and a value per row.
#[derive(Debug)]
pub struct Series {
    pub name: String,
    pub values: Vec<f64>,
}

/// What a chart shows, read from a record in one language.
#[derive(Debug)]
pub struct Chart {
    pub kind: Kind,
    /// The record's anchor: the prefix of the SVG's ids.
    pub id: String,
    pub title: String,
    /// The label of each row, in order.
    pub labels: Vec<String>,
    pub series: Vec<Series>,
}

impl Chart {
    /// Reads `record`'s `[chart]`, columns and rows; problems the record parser did not catch
    /// (a record from a CSV, one built by a template) are explained here.
    pub fn of(record: &Json) -> Result<Chart, String> {
        let id = record
            .get("anchor")
            .and_then(Json::as_str)
            .unwrap_or("chart")
            .to_string();
        let chart = record
            .get("chart")
            .ok_or_else(|| format!("record `{id}` has no [chart] table"))?;
        let kind = match chart.get("kind") {
            None | Some(Json::Null) => Kind::Bar,
            Some(k) => {
                let name = k.as_str().unwrap_or_default();
                Kind::from_name(name).ok_or_else(|| {
                    format!(
                        "record `{id}`: unknown chart kind `{name}`; use one of {}",
                        Kind::list()
                    )
                })?
            }
        };
        let label_key = chart.get("label").and_then(Json::as_str).ok_or_else(|| {
            format!("record `{id}`: [chart] needs `label`, the column that names each row")
        })?;
        let value_keys: Vec<&str> = match chart.get("values") {
            Some(Json::Array(v)) => v.iter().filter_map(Json::as_str).collect(),
            _ => Vec::new(),
        };
        if value_keys.is_empty() {
            return Err(format!(
                "record `{id}`: [chart] needs `values`, a list of numeric columns"
            ));
        }
        let rows = record
            .get("rows")
            .and_then(Json::as_array)
            .ok_or_else(|| format!("record `{id}` has no [[rows]]"))?;
        if let Some((problem, help)) = kind.shape_problem(value_keys.len(), rows.len()) {
            return Err(format!("record `{id}`: {problem}; {help}"));
        }
        let column_label = |key: &str| -> String {
            record
                .get("columns")
                .and_then(Json::as_array)
                .and_then(|cols| {
                    cols.iter()
                        .find(|c| c.get("key").and_then(Json::as_str) == Some(key))
                })
                .and_then(|c| c.get("label"))
                .and_then(Json::as_str)
                .unwrap_or(key)
                .to_string()
        };
        let title = chart
            .get("title")
            .and_then(Json::as_str)
            .or_else(|| record.get("title").and_then(Json::as_str))
            .unwrap_or("")
            .to_string();
        let labels: Vec<String> = rows.iter().map(|r| text_of(r.get(label_key))).collect();
        let mut series = Vec::new();
        for key in &value_keys {
            let mut values = Vec::new();
            for (row, label) in rows.iter().zip(&labels) {
                let v = number_of(row.get(*key)).ok_or_else(|| {
                    format!("record `{id}`: `{key}` of row “{label}” is not a number")
                })?;
                if v < 0.0 {
                    if let Some((problem, help)) = kind.negative_problem() {
                        return Err(format!(
                            "record `{id}`: `{key}` of row “{label}” is {}: {problem}; {help}",
                            format_number(v)
                        ));
                    }
                }
                values.push(v);
            }
            series.push(Series {
                name: column_label(key),
                values,
            });
        }
        Ok(Chart {
            kind,
            id,
            title,
            labels,
            series,
        })
    }

    /// Each row's sum over the series (a stacked bar's length, a donut's whole).
    pub fn totals(&self) -> Vec<f64> {
        (0..self.labels.len())
            .map(|r| self.series.iter().map(|s| s.values[r]).sum())
            .collect()
    }
}

/// The SVG of `record`'s chart, described in the language of `words`.
pub fn render(record: &Json, words: &Words) -> Result<String, String> {
    let chart = Chart::of(record)?;
    let (body, height) = match chart.kind {
        Kind::Bar | Kind::StackedBar => bars::draw(&chart),
        Kind::Column | Kind::StackedColumn | Kind::Line => plot::draw(&chart),
        Kind::Donut => donut::draw(&chart, words),
    };
    let id = &chart.id;
    let title_id = format!("{id}-chart-title");
    let desc_id = format!("{id}-chart-desc");
    Ok(format!(
        "<svg class=\"chart chart--{kind}\" width=\"{WIDTH}\" height=\"{height:.0}\" viewBox=\"0 0 {WIDTH} {height:.0}\" role=\"img\" aria-labelledby=\"{title_id}\" aria-describedby=\"{desc_id}\" xmlns=\"http://www.w3.org/2000/svg\">\
<title id=\"{title_id}\">{}</title><desc id=\"{desc_id}\">{}</desc>{body}</svg>",
        esc(&chart.title),
        esc(&describe::describe(&chart, words)),
        kind = chart.kind.name(),
    ))
}

fn text_of(v: Option<&Json>) -> String {
    match v {
        Some(Json::String(s)) => s.clone(),
        Some(Json::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn number_of(v: Option<&Json>) -> Option<f64> {
    match v? {
        Json::Number(n) => n.as_f64(),
        Json::String(s) => s.replace(',', "").trim().parse().ok(),
        _ => None,
    }
}

/// A number as the chart writes it. The one place a chart formats a number: the locale-aware
/// formatter takes over here.
pub fn format_number(v: f64) -> String {
    let text = if v.fract() == 0.0 {
        format!("{}", v.abs() as i64)
    } else {
        format!("{}", v.abs())
    };
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i.to_string(), format!(".{f}")),
        None => (text, String::new()),
    };
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{}{grouped}{frac}", if v < 0.0 { "-" } else { "" })
}

#[cfg(test)]
mod tests;
