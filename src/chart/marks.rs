//! What tells a chart's series (or a donut's slices) apart besides colour: a fill pattern per
//! series (solid, stripes, dots, cross-hatch, …), a marker shape and a dash per line, and the
//! legend that shows them. Colours are CSS classes (`chart-series-N`: its `color`) so that
//! the theme serves light, dark and print.

use super::text::{self, FONT, LINE};
use super::WIDTH;
use crate::parse::markdown::escape_attr as esc;

/// How many distinct styles there are; series beyond repeat them.
pub const STYLES: usize = 6;

/// The pattern drawn over series `s`'s colour, in the page background's colour (none for the
/// first series: solid).
fn pattern_shape(s: usize) -> &'static str {
    match s % STYLES {
        1 => "<path class=\"chart-hatch\" d=\"M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4\" stroke-width=\"1.6\"/>",
        2 => "<circle class=\"chart-dot\" cx=\"4\" cy=\"4\" r=\"1.5\"/>",
        3 => "<path class=\"chart-hatch\" d=\"M0,0 l8,8 M8,0 l-8,8\" stroke-width=\"1.2\"/>",
        4 => "<path class=\"chart-hatch\" d=\"M0,4 h8\" stroke-width=\"1.6\"/>",
        5 => "<path class=\"chart-hatch\" d=\"M4,0 v8\" stroke-width=\"1.6\"/>",
        _ => "",
    }
}

/// `<defs>` with the patterns of styles `1..count` (the first is solid).
pub fn patterns(id: &str, count: usize) -> String {
    if count < 2 {
        return String::new();
    }
    let mut defs = String::from("<defs>");
    for s in 1..count.min(STYLES) {
        defs.push_str(&format!(
            "<pattern id=\"{id}-pattern-{s}\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\"><rect class=\"chart-series-{s}\" width=\"8\" height=\"8\"/>{}</pattern>",
            pattern_shape(s)
        ));
    }
    defs.push_str("</defs>");
    defs
}

/// The attributes that fill a shape in series `s`'s style: its colour, and its pattern.
pub fn fill(id: &str, s: usize) -> String {
    match s % STYLES {
        0 => "class=\"chart-bar chart-series-0\"".to_string(),
        n => format!("class=\"chart-bar chart-fill-{n}\" fill=\"url(#{id}-pattern-{n})\""),
    }
}

/// The dash pattern of line `s` (solid for the first).
fn dash(s: usize) -> &'static str {
    match s % STYLES {
        1 => " stroke-dasharray=\"7 4\"",
        2 => " stroke-dasharray=\"2 3\"",
        3 => " stroke-dasharray=\"10 3 2 3\"",
        4 => " stroke-dasharray=\"4 2\"",
        5 => " stroke-dasharray=\"1 2\"",
        _ => "",
    }
}

/// Line `s` through `points`.
pub fn line(s: usize, points: &[(f64, f64)]) -> String {
    let d: Vec<String> = points
        .iter()
        .map(|(x, y)| format!("{x:.1},{y:.1}"))
        .collect();
    format!(
        "<polyline class=\"chart-line chart-series-{}\" points=\"{}\"{}/>",
        s % STYLES,
        d.join(" "),
        dash(s)
    )
}

/// The marker of series `s` at (`x`, `y`): a circle, square, triangle, diamond, …
pub fn marker(s: usize, x: f64, y: f64) -> String {
    let class = format!("chart-marker chart-series-{}", s % STYLES);
    match s % STYLES {
        0 => format!("<circle class=\"{class}\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"4.5\"/>"),
        1 => format!(
            "<rect class=\"{class}\" x=\"{:.1}\" y=\"{:.1}\" width=\"8\" height=\"8\"/>",
            x - 4.0,
            y - 4.0
        ),
        2 => format!(
            "<path class=\"{class}\" d=\"M{x:.1},{:.1} l5,9 h-10 z\"/>",
            y - 5.5
        ),
        3 => format!(
            "<path class=\"{class}\" d=\"M{x:.1},{:.1} l5,5 l-5,5 l-5,-5 z\"/>",
            y - 5.0
        ),
        4 => format!(
            "<path class=\"{class}\" d=\"M{x:.1},{:.1} l5,-9 h-10 z\"/>",
            y + 5.5
        ),
        _ => format!(
            "<path class=\"{class}\" d=\"M{:.1},{:.1} h3 v-3 h3 v3 h3 v3 h-3 v3 h-3 v-3 h-3 z\"/>",
            x - 4.5,
            y - 1.5
        ),
    }
}

/// What a legend's swatch shows: a filled square (bars, columns) or a line with its marker.
#[derive(Clone, Copy, PartialEq)]
pub enum Swatch {
    Fill,
    Line,
}

/// A legend of `names` from `top`, its entries flowing left to right and onto new lines;
/// returns the drawing and the height it takes.
pub fn legend(id: &str, names: &[String], swatch: Swatch, top: f64) -> (String, f64) {
    let mut out = String::new();
    let (mut x, mut y) = (0.0, top);
    let swatch_width = if swatch == Swatch::Line { 28.0 } else { 16.0 };
    for (s, name) in names.iter().enumerate() {
        let lines = text::wrap(name, WIDTH - swatch_width - 6.0);
        let w =
            swatch_width + 6.0 + lines.iter().map(|l| text::width(l)).fold(0.0, f64::max) + 28.0;
        if x > 0.0 && x + w > WIDTH {
            x = 0.0;
            y += LINE + 6.0;
        }
        match swatch {
            Swatch::Fill => out.push_str(&format!(
                "<rect {} x=\"{x:.1}\" y=\"{:.1}\" width=\"16\" height=\"16\"/>",
                fill(id, s),
                y + 1.0
            )),
            Swatch::Line => {
                out.push_str(&line(s, &[(x, y + 9.0), (x + 28.0, y + 9.0)]));
                out.push_str(&marker(s, x + 14.0, y + 9.0));
            }
        }
        for (i, l) in lines.iter().enumerate() {
            out.push_str(&format!(
                "<text class=\"chart-legend\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                x + swatch_width + 6.0,
                y + FONT - 0.5 + i as f64 * LINE,
                esc(l)
            ));
        }
        if lines.len() > 1 {
            y += (lines.len() - 1) as f64 * LINE;
            x = WIDTH;
        } else {
            x += w;
        }
    }
    (out, y + LINE - top)
}
