//! Figures across editions: `series(page=…, key=…, edition=…, lang=…)` in a template reads one key
//! figure (`[[extra.figures]]` with a `key`) of the same page (by series key) in every edition up
//! to `edition`, with the previous value, the change and, from three editions on, an SVG chart.
//! It looks only backwards, so that adding an edition changes nothing on an older one.

use std::collections::HashMap;

use serde_json::{json, Value as Json};

use crate::numbers::{format_signed, unit_of, NumberFormat, Sign};
use crate::site::Site;

/// One value of a key figure in one edition.
#[derive(Clone, Debug)]
struct Point {
    edition: String,
    label: String,
    value: Json,
    /// The figure's `unit` and `decimals`: its change keeps them (`+€86,000`, `+8.7%`).
    format: Option<NumberFormat>,
}

/// (language, series key, figure key) → the figure in each edition, oldest first.
#[derive(Default)]
pub struct Figures {
    points: HashMap<(String, String, String), Vec<Point>>,
    /// Edition names, oldest first.
    editions: Vec<String>,
}

impl Figures {
    pub fn of(site: &Site) -> Figures {
        let Some(editions) = &site.config.editions else {
            return Figures::default();
        };
        let mut points: HashMap<(String, String, String), Vec<Point>> = HashMap::new();
        // Pages are in reading order per language, editions in name order: push in edition order.
        for name in &editions.names {
            for page in site
                .pages
                .iter()
                .filter(|p| p.edition.as_ref() == Some(name))
            {
                let Some(toml::Value::Array(figures)) = page.front.extra.get("figures") else {
                    continue;
                };
                for figure in figures {
                    let Some(key) = figure.get("key").and_then(toml::Value::as_str) else {
                        continue;
                    };
                    let Some(value) = figure.get("value") else {
                        continue;
                    };
                    let value = serde_json::to_value(value).unwrap_or(Json::Null);
                    let unit = figure
                        .get("unit")
                        .and_then(toml::Value::as_str)
                        .map(|u| unit_of(u, std::slice::from_ref(&page.lang)));
                    let decimals = figure
                        .get("decimals")
                        .and_then(toml::Value::as_integer)
                        .map(|d| d.clamp(0, 10) as u8);
                    let format = (unit.is_some() || decimals.is_some())
                        .then_some(NumberFormat { unit, decimals });
                    points
                        .entry((page.lang.clone(), page.series_key.clone(), key.to_string()))
                        .or_default()
                        .push(Point {
                            edition: name.clone(),
                            label: editions.label(name, &page.lang).to_string(),
                            value,
                            format,
                        });
                }
            }
        }
        Figures {
            points,
            editions: editions.names.clone(),
        }
    }

    /// The view `series()` returns.
    fn view(
        &self,
        lang: &str,
        page: &str,
        key: &str,
        edition: &str,
        title: &str,
        words: &crate::chart::Words,
    ) -> Json {
        let upto = self
            .editions
            .iter()
            .position(|e| e == edition)
            .unwrap_or(usize::MAX);
        let points: Vec<&Point> = self
            .points
            .get(&(lang.to_string(), page.to_string(), key.to_string()))
            .map(|p| {
                p.iter()
                    .filter(|p| self.editions.iter().position(|e| *e == p.edition) <= Some(upto))
                    .collect()
            })
            .unwrap_or_default();
        let current = points.iter().find(|p| p.edition == edition);
        let previous = points.iter().rev().find(|p| p.edition != edition);
        let change = match (current, previous) {
            (Some(c), Some(p)) => match (number(&c.value), number(&p.value)) {
                (Some(now), Some(was)) => Some(match &c.format {
                    Some(format) => format_signed(now - was, format, lang, Sign::Change),
                    None => signed(now - was),
                }),
                _ => None,
            },
            _ => None,
        };
        let numeric: Vec<(&Point, f64)> = points
            .iter()
            .filter_map(|p| number(&p.value).map(|n| (*p, n)))
            .collect();
        let chart = if current.is_some() && numeric.len() >= 3 && numeric.len() == points.len() {
            let anchor = format!("series-{}", slug(key));
            let record = json!({
                "anchor": anchor,
                "title": title,
                "columns": [{"key": "edition", "label": ""}, {"key": "value", "label": title}],
                "chart": {"label": "edition", "values": ["value"], "title": title},
                "rows": numeric.iter().map(|(p, n)| json!({"edition": p.label, "value": n})).collect::<Vec<_>>(),
            });
            crate::chart::render(&record, words).unwrap_or_default()
        } else {
            String::new()
        };
        // A figure with a unit or decimals is written as its language writes it, unit and all.
        let shown = |p: &Point| match (&p.format, number(&p.value)) {
            (Some(format), Some(n)) if p.value.is_number() => {
                Json::String(crate::numbers::format_number(n, format, lang))
            }
            _ => p.value.clone(),
        };
        let point = |p: &Point| json!({"edition": p.edition, "label": p.label, "value": shown(p)});
        json!({
            "points": points.iter().map(|p| point(p)).collect::<Vec<_>>(),
            "previous": previous.map(|p| point(p)),
            "change": change,
            "chart": chart,
        })
    }
}

/// `series(page=page.series_key, key=f.key, edition=page.edition, lang=lang, title=f.label)`.
pub struct SeriesFunction(pub std::sync::Arc<Figures>, pub crate::chart::Words);

impl tera::Function for SeriesFunction {
    fn call(&self, args: &HashMap<String, Json>) -> tera::Result<Json> {
        let arg = |name: &str| {
            args.get(name).and_then(Json::as_str).ok_or_else(|| {
                tera::Error::msg(format!(
                    "series() needs `{name}=\"…\"` (page=page.series_key, key=…, edition=page.edition, lang=lang)"
                ))
            })
        };
        let Some(edition) = args.get("edition").and_then(Json::as_str) else {
            // Outside a series there is no other edition.
            return Ok(json!({"points": [], "previous": null, "change": null, "chart": ""}));
        };
        let title = args.get("title").and_then(Json::as_str).unwrap_or("");
        Ok(self.0.view(
            arg("lang")?,
            arg("page")?,
            arg("key")?,
            edition,
            title,
            &self.1,
        ))
    }
}

/// The number in a figure: a TOML number, or the first number written in a text (`2,964件`).
fn number(value: &Json) -> Option<f64> {
    match value {
        Json::Number(n) => n.as_f64(),
        Json::String(s) => {
            let start = s.find(|c: char| c.is_ascii_digit())?;
            let negative = s[..start].ends_with(['-', '−']);
            let digits: String = s[start..]
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == ',' || *c == '.')
                .filter(|c| *c != ',')
                .collect();
            let n: f64 = digits.trim_end_matches('.').parse().ok()?;
            Some(if negative { -n } else { n })
        }
        _ => None,
    }
}

/// `+1,234`, `−56`, `±0`, with at most two decimals.
fn signed(n: f64) -> String {
    let sign = if n > 0.0 {
        "+"
    } else if n < 0.0 {
        "−"
    } else {
        "±"
    };
    let abs = n.abs();
    let rounded = (abs * 100.0).round() / 100.0;
    let whole = rounded.trunc() as u64;
    let mut digits = whole.to_string();
    let mut grouped = String::new();
    while digits.len() > 3 {
        let tail = digits.split_off(digits.len() - 3);
        grouped = format!(",{tail}{grouped}");
    }
    let frac = rounded - rounded.trunc();
    let frac = if frac > 0.0 {
        format!("{:.2}", frac)
            .trim_start_matches('0')
            .trim_end_matches('0')
            .to_string()
    } else {
        String::new()
    };
    format!("{sign}{digits}{grouped}{frac}")
}

fn slug(key: &str) -> String {
    key.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_changes() {
        assert_eq!(number(&json!("2,964件")), Some(2964.0));
        assert_eq!(number(&json!(12.5)), Some(12.5));
        assert_eq!(number(&json!("−3 sites")), Some(-3.0));
        assert_eq!(number(&json!("none")), None);
        assert_eq!(signed(1234.0), "+1,234");
        assert_eq!(signed(-56.0), "−56");
        assert_eq!(signed(0.0), "±0");
        assert_eq!(signed(1.5), "+1.5");
    }
}
