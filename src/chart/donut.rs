//! Donut charts: the shares of one whole, a slice per row clockwise from the top, the total in
//! the middle, and beside it a legend that labels every slice directly with its value and share.

use std::f64::consts::PI;

use super::marks;
use super::text::{self, FONT, LINE};
use super::{format_number, Chart, Words, WIDTH};
use crate::parse::markdown::escape_attr as esc;

const OUTER: f64 = 76.0;
const INNER: f64 = 46.0;
/// Where the legend starts, right of the donut.
const LEGEND_X: f64 = 2.0 * OUTER + 20.0;

pub fn draw(chart: &Chart, words: &Words) -> (String, f64) {
    let id = &chart.id;
    let values = &chart.series[0].values;
    let total: f64 = values.iter().sum();
    let mut body = marks::patterns(id, values.len());

    // The legend first: its height sets the drawing's.
    let mut legend = String::new();
    let mut y = 0.0;
    let room = WIDTH - LEGEND_X - 22.0;
    for (r, label) in chart.labels.iter().enumerate() {
        legend.push_str(&format!(
            "<rect {} x=\"{LEGEND_X:.1}\" y=\"{:.1}\" width=\"16\" height=\"16\"/>",
            marks::fill(id, r),
            y + 2.0
        ));
        for line in text::wrap(label, room) {
            legend.push_str(&format!(
                "<text class=\"chart-legend\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                LEGEND_X + 22.0,
                y + FONT,
                esc(&line)
            ));
            y += LINE;
        }
        let share = if total > 0.0 {
            values[r] / total * 100.0
        } else {
            0.0
        };
        legend.push_str(&format!(
            "<text class=\"chart-value\" x=\"{:.1}\" y=\"{:.1}\">{} ({})</text>",
            LEGEND_X + 22.0,
            y + FONT,
            format_number(values[r]),
            esc(&words.percent(share))
        ));
        y += LINE + 8.0;
    }
    let height = f64::max(2.0 * OUTER + 4.0, y - 8.0);
    let (cx, cy) = (OUTER, height / 2.0);

    let mut angle = 0.0;
    for (r, v) in values.iter().enumerate() {
        if *v <= 0.0 || total <= 0.0 {
            continue;
        }
        let sweep = v / total * 2.0 * PI;
        body.push_str(&format!(
            "<path {} d=\"{}\"/>",
            marks::fill(id, r).replace("chart-bar", "chart-bar chart-slice"),
            annulus(cx, cy, angle, angle + sweep)
        ));
        angle += sweep;
    }
    body.push_str(&format!(
        "<text class=\"chart-value chart-total\" x=\"{cx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text><text class=\"chart-legend\" x=\"{cx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
        cy - 2.0,
        format_number(total),
        cy + FONT + 2.0,
        esc(&words.total())
    ));
    body.push_str(&legend);
    (body, height)
}

/// The ring between the two radii from angle `a0` to `a1` (radians clockwise from the top).
/// A whole ring is drawn as two halves: an arc cannot end where it starts.
fn annulus(cx: f64, cy: f64, a0: f64, a1: f64) -> String {
    if a1 - a0 > 1.999 * PI {
        return format!(
            "{} {}",
            annulus(cx, cy, a0, a0 + PI),
            annulus(cx, cy, a0 + PI, a1)
        );
    }
    let at = |r: f64, a: f64| (cx + r * a.sin(), cy - r * a.cos());
    let large = if a1 - a0 > PI { 1 } else { 0 };
    let (ox0, oy0) = at(OUTER, a0);
    let (ox1, oy1) = at(OUTER, a1);
    let (ix1, iy1) = at(INNER, a1);
    let (ix0, iy0) = at(INNER, a0);
    format!(
        "M{ox0:.2},{oy0:.2} A{OUTER},{OUTER} 0 {large} 1 {ox1:.2},{oy1:.2} L{ix1:.2},{iy1:.2} A{INNER},{INNER} 0 {large} 0 {ix0:.2},{iy0:.2} Z"
    )
}
