//! A chart's text alternative, its `<desc>`: a few sentences written from the data (what kind
//! of chart, the highest and lowest values, a line's trend, a donut's largest and smallest
//! shares) in the page's language, every word from the interface strings (`[chart]` in
//! i18n/<lang>.toml). The full data is in the table beside the chart.

use std::collections::BTreeMap;

use super::kind::Kind;
use super::{format_number, Chart};
use crate::render::Strings;

/// The interface strings a chart uses, in one language.
#[derive(Clone, Debug, Default)]
pub struct Words {
    texts: BTreeMap<String, String>,
}

/// The keys of `[chart]` in i18n/<lang>.toml, and `list_separator`.
const KEYS: &[&str] = &[
    "chart.bar",
    "chart.column",
    "chart.line",
    "chart.stacked_bar",
    "chart.stacked_column",
    "chart.donut",
    "chart.extremes",
    "chart.extremes_total",
    "chart.one",
    "chart.rise",
    "chart.fall",
    "chart.flat",
    "chart.shares",
    "chart.percent",
    "chart.total",
    "chart.sentence_separator",
    "chart.quote",
    "list_separator",
];

impl Words {
    pub fn of(strings: &Strings, lang: &str) -> Words {
        Words {
            texts: KEYS
                .iter()
                .filter_map(|k| Some((k.to_string(), strings.get(lang, k)?.to_string())))
                .collect(),
        }
    }

    /// From `(key, text)` pairs (tests, and callers without a site).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Words {
        Words {
            texts: pairs
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    /// The text of `key` with its `{name}`s filled. Every theme language has every key (the
    /// strings loader makes sure), so a missing one shows its key rather than failing the page.
    fn say(&self, key: &str, args: &[(&str, String)]) -> String {
        let mut text = self
            .texts
            .get(key)
            .cloned()
            .unwrap_or_else(|| key.to_string());
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }

    pub fn total(&self) -> String {
        self.say("chart.total", &[])
    }

    pub fn percent(&self, share: f64) -> String {
        // Whole percents, but a share under 1 % keeps one decimal so that it does not read as 0.
        let rounded = if share < 1.0 {
            (share * 10.0).round() / 10.0
        } else {
            share.round()
        };
        self.say("chart.percent", &[("value", format_number(rounded))])
    }

    /// Row labels in a sentence, each quoted (a label may hold the list separator itself).
    fn list(&self, items: &[&str]) -> String {
        items
            .iter()
            .map(|l| self.quote(l))
            .collect::<Vec<_>>()
            .join(&self.say("list_separator", &[]))
    }

    fn quote(&self, label: &str) -> String {
        self.say("chart.quote", &[("label", label.to_string())])
    }
}

/// The description of `chart` in the language of `words`.
pub fn describe(chart: &Chart, words: &Words) -> String {
    let n = chart.labels.len();
    let summary_key = match chart.kind {
        Kind::Bar => "chart.bar",
        Kind::Column => "chart.column",
        Kind::Line => "chart.line",
        Kind::StackedBar => "chart.stacked_bar",
        Kind::StackedColumn => "chart.stacked_column",
        Kind::Donut => "chart.donut",
    };
    let mut sentences = vec![words.say(
        summary_key,
        &[
            ("n", n.to_string()),
            ("parts", chart.series.len().to_string()),
            ("total", format_number(chart.totals().iter().sum())),
        ],
    )];
    match chart.kind {
        Kind::Donut => {
            let values = &chart.series[0].values;
            let total: f64 = values.iter().sum();
            if let (Some((hi, high)), Some((lo, low))) =
                (extreme(chart, values, true), extreme(chart, values, false))
            {
                if n > 1 && total > 0.0 {
                    sentences.push(words.say(
                        "chart.shares",
                        &[
                            ("high_label", words.list(&hi)),
                            ("high", format_number(high)),
                            ("high_percent", words.percent(high / total * 100.0)),
                            ("low_label", words.list(&lo)),
                            ("low", format_number(low)),
                            ("low_percent", words.percent(low / total * 100.0)),
                        ],
                    ));
                }
            }
        }
        Kind::StackedBar | Kind::StackedColumn => {
            let totals = chart.totals();
            sentences.push(extremes(chart, &totals, "chart.extremes_total", "", words));
        }
        Kind::Bar | Kind::Column | Kind::Line => {
            for series in &chart.series {
                sentences.push(extremes(
                    chart,
                    &series.values,
                    "chart.extremes",
                    &series.name,
                    words,
                ));
                if chart.kind == Kind::Line {
                    sentences.push(trend(chart, &series.values, &series.name, words));
                }
            }
        }
    }
    sentences.join(&words.say("chart.sentence_separator", &[]))
}

/// The labels of the rows holding the highest (or lowest) of `values`, and that value.
fn extreme<'a>(chart: &'a Chart, values: &[f64], highest: bool) -> Option<(Vec<&'a str>, f64)> {
    let best = values
        .iter()
        .copied()
        .reduce(if highest { f64::max } else { f64::min })?;
    let labels = chart
        .labels
        .iter()
        .zip(values)
        .filter(|(_, v)| **v == best)
        .map(|(l, _)| l.as_str())
        .collect();
    Some((labels, best))
}

fn extremes(chart: &Chart, values: &[f64], key: &str, name: &str, words: &Words) -> String {
    let (Some((hi, high)), Some((lo, low))) =
        (extreme(chart, values, true), extreme(chart, values, false))
    else {
        return String::new();
    };
    if values.len() == 1 {
        return words.say(
            "chart.one",
            &[
                ("name", name.to_string()),
                ("label", words.quote(&chart.labels[0])),
                ("value", format_number(high)),
            ],
        );
    }
    words.say(
        key,
        &[
            ("name", name.to_string()),
            ("high_label", words.list(&hi)),
            ("high", format_number(high)),
            ("low_label", words.list(&lo)),
            ("low", format_number(low)),
        ],
    )
}

/// From the first row to the last: up, down or the same, and by how much.
fn trend(chart: &Chart, values: &[f64], name: &str, words: &Words) -> String {
    let (Some(first), Some(last)) = (values.first(), values.last()) else {
        return String::new();
    };
    let key = if last > first {
        "chart.rise"
    } else if last < first {
        "chart.fall"
    } else {
        "chart.flat"
    };
    words.say(
        key,
        &[
            ("name", name.to_string()),
            ("from", words.quote(&chart.labels[0])),
            ("to", words.quote(&chart.labels[chart.labels.len() - 1])),
            ("first", format_number(*first)),
            ("last", format_number(*last)),
            ("change", format_number((last - first).abs())),
        ],
    )
}
