//! Text in a chart: how wide a label is at the chart's font size, and where it may wrap
//! (at spaces in Latin text, between any two characters of CJK text, never before a closing mark).

/// The font size of every chart text, in the drawing's units (style.css sets the same).
pub const FONT: f64 = 14.0;
/// The distance between two lines of a wrapped label.
pub const LINE: f64 = 19.0;

/// Whether `c` is set full width: CJK ideographs, kana, hangul, full-width forms.
fn is_wide(c: char) -> bool {
    (c as u32) >= 0x2E80
}

/// Marks that never start a line (kinsoku): closing brackets, commas, full stops.
fn closes(c: char) -> bool {
    matches!(
        c,
        '、' | '。'
            | '，'
            | '．'
            | '）'
            | '」'
            | '』'
            | '】'
            | '〉'
            | '》'
            | '・'
            | 'ー'
            | '：'
            | '；'
            | '！'
            | '？'
            | ')'
            | ','
            | '.'
            | ':'
            | ';'
            | '%'
            | '％'
    )
}

/// Marks that never end a line: opening brackets.
fn opens(c: char) -> bool {
    matches!(c, '（' | '「' | '『' | '【' | '〈' | '《' | '(')
}

/// Rough width of `s` at the chart's font size: full-width characters take 1 em, others about
/// 0.58 em (a little more than the average Latin letter, so that estimates err on the wide side).
pub fn width(s: &str) -> f64 {
    s.chars()
        .map(|c| if is_wide(c) { FONT } else { FONT * 0.58 })
        .sum()
}

/// Splits `s` into lines no wider than `max`: at spaces in Latin text, between characters of CJK
/// text. A word wider than `max` on its own is split between letters rather than left to overflow.
pub fn wrap(s: &str, max: f64) -> Vec<String> {
    // Units that stay together: a CJK character with the closing marks after it, or a run of
    // other characters up to a space (the space belongs to the run before it).
    let chars: Vec<char> = s.trim().chars().collect();
    let mut units: Vec<String> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let mut unit = String::new();
        while i < chars.len() && opens(chars[i]) {
            unit.push(chars[i]);
            i += 1;
        }
        if i < chars.len() && is_wide(chars[i]) {
            unit.push(chars[i]);
            i += 1;
        } else {
            while i < chars.len() && !is_wide(chars[i]) && chars[i] != ' ' && !opens(chars[i]) {
                unit.push(chars[i]);
                i += 1;
            }
            while i < chars.len() && chars[i] == ' ' {
                unit.push(' ');
                i += 1;
            }
        }
        while i < chars.len() && closes(chars[i]) {
            unit.push(chars[i]);
            i += 1;
        }
        if unit.is_empty() {
            unit.push(chars[i]);
            i += 1;
        }
        units.push(unit);
    }
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for unit in units {
        if !line.is_empty() && width((line.clone() + &unit).trim_end()) > max {
            lines.push(line.trim_end().to_string());
            line = String::new();
        }
        if width(unit.trim_end()) > max {
            // One word wider than the room: split it between letters.
            for c in unit.chars() {
                if !line.is_empty() && width(&format!("{line}{c}")) > max && c != ' ' {
                    lines.push(line.trim_end().to_string());
                    line = String::new();
                }
                line.push(c);
            }
        } else {
            line.push_str(&unit);
        }
    }
    if !line.trim().is_empty() || lines.is_empty() {
        lines.push(line.trim_end().to_string());
    }
    lines
}

/// Whether `s` holds a word (a run of letters or digits other than CJK, which may break between
/// any two characters) wider than `max`: wrapping would have to split it.
pub fn has_word_wider_than(s: &str, max: f64) -> bool {
    s.split(|c: char| c.is_whitespace() || is_wide(c))
        .any(|word| width(word) > max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_wraps_at_spaces_and_cjk_between_characters() {
        let english = wrap(
            "Regenerative medicine, cell therapy and gene therapy: the projects that started this year",
            200.0,
        );
        assert!(english.len() > 2, "{english:?}");
        assert!(english.iter().all(|l| width(l) <= 200.0), "{english:?}");
        assert_eq!(
            english.join(" "),
            "Regenerative medicine, cell therapy and gene therapy: the projects that started this year"
        );
        let japanese = "とても長いラベル".repeat(8);
        let lines = wrap(&japanese, 100.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| width(l) <= 100.0));
        assert_eq!(lines.concat(), japanese);
    }

    #[test]
    fn closing_marks_stay_with_the_character_before_them() {
        // 7 characters fit; the eighth is "、", which must not start the next line.
        let lines = wrap("医薬品医療機器、診断", 7.0 * FONT);
        assert_eq!(lines, ["医薬品医療機", "器、診断"]);
        // An opening bracket stays with what follows it.
        let lines = wrap("基盤整備その他（記載なし）", 6.0 * FONT);
        assert!(lines.iter().all(|l| !l.ends_with('（')), "{lines:?}");
    }

    #[test]
    fn only_words_outside_cjk_text_count_as_too_wide() {
        assert!(has_word_wider_than("September", 30.0));
        assert!(!has_word_wider_than("10月", 20.0));
        assert!(!has_word_wider_than("Q1 to Q4", 30.0));
    }

    #[test]
    fn a_word_wider_than_the_room_is_split() {
        let lines = wrap("Pharmacoepidemiology", 60.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| width(l) <= 60.0));
        assert_eq!(lines.concat(), "Pharmacoepidemiology");
    }
}
