//! Horizontal bars (`bar`: a group of bars per row, one per series) and stacked bars
//! (`stacked-bar`: one bar per row made of its series). Each row's label stands on its own
//! lines above its bars, wrapped, so that a long label never overlaps; each bar's value follows
//! its end. Negative values run left of a zero line.

use super::kind::Kind;
use super::marks::{self, Swatch};
use super::text::{self, FONT, LINE};
use super::{format_number, Chart, WIDTH};
use crate::parse::markdown::escape_attr as esc;

/// Room beyond the longest bar for its value, at the least.
const VALUE_ROOM: f64 = 56.0;
const BAR: f64 = 20.0;
const BAR_GAP: f64 = 4.0;
const ROW_GAP: f64 = 16.0;

/// The drawing and its height.
pub fn draw(chart: &Chart) -> (String, f64) {
    let id = &chart.id;
    let stacked = chart.kind == Kind::StackedBar;
    // One length per bar: each value, or each row's total when stacked.
    let lengths: Vec<f64> = if stacked {
        chart.totals()
    } else {
        chart
            .series
            .iter()
            .flat_map(|s| s.values.iter().copied())
            .collect()
    };
    let max = lengths.iter().copied().fold(0.0_f64, f64::max);
    let min = lengths.iter().copied().fold(0.0_f64, f64::min);
    let left = if min < 0.0 { VALUE_ROOM } else { 0.0 };
    let right = if max > 0.0 || min == 0.0 {
        VALUE_ROOM
    } else {
        0.0
    };
    let plot = WIDTH - left - right;
    let span = if min < 0.0 { max - min } else { max.max(1.0) };
    let scale = plot / span;
    let zero = left - min * scale;

    let mut body = marks::patterns(id, chart.series.len());
    let mut y = 0.0;
    // The legend first, so that a reader knows the series before the bars.
    if chart.series.len() > 1 {
        let names: Vec<String> = chart.series.iter().map(|s| s.name.clone()).collect();
        let (legend, height) = marks::legend(id, &names, Swatch::Fill, y);
        body.push_str(&legend);
        y += height + ROW_GAP;
    }
    for (r, label) in chart.labels.iter().enumerate() {
        for line in text::wrap(label, WIDTH) {
            body.push_str(&format!(
                "<text class=\"chart-label\" x=\"0\" y=\"{:.1}\">{}</text>",
                y + FONT,
                esc(&line)
            ));
            y += LINE;
        }
        y += 2.0;
        let top = y;
        if stacked {
            let mut x = zero;
            for (s, series) in chart.series.iter().enumerate() {
                let w = series.values[r] * scale;
                if w > 0.0 {
                    body.push_str(&format!(
                        "<rect {} x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{BAR}\"/>",
                        marks::fill(id, s)
                    ));
                }
                x += w;
            }
            body.push_str(&value(x + 6.0, y, false, chart.totals()[r]));
            y += BAR + BAR_GAP;
        } else {
            for (s, series) in chart.series.iter().enumerate() {
                let v = series.values[r];
                let w = (v.abs() * scale).max(if v != 0.0 { 2.0 } else { 0.0 });
                let (x, end) = if v < 0.0 {
                    (zero - w, zero - w - 6.0)
                } else {
                    (zero, zero + w + 6.0)
                };
                body.push_str(&format!(
                    "<rect {} x=\"{}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{BAR}\"/>",
                    marks::fill(id, s),
                    coordinate(x)
                ));
                body.push_str(&value(end, y, v < 0.0, v));
                y += BAR + BAR_GAP;
            }
        }
        body.push_str(&format!(
            "<line class=\"chart-axis\" x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\"/>",
            zero + 0.5,
            top - 1.0,
            zero + 0.5,
            y - BAR_GAP + 1.0
        ));
        y += ROW_GAP - BAR_GAP;
    }
    (body, (y - ROW_GAP + 6.0).max(LINE))
}

/// A bar's value beside its end: after it, or before it for a negative bar.
fn value(x: f64, y: f64, before: bool, v: f64) -> String {
    format!(
        "<text class=\"chart-value\" x=\"{x:.1}\" y=\"{:.1}\"{}>{}</text>",
        y + BAR / 2.0 + FONT * 0.35,
        if before { " text-anchor=\"end\"" } else { "" },
        format_number(v)
    )
}

/// `0` as the charts have always written it, other positions with one decimal.
fn coordinate(x: f64) -> String {
    if x == 0.0 {
        "0".into()
    } else {
        format!("{x:.1}")
    }
}
