//! Numbers as each language writes them: digit grouping and decimal sign from ICU4X's locale data
//! (`icu_decimal`, compiled in), and a column's unit (a currency, a percentage or a text) placed
//! where the language puts it.
//!
//! ICU4X has no stable currency formatting yet (it is in `icu_experimental`), so where the
//! currency sign and the percent sign go is the small table `Placement::of` below, keyed by the
//! language subtag and following CLDR's patterns (`¤#,##0.00` in en and ja, `#,##0.00 ¤` in de
//! and fr); the digits themselves always come from ICU4X.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

use fixed_decimal::{Decimal, SignDisplay, SignedRoundingMode, UnsignedRoundingMode};
use icu_decimal::DecimalFormatter;
use icu_locale_core::Locale;

/// What a number of a column means and how many digits it shows after the decimal sign.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NumberFormat {
    pub unit: Option<Unit>,
    /// Digits after the decimal sign (rounded half to even by ICU4X); `None`: as written.
    pub decimals: Option<u8>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Unit {
    /// An ISO 4217 code: `EUR`, `JPY`, `USD`.
    Currency(String),
    /// `%`: the number is a percentage (12.5 means 12.5 %).
    Percent,
    /// A word shown after the number, per language (the same text in every language when the
    /// record wrote one text for all).
    Text(BTreeMap<String, String>),
}

impl NumberFormat {
    /// The format of a column of a table record as templates and charts see it (`unit`:
    /// `"EUR"`, `"%"` or the word in the record's language; `decimals`).
    pub fn of_column(column: &serde_json::Value, lang: &str) -> NumberFormat {
        NumberFormat {
            unit: column
                .get("unit")
                .and_then(serde_json::Value::as_str)
                .map(|u| unit_of(u, &[lang.to_string()])),
            decimals: column
                .get("decimals")
                .and_then(serde_json::Value::as_u64)
                .map(|d| d.min(10) as u8),
        }
    }
}

/// How a change is signed: `+86,000` for a rise, `-86,000` for a fall (key figures).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sign {
    /// As the language writes a number: a minus for a negative one, nothing for a positive one.
    Auto,
    /// Always a sign, except for zero: a change from the previous edition.
    Change,
}

/// `value` written in `lang` with the column's unit and decimals: `1,234.5` (en), `1.234,5` (de),
/// `1 234,5` (fr), `€86,000` (en), `86.000 €` (de), `12.5%` (en), `12,5 %` (de), `15 cases`.
pub fn format_number(value: f64, format: &NumberFormat, lang: &str) -> String {
    format_signed(value, format, lang, Sign::Auto)
}

/// `format_number` with a choice of sign: `Sign::Change` writes `+€86,000`, `+8.7%`.
pub fn format_signed(value: f64, format: &NumberFormat, lang: &str, sign: Sign) -> String {
    let digits = digits(value, format.decimals, lang, sign);
    let place = Placement::of(lang);
    match &format.unit {
        None => digits,
        Some(Unit::Percent) => format!("{digits}{}%", place.percent_gap),
        Some(Unit::Currency(code)) => {
            let symbol = currency_symbol(code, lang);
            if place.currency_after {
                format!("{digits}\u{a0}{symbol}")
            } else if symbol.chars().all(|c| c.is_ascii_uppercase()) {
                // A code without a symbol (`CHF`) is set apart from the digits.
                with_sign_outside(&digits, |d| format!("{symbol}\u{a0}{d}"))
            } else {
                with_sign_outside(&digits, |d| format!("{symbol}{d}"))
            }
        }
        Some(Unit::Text(by_lang)) => match text_in(by_lang, lang) {
            Some(word) if !word.is_empty() => {
                if place.word_gap {
                    format!("{digits}\u{a0}{word}")
                } else {
                    format!("{digits}{word}")
                }
            }
            _ => digits,
        },
    }
}

/// The unit's text in `lang` (or in the first language that has one).
fn text_in<'a>(by_lang: &'a BTreeMap<String, String>, lang: &str) -> Option<&'a str> {
    by_lang
        .get(lang)
        .or_else(|| by_lang.values().next())
        .map(String::as_str)
}

/// `-€5` and `+€5`, not `€-5`: a sign the digits start with goes before the currency symbol.
fn with_sign_outside(digits: &str, place: impl Fn(&str) -> String) -> String {
    let sign_len = digits
        .char_indices()
        .find(|(_, c)| c.is_ascii_digit())
        .map_or(0, |(i, _)| i);
    let (sign, rest) = digits.split_at(sign_len);
    format!("{sign}{}", place(rest))
}

/// The digits of `value` in `lang`: grouping, decimal sign and minus sign from ICU4X.
fn digits(value: f64, decimals: Option<u8>, lang: &str, sign: Sign) -> String {
    // Rust writes the shortest text that reads back as the same f64 (`0.1`, not
    // `0.1000000000000000055511151231257827`): the figure as the record wrote it. It is rounded
    // half away from zero, as accounts are (980.25 to one decimal is 980.3).
    let plain = format!("{value}");
    let Ok(mut decimal) = Decimal::from_str(&plain) else {
        return plain;
    };
    if let Some(d) = decimals {
        let position = -i16::from(d);
        decimal.round_with_mode(
            position,
            SignedRoundingMode::Unsigned(UnsignedRoundingMode::HalfExpand),
        );
        decimal.absolute.pad_end(position);
    }
    if sign == Sign::Change {
        decimal.apply_sign_display(SignDisplay::ExceptZero);
    }
    with_formatter(lang, |f| f.format(&decimal).to_string()).unwrap_or(plain)
}

thread_local! {
    /// One formatter per language and thread, made once: making one loads its locale data (and
    /// ICU4X's data handles are not shared between threads).
    static FORMATTERS: RefCell<HashMap<String, Option<DecimalFormatter>>> = RefCell::default();
}

fn with_formatter<T>(lang: &str, f: impl FnOnce(&DecimalFormatter) -> T) -> Option<T> {
    FORMATTERS.with(|formatters| {
        let mut formatters = formatters.borrow_mut();
        let formatter = formatters.entry(lang.to_string()).or_insert_with(|| {
            let locale = Locale::try_from_str(lang).ok()?;
            DecimalFormatter::try_new((&locale).into(), Default::default()).ok()
        });
        formatter.as_ref().map(f)
    })
}

/// Where a language puts the currency sign, the percent sign and a unit word (CLDR's patterns).
struct Placement {
    /// `86.000 €` rather than `€86,000`.
    currency_after: bool,
    /// What stands between the digits and `%`: nothing (`12%`), a no-break space (`12 %`), or
    /// French's narrow one.
    percent_gap: &'static str,
    /// A no-break space before a unit word (`15 cases`), none where words are not spaced (`15件`).
    word_gap: bool,
}

impl Placement {
    fn of(lang: &str) -> Placement {
        let base = lang.split(['-', '_']).next().unwrap_or(lang);
        match base {
            "de" | "es" | "it" | "nl" | "pt" | "da" | "nb" | "sv" | "fi" | "pl" | "cs" => {
                Placement {
                    currency_after: true,
                    percent_gap: "\u{a0}",
                    word_gap: true,
                }
            }
            "fr" => Placement {
                currency_after: true,
                percent_gap: "\u{202f}",
                word_gap: true,
            },
            "ja" | "zh" | "ko" => Placement {
                currency_after: false,
                percent_gap: "",
                word_gap: false,
            },
            _ => Placement {
                currency_after: false,
                percent_gap: "",
                word_gap: true,
            },
        }
    }
}

/// The sign of a currency as `lang` writes it (CLDR), or its code when it has none there.
fn currency_symbol<'a>(code: &'a str, lang: &str) -> &'a str {
    let base = lang.split(['-', '_']).next().unwrap_or(lang);
    match (code, base) {
        ("EUR", _) => "€",
        ("GBP", _) => "£",
        ("JPY", "ja") => "￥",
        ("JPY", _) => "¥",
        ("CNY", "zh") => "¥",
        ("KRW", _) => "₩",
        ("INR", _) => "₹",
        ("USD", "en" | "ja" | "de" | "zh" | "ko" | "it" | "nl") => "$",
        ("USD", "fr") => "$\u{a0}US",
        _ => code,
    }
}

/// A unit written as one text: `"EUR"` (ISO 4217), `"%"`, or a word in every language.
pub fn unit_of(text: &str, languages: &[String]) -> Unit {
    if text == "%" {
        Unit::Percent
    } else if is_currency_code(text) {
        Unit::Currency(text.to_string())
    } else {
        Unit::Text(
            languages
                .iter()
                .map(|l| (l.clone(), text.to_string()))
                .collect(),
        )
    }
}

/// `number(value=…, unit=…, decimals=…)` or `number(figure=f)` (a key figure with `value` and
/// optional `unit` and `decimals`) in a template: the number as the page's language writes it.
/// A value that is not a number (a figure written as text) is returned as it is.
pub struct NumberFunction {
    pub lang: String,
}

impl tera::Function for NumberFunction {
    fn call(&self, args: &HashMap<String, serde_json::Value>) -> tera::Result<serde_json::Value> {
        let from = args.get("figure").unwrap_or(&serde_json::Value::Null);
        let arg = |name: &str| args.get(name).or_else(|| from.get(name));
        let Some(value) = arg("value") else {
            return Err("number() needs `value=` (or `figure=`, a key figure)".into());
        };
        let Some(n) = value.as_f64() else {
            return Ok(value.clone());
        };
        let unit = match arg("unit") {
            Some(serde_json::Value::String(u)) => {
                Some(unit_of(u, std::slice::from_ref(&self.lang)))
            }
            _ => None,
        };
        let decimals = arg("decimals")
            .and_then(serde_json::Value::as_u64)
            .map(|d| d.min(10) as u8);
        let format = NumberFormat { unit, decimals };
        Ok(serde_json::Value::String(format_number(
            n, &format, &self.lang,
        )))
    }

    fn is_safe(&self) -> bool {
        false
    }
}

/// An ISO 4217 code: three capital letters.
pub fn is_currency_code(text: &str) -> bool {
    text.len() == 3 && text.bytes().all(|b| b.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(u: Unit) -> NumberFormat {
        NumberFormat {
            unit: Some(u),
            decimals: None,
        }
    }

    #[test]
    fn digits_follow_each_language() {
        let one = NumberFormat {
            unit: None,
            decimals: Some(1),
        };
        assert_eq!(format_number(1234.5, &one, "en"), "1,234.5");
        assert_eq!(format_number(1234.5, &one, "ja"), "1,234.5");
        assert_eq!(format_number(1234.5, &one, "de"), "1.234,5");
        assert_eq!(format_number(1234.5, &one, "fr"), "1\u{202f}234,5");
        assert_eq!(format_number(-5.0, &NumberFormat::default(), "en"), "-5");
        assert_eq!(format_number(0.1, &NumberFormat::default(), "en"), "0.1");
        assert_eq!(format_number(980.25, &one, "en"), "980.3");
        assert_eq!(format_number(2050.0, &one, "de"), "2.050,0");
    }

    #[test]
    fn units_go_where_the_language_puts_them() {
        let eur = unit(Unit::Currency("EUR".into()));
        assert_eq!(format_number(86000.0, &eur, "en"), "€86,000");
        assert_eq!(format_number(86000.0, &eur, "de"), "86.000\u{a0}€");
        assert_eq!(format_number(-5.0, &eur, "en"), "-€5");
        assert_eq!(format_signed(86000.0, &eur, "en", Sign::Change), "+€86,000");
        assert_eq!(
            format_number(1200.0, &unit(Unit::Currency("JPY".into())), "ja"),
            "￥1,200"
        );
        let pct = NumberFormat {
            unit: Some(Unit::Percent),
            decimals: Some(1),
        };
        assert_eq!(format_signed(8.7, &pct, "en", Sign::Change), "+8.7%");
        assert_eq!(format_number(8.7, &pct, "de"), "8,7\u{a0}%");
        let cases = unit(Unit::Text(BTreeMap::from([
            ("ja".into(), "件".into()),
            ("en".into(), "cases".into()),
        ])));
        assert_eq!(format_number(15.0, &cases, "ja"), "15件");
        assert_eq!(format_number(15.0, &cases, "en"), "15\u{a0}cases");
        assert_eq!(format_number(15.0, &cases, "de"), "15\u{a0}cases");
        let column = serde_json::json!({"key": "amount", "unit": "EUR", "decimals": 1});
        let format = NumberFormat::of_column(&column, "de");
        assert_eq!(format_number(1234.56, &format, "de"), "1.234,6\u{a0}€");
    }
}
