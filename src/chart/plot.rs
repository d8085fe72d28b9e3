//! Charts over a vertical value axis: columns (`column`, a group per row), stacked columns
//! (`stacked-column`) and lines (`line`, a line per series over the rows in their order). The
//! axis has round ticks and always holds zero; negative columns hang below the zero line. Row
//! labels stand under their slot, wrapped to its width.

use super::axis::Axis;
use super::kind::Kind;
use super::marks::{self, Swatch};
use super::text::{self, FONT, LINE};
use super::{format_number, Chart, WIDTH};
use crate::parse::markdown::escape_attr as esc;

/// The height of the plotting area.
const PLOT_HEIGHT: f64 = 200.0;
/// The share of a row's slot its columns take.
const GROUP: f64 = 0.72;
/// The longest line of a slanted label: at 45° it reaches no further left than the first slot.
const SLANTED: f64 = 84.0;

pub fn draw(chart: &Chart) -> (String, f64) {
    let id = &chart.id;
    let n = chart.labels.len().max(1);
    let stacked = chart.kind == Kind::StackedColumn;
    let line = chart.kind == Kind::Line;
    let values: Vec<f64> = if stacked {
        chart.totals()
    } else {
        chart
            .series
            .iter()
            .flat_map(|s| s.values.iter().copied())
            .collect()
    };
    let max = values.iter().copied().fold(0.0_f64, f64::max);
    let min = values.iter().copied().fold(0.0_f64, f64::min);
    let axis = Axis::new(min, max, 4);
    // Estimated widths err small for some fonts' digits: a fifth more room, so that no tick
    // label leaves the drawing.
    let tick_room = axis
        .ticks
        .iter()
        .map(|t| text::width(&format_number(*t)))
        .fold(0.0, f64::max)
        * 1.2
        + 8.0;
    let left = tick_room;
    let plot_width = WIDTH - left - 2.0;
    let slot = plot_width / n as f64;

    let mut body = marks::patterns(id, chart.series.len());
    let mut top = 0.0;
    if chart.series.len() > 1 {
        let names: Vec<String> = chart.series.iter().map(|s| s.name.clone()).collect();
        let swatch = if line { Swatch::Line } else { Swatch::Fill };
        let (legend, height) = marks::legend(id, &names, swatch, 0.0);
        body.push_str(&legend);
        top += height + 8.0;
    }
    // Room above the highest tick for a value written over the tallest column.
    top += LINE;
    let y = |v: f64| top + (1.0 - axis.fraction(v)) * PLOT_HEIGHT;
    for t in &axis.ticks {
        body.push_str(&format!(
            "<line class=\"chart-grid\" x1=\"{left:.1}\" y1=\"{0:.1}\" x2=\"{1:.1}\" y2=\"{0:.1}\"/><text class=\"chart-tick\" x=\"{2:.1}\" y=\"{3:.1}\" text-anchor=\"end\">{4}</text>",
            y(*t),
            WIDTH,
            left - 6.0,
            y(*t) + FONT * 0.35,
            format_number(*t)
        ));
    }
    let centre = |r: usize| left + slot * (r as f64 + 0.5);
    if line {
        let single = chart.series.len() == 1
            && values
                .iter()
                .all(|v| text::width(&format_number(*v)) <= slot);
        for (s, series) in chart.series.iter().enumerate() {
            let points: Vec<(f64, f64)> = series
                .values
                .iter()
                .enumerate()
                .map(|(r, v)| (centre(r), y(*v)))
                .collect();
            body.push_str(&marks::line(s, &points));
            for (r, (x, py)) in points.iter().enumerate() {
                body.push_str(&marks::marker(s, *x, *py));
                let v = series.values[r];
                // One line's values fit over its points; several lines' would collide.
                if single {
                    body.push_str(&value(
                        *x,
                        if v < 0.0 { py + 8.0 + FONT } else { py - 9.0 },
                        v,
                    ));
                }
            }
        }
    } else {
        let group = slot * GROUP;
        let width = if stacked {
            group
        } else {
            group / chart.series.len() as f64
        };
        // Values over the columns when every one fits its column (some but not others would
        // read as if the others had none); the axis and the table give them otherwise.
        let fits = values
            .iter()
            .all(|v| text::width(&format_number(*v)) <= if stacked { slot } else { width + 4.0 });
        for r in 0..chart.labels.len() {
            let x0 = centre(r) - group / 2.0;
            let mut base = 0.0;
            for (s, series) in chart.series.iter().enumerate() {
                let v = series.values[r];
                let (x, from, to) = if stacked {
                    (x0, base, base + v)
                } else {
                    (x0 + s as f64 * width, 0.0, v)
                };
                base += if stacked { v } else { 0.0 };
                let (y_top, y_bottom) = (y(from.max(to)), y(from.min(to)));
                let h = (y_bottom - y_top).max(if v != 0.0 { 1.0 } else { 0.0 });
                body.push_str(&format!(
                    "<rect {} x=\"{x:.1}\" y=\"{y_top:.1}\" width=\"{width:.1}\" height=\"{h:.1}\"/>",
                    marks::fill(id, s)
                ));
                if !stacked && fits {
                    let at = if v < 0.0 {
                        y_bottom + FONT + 2.0
                    } else {
                        y_top - 5.0
                    };
                    body.push_str(&value(x + width / 2.0, at, v));
                }
            }
            if stacked && fits {
                body.push_str(&value(centre(r), y(base) - 5.0, base));
            }
        }
    }
    // The zero line over the columns' feet.
    body.push_str(&format!(
        "<line class=\"chart-axis\" x1=\"{left:.1}\" y1=\"{0:.1}\" x2=\"{WIDTH}\" y2=\"{0:.1}\"/>",
        y(0.0).round() + 0.5
    ));
    // Row labels under the plot, each wrapped to its slot; when a word is wider than a slot
    // (twelve months in English), every label slants instead, so that none is split mid-word.
    let below = y(axis.lo) + 8.0;
    let room = slot - 8.0;
    let slant = chart
        .labels
        .iter()
        .any(|l| text::has_word_wider_than(l, room));
    let mut bottom = below;
    for (r, label) in chart.labels.iter().enumerate() {
        if slant {
            let lines = text::wrap(label, SLANTED);
            let (x, top) = (centre(r) + 4.0, below + 4.0);
            for (i, l) in lines.iter().enumerate() {
                body.push_str(&format!(
                    "<text class=\"chart-label\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"end\" transform=\"rotate(-45 {x:.1} {top:.1})\">{}</text>",
                    top + FONT * 0.7 + i as f64 * LINE,
                    esc(l)
                ));
            }
            let widest = lines.iter().map(|l| text::width(l)).fold(0.0, f64::max);
            let depth = (widest + lines.len() as f64 * LINE) * std::f64::consts::FRAC_1_SQRT_2;
            bottom = f64::max(bottom, top + depth);
        } else {
            let lines = text::wrap(label, room);
            for (i, l) in lines.iter().enumerate() {
                body.push_str(&format!(
                    "<text class=\"chart-label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                    centre(r),
                    below + FONT + i as f64 * LINE,
                    esc(l)
                ));
            }
            bottom = f64::max(bottom, below + lines.len() as f64 * LINE);
        }
    }
    (body, bottom + 4.0)
}

fn value(x: f64, y: f64, v: f64) -> String {
    format!(
        "<text class=\"chart-value\" x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"middle\">{}</text>",
        format_number(v)
    )
}
