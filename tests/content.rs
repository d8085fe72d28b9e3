//! The report's own content against its seed: no figure may drift from the seed, every part of the
//! seed listed in the coverage map has content in both languages, every page and record names its
//! source pages, and every recorded repair is real.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use unicode_normalization::UnicodeNormalization;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn seed() -> String {
    let dir = repo().join("seeds");
    let path = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "txt"))
        .expect("the seed text is in seeds/");
    std::fs::read_to_string(path).unwrap()
}

/// Full-width digits folded, thousands separators removed.
fn fold(text: &str) -> String {
    let folded: String = text.nfkc().collect();
    let chars: Vec<char> = folded.chars().collect();
    let mut out = String::with_capacity(folded.len());
    for (i, &c) in chars.iter().enumerate() {
        let between_digits = i > 0
            && i + 1 < chars.len()
            && chars[i - 1].is_ascii_digit()
            && chars[i + 1].is_ascii_digit();
        if c == ',' && between_digits {
            continue;
        }
        out.push(c);
    }
    out
}

/// Every number in `text` (after folding), with the value it stands for when a 万 or 億 follows.
fn numbers(text: &str) -> Vec<String> {
    let text = fold(text);
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_digit()
                    || (chars[i] == '.' && i + 1 < chars.len() && chars[i + 1].is_ascii_digit()))
            {
                i += 1;
            }
            let n: String = chars[start..i].iter().collect();
            out.push(normalise(&n));
            let unit = match chars.get(i) {
                Some('万') => Some(1e4),
                Some('億') => Some(1e8),
                _ => None,
            };
            if let (Some(unit), Ok(v)) = (unit, n.parse::<f64>()) {
                out.push(normalise(&format!("{}", v * unit)));
            }
        } else {
            i += 1;
        }
    }
    out
}

fn normalise(n: &str) -> String {
    match n.parse::<f64>() {
        Ok(v) if v.fract() == 0.0 => format!("{}", v as i64),
        Ok(v) => format!("{v}"),
        Err(_) => n.to_string(),
    }
}

fn seed_numbers() -> BTreeSet<String> {
    numbers(&seed()).into_iter().collect()
}

fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.to_string_lossy().ends_with(ext))
        .collect()
}

/// Every value a reader sees as a figure: numbers, plain strings and Japanese texts (English texts
/// may legitimately convert eras and units, so they are not compared with the Japanese seed).
fn figures(value: &toml::Value, key: &str, out: &mut Vec<(String, String)>) {
    if matches!(
        key,
        "source_pages" | "weight" | "line" | "lines" | "pages" | "en"
    ) {
        return;
    }
    match value {
        toml::Value::Integer(n) => out.push((key.to_string(), n.to_string())),
        toml::Value::Float(f) => out.push((key.to_string(), normalise(&f.to_string()))),
        toml::Value::String(s) => {
            out.extend(numbers(s).into_iter().map(|n| (format!("{key}: {s}"), n)))
        }
        toml::Value::Array(items) => items.iter().for_each(|v| figures(v, key, out)),
        toml::Value::Table(t) => t.iter().for_each(|(k, v)| figures(v, k, out)),
        toml::Value::Boolean(_) | toml::Value::Datetime(_) => {}
    }
}

#[test]
fn every_figure_in_the_records_appears_in_the_seed() {
    let known = seed_numbers();
    let mut drifted = Vec::new();
    let records = files(&repo().join("content/2021"), ".toml");
    assert!(records.len() > 20, "the report's records are in content/");
    for path in records {
        let value: toml::Value = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let mut found = Vec::new();
        figures(&value, "", &mut found);
        for (context, n) in found {
            if !known.contains(&n) {
                drifted.push(format!("{}: {n} (in {context})", path.display()));
            }
        }
    }
    assert!(
        drifted.is_empty(),
        "figures not in the seed:\n{}",
        drifted.join("\n")
    );
}

#[test]
fn the_figure_check_folds_full_width_digits_commas_and_man_units() {
    let n = numbers("６５万検体、366,000人、８５％");
    assert!(n.contains(&"650000".to_string()), "{n:?}");
    assert!(n.contains(&"366000".to_string()), "{n:?}");
    assert!(n.contains(&"85".to_string()), "{n:?}");
}

#[derive(serde::Deserialize)]
struct Coverage {
    part: Vec<Part>,
}

#[derive(serde::Deserialize)]
struct Part {
    lines: [usize; 2],
    title: String,
    content: Vec<String>,
}

#[test]
fn every_seed_part_in_the_coverage_map_has_content_in_both_languages() {
    let content = repo().join("content/2021");
    let seed_lines = seed().lines().count();
    let maps = files(&repo().join("seeds/coverage"), ".toml");
    assert!(
        maps.len() >= 6,
        "one coverage map per project in seeds/coverage/"
    );
    let mut missing = Vec::new();
    let mut covered = 0;
    for map in maps {
        let coverage: Coverage = toml::from_str(&std::fs::read_to_string(&map).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", map.display()));
        for part in coverage.part {
            let [from, to] = part.lines;
            assert!(
                from >= 1 && from <= to && to <= seed_lines,
                "{}: bad lines {from}-{to}",
                map.display()
            );
            covered += to - from + 1;
            assert!(
                !part.content.is_empty(),
                "{}: “{}” has no content",
                map.display(),
                part.title
            );
            for item in &part.content {
                let paths: Vec<PathBuf> = match item.strip_suffix(".md") {
                    Some(stem) => ["ja", "en"]
                        .iter()
                        .map(|l| {
                            let plain = content.join(format!("{stem}.{l}.md"));
                            if plain.exists() {
                                plain
                            } else {
                                content.join(format!("{stem}/index.{l}.md"))
                            }
                        })
                        .collect(),
                    None => vec![content.join(item)],
                };
                for path in paths {
                    if !path.exists() {
                        missing.push(format!(
                            "{} “{}”: {}",
                            map.display(),
                            part.title,
                            path.display()
                        ));
                    }
                }
                if item.ends_with(".toml") {
                    let text = std::fs::read_to_string(content.join(item)).unwrap_or_default();
                    let value: toml::Value =
                        toml::from_str(&text).unwrap_or(toml::Value::Boolean(false));
                    assert!(
                        has_both_languages(&value),
                        "{item}: its texts carry both ja and en"
                    );
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "coverage map names missing content:\n{}",
        missing.join("\n")
    );
    assert!(
        covered * 2 > seed_lines,
        "the coverage maps cover most of the seed ({covered} of {seed_lines} lines)"
    );
}

fn has_both_languages(value: &toml::Value) -> bool {
    let text = toml::to_string(value).unwrap_or_default();
    text.contains("ja = ") && text.contains("en = ")
}

#[test]
fn every_page_and_record_names_its_source_pages() {
    let content = repo().join("content/2021");
    let mut unnamed = Vec::new();
    for path in files(&content, ".md") {
        let text = std::fs::read_to_string(&path).unwrap();
        let front = text.split("+++").nth(1).unwrap_or("");
        let value: toml::Value = toml::from_str(front).unwrap();
        let pages = value
            .get("extra")
            .and_then(|e| e.get("source_pages"))
            .and_then(|p| p.as_array());
        if pages.is_none_or(|p| p.is_empty()) {
            unnamed.push(path.display().to_string());
        }
    }
    for path in files(&content, ".toml") {
        if path.starts_with(content.join("glossary")) {
            continue; // the glossary is compiled from every page
        }
        let value: toml::Value = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        if value
            .get("source_pages")
            .and_then(|p| p.as_array())
            .is_none_or(|p| p.is_empty())
        {
            unnamed.push(path.display().to_string());
        }
    }
    assert!(
        unnamed.is_empty(),
        "no `source_pages`:\n{}",
        unnamed.join("\n")
    );
}

#[derive(serde::Deserialize)]
struct Repairs {
    #[serde(default)]
    repair: Vec<Repair>,
}

#[derive(serde::Deserialize)]
struct Repair {
    line: usize,
    seed: String,
    repaired: String,
    why: String,
}

#[test]
fn every_recorded_repair_quotes_the_seed_and_is_used_in_the_content() {
    let seed = seed();
    let lines: Vec<&str> = seed.lines().collect();
    let japanese: String = files(&repo().join("content/2021"), ".ja.md")
        .into_iter()
        .chain(files(&repo().join("content/2021"), ".toml"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect::<Vec<_>>()
        .join("\n");
    let japanese_flat: String = japanese.chars().filter(|c| !c.is_whitespace()).collect();
    let mut wrong = Vec::new();
    let maps = files(&repo().join("seeds/repairs"), ".toml");
    assert!(!maps.is_empty(), "repairs are listed in seeds/repairs/");
    for map in maps {
        let repairs: Repairs = toml::from_str(&std::fs::read_to_string(&map).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", map.display()));
        for r in repairs.repair {
            let near = lines[r.line.saturating_sub(2)..(r.line + 1).min(lines.len())].join("\n");
            let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
            if !squash(&near).contains(&squash(&r.seed)) {
                wrong.push(format!(
                    "{} line {}: the seed does not have “{}”",
                    map.display(),
                    r.line,
                    r.seed
                ));
            }
            if !japanese_flat.contains(&squash(&r.repaired)) {
                wrong.push(format!(
                    "{} line {}: the content does not use “{}”",
                    map.display(),
                    r.line,
                    r.repaired
                ));
            }
            assert!(
                !r.why.trim().is_empty(),
                "{} line {}: say why the repair is certain",
                map.display(),
                r.line
            );
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[derive(serde::Deserialize)]
struct Glossary {
    #[serde(default)]
    terms: Vec<Term>,
}

#[derive(serde::Deserialize)]
struct Term {
    term: BTreeMap<String, String>,
    abbr: Option<String>,
    /// The English depends on the context (a Japanese word with several senses).
    #[serde(default)]
    varies: bool,
}

/// Lower case, hyphens as spaces, parenthesised explanations left out.
fn plain_english(text: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ if depth > 0 => {}
            '-' | '\u{2011}' => out.push(' '),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn glossary_terms_are_translated_the_same_way_on_every_page() {
    let content = repo().join("content/2021");
    let mut terms = Vec::new();
    let mut english_of: BTreeMap<String, String> = BTreeMap::new();
    for path in files(&content.join("glossary"), ".toml") {
        let glossary: Glossary = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for t in glossary.terms {
            let (ja, en) = (t.term["ja"].clone(), t.term["en"].clone());
            if let Some(other) = english_of.insert(ja.clone(), en.clone()) {
                assert_eq!(other, en, "{ja} has two English terms in the glossary");
            }
            if !t.varies {
                terms.push((ja, en, t.abbr));
            }
        }
    }
    assert!(terms.len() > 50, "the glossary has the report's terms");
    let mut inconsistent = Vec::new();
    for ja_path in files(&content, ".ja.md") {
        if ja_path.to_string_lossy().contains("glossary") {
            continue;
        }
        let ja = std::fs::read_to_string(&ja_path).unwrap();
        let en_path = PathBuf::from(ja_path.to_string_lossy().replace(".ja.md", ".en.md"));
        let en = plain_english(&std::fs::read_to_string(&en_path).unwrap());
        for (term, english, abbr) in &terms {
            // Only where the term stands alone, not inside a longer glossary term.
            let mut rest = ja.clone();
            for (longer, _, _) in terms
                .iter()
                .filter(|(l, _, _)| l.contains(term.as_str()) && l != term)
            {
                rest = rest.replace(longer.as_str(), "");
            }
            if !rest.contains(term.as_str()) {
                continue;
            }
            let wanted = plain_english(english);
            // Allow inflection: the term minus its last two letters (approval/approved, progeria/progeroid).
            let stem: String = wanted
                .chars()
                .take(wanted.chars().count().saturating_sub(2).max(3))
                .collect();
            let by_abbr = abbr
                .as_ref()
                .is_some_and(|a| en.contains(&a.to_lowercase()));
            if !en.contains(&stem) && !by_abbr {
                inconsistent.push(format!(
                    "{}: {term} is not translated as “{english}”",
                    en_path.display()
                ));
            }
        }
    }
    assert!(inconsistent.is_empty(), "{}", inconsistent.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// Editorial conventions (issue 15): one spelling, unique titles, no extraction leftovers, one way
// of writing names, each passage once, official names with their sources.

/// The text of a page or record file in one language: for pages the title, description and body
/// (link targets and heading ids left out, they are addresses); for records every `{ja, en}` text
/// in that language.
fn texts_in(path: &Path, lang: &str) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    if path.to_string_lossy().ends_with(".md") {
        let mut parts = text.splitn(3, "+++");
        let (_, front, body) = (parts.next(), parts.next().unwrap_or(""), parts.next());
        let front: toml::Value = toml::from_str(front).unwrap();
        let mut out: Vec<String> = ["title", "description"]
            .iter()
            .filter_map(|k| front.get(k).and_then(|v| v.as_str()).map(str::to_string))
            .collect();
        out.push(without_addresses(body.unwrap_or("")));
        out
    } else {
        let value: toml::Value = toml::from_str(&text).unwrap();
        let mut out = Vec::new();
        collect_language(&value, lang, &mut out);
        out
    }
}

fn collect_language(value: &toml::Value, lang: &str, out: &mut Vec<String>) {
    match value {
        toml::Value::Table(t) => {
            for (k, v) in t {
                match v {
                    toml::Value::String(s) if k == lang => out.push(s.clone()),
                    _ => collect_language(v, lang, out),
                }
            }
        }
        toml::Value::Array(items) => items.iter().for_each(|v| collect_language(v, lang, out)),
        _ => {}
    }
}

/// Markdown with `](@/…)` link targets and `{#id}` heading ids removed.
fn without_addresses(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(pos) = rest.find(['(', '{']) {
        let (before, from) = rest.split_at(pos);
        out.push_str(before);
        let (open, close) = if from.starts_with('(') {
            ("(@/", ')')
        } else {
            ("{#", '}')
        };
        match (from.starts_with(open), from.find(close)) {
            (true, Some(end)) => rest = &from[end + 1..],
            _ => {
                out.push_str(&from[..1]);
                rest = &from[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every page file and record file of one language, with its texts in that language.
fn content_texts(lang: &str) -> Vec<(PathBuf, String)> {
    let content = repo().join("content/2021");
    let mut out = Vec::new();
    for path in files(&content, &format!(".{lang}.md"))
        .into_iter()
        .chain(files(&content, ".toml"))
    {
        for text in texts_in(&path, lang) {
            out.push((path.clone(), text));
        }
    }
    out
}

/// The proper name the report keeps as its owner writes it, although the spelling is US.
const SPELLED_BY_ITS_OWNER: &[&str] = &["Ministry of Health, Labour and Welfare"];

/// Words spelled the UK way where the report's US convention has another spelling.
fn uk_spellings(text: &str) -> Vec<String> {
    // -ise words that US English writes with -ise too.
    const ISE_STEMS: &[&str] = &[
        "adv", "ar", "chast", "compr", "comprom", "conc", "dem", "desp", "dev", "disgu", "enterpr",
        "exerc", "expert", "franch", "improv", "inc", "merchand", "no", "otherw", "po", "pra",
        "prec", "prem", "prom", "ra", "rev", "r", "superv", "surm", "surpr", "telev", "treat", "w",
        "likew", "clockw", "parad", "cru", "bru", "gu", "an", "porpo", "torto", "repr", "appr",
        "ex", "exc", "circumc", "cerv", "tw", "bo",
    ];
    const UK_PREFIXES: &[&str] = &[
        "programme",
        "paediatr",
        "anaesth",
        "haem",
        "leukaem",
        "oedem",
        "oesophag",
        "oestr",
        "foet",
        "colour",
        "behaviour",
        "favour",
        "honour",
        "catalogue",
        "defence",
        "licence",
        "enrolment",
        "tumour",
        "centre",
        "multicentre",
        "ageing",
        "modelling",
        "modelled",
        "travelled",
        "manoeuv",
        "orthopaed",
        "gynaecol",
        "anaemi",
        "diarrhoea",
        "aetiol",
        "labour",
        "grey",
    ];
    let mut text = text.to_string();
    for name in SPELLED_BY_ITS_OWNER {
        text = text.replace(name, " ");
    }
    let mut found = Vec::new();
    for word in text.split(|c: char| !c.is_ascii_alphabetic()) {
        let w = word.to_ascii_lowercase();
        let ise_stem = ["ise", "ises", "ised", "ising"]
            .iter()
            .find_map(|end| w.strip_suffix(end));
        let yse_stem = ["yse", "ysed", "ysing"]
            .iter()
            .find_map(|end| w.strip_suffix(end));
        let uk = UK_PREFIXES.iter().any(|p| w.starts_with(p))
            || w == "fulfil"
            || w.ends_with("isation")
            || w.ends_with("isations")
            || ise_stem.is_some_and(|stem| !ISE_STEMS.contains(&stem))
            || yse_stem.is_some();
        if uk {
            found.push(word.to_string());
        }
    }
    found
}

#[test]
fn the_spelling_check_knows_uk_from_us() {
    let text = "The programme's organisation analysed a tumour in the centre; paediatric \
                anaesthesia, ageing and leukaemia were summarised.";
    assert_eq!(
        uk_spellings(text),
        [
            "programme",
            "organisation",
            "analysed",
            "tumour",
            "centre",
            "paediatric",
            "anaesthesia",
            "ageing",
            "leukaemia",
            "summarised"
        ]
    );
    let us = "The program's organization analyzed a tumor in the center; a promising premise, \
              raising expertise, analyses; the Ministry of Health, Labour and Welfare.";
    assert!(uk_spellings(us).is_empty(), "{:?}", uk_spellings(us));
}

/// The English follows one convention: US spelling and "program" for 事業/プログラム, the spelling
/// of AMED's own English names (seeds/names.toml says why).
#[test]
fn english_uses_us_spelling_and_one_word_for_program() {
    let mut wrong = Vec::new();
    for (path, text) in content_texts("en") {
        for word in uk_spellings(&text) {
            wrong.push(format!("{}: “{word}”", path.display()));
        }
    }
    assert!(
        wrong.is_empty(),
        "UK spellings in the English (the report writes US spelling and “program”):\n{}",
        wrong.join("\n")
    );
}

/// PSs and POs are written one way in English (the Japanese PSPO is a Japanese abbreviation).
#[test]
fn program_supervisors_and_officers_are_written_one_way() {
    let mut wrong = Vec::new();
    for (path, text) in content_texts("en") {
        for form in ["PSPO", "PS/PO", "PSs/POs", "PS and PO", "PS and the PO"] {
            let plural_ok = form == "PS and PO" && text.contains("PSs and POs");
            if text.contains(form) && !plural_ok {
                wrong.push(format!(
                    "{}: “{form}” (write “PSs and POs”)",
                    path.display()
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_page_title_is_unique_in_its_language() {
    let content = repo().join("content/2021");
    for lang in ["ja", "en"] {
        let mut by_title: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for path in files(&content, &format!(".{lang}.md")) {
            let title = texts_in(&path, lang).into_iter().next().unwrap_or_default();
            by_title
                .entry(title)
                .or_default()
                .push(path.strip_prefix(&content).unwrap().display().to_string());
        }
        let shared: Vec<String> = by_title
            .iter()
            .filter(|(_, paths)| paths.len() > 1)
            .map(|(title, paths)| format!("“{title}”: {}", paths.join(", ")))
            .collect();
        assert!(
            shared.is_empty(),
            "pages sharing a title ({lang}); give each a title that names its project:\n{}",
            shared.join("\n")
        );
    }
}

/// Characters a PDF extraction leaves behind: half-width katakana (ｰ, ･ and the rest), Kangxi and
/// CJK radicals standing for ordinary kanji, and full-width Latin letters.
fn extraction_leftovers(text: &str) -> Vec<(usize, usize, char)> {
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        for (col, c) in line.chars().enumerate() {
            let leftover = matches!(c,
                '\u{FF61}'..='\u{FF9F}' // half-width katakana, including ｰ and the middle dot ･
                | '\u{2E80}'..='\u{2FDF}' // CJK radicals supplement and Kangxi radicals
                | 'Ａ'..='Ｚ' | 'ａ'..='ｚ');
            if leftover {
                found.push((n + 1, col + 1, c));
            }
        }
    }
    found
}

#[test]
fn no_half_width_katakana_radicals_or_full_width_latin_remain() {
    // The check finds what the seed has: ｰ in アジアｰ大洋州, ･ in 効能･効果, ⼈ and ＡＭＥＤ.
    let in_seed: BTreeSet<char> = extraction_leftovers(&seed())
        .into_iter()
        .map(|f| f.2)
        .collect();
    for c in ['ｰ', '･', '⼈', 'Ａ'] {
        assert!(in_seed.contains(&c), "the check finds {c} in the seed");
    }
    let mut found = Vec::new();
    for path in files(&repo().join("content/2021"), "") {
        let name = path.to_string_lossy();
        if !(name.ends_with(".md") || name.ends_with(".toml")) {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (line, col, c) in extraction_leftovers(&text) {
            found.push(format!(
                "{}:{line}:{col}: {c} (U+{:04X}); write the full-width or ordinary character and record the repair in seeds/repairs/",
                path.display(),
                c as u32
            ));
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// Japanese personal names are written without a space between family and given name, as the seed
/// prints them in running text (中沢洋三教授, 外園千恵).
#[test]
fn japanese_personal_names_are_written_without_a_space() {
    let content = repo().join("content/2021");
    let mut spaced = Vec::new();
    let mut people = 0;
    for path in files(&content, ".toml") {
        let value: toml::Value = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let mut names = Vec::new();
        person_fields(&value, &mut names);
        for name in names {
            people += 1;
            if name.chars().any(char::is_whitespace) {
                spaced.push(format!("{}: “{name}”", path.display()));
            }
        }
    }
    for path in files(&content, ".ja.md") {
        for line in std::fs::read_to_string(&path).unwrap().lines() {
            for label in ["研究代表者：", "研究者："] {
                if let Some((_, after)) = line.split_once(label) {
                    people += 1;
                    let name = after.split('（').next().unwrap_or("");
                    if name.trim().chars().any(char::is_whitespace) {
                        spaced.push(format!("{}: “{}”", path.display(), name.trim()));
                    }
                }
            }
        }
    }
    assert!(
        people > 30,
        "the report names its researchers ({people} found)"
    );
    assert!(
        spaced.is_empty(),
        "write family and given name without a space:\n{}",
        spaced.join("\n")
    );
}

/// The Japanese of record fields that hold a person.
fn person_fields(value: &toml::Value, out: &mut Vec<String>) {
    match value {
        toml::Value::Table(t) => {
            for (k, v) in t {
                let ja = v.get("ja").and_then(|j| j.as_str());
                match (k.as_str(), ja) {
                    ("investigator" | "pi" | "name", Some(ja)) if !ja.starts_with('（') => {
                        out.push(ja.to_string())
                    }
                    _ => person_fields(v, out),
                }
            }
        }
        toml::Value::Array(items) => items.iter().for_each(|v| person_fields(v, out)),
        _ => {}
    }
}

/// Sentences of a Japanese text, long enough that a repeat is a repeated passage.
fn long_sentences(text: &str) -> Vec<String> {
    text.split(['。', '\n'])
        .map(|s| {
            s.trim_start_matches(['-', ' ', '・', '⚫'])
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
        })
        .filter(|s| s.chars().count() >= 30)
        .collect()
}

/// A passage of at least this many characters given twice is a repeated passage.
const REPEAT: usize = 40;

/// The seed repeats some passages (page 23 restates pages 20-21); the report gives each once. A
/// passage counts as repeated when two sentences share a run of `REPEAT` characters (names of
/// programs left out), on one page, or on two pages that are not summaries (an achievements page
/// or a section page sums up its pages in their words, which is meant).
#[test]
fn no_passage_is_given_twice() {
    let names: Names =
        toml::from_str(&std::fs::read_to_string(repo().join("seeds/names.toml")).unwrap()).unwrap();
    let mut long_names: Vec<&str> = names
        .project
        .iter()
        .chain(&names.name)
        .map(|n| n.ja.as_str())
        .collect();
    long_names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    let content = repo().join("content/2021");
    // Every run of REPEAT characters on the pages that are not summaries → the page it is on.
    let mut across: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut twice = BTreeSet::new();
    for path in files(&content, ".ja.md") {
        let mut body = texts_in(&path, "ja").pop().unwrap_or_default();
        for n in &long_names {
            body = body.replace(n, "＿");
        }
        // Runs on this page → the sentence they are in.
        let mut within: BTreeMap<String, usize> = BTreeMap::new();
        for (i, sentence) in long_sentences(&body).iter().enumerate() {
            let chars: Vec<char> = sentence.chars().collect();
            for window in chars.windows(REPEAT) {
                let run: String = window.iter().collect();
                if within.get(&run).is_some_and(|&j| j != i) {
                    twice.insert(format!(
                        "{}: “{}” twice on the page",
                        path.display(),
                        sentence
                    ));
                    break;
                }
                within.entry(run.clone()).or_insert(i);
                if is_summary(&path) {
                    continue;
                }
                match across.get(&run) {
                    Some(other) if other != &path => {
                        twice.insert(format!(
                            "{} and {}: “{}”",
                            other.display(),
                            path.display(),
                            sentence
                        ));
                        break;
                    }
                    Some(_) => {}
                    None => {
                        across.insert(run, path.clone());
                    }
                }
            }
        }
    }
    assert!(
        twice.is_empty(),
        "passages given twice (give each once and say where the source repeats it):\n{}",
        twice.into_iter().collect::<Vec<_>>().join("\n")
    );
}

fn is_summary(path: &Path) -> bool {
    let name = path.file_name().unwrap().to_string_lossy();
    name.starts_with("_index.") || name.starts_with("achievements.")
}

/// 「令和3年３月時点」 for the FY2021 approvals is kept as printed, and every place that shows it says so.
#[test]
fn the_as_printed_qualifier_is_marked_wherever_it_appears() {
    let mut unmarked = Vec::new();
    let mut seen = 0;
    for (lang, qualifier, marks) in [
        (
            "ja",
            "令和3年３月時点",
            ["原資料の表記のまま", "[^as-printed]"],
        ),
        (
            "en",
            "as of March 2021",
            ["as printed in the source", "[^as-printed]"],
        ),
    ] {
        for (path, text) in content_texts(lang) {
            for line in text.lines().filter(|l| l.contains(qualifier)) {
                seen += 1;
                if !marks.iter().any(|m| line.contains(m)) {
                    unmarked.push(format!("{}: {line}", path.display()));
                }
            }
        }
    }
    assert!(
        seen >= 8,
        "the qualifier is shown with the approvals ({seen} places)"
    );
    assert!(
        unmarked.is_empty(),
        "say that the date is as printed in the source:\n{}",
        unmarked.join("\n")
    );
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Names {
    project: Vec<Name>,
    name: Vec<Name>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Name {
    ja: String,
    en: String,
    source: Option<String>,
    note: Option<String>,
}

/// seeds/names.toml lists the English of each project and program beside its Japanese, with the
/// page where the owner publishes it or a note saying none was found; the report uses exactly these.
#[test]
fn english_names_are_listed_with_their_sources_and_used() {
    let path = repo().join("seeds/names.toml");
    let names: Names = toml::from_str(&std::fs::read_to_string(&path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let all = |lang: &str| -> String {
        content_texts(lang)
            .into_iter()
            .map(|(_, t)| t)
            .collect::<Vec<_>>()
            .join("\n")
    };
    let (ja, en) = (all("ja"), all("en"));
    let mut wrong = Vec::new();
    for n in names.project.iter().chain(&names.name) {
        if !ja.contains(&n.ja) {
            wrong.push(format!(
                "{}: “{}” is not used in the Japanese",
                path.display(),
                n.ja
            ));
        }
        if !en.contains(&n.en) {
            wrong.push(format!(
                "{}: “{}” is not used in the English",
                path.display(),
                n.en
            ));
        }
        if let Some(source) = &n.source {
            if !source.starts_with("https://") {
                wrong.push(format!(
                    "{}: the source of “{}” is an address",
                    path.display(),
                    n.en
                ));
            }
        }
    }
    for p in &names.project {
        if p.source.is_none() && p.note.is_none() {
            wrong.push(format!(
                "{}: “{}” needs a source or a note",
                path.display(),
                p.en
            ));
        }
    }
    // The six projects carry exactly these names in the project list.
    let projects: toml::Value = toml::from_str(
        &std::fs::read_to_string(repo().join("content/2021/projects.toml")).unwrap(),
    )
    .unwrap();
    let listed: Vec<(String, String)> = projects["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let t = &p["title"];
            (
                t["ja"].as_str().unwrap().to_string(),
                t["en"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let named: Vec<(String, String)> = names
        .project
        .iter()
        .map(|p| (p.ja.clone(), p.en.clone()))
        .collect();
    assert_eq!(
        listed, named,
        "content/2021/projects.toml and seeds/names.toml name the six projects alike"
    );
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Romanisations {
    name: Vec<Romanisation>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Romanisation {
    ja: String,
    en: String,
    confidence: String,
    note: String,
}

/// The less certain readings are listed for a human to confirm; those the editor chose are marked
/// with an asterisk wherever the English shows them.
#[test]
fn uncertain_romanisations_are_listed_and_marked() {
    let path = repo().join("seeds/romanisations.toml");
    let list: Romanisations = toml::from_str(&std::fs::read_to_string(&path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let joined = |lang: &str| {
        content_texts(lang)
            .into_iter()
            .map(|(_, t)| t)
            .collect::<Vec<_>>()
            .join("\n")
    };
    let (ja, en) = (joined("ja"), joined("en"));
    let mut wrong = Vec::new();
    for r in &list.name {
        assert!(
            !r.note.trim().is_empty(),
            "{}: say why “{}” is uncertain",
            path.display(),
            r.en
        );
        if !ja.contains(&r.ja) {
            wrong.push(format!("“{}” is not in the Japanese", r.ja));
        }
        match r.confidence.as_str() {
            "low" if !en.contains(&format!("{}*", r.en)) => {
                wrong.push(format!("“{}” is shown without its asterisk", r.en))
            }
            "low" | "medium" if !en.contains(&r.en) => {
                wrong.push(format!("“{}” is not in the English", r.en))
            }
            "low" | "medium" => {}
            other => wrong.push(format!(
                "“{}”: confidence is low or medium, not {other}",
                r.en
            )),
        }
    }
    assert!(wrong.is_empty(), "{}: {}", path.display(), wrong.join("; "));
}

// ---------------------------------------------------------------------------------------------
// The second editor's read (issue 26): the page-16 progress chart as a table of every legible
// label, the meaning shifts and low items fixed, and the English conventions of seeds/conventions.md.

/// Text without whitespace, for comparing with the seed across its line breaks.
fn squash(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

fn all_repairs() -> Vec<Repair> {
    files(&repo().join("seeds/repairs"), ".toml")
        .into_iter()
        .flat_map(|map| {
            toml::from_str::<Repairs>(&std::fs::read_to_string(map).unwrap())
                .unwrap()
                .repair
        })
        .collect()
}

/// Whether `label` is what the seed prints in `window`, as it stands or through one recorded
/// repair (the repaired text put back to what the seed has). "…" marks a lost part: each legible
/// part must be in the window.
fn from_the_seed(label: &str, window: &str, repairs: &[Repair]) -> bool {
    squash(label)
        .split('…')
        .filter(|p| !p.is_empty())
        .all(|part| {
            window.contains(part)
                || repairs.iter().any(|r| {
                    let (seed, repaired) = (squash(&r.seed), squash(&r.repaired));
                    part.contains(&repaired) && window.contains(&part.replacen(&repaired, &seed, 1))
                })
        })
}

/// The fiscal year an end-of-support mark stands for: ～H29 is FY2017, ～R01 FY2019.
fn fiscal_year(mark: &str) -> Option<String> {
    let mark = mark.trim_start_matches(['～', '~']);
    let (era, n) = mark.split_at(1);
    let n: i32 = n.parse().ok()?;
    match era {
        "H" => Some(format!("FY{}", 1988 + n)),
        "R" => Some(format!("FY{}", 2018 + n)),
        _ => None,
    }
}

const CHART_LABELS: &str = "content/2021/regenerative-medicine/progress-chart-labels.toml";
/// The seed lines of the chart's project labels (after its legend heads, before its title).
const CHART_LINES: (usize, usize) = (922, 1432);

#[derive(serde::Deserialize)]
struct ChartCoverage {
    #[serde(default)]
    left_out: Vec<LeftOut>,
}

#[derive(serde::Deserialize)]
struct LeftOut {
    line: usize,
    seed: String,
    why: String,
}

/// Every row of the progress chart's table names its seed line (a comment above it); its label,
/// method or drug and approval note are the seed's text there (or a recorded repair of it), its
/// support-end year is the "~H/R" mark that follows it, in both languages, and every mark of the
/// chart is some row's. The labels left out are listed with why, on a line of the chart.
#[test]
fn the_progress_chart_lists_every_legible_label_from_the_seed() {
    let seed = seed();
    let lines: Vec<&str> = seed.lines().collect();
    let window = |from: usize, len: usize| {
        squash(&lines[from - 1..(from - 1 + len).min(lines.len())].join("\n"))
    };
    let repairs = all_repairs();
    let text = std::fs::read_to_string(repo().join(CHART_LABELS)).unwrap();
    let record: toml::Value = toml::from_str(&text).unwrap();
    let rows = record["rows"].as_array().unwrap();
    let seed_lines: Vec<usize> = text
        .lines()
        .filter_map(|l| l.strip_prefix("# seed line "))
        .map(|n| n.trim().parse().unwrap())
        .collect();
    assert_eq!(
        seed_lines.len(),
        rows.len(),
        "each row has a `# seed line N` comment above it"
    );
    assert!(
        rows.len() >= 171,
        "every legible label of the chart is a row ({})",
        rows.len()
    );
    // Every "~H/R" mark of the chart, by line.
    let mut marks: Vec<(usize, String, bool)> = Vec::new();
    for (i, line) in lines
        .iter()
        .enumerate()
        .take(CHART_LINES.1)
        .skip(CHART_LINES.0 - 1)
    {
        let mut rest = *line;
        while let Some(at) = rest.find('~') {
            let mark: String = rest[at + 1..]
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect();
            marks.push((i + 1, mark.clone(), false));
            rest = &rest[at + 1 + mark.len()..];
        }
    }
    let mut wrong = Vec::new();
    let text_of = |row: &toml::Value, key: &str, lang: &str| -> Option<String> {
        match &row[key] {
            toml::Value::String(s) if s == "—" => None,
            v => Some(v[lang].as_str().unwrap().to_string()),
        }
    };
    for (row, &at) in rows.iter().zip(&seed_lines) {
        assert!(
            (CHART_LINES.0..=CHART_LINES.1).contains(&at),
            "seed line {at} is not in the chart"
        );
        let near = window(at, 8);
        let label = text_of(row, "disease", "ja").expect("every row names its disease or project");
        for (key, ja) in [
            ("disease", Some(label.clone())),
            ("detail", text_of(row, "detail", "ja")),
            ("approval", text_of(row, "approval", "ja")),
        ] {
            let Some(ja) = ja else { continue };
            // A note on a product name that is not legible is the report's, not the seed's.
            if key == "detail" && ja.contains("判読") {
                continue;
            }
            if !from_the_seed(&ja, &near, &repairs) {
                wrong.push(format!(
                    "line {at}: {key} “{ja}” is not what the seed prints there"
                ));
            }
        }
        if let Some(end) = text_of(row, "support_end", "ja") {
            let mark = end.trim_start_matches('～').to_string();
            match marks
                .iter_mut()
                .find(|(l, m, taken)| !*taken && *l >= at && *m == mark)
            {
                Some((l, _, taken)) if *l <= at + 6 => *taken = true,
                _ => wrong.push(format!(
                    "line {at}: “{label}” {end}: no such mark follows it in the seed"
                )),
            }
            if text_of(row, "support_end", "en") != fiscal_year(&end) {
                wrong.push(format!(
                    "line {at}: “{label}”: {end} is {:?} in English",
                    fiscal_year(&end)
                ));
            }
        }
    }
    // The labels left out are on the chart's lines, quoted as the seed prints them, each with why.
    let coverage: ChartCoverage = toml::from_str(
        &std::fs::read_to_string(repo().join("seeds/coverage/regenerative-medicine.toml")).unwrap(),
    )
    .unwrap();
    for (line, mark, taken) in &marks {
        // The mark of a label left out is accounted for by the coverage map.
        let of_left_out = coverage
            .left_out
            .iter()
            .any(|l| l.seed.contains(&format!("~{mark}")) && (l.line..=l.line + 2).contains(line));
        if !taken && !of_left_out {
            wrong.push(format!("seed line {line}: ~{mark} belongs to no row"));
        }
    }
    assert!(
        coverage.left_out.len() >= 8,
        "the labels left out are listed"
    );
    for l in &coverage.left_out {
        let first = squash(l.seed.split(" / ").next().unwrap());
        if !window(l.line, 2).contains(&first) {
            wrong.push(format!(
                "left out, line {}: the seed does not have “{}”",
                l.line, l.seed
            ));
        }
        assert!(
            !l.why.trim().is_empty(),
            "say why line {} is left out",
            l.line
        );
    }
    assert!(wrong.is_empty(), "{CHART_LABELS}:\n{}", wrong.join("\n"));
}

#[test]
fn the_label_check_takes_repairs_and_refuses_what_the_seed_does_not_print() {
    let repairs = vec![Repair {
        line: 1,
        seed: "網膜 素変性症".into(),
        repaired: "網膜色素変性症".into(),
        why: "test".into(),
    }];
    let window = squash("網膜 素変性症\n~R01\n移植 免疫制御");
    assert!(from_the_seed("網膜色素変性症", &window, &repairs));
    assert!(from_the_seed("移植…免疫制御", &window, &repairs));
    assert!(!from_the_seed("加齢黄斑変性", &window, &repairs));
    assert!(!from_the_seed("網膜白色素変性症", &window, &repairs));
    assert_eq!(fiscal_year("～H29").as_deref(), Some("FY2017"));
    assert_eq!(fiscal_year("～R01").as_deref(), Some("FY2019"));
}

/// A reader looking for these diseases finds them in the progress chart's table, in both
/// languages (the search suite, tests/browser/queries.json, finds the page for each).
#[test]
fn the_progress_chart_names_the_diseases_readers_search_for() {
    let record: toml::Value =
        toml::from_str(&std::fs::read_to_string(repo().join(CHART_LABELS)).unwrap()).unwrap();
    let names: BTreeSet<(String, String)> = record["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let d = &r["disease"];
            (
                d["ja"].as_str().unwrap().to_string(),
                d["en"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for (ja, en) in [
        ("加齢黄斑変性", "Age-related macular degeneration"),
        ("脊髄損傷", "Spinal cord injury"),
        ("肝硬変", "Liver cirrhosis"),
    ] {
        assert!(
            names.contains(&(ja.to_string(), en.to_string())),
            "{ja} / {en} in the table"
        );
    }
    for lang in ["ja", "en"] {
        let page = std::fs::read_to_string(repo().join(format!(
            "content/2021/regenerative-medicine/progress-chart.{lang}.md"
        )))
        .unwrap();
        assert!(
            page.contains("\"regenerative-medicine/progress-chart-labels\""),
            "the {lang} page shows the table"
        );
    }
}

/// Each item the second editor found stays fixed: (file under content/2021, text that must be
/// there, text that must not come back).
const FIXED: &[(&str, &str, &str)] = &[
    ("pharmaceuticals/rituximab-systemic-sclerosis.en.md", "world's first approval of rituximab for systemic sclerosis", "a world first in which regulatory approval"),
    ("pharmaceuticals/rituximab-systemic-sclerosis.ja.md", "全身性強皮症に対するリツキシマブの世界初の承認", "世界初、医師主導治験によって薬事承認を取得した、"),
    ("pharmaceuticals/approvals.toml", "regulatory approval for systemic sclerosis, obtained through", "World first: regulatory approval obtained"),
    ("basic-research/pediatric-brain-tumor.ja.md", "腫瘍モデル動物への三酸化ヒ素の投与", "、三酸化ヒ素の投与で"),
    ("basic-research/pediatric-brain-tumor.en.md", "suppresses tumor progression in animal tumor models.\"", "suppresses tumor progression.\""),
    ("genome-data/tmm-genome-cohort.ja.md", "研究代表機関の主導により国内6研究機関が36.6万人", "計画の主導により"),
    ("genome-data/tmm-genome-cohort.en.md", "under the leadership of its lead research institutions now allows", "Led by the Tohoku Medical Megabank Project"),
    ("projects.toml", "研究代表機関の主導により6機関", "led by the Tohoku Medical Megabank Project"),
    ("pharmaceuticals/amed-flux.en.md", "Disease Area Coordinators (DCs)", "POs, and DCs"),
    ("pharmaceuticals/amed-flux-meetings.toml", "Disease Area Coordinators (DCs)", "POs, and DCs"),
    ("pharmaceuticals/amed-flux-facts.toml", "Disease Area Coordinators (DCs)", "POs, and DCs"),
    ("glossary/common.toml", "abbr = \"DC\"", "abbr = \"DCs\""),
    ("pharmaceuticals/cross-disease-platform-technologies.en.md", "in a single step", "at a stroke"),
    ("regenerative-medicine/achievements.en.md", "using disease-specific iPS cells", "contributing to disease-specific"),
    ("regenerative-medicine/achievements.en.md", "venture companies in this field has started", "begun to be promoted"),
    ("regenerative-medicine/industrialization-promotion.en.md", "venture companies in this field has started", "begun to be promoted"),
    ("regenerative-medicine/gmr-car-t-trial.en.md", "title = \"World's first investigator-initiated clinical trial of non-viral genetically modified GMR CAR-T cells:", "cells started\""),
    ("seeds-infrastructure/senolytic-vaccine.en.md", "atherosclerosis that accompany obesity, and the frailty that accompanies aging", "atherosclerosis associated with obesity and frailty"),
    ("seeds-infrastructure/translational-research-program.en.md", "new seed categories, preF and Seeds F,", "[preF"),
    ("seeds-infrastructure/achievements.en.md", "new seed categories, preF and Seeds F,", "[preF"),
    ("seeds-infrastructure/communication-guide.en.md", "\nIDE Hiroo, Project Associate Professor", "[IDE Hiroo"),
    ("seeds-infrastructure/communication-guide.en.md", "communicate the results of evidence-based medical research so that the public can understand them correctly", "to lead to the training"),
    ("pharmaceuticals/research-incentive.en.md", "transportation and overseas travel expenses", "travel expenses and overseas travel expenses"),
    ("pharmaceuticals/research-incentive-terms.toml", "Transportation and overseas travel expenses", "Travel expenses and overseas travel expenses"),
    ("pharmaceuticals/amed-flux.en.md", "Identifies promising seeds with an expert eye", "discerning eye"),
    ("basic-research/international-research.en.md", "liver transplant centers", "liver transplant programs"),
    ("genome-data/adult-all-molecular-classification.en.md", "point toward optimal treatments tailored to the characteristics of each subtype, and show that", "and showed that"),
];

#[test]
fn the_second_editors_fixes_stay_fixed() {
    let content = repo().join("content/2021");
    let mut wrong = Vec::new();
    for (file, wanted, gone) in FIXED {
        let text = std::fs::read_to_string(content.join(file)).unwrap();
        if !text.contains(wanted) {
            wrong.push(format!("{file}: “{wanted}” is missing"));
        }
        if text.contains(gone) {
            wrong.push(format!("{file}: “{gone}” is back"));
        }
    }
    // The GMR CAR-T headline stays short (it was 20 words ending in "started").
    let gmr = std::fs::read_to_string(content.join("regenerative-medicine/gmr-car-t-trial.en.md"))
        .unwrap();
    let title = gmr
        .lines()
        .find_map(|l| l.strip_prefix("title = "))
        .unwrap();
    assert!(
        title.split_whitespace().count() <= 17,
        "the GMR CAR-T headline is short: {title}"
    );
    // "at a stroke" was the only "stroke" on the English site; a search for stroke must not land there.
    for (path, text) in content_texts("en") {
        if text.contains("at a stroke") {
            wrong.push(format!("{}: “at a stroke”", path.display()));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Day-month-year dates ("9 April 2021") in `text`: the report writes "April 9, 2021".
fn day_month_year_dates(text: &str) -> Vec<String> {
    const MONTHS: &[&str] = &[
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || "(),;:–-".contains(c))
        .filter(|w| !w.is_empty())
        .collect();
    words
        .windows(3)
        .filter(|w| {
            w[0].len() <= 2
                && w[0].chars().all(|c| c.is_ascii_digit())
                && MONTHS.contains(&w[1])
                && w[2].len() == 4
                && w[2].chars().all(|c| c.is_ascii_digit())
        })
        .map(|w| w.join(" "))
        .collect()
}

#[test]
fn the_date_check_knows_the_two_orders() {
    assert_eq!(
        day_month_year_dates("announced on 9 April 2021 and (31 May 2022)"),
        ["9 April 2021", "31 May 2022"]
    );
    assert!(
        day_month_year_dates("announced on April 9, 2021, in April 2022, 12 cases in May")
            .is_empty()
    );
}

/// seeds/conventions.md: feces, toward, month-day-year dates, the official project names, and
/// "regenerative and cell medicine", in the English pages, records and interface texts.
#[test]
fn english_follows_the_conventions_of_seeds_conventions_md() {
    let conventions = std::fs::read_to_string(repo().join("seeds/conventions.md")).unwrap();
    for heading in [
        "## Spelling: US",
        "## toward",
        "## Dates: month day, year",
        "## Official project names",
        "## regenerative and cell medicine",
    ] {
        assert!(
            conventions.contains(heading),
            "seeds/conventions.md: {heading}"
        );
    }
    let mut texts = content_texts("en");
    let i18n = repo().join("i18n/en.toml");
    texts.push((i18n.clone(), std::fs::read_to_string(&i18n).unwrap()));
    let mut wrong = Vec::new();
    for (path, text) in &texts {
        let lower = text.to_lowercase();
        for (form, write) in [
            ("faeces", "feces"),
            ("towards", "toward"),
            (
                "regenerative/cell medicine",
                "regenerative and cell medicine",
            ),
            (
                "pharmaceuticals project",
                "Project for Advanced Drug Discovery and Development",
            ),
        ] {
            if lower.contains(form) {
                wrong.push(format!("{}: “{form}” (write “{write}”)", path.display()));
            }
        }
        for date in day_month_year_dates(text) {
            wrong.push(format!(
                "{}: “{date}” (write month day, year)",
                path.display()
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "seeds/conventions.md:\n{}",
        wrong.join("\n")
    );
}
