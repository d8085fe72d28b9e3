//! Translations that never drift: which translation is out of date with its original, what
//! changed, and a round trip with translators' tools (XLIFF 1.2, gettext PO).
//!
//! `units` lists every text of the site in every language; `state` stores, in
//! `translations.lock`, the original each translation was made from; `status` compares them;
//! `inline`, `xliff` and `po` write and read the exchange files; `import` writes translations
//! back into the pages, records and interface strings.

pub mod import;
pub mod inline;
pub mod po;
pub mod state;
pub mod status;
pub mod units;
pub mod xliff;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use crate::error::Diagnostic;
use inline::{Coded, Piece};
use state::State;
use status::Status;
use units::{Catalog, Unit};

/// A unit as exported for one target language.
#[derive(Clone, Debug)]
pub struct Exported {
    pub id: String,
    pub group: String,
    pub source_lang: String,
    pub status: Status,
    pub coded: Coded,
    /// Where the translation goes (`content/a.en.md:12`).
    pub note: String,
}

/// A unit read back from an exchange file.
#[derive(Clone, Debug)]
pub struct Incoming {
    pub id: String,
    pub lang: String,
    pub source: Option<Vec<Piece>>,
    pub target: Option<Vec<Piece>>,
    /// The translator marked it done (XLIFF state translated/final, PO not fuzzy).
    pub translated: bool,
    /// Where it starts in the file (byte offset), for messages.
    pub at: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Xliff,
    Po,
}

fn load(root: &Path) -> Result<(Catalog, State), Vec<Diagnostic>> {
    let catalog = units::collect(root)?;
    let state = State::load(root).map_err(|d| vec![d])?;
    Ok((catalog, state))
}

fn check_lang(catalog: &Catalog, lang: &str) -> Result<(), Vec<Diagnostic>> {
    if catalog.languages.iter().any(|l| l == lang) {
        return Ok(());
    }
    Err(vec![Diagnostic::error(
        crate::config::CONFIG_FILE,
        format!("`{lang}` is not a language of this site"),
    )
    .help(format!("use one of {}", catalog.languages.join(", ")))])
}

/// `nenpo translations`: the status per language and page or file. Returns the report and
/// whether anything is out of date or missing.
pub fn report(root: &Path, only: Option<&str>) -> Result<(String, bool), Vec<Diagnostic>> {
    let (catalog, state) = load(root)?;
    if let Some(lang) = only {
        check_lang(&catalog, lang)?;
    }
    let mut out = String::new();
    let mut fails = false;
    if !state.exists {
        out.push_str("No translation is tracked yet: run `nenpo translations done --all` once the translations are up to date.\n");
    }
    for (lang, groups) in status::tally(&catalog, &state) {
        if only.is_some_and(|o| o != lang) {
            continue;
        }
        let mut total = status::Tally::default();
        let mut lines = String::new();
        for (group, tally) in &groups {
            let _ = writeln!(
                lines,
                "  {group} ({} → {lang}): {}",
                tally.original,
                tally.describe()
            );
            for (s, n) in &tally.counts {
                *total.counts.entry(*s).or_default() += n;
            }
        }
        fails |= total.fails_check();
        let _ = writeln!(out, "{lang}: {}", total.describe());
        out.push_str(&lines);
    }
    Ok((out, fails))
}

/// The group a command-line argument names: a page in any language (`content/2021/a.ja.md`,
/// `2021/a`), a record file, `i18n` or `config.toml`.
fn find_group(catalog: &Catalog, arg: &str) -> Result<String, Vec<Diagnostic>> {
    let arg = arg.trim_start_matches("./").trim_end_matches('/');
    let mut candidates = vec![arg.to_string()];
    if !arg.starts_with("content/") {
        candidates.push(format!("content/{arg}"));
    }
    let mut more = Vec::new();
    for c in &candidates {
        for lang in &catalog.languages {
            if let Some(stem) = c.strip_suffix(&format!(".{lang}.md")) {
                more.push(format!("{stem}.md"));
            }
        }
        for ext in [".md", ".toml", ".csv", "/_index.md", "/index.md"] {
            more.push(format!("{c}{ext}"));
        }
    }
    candidates.extend(more);
    for c in &candidates {
        if catalog.units.iter().any(|u| &u.group == c) {
            return Ok(c.clone());
        }
    }
    Err(vec![Diagnostic::error(arg, "no page or file with translated texts has this name")
        .help("name a page as in `nenpo translations` (e.g. content/2021/a.md or 2021/a), a record file, `i18n` or `config.toml`")])
}

/// A short preview of a text for a one-line listing.
fn indent(text: &str, mark: &str) -> String {
    text.lines().map(|l| format!("    {mark} {l}\n")).collect()
}

/// `nenpo translations diff <page>`: what changed in the original since each translation.
pub fn diff(root: &Path, page: &str, only: Option<&str>) -> Result<String, Vec<Diagnostic>> {
    let (catalog, state) = load(root)?;
    let group = find_group(&catalog, page)?;
    let mut out = String::new();
    for unit in catalog.units.iter().filter(|u| u.group == group) {
        for lang in status::targets(&catalog, unit) {
            if only.is_some_and(|o| o != lang) {
                continue;
            }
            let original = unit.original_text().unwrap_or_default();
            match status::of(unit, lang, &state) {
                Status::OutOfDate => {
                    let was = &state.get(&unit.id, lang).expect("tracked").original;
                    let _ = writeln!(
                        out,
                        "{} ({lang}: the {} original changed since the translation)",
                        unit.id, unit.original
                    );
                    out.push_str(&indent(was, "-"));
                    out.push_str(&indent(original, "+"));
                }
                Status::Extra => {
                    let _ = writeln!(
                        out,
                        "{} ({lang}: the original no longer has this text; the translation still does)",
                        unit.id
                    );
                    if let Some(e) = state.get(&unit.id, lang) {
                        out.push_str(&indent(&e.original, "-"));
                    }
                }
                Status::Missing => {
                    let _ = writeln!(out, "{} ({lang}: not translated yet)", unit.id);
                    out.push_str(&indent(original, "+"));
                }
                _ => {}
            }
        }
    }
    if out.is_empty() {
        out = format!(
            "{group}: every translation is up to date with its original (or not tracked yet).\n"
        );
    }
    Ok(out)
}

/// `nenpo translations done <page|--all>`: records the current originals as translated.
pub fn done(
    root: &Path,
    page: Option<&str>,
    only: Option<&str>,
) -> Result<String, Vec<Diagnostic>> {
    let (catalog, mut state) = load(root)?;
    if let Some(lang) = only {
        check_lang(&catalog, lang)?;
    }
    let group = page.map(|p| find_group(&catalog, p)).transpose()?;
    let chosen = |u: &Unit| group.as_ref().is_none_or(|g| &u.group == g);
    let mut recorded = 0;
    // Entries of units that no longer exist in what is recorded go.
    let ids: std::collections::HashSet<&str> =
        catalog.units.iter().map(|u| u.id.as_str()).collect();
    state.entries.retain(|id, _| {
        ids.contains(id.as_str())
            || group
                .as_ref()
                .is_some_and(|g| !id.starts_with(&format!("{g}#")))
    });
    for unit in catalog.units.iter().filter(|u| chosen(u)) {
        // A block only the translation has is recorded with an empty original.
        let original = unit.original_text().unwrap_or_default();
        for lang in status::targets(&catalog, unit) {
            if only.is_some_and(|o| o != lang) {
                continue;
            }
            let translated = unit
                .slots
                .get(lang)
                .is_some_and(|s| s.text.as_deref().is_some_and(|t| !t.is_empty()));
            if !translated {
                continue;
            }
            state.set(&unit.id, lang, original);
            recorded += 1;
        }
    }
    state.exists = true;
    let order: Vec<&str> = catalog.units.iter().map(|u| u.id.as_str()).collect();
    state.save(root, &order).map_err(|d| vec![d])?;
    Ok(format!(
        "Recorded {recorded} translated texts as up to date with their originals in {}.\n",
        state::LOCK_FILE
    ))
}

/// After `nenpo new edition`: the new edition's translations start as up to date as the ones they
/// were copied from. A text is matched to the one it was copied from by its original and its
/// translation together (the marks `new edition` adds change both sides alike, and move blocks);
/// a text out of date there is out of date here, one not tracked there is not tracked here.
/// Returns whether `translations.lock` was written (a site without one is left alone).
pub fn copy_edition(root: &Path, from: &str, to: &str) -> Result<bool, Vec<Diagnostic>> {
    if !root.join(state::LOCK_FILE).is_file() {
        return Ok(false);
    }
    let (catalog, mut state) = load(root)?;
    let old_prefix = format!("{}/{from}/", crate::load::CONTENT_DIR);
    let new_prefix = format!("{}/{to}/", crate::load::CONTENT_DIR);
    // A text as it was before `new edition` marked it.
    let mark = crate::scaffold::edition::MARK;
    let unmarked = |t: &str| t.replace(&format!("{mark} "), "").replace(mark, "");
    let text_of = |u: &Unit, lang: &str| {
        u.slots
            .get(lang)
            .and_then(|s| s.text.as_deref())
            .map(unmarked)
    };
    // (original, translation, language) → whether it was up to date, and its entry.
    type Copied<'e> = std::collections::HashMap<
        (Option<String>, Option<String>, String),
        Option<(bool, &'e state::Entry)>,
    >;
    let mut before: Copied = std::collections::HashMap::new();
    for unit in catalog
        .units
        .iter()
        .filter(|u| u.id.starts_with(&old_prefix))
    {
        for lang in status::targets(&catalog, unit) {
            let key = (
                unit.original_text().map(unmarked),
                text_of(unit, lang),
                lang.clone(),
            );
            let entry = match status::of(unit, lang, &state) {
                Status::NotTracked | Status::Missing => None,
                s => state
                    .get(&unit.id, lang)
                    .map(|e| (s == Status::UpToDate, e)),
            };
            before.entry(key).or_insert(entry);
        }
    }
    let mut recorded = Vec::new();
    // The new edition's label in config.toml is written in every language at once.
    let label = format!(
        "{}#editions.label.{}",
        crate::config::CONFIG_FILE,
        units::key_text(to)
    );
    if let Some(unit) = catalog.units.iter().find(|u| u.id == label) {
        for lang in status::targets(&catalog, unit) {
            if let Some(original) = unit.original_text() {
                recorded.push((unit.id.clone(), lang.clone(), state::Entry::of(original)));
            }
        }
    }
    for unit in catalog
        .units
        .iter()
        .filter(|u| u.id.starts_with(&new_prefix))
    {
        for lang in status::targets(&catalog, unit) {
            let raw = unit.slots.get(lang).and_then(|s| s.text.as_deref());
            if raw.is_none_or(str::is_empty) {
                continue;
            }
            let original = unit.original_text().unwrap_or_default();
            let key = (
                unit.original_text().map(unmarked),
                text_of(unit, lang),
                lang.clone(),
            );
            match before.get(&key) {
                // Not tracked in the edition it was copied from.
                Some(None) => {}
                Some(Some((true, _))) => {
                    recorded.push((unit.id.clone(), lang.clone(), state::Entry::of(original)))
                }
                Some(Some((false, entry))) => {
                    recorded.push((unit.id.clone(), lang.clone(), (*entry).clone()))
                }
                None => recorded.push((unit.id.clone(), lang.clone(), state::Entry::of(original))),
            }
        }
    }
    for (id, lang, entry) in recorded {
        state.entries.entry(id).or_default().insert(lang, entry);
    }
    let order: Vec<&str> = catalog.units.iter().map(|u| u.id.as_str()).collect();
    state.save(root, &order).map_err(|d| vec![d])?;
    Ok(true)
}

/// The units to export to `lang`.
fn exported(catalog: &Catalog, state: &State, lang: &str, only_outdated: bool) -> Vec<Exported> {
    let mut out = Vec::new();
    for unit in &catalog.units {
        if unit.original == lang {
            continue;
        }
        let Some(original) = unit.original_text().filter(|t| !t.trim().is_empty()) else {
            continue;
        };
        let Some(slot) = unit.slots.get(lang) else {
            continue;
        };
        let status = status::of(unit, lang, state);
        if only_outdated && !matches!(status, Status::OutOfDate | Status::Missing) {
            continue;
        }
        out.push(Exported {
            id: unit.id.clone(),
            group: unit.group.clone(),
            source_lang: unit.original.clone(),
            status,
            coded: inline::code(original, slot.text.as_deref(), unit.markup),
            note: format!("{}:{}", slot.file, slot.line),
        });
    }
    out
}

/// `nenpo translations export`: writes the exchange file; returns how many units it holds.
pub fn export(
    root: &Path,
    lang: &str,
    format: Format,
    only_outdated: bool,
    file: &Path,
) -> Result<usize, Vec<Diagnostic>> {
    let (catalog, state) = load(root)?;
    check_lang(&catalog, lang)?;
    let units = exported(&catalog, &state, lang, only_outdated);
    let text = match format {
        Format::Xliff => xliff::write(&units, lang),
        Format::Po => po::write(&units, lang, "nenpo"),
    };
    let shown = file.display().to_string();
    std::fs::write(file, text).map_err(|e| {
        vec![
            Diagnostic::error(&shown, format!("cannot write the file: {e}"))
                .help("check that its folder exists and can be written"),
        ]
    })?;
    Ok(units.len())
}

/// The pages out of date, for the build (`Site::outdated`), each with a warning naming its file:
/// `check` and `serve` list them. Problems of the content itself are the build's to report.
pub fn outdated_for_build(
    root: &Path,
    config: &crate::config::Config,
    sources: &crate::load::Sources,
    diags: &mut crate::error::Diagnostics,
) -> status::Outdated {
    if !root.join(state::LOCK_FILE).is_file() {
        return BTreeMap::new();
    }
    let state = match State::load(root) {
        Ok(s) => s,
        Err(d) => {
            diags.push(d);
            return BTreeMap::new();
        }
    };
    let Ok(catalog) = units::from_sources(config, sources) else {
        return BTreeMap::new();
    };
    let outdated = status::outdated_pages(&catalog, &state);
    for ((lang, key), (original, changed)) in &outdated {
        let Some(page) = sources
            .pages
            .iter()
            .find(|p| &p.lang == lang && &p.key == key)
        else {
            continue;
        };
        let group = units::neutral_file(&page.file, lang);
        diags.push(
            Diagnostic::warning(
                &page.file,
                format!(
                    "this translation is out of date: {changed} {} of its `{original}` original changed after it was made",
                    if *changed == 1 { "text" } else { "texts" }
                ),
            )
            .help(format!(
                "`nenpo translations diff {group}` shows what changed; update the translation, then run `nenpo translations done {group}`"
            )),
        );
    }
    outdated
}
