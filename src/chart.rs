//! Charts: SVG bar charts drawn at build time from a table record's `[chart]` settings.
//! No JavaScript; colours come from CSS classes so that the theme can serve light, dark and print.

use std::collections::HashMap;

use serde_json::Value as Json;

use crate::parse::markdown::escape_attr as esc;

const WIDTH: f64 = 640.0;
const BAR: f64 = 18.0;
const GAP: f64 = 10.0;
const LABEL_WIDTH: f64 = 230.0;
const TOP: f64 = 8.0;

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
    let group = series as f64 * BAR + GAP;
    let legend_height = if series > 1 { 28.0 } else { 0.0 };
    let height = TOP + data.len() as f64 * group + legend_height + 4.0;
    let plot = WIDTH - LABEL_WIDTH - 60.0;

    let title_id = format!("{id}-chart-title");
    let desc_id = format!("{id}-chart-desc");
    let description: Vec<String> = data
        .iter()
        .map(|(label, values)| {
            let parts: Vec<String> = values
                .iter()
                .zip(&value_keys)
                .map(|(v, k)| {
                    if series > 1 {
                        format!("{} {}", column_label(k), fmt(*v))
                    } else {
                        fmt(*v)
                    }
                })
                .collect();
            format!("{label}: {}", parts.join(", "))
        })
        .collect();
    let mut svg = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-labelledby=\"{title_id} {desc_id}\" xmlns=\"http://www.w3.org/2000/svg\">\
<title id=\"{title_id}\">{}</title><desc id=\"{desc_id}\">{}</desc>",
        esc(&title),
        esc(&description.join("; "))
    );
    for (i, (label, values)) in data.iter().enumerate() {
        let y0 = TOP + i as f64 * group;
        let mid = y0 + series as f64 * BAR / 2.0;
        svg.push_str(&format!(
            "<text class=\"chart-label\" x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" dominant-baseline=\"middle\">{}</text>",
            LABEL_WIDTH - 8.0,
            mid,
            esc(&truncate(label, 22))
        ));
        for (s, v) in values.iter().enumerate() {
            let y = y0 + s as f64 * BAR;
            let w = (v / max * plot).max(if *v > 0.0 { 2.0 } else { 0.0 });
            svg.push_str(&format!(
                "<rect class=\"chart-bar chart-series-{s}\" x=\"{LABEL_WIDTH}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{:.1}\"/>\
<text class=\"chart-value\" x=\"{:.1}\" y=\"{:.1}\" dominant-baseline=\"middle\">{}</text>",
                BAR - 3.0,
                LABEL_WIDTH + w + 6.0,
                y + (BAR - 3.0) / 2.0,
                fmt(*v)
            ));
        }
    }
    svg.push_str(&format!(
        "<line class=\"chart-axis\" x1=\"{LABEL_WIDTH}\" y1=\"{TOP}\" x2=\"{LABEL_WIDTH}\" y2=\"{:.1}\"/>",
        TOP + data.len() as f64 * group - GAP
    ));
    if series > 1 {
        let y = height - legend_height + 8.0;
        let mut x = LABEL_WIDTH;
        for (s, key) in value_keys.iter().enumerate() {
            let name = column_label(key);
            svg.push_str(&format!(
                "<rect class=\"chart-bar chart-series-{s}\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"14\" height=\"14\"/>\
<text class=\"chart-legend\" x=\"{:.1}\" y=\"{:.1}\" dominant-baseline=\"middle\">{}</text>",
                x + 20.0,
                y + 7.0,
                esc(&name)
            ));
            x += 40.0 + name.chars().count() as f64 * 13.0;
        }
    }
    svg.push_str("</svg>");
    Ok(svg)
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

fn fmt(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// Long labels are shortened in the picture; the full text is in the description and the table.
fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        s.chars().take(max - 1).collect::<String>() + "…"
    }
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
        assert!(svg.contains("基礎: 10; 臨床: 5"));
        let widths: Vec<&str> = svg
            .match_indices("width=\"")
            .map(|(i, _)| &svg[i + 7..i + 12])
            .collect();
        assert_eq!(widths[0], "350.0");
        assert_eq!(widths[1], "175.0");
    }

    #[test]
    fn a_non_number_is_explained() {
        let record =
            json!({"rows": [{"a": "x", "b": "many"}], "chart": {"label": "a", "values": ["b"]}});
        assert!(render(&record).unwrap_err().contains("is not a number"));
    }
}
