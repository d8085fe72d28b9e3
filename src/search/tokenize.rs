//! The tokenizer: text → search tokens, the same for every language, mirrored token for token by
//! `tokenize` in `themes/*/static/search.js` (`tests/browser/tokenizer.test.mjs` proves it on the
//! golden fixture and on every page of the built index).

use std::borrow::Cow;

use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// Name of the tokenizer, written into every index so that a client refuses an index it does not
/// understand. Change it whenever [`tokenize`] (or a pipeline) changes its output.
pub const TOKENIZER: &str = "nenpo-tokenizer-3";

/// Splits text into search tokens.
///
/// 1. Fold: NFKC (full-width Latin and digits to ASCII, half-width kana to full-width), then
///    lower-case.
/// 2. A run of CJK characters (kana, the prolonged sound mark, ideographs, hangul) continues
///    across spaces and middle dots (`吉崎 歩` = `吉崎歩`, `ゲノム・データ` = `ゲノムデータ`). In
///    the run, katakana become hiragana, small kana become large ones, the prolonged sound
///    mark `ー` is dropped (`コンピューター` = `コンピュータ` = `こんぴゅた`) and old and variant
///    kanji forms become the standard ones ([`KANJI_VARIANTS`]: `岩﨑` = `岩崎`, `醫` = `医`). The run gives
///    its character bigrams, then its last character alone, so that every character of the text
///    starts some token and a one-character query can match as a prefix.
/// 3. A run of other letters and digits (Unicode Alphabetic or Numeric) is one word; an
///    apostrophe between two such characters is dropped (`AMED's` → `ameds`), and so is a comma
///    between two digits (`2,964` → `2964`).
/// 4. Everything else separates tokens.
pub fn tokenize(text: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    tokenize_each(text, |token| tokens.push(token.to_string()));
    tokens
}

/// [`tokenize`], handing each token to `emit` instead of collecting them.
pub fn tokenize_each(text: &str, mut emit: impl FnMut(&str)) {
    tokenize_packed(text, |token, _| emit(token));
}

/// A token of at most 8 bytes as one number: its UTF-8 bytes, little-endian, zero-padded (no
/// token holds a zero byte, so no two tokens share a number). `None` for longer tokens.
pub fn pack(token: &str) -> Option<u64> {
    let bytes = token.as_bytes();
    let n = bytes.len();
    let half = |at: usize| u64::from(u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4")));
    match n {
        8 => Some(u64::from_le_bytes(bytes.try_into().expect("8 bytes"))),
        // The last 4 bytes overlap the first 4; shifting drops the bytes read twice.
        4..=7 => Some(half(0) | (half(n - 4) >> ((8 - n) * 8)) << 32),
        0..=3 => Some(
            bytes
                .iter()
                .rev()
                .fold(0, |key, &b| key << 8 | u64::from(b)),
        ),
        _ => None,
    }
}

/// A character's UTF-8 bytes packed as in [`pack`], with their number.
fn pack_char(c: char) -> (u64, u32) {
    let c = u64::from(u32::from(c));
    match c {
        0..=0x7F => (c, 1),
        0x80..=0x7FF => ((0xC0 | c >> 6) | (0x80 | c & 0x3F) << 8, 2),
        0x800..=0xFFFF => (
            (0xE0 | c >> 12) | (0x80 | (c >> 6) & 0x3F) << 8 | (0x80 | c & 0x3F) << 16,
            3,
        ),
        _ => (
            (0xF0 | c >> 18)
                | (0x80 | (c >> 12) & 0x3F) << 8
                | (0x80 | (c >> 6) & 0x3F) << 16
                | (0x80 | c & 0x3F) << 24,
            4,
        ),
    }
}

/// [`tokenize_each`], handing each token with its [`pack`]ed form when it has one (the index's
/// key for it, made here from the characters of a CJK run rather than read back from memory).
pub fn tokenize_packed(text: &str, mut emit: impl FnMut(&str, Option<u64>)) {
    let folded = fold(text);
    let s: &str = &folded;
    let bytes = s.as_bytes();
    // The folded characters of a CJK run.
    let mut run = String::new();
    // A word that had characters dropped from it.
    let mut token = String::new();
    let mut i = 0;
    while i < bytes.len() {
        // ASCII first: most of the text, and never CJK.
        let c = match bytes[i] {
            b if b.is_ascii_alphanumeric() => {
                i = word(s, i, &mut token, &mut emit);
                continue;
            }
            b if b.is_ascii() => {
                i += 1;
                continue;
            }
            _ => char_at(s, i),
        };
        if is_cjk(c) {
            i = cjk_run(s, i, &mut run, &mut emit);
        } else if c.is_alphanumeric() {
            i = word(s, i, &mut token, &mut emit);
        } else {
            i += c.len_utf8();
        }
    }
}

/// The units of `text` a reader would type: each CJK run whole (folded as in [`tokenize`]) and
/// each word, in order, with whether it is a run. The cross-language dictionary is keyed by them.
pub fn runs_and_words(text: &str, mut emit: impl FnMut(&str, bool)) {
    let folded = fold(text);
    let s: &str = &folded;
    let mut run = String::new();
    let mut token = String::new();
    let mut i = 0;
    while i < s.len() {
        let c = char_at(s, i);
        if is_cjk(c) {
            i = cjk_run(s, i, &mut run, &mut |_, _| {});
            if !run.is_empty() {
                emit(&run, true);
            }
        } else if c.is_alphanumeric() {
            i = word(s, i, &mut token, &mut |w, _| emit(w, false));
        } else {
            i += c.len_utf8();
        }
    }
}

/// The character at byte `i` of `s` (a character boundary before its end).
fn char_at(s: &str, i: usize) -> char {
    s[i..].chars().next().expect("a character")
}

/// The CJK run starting at byte `i` of `s`: emits its bigrams, then its last character alone
/// (slices of `run`, its folded characters); returns where the run ends.
fn cjk_run(
    s: &str,
    mut i: usize,
    run: &mut String,
    emit: &mut impl FnMut(&str, Option<u64>),
) -> usize {
    run.clear();
    // Where the last folded character starts in `run`, and that character packed.
    let mut previous: Option<(usize, (u64, u32))> = None;
    while i < s.len() {
        let c = char_at(s, i);
        if is_cjk(c) {
            if let Some(k) = fold_kana(c) {
                let at = run.len();
                run.push(k);
                let packed = pack_char(k);
                if let Some((p, (before, length))) = previous {
                    emit(&run[p..], Some(before | packed.0 << (8 * length)));
                }
                previous = Some((at, packed));
            }
            i += c.len_utf8();
        } else if is_joiner(c) {
            // Joiners inside a name: skip them when CJK text follows.
            let mut j = i + c.len_utf8();
            let mut next = None;
            while j < s.len() {
                let d = char_at(s, j);
                if !is_joiner(d) {
                    next = Some(d);
                    break;
                }
                j += d.len_utf8();
            }
            if next.is_some_and(is_cjk) {
                i = j;
            } else {
                break;
            }
        } else {
            break;
        }
    }
    if let Some((p, (packed, _))) = previous {
        emit(&run[p..], Some(packed));
    }
    i
}

/// The word starting at byte `start` of `s` (a word character): emits it, a slice of the text
/// unless a character was dropped from it (then copied into `token`); returns where it ends.
fn word(
    s: &str,
    start: usize,
    token: &mut String,
    emit: &mut impl FnMut(&str, Option<u64>),
) -> usize {
    let bytes = s.as_bytes();
    let mut i = start;
    // Once a character was dropped: the part of the text after it, still to copy.
    let mut copied: Option<usize> = None;
    while i < bytes.len() {
        if bytes[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let c = char_at(s, i);
        if is_word(c) {
            i += c.len_utf8();
            continue;
        }
        // Dropped inside a word: an apostrophe between letters, a comma between digits. What
        // precedes `c` is always a word character of the token (one follows every dropped one).
        let after = i + c.len_utf8();
        let dropped = if is_apostrophe(c) {
            after < bytes.len() && is_word(char_at(s, after))
        } else {
            c == ','
                && bytes[i - 1].is_ascii_digit()
                && bytes.get(after).is_some_and(u8::is_ascii_digit)
        };
        if !dropped {
            break;
        }
        match copied {
            None => {
                token.clear();
                token.push_str(&s[start..i]);
            }
            Some(from) => token.push_str(&s[from..i]),
        }
        copied = Some(after);
        i = after;
    }
    match copied {
        Some(from) => {
            token.push_str(&s[from..i]);
            emit(token, pack(token));
        }
        None => emit(&s[start..i], pack(&s[start..i])),
    }
    i
}

/// NFKC, then lower-case (skipping the normalization where it would change nothing, and the
/// copy where nothing changes at all).
pub fn fold(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        if text.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(text.to_ascii_lowercase())
        } else {
            Cow::Borrowed(text)
        }
    } else if let Some(upper) = ascii_and_stable_cjk(text) {
        // Japanese text is mostly characters that NFKC and lower-casing leave as they are.
        if upper {
            Cow::Owned(text.to_ascii_lowercase())
        } else {
            Cow::Borrowed(text)
        }
    } else if is_nfkc_quick(text.chars()) == IsNormalized::Yes {
        Cow::Owned(text.to_lowercase())
    } else {
        Cow::Owned(text.nfkc().collect::<String>().to_lowercase())
    }
}

/// Whether `text` is only ASCII and [`is_nfkc_stable_cjk`] characters, and if so whether it has
/// an ASCII capital (`None`: other characters).
fn ascii_and_stable_cjk(text: &str) -> Option<bool> {
    let bytes = text.as_bytes();
    let mut upper = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii() {
            upper |= b.is_ascii_uppercase();
            i += 1;
        } else if b & 0xF0 == 0xE0 {
            // Every character of the set takes three bytes.
            let c = u32::from(b & 0x0F) << 12
                | u32::from(bytes[i + 1] & 0x3F) << 6
                | u32::from(bytes[i + 2] & 0x3F);
            if !is_nfkc_stable_cjk(char::from_u32(c)?) {
                return None;
            }
            i += 3;
        } else {
            return None;
        }
    }
    Some(upper)
}

/// Kana, ideographs and the commonest Japanese punctuation, which NFKC leaves alone whatever
/// follows them (a combining voicing mark after kana is not in this set, so it takes the full path).
fn is_nfkc_stable_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3001..=0x3002 | 0x300C..=0x300F | 0x3041..=0x3096 | 0x30A1..=0x30FA | 0x30FC
        | 0x4E00..=0x9FFF)
}

/// The old and variant kanji forms the tokenizer folds to the standard ones: one pair a line,
/// the form, a tab, the standard form (its source is named in the file's comment).
pub const KANJI_VARIANTS: &str = include_str!("data/kanji-variants.txt");

/// [`KANJI_VARIANTS`] read: which characters of the Basic Multilingual Plane have a standard
/// form (one bit each, so that most kanji are passed over with one load), and the pairs sorted.
struct Variants {
    bmp: Vec<u64>,
    pairs: Vec<(char, char)>,
}

fn variants() -> &'static Variants {
    static VARIANTS: std::sync::OnceLock<Variants> = std::sync::OnceLock::new();
    VARIANTS.get_or_init(|| {
        let mut pairs: Vec<(char, char)> = kanji_variant_pairs().collect();
        pairs.sort_unstable();
        let mut bmp = vec![0u64; 0x10000 / 64];
        for &(from, _) in &pairs {
            let at = from as usize;
            if at < 0x10000 {
                bmp[at / 64] |= 1 << (at % 64);
            }
        }
        Variants { bmp, pairs }
    })
}

/// The pairs of [`KANJI_VARIANTS`]: `(form, standard form)`.
pub fn kanji_variant_pairs() -> impl Iterator<Item = (char, char)> {
    KANJI_VARIANTS
        .lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .filter_map(|line| {
            let mut chars = line.split('\t').map(|s| s.chars().next());
            Some((chars.next()??, chars.next()??))
        })
}

/// The standard form of an old or variant kanji (`髙` → `高`, `﨑` → `崎`); others unchanged.
fn standard_kanji(c: char) -> char {
    let v = variants();
    let code = c as usize;
    if code < 0x10000 && v.bmp[code / 64] >> (code % 64) & 1 == 0 {
        return c;
    }
    match v.pairs.binary_search_by(|&(from, _)| from.cmp(&c)) {
        Ok(i) => v.pairs[i].1,
        Err(_) => c,
    }
}

/// Katakana → hiragana, small kana → large, `ー` → nothing, old kanji forms → standard ones;
/// other characters unchanged.
fn fold_kana(c: char) -> Option<char> {
    let code = c as u32;
    let hiragana = match code {
        0x30FC => return None,
        0x30A1..=0x30F6 | 0x30FD | 0x30FE => code - 0x60,
        0x3400.. => return Some(standard_kanji(c)),
        _ => code,
    };
    let large = match hiragana {
        0x3041 | 0x3043 | 0x3045 | 0x3047 | 0x3049 | 0x3063 | 0x3083 | 0x3085 | 0x3087 | 0x308E => {
            hiragana + 1
        }
        0x3095 => 0x304B,
        0x3096 => 0x3051,
        other => other,
    };
    char::from_u32(large)
}

/// What may stand between two parts of one CJK name: white space and middle dots.
fn is_joiner(c: char) -> bool {
    c.is_whitespace() || c == '\u{30FB}' || c == '\u{00B7}'
}

/// Letters and digits that are not CJK.
pub fn is_word(c: char) -> bool {
    !is_cjk(c) && c.is_alphanumeric()
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

/// Characters written without spaces between words (after NFKC).
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3005..=0x3007          // 々 〆 〇
        | 0x3041..=0x3096        // hiragana
        | 0x3099..=0x309F        // voicing marks, ゝ ゞ ゟ
        | 0x30A1..=0x30FA        // katakana (without ゠ and the middle dot ・)
        | 0x30FC..=0x30FF        // ー ヽ ヾ ヿ
        | 0x31F0..=0x31FF        // small katakana for Ainu
        | 0x3400..=0x4DBF        // CJK extension A
        | 0x4E00..=0x9FFF        // CJK unified ideographs
        | 0xAC00..=0xD7A3        // hangul syllables
        | 0xF900..=0xFAFF        // CJK compatibility ideographs
        | 0x20000..=0x3FFFF      // CJK extensions B and later
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_runs_give_bigrams_and_the_last_character() {
        assert_eq!(tokenize("強皮症"), ["強皮", "皮症", "症"]);
        assert_eq!(tokenize("薬"), ["薬"]);
        assert_eq!(tokenize("令和３年度"), ["令和", "和", "3", "年度", "度"]);
    }

    #[test]
    fn packed_tokens_are_their_bytes() {
        let text = "強皮症 ゲノム・データ ガン コンピューター 𠮷野家 𠮷 AMED's 2,964 café naïve x \
                    abcdefgh abcdefghi ab abc abcd abcde";
        let mut seen = 0;
        tokenize_packed(text, |token, packed| {
            let mut padded = [0u8; 8];
            if token.len() <= 8 {
                padded[..token.len()].copy_from_slice(token.as_bytes());
                assert_eq!(packed, Some(u64::from_le_bytes(padded)), "{token:?}");
            } else {
                assert_eq!(packed, None, "{token:?}");
            }
            assert_eq!(pack(token), packed, "{token:?}");
            seen += 1;
        });
        assert_eq!(seen, tokenize(text).len());
        assert!(seen > 20);
        for c in ['a', 'é', 'ア', '𠮷'] {
            let (packed, length) = pack_char(c);
            assert_eq!(Some(packed), pack(c.encode_utf8(&mut [0; 4])));
            assert_eq!(length as usize, c.len_utf8());
        }
    }

    #[test]
    fn the_fast_fold_agrees_with_nfkc() {
        use unicode_normalization::UnicodeNormalization;
        for c in (0x3000u32..=0x30FF)
            .chain(0x4E00..=0x9FFF)
            .filter_map(char::from_u32)
        {
            if is_nfkc_stable_cjk(c) {
                let s = format!("{c}a{c}");
                assert_eq!(s.nfkc().collect::<String>(), s, "U+{:04X}", c as u32);
            }
        }
        assert_eq!(fold("カ\u{3099}Ａ"), "ガa");
    }

    #[test]
    fn names_ignore_spaces_and_middle_dots() {
        assert_eq!(tokenize("吉崎 歩"), tokenize("吉崎歩"));
        assert_eq!(tokenize("ゲノム・データ"), tokenize("ゲノムデータ"));
        assert_eq!(tokenize("ゲノム･データ"), tokenize("ゲノムデータ"));
        // Between Latin words a middle dot still separates.
        assert_eq!(tokenize("a・b"), ["a", "b"]);
    }

    #[test]
    fn old_and_variant_kanji_fold_to_the_standard_forms() {
        assert_eq!(tokenize("岩﨑"), tokenize("岩崎"));
        assert_eq!(tokenize("髙橋"), tokenize("高橋"));
        assert_eq!(tokenize("渡邊"), tokenize("渡辺"));
        assert_eq!(tokenize("𠮷野"), tokenize("吉野"));
        assert_eq!(tokenize("醫療機器開發"), tokenize("医療機器開発"));
        assert_eq!(tokenize("藥劑"), tokenize("薬剤"));
        let pairs: Vec<(char, char)> = kanji_variant_pairs().collect();
        assert!(pairs.len() >= 300, "{} pairs", pairs.len());
        for (from, to) in pairs {
            assert_eq!(standard_kanji(from), to, "{from}");
            // One step suffices: a standard form is not itself folded.
            assert_eq!(standard_kanji(to), to, "{to}");
            assert!(is_cjk(from) && is_cjk(to), "{from} {to}");
        }
    }

    #[test]
    fn runs_and_words_are_what_a_reader_types() {
        let mut units = Vec::new();
        runs_and_words(
            "リツキシマブ（Rituxan®）は 渡邊 AMED's 薬",
            |u, run| units.push((u.to_string(), run)),
        );
        let expected = [
            ("りつきしまぶ", true),
            ("rituxan", false),
            ("は渡辺", true),
            ("ameds", false),
            ("薬", true),
        ];
        let expected: Vec<(String, bool)> =
            expected.iter().map(|(u, r)| (u.to_string(), *r)).collect();
        assert_eq!(units, expected);
    }

    #[test]
    fn kana_fold_together() {
        assert_eq!(tokenize("ガン"), tokenize("がん"));
        assert_eq!(tokenize("ｶﾞﾝ"), tokenize("がん"));
        assert_eq!(tokenize("コンピューター"), tokenize("コンピュータ"));
        assert_eq!(tokenize("ウィルス"), tokenize("ウイルス"));
        assert_eq!(tokenize("ー"), Vec::<String>::new());
    }

    #[test]
    fn width_case_and_number_separators_fold() {
        assert_eq!(tokenize("ＡＭＥＤ"), tokenize("AMED"));
        assert_eq!(tokenize("ｉＰＳ細胞"), ["ips", "細胞", "胞"]);
        assert_eq!(tokenize("2,964"), ["2964"]);
        assert_eq!(tokenize("２，９６４"), ["2964"]);
        assert_eq!(tokenize("2,964件"), ["2964", "件"]);
        assert_eq!(tokenize("a, 2"), ["a", "2"]);
        assert_eq!(tokenize("1,234.5"), ["1234", "5"]);
    }

    #[test]
    fn words_and_mixed_text() {
        assert_eq!(
            tokenize("COVID-19ワクチン"),
            ["covid", "19", "わく", "くち", "ちん", "ん"]
        );
        assert_eq!(
            tokenize("AMED's  approvals, 2021."),
            ["ameds", "approvals", "2021"]
        );
        assert!(tokenize(" ・、。!? ").is_empty());
    }
}
