//! Charts: SVG bar charts drawn at build time from a table record's `[chart]` settings.
//! No JavaScript; colours come from CSS classes so that the theme can serve light, dark and print.

use std::collections::HashMap;

use serde_json::Value as Json;

use crate::parse::markdown::escape_attr as esc;

/// The drawing's own units; the SVG scales to the width of its box (`width: 100%` in the theme).
const WIDTH: f64 = 360.0;
/// Room right of the longest bar for its value.
const VALUE_ROOM: f64 = 56.0;
const FONT: f64 = 14.0;
const LINE: f64 = 19.0;
const BAR: f64 = 20.0;
const BAR_GAP: f64 = 4.0;
const ROW_GAP: f64 = 16.0;

/// `{{ chart(record=r) | safe }}` in a template.
pub struct ChartFunction;

impl tera::Function for ChartFunction {
    fn call(&self, args: &HashMap<String, Json>) -> tera::Result<Json> {
        let record = args
            .get("record")
            .ok_or("chart() needs `record=`, a table record with a [chart] table")?;
        render(record).map(Json::String).map_err(tera::Error::msg)
    }

    fn is_safe(&self) -> bool {
        true
    }
}

/// One bar series per `values` column; one group of bars per row.
pub fn render(record: &Json) -> Result<String, String> {
    let id = record
        .get("anchor")
        .and_then(Json::as_str)
        .unwrap_or("chart");
    let chart = record
        .get("chart")
        .ok_or_else(|| format!("record `{id}` has no [chart] table"))?;
    let label_key = chart.get("label").and_then(Json::as_str).ok_or_else(|| {
        format!("record `{id}`: [chart] needs `label`, the column that names each bar")
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

    let mut data: Vec<(String, Vec<f64>)> = Vec::new();
    for row in rows {
        let label = text_of(row.get(label_key));
        let values = value_keys
            .iter()
            .map(|k| {
                number_of(row.get(*k))
                    .ok_or_else(|| format!("record `{id}`: `{k}` of row “{label}” is not a number"))
            })
            .collect::<Result<Vec<f64>, String>>()?;
        data.push((label, values));
    }
    let max = data
        .iter()
        .flat_map(|(_, v)| v.iter().copied())
        .fold(0.0_f64, f64::max)
        .max(1.0);
    let series = value_keys.len();
    let names: Vec<String> = value_keys.iter().map(|k| column_label(k)).collect();
    let plot = WIDTH - VALUE_ROOM;

    let title_id = format!("{id}-chart-title");
    let desc_id = format!("{id}-chart-desc");
    let description: Vec<String> = data
        .iter()
        .map(|(label, values)| {
            let parts: Vec<String> = values
                .iter()
                .zip(&names)
                .map(|(v, name)| {
                    if series > 1 {
                        format!("{name} {}", fmt(*v))
                    } else {
                        fmt(*v)
                    }
                })
                .collect();
            format!("{label}: {}", parts.join(", "))
        })
        .collect();
    let description = if series == 1 {
        format!("{}. {}", names[0], description.join("; "))
    } else {
        description.join("; ")
    };

    let mut body = String::new();
    let mut y = 0.0;
    // The legend first, so that a reader knows the colours before the bars.
    if series > 1 {
        let mut x = 0.0;
        for (s, name) in names.iter().enumerate() {
            let w = 22.0 + text_width(name) + 20.0;
            if x > 0.0 && x + w > WIDTH {
                x = 0.0;
                y += LINE + 4.0;
            }
            body.push_str(&format!(
                "<rect class=\"chart-bar chart-series-{s}\" x=\"{x:.1}\" y=\"{:.1}\" width=\"14\" height=\"14\"/>\
<text class=\"chart-legend\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                y + 2.0,
                x + 20.0,
                y + 14.0,
                esc(name)
            ));
            x += w;
        }
        y += LINE + ROW_GAP;
    }
    // Each row: its label on a line of its own (wrapped, never cut), then one bar per series.
    for (label, values) in &data {
        for line in wrap(label, WIDTH) {
            body.push_str(&format!(
                "<text class=\"chart-label\" x=\"0\" y=\"{:.1}\">{}</text>",
                y + FONT,
                esc(&line)
            ));
            y += LINE;
        }
        y += 2.0;
        let top = y;
        for (s, v) in values.iter().enumerate() {
            let w = (v / max * plot).max(if *v > 0.0 { 2.0 } else { 0.0 });
            body.push_str(&format!(
                "<rect class=\"chart-bar chart-series-{s}\" x=\"0\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{BAR}\"/>\
<text class=\"chart-value\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                w + 6.0,
                y + BAR / 2.0 + FONT * 0.35,
                fmt(*v)
            ));
            y += BAR + BAR_GAP;
        }
        body.push_str(&format!(
            "<line class=\"chart-axis\" x1=\"0.5\" y1=\"{:.1}\" x2=\"0.5\" y2=\"{:.1}\"/>",
            top - 1.0,
            y - BAR_GAP + 1.0
        ));
        y += ROW_GAP - BAR_GAP;
    }
    let height = (y - ROW_GAP + 6.0).max(LINE);
    Ok(format!(
        "<svg class=\"chart\" width=\"{WIDTH}\" height=\"{height:.0}\" viewBox=\"0 0 {WIDTH} {height:.0}\" role=\"img\" aria-labelledby=\"{title_id} {desc_id}\" xmlns=\"http://www.w3.org/2000/svg\">\
<title id=\"{title_id}\">{}</title><desc id=\"{desc_id}\">{}</desc>{body}</svg>",
        esc(&title),
        esc(&description)
    ))
}

/// Rough width of text at the chart's font size: full-width characters take 1 em, others about 0.58.
fn text_width(s: &str) -> f64 {
    s.chars()
        .map(|c| {
            if (c as u32) >= 0x2E80 {
                FONT
            } else {
                FONT * 0.58
            }
        })
        .sum()
}

/// Splits a label into lines that fit `width`, at spaces for Latin text and anywhere for Japanese.
fn wrap(s: &str, width: f64) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut last_space: Option<usize> = None;
    for c in s.chars() {
        line.push(c);
        if c == ' ' {
            last_space = Some(line.len());
        }
        if text_width(&line) > width {
            let cut = match last_space {
                Some(at) if at < line.len() => at,
                _ => line.len() - c.len_utf8(),
            };
            let rest = line.split_off(cut);
            lines.push(line.trim_end().to_string());
            line = rest.trim_start().to_string();
            last_space = None;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
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

/// Numbers as the tables print them: thousands separated by commas.
fn fmt(v: f64) -> String {
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
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bars_scale_to_the_largest_value_and_describe_the_data() {
        let record = json!({
            "anchor": "amr-phase", "title": "開発段階別",
            "columns": [{"key": "phase", "label": "段階"}, {"key": "n", "label": "件数"}],
            "rows": [{"phase": "基礎", "n": 10}, {"phase": "臨床", "n": 5}],
            "chart": {"label": "phase", "values": ["n"]}
        });
        let svg = render(&record).unwrap();
        assert!(svg.contains("<title id=\"amr-phase-chart-title\">開発段階別</title>"));
        assert!(svg.contains("件数. 基礎: 10; 臨床: 5"));
        let widths: Vec<&str> = svg
            .match_indices("class=\"chart-bar chart-series-0\" x=\"0\" y=\"")
            .map(|(i, _)| {
                let at = svg[i..].find("width=\"").unwrap() + i + 7;
                &svg[at..at + 5]
            })
            .collect();
        assert_eq!(widths, ["304.0", "152.0"]);
    }

    #[test]
    fn several_series_get_a_legend_and_grouped_values() {
        let record = json!({
            "anchor": "c", "title": "相談件数",
            "columns": [{"key": "item", "label": "区分"}, {"key": "total", "label": "累計"}, {"key": "fy", "label": "令和3年度"}],
            "rows": [{"item": "相談件数", "total": 2964, "fy": 154}],
            "chart": {"label": "item", "values": ["total", "fy"]}
        });
        let svg = render(&record).unwrap();
        assert!(svg.contains("<text class=\"chart-legend\""));
        assert!(svg.contains("chart-series-1"));
        assert!(svg.contains(">2,964</text>"));
        assert!(svg.contains("相談件数: 累計 2,964, 令和3年度 154"));
    }

    #[test]
    fn long_labels_wrap_instead_of_being_cut() {
        let label = "とても長いラベル".repeat(8);
        let lines = wrap(&label, WIDTH);
        assert!(lines.len() > 1);
        assert_eq!(lines.concat(), label);
        let english = wrap("Regenerative medicine, cell therapy and gene therapy: the projects that started this year", 300.0);
        assert!(english
            .iter()
            .all(|l| !l.starts_with(' ') && !l.ends_with(' ')));
        assert_eq!(fmt(1234567.0), "1,234,567");
        assert_eq!(fmt(-12.5), "-12.5");
    }

    #[test]
    fn a_non_number_is_explained() {
        let record =
            json!({"rows": [{"a": "x", "b": "many"}], "chart": {"label": "a", "values": ["b"]}});
        assert!(render(&record).unwrap_err().contains("is not a number"));
    }
}
