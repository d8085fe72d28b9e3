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
    let records = files(&repo().join("content"), ".toml");
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
    let content = repo().join("content");
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
    let content = repo().join("content");
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
    let japanese: String = files(&repo().join("content"), ".ja.md")
        .into_iter()
        .chain(files(&repo().join("content"), ".toml"))
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
    let content = repo().join("content");
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
