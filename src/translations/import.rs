//! Import: translations from an XLIFF or PO file written back where they belong (a page's block,
//! a record's text, a CSV cell, an interface string), checked first as a whole: an unknown id, a
//! lost inline code or a changed link target writes nothing. A translation equal to the file's
//! is not written at all, so that an export imported unchanged changes no byte.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::inline;
use super::state::{self, Entry};
use super::units::{Edit, Encoding, Markup};
use super::{load, po, xliff, Format};
use crate::error::Diagnostic;

/// What an import did.
#[derive(Debug, Default)]
pub struct Imported {
    pub units: usize,
    pub changed: usize,
    pub files: Vec<String>,
}

/// The text as written in its file.
fn encode(text: &str, encoding: &Encoding) -> String {
    match encoding {
        Encoding::TomlString => toml_edit::Value::from(text).to_string(),
        Encoding::CsvCell => {
            if text.contains([',', '"', '\n', '\r']) || text.trim() != text {
                format!("\"{}\"", text.replace('"', "\"\""))
            } else {
                text.to_string()
            }
        }
        Encoding::Block { prefix, cell } => {
            let text = text.trim_end();
            if *cell {
                let mut out = String::new();
                let mut escaped = false;
                for c in text.chars() {
                    match c {
                        '\n' => out.push(' '),
                        '|' if !escaped => out.push_str("\\|"),
                        c => out.push(c),
                    }
                    escaped = c == '\\' && !escaped;
                }
                out
            } else {
                text.replace('\n', &format!("\n{prefix}"))
            }
        }
    }
}

pub fn run(root: &Path, file: &Path) -> Result<Imported, Vec<Diagnostic>> {
    let shown = file.display().to_string();
    let text: std::sync::Arc<str> = std::fs::read_to_string(file).map(Into::into).map_err(|e| {
        vec![
            Diagnostic::error(&shown, format!("cannot read the file: {e}"))
                .help("name the XLIFF or PO file `nenpo translations export` wrote"),
        ]
    })?;
    let format = if text.trim_start().starts_with("<?xml") || text.contains("<xliff") {
        Format::Xliff
    } else {
        Format::Po
    };
    let incoming = match format {
        Format::Xliff => xliff::read(&text),
        Format::Po => po::read(&text),
    }
    .map_err(|m| {
        vec![Diagnostic::error(&shown, m).help(
            "the file must be an XLIFF 1.2 or PO file written by `nenpo translations export`",
        )]
    })?;
    let (catalog, mut state) = load(root)?;
    let by_id: HashMap<&str, &super::Unit> =
        catalog.units.iter().map(|u| (u.id.as_str(), u)).collect();
    let mut problems = Vec::new();
    let problem = |at: usize, id: &str, message: String, help: &str| {
        Diagnostic::error(&shown, format!("`{id}`: {message}"))
            .at(&text, at..(at + 1).min(text.len()))
            .help(help.to_string())
    };
    // File → edits (position, order, text).
    let mut edits: BTreeMap<String, Vec<(Edit, String)>> = BTreeMap::new();
    let mut recorded: Vec<(String, String, Entry)> = Vec::new();
    let mut done = Imported::default();
    for unit_in in &incoming {
        let Some(unit) = by_id.get(unit_in.id.as_str()) else {
            problems.push(problem(
                unit_in.at,
                &unit_in.id,
                "no text of the site has this id".into(),
                "the page, record or string was renamed or removed since the export: export again and carry the translation over",
            ));
            continue;
        };
        let lang = unit_in.lang.as_str();
        if lang == unit.original || !catalog.languages.iter().any(|l| l == lang) {
            problems.push(problem(
                unit_in.at,
                &unit.id,
                format!("`{lang}` is not a language this text is translated into"),
                "keep the file's target language as exported",
            ));
            continue;
        }
        let Some(original) = unit.original_text() else {
            continue;
        };
        let slot = &unit.slots[lang];
        let Some(pieces) = unit_in.target.as_ref().filter(|p| !p.is_empty()) else {
            continue;
        };
        done.units += 1;
        let coded = inline::code(original, slot.text.as_deref(), unit.markup);
        let new = match inline::rebuild(pieces, &coded.natives) {
            Ok(t) => t,
            Err(n) => {
                problems.push(problem(
                    unit_in.at,
                    &unit.id,
                    format!("the inline code {n} is not one of this text's"),
                    "keep the codes (links, emphasis, code) as they are in the original; only move them",
                ));
                continue;
            }
        };
        let mut broken = false;
        if unit.markup == Markup::Markdown {
            let mut allowed = inline::targets(original);
            allowed.extend(inline::targets(slot.text.as_deref().unwrap_or_default()));
            if let Some(changed) = inline::targets(&new)
                .into_iter()
                .find(|t| !allowed.contains(t))
            {
                problems.push(problem(
                    unit_in.at,
                    &unit.id,
                    format!("the link target `{changed}` is not the original's"),
                    "keep links as the inline codes they were exported as; a link's target is changed in the original, not in the translation",
                ));
                broken = true;
            }
        }
        let required = match coded.target.as_ref().filter(|t| !t.is_empty()) {
            Some(target) => inline::numbers(target),
            None => inline::numbers(&coded.source),
        };
        let used = inline::numbers(pieces);
        if let Some(lost) = required.iter().find(|n| !used.contains(n)) {
            let native = &coded.natives[lost];
            problems.push(problem(
                unit_in.at,
                &unit.id,
                format!(
                    "the inline code {lost} (`{}{}`) is missing from the translation",
                    native.open,
                    native.close.as_deref().map_or("", |_| "…")
                ),
                "put every code of the original into the translation (a tool shows them as tags)",
            ));
            broken = true;
        }
        if broken {
            continue;
        }
        let changed = slot.text.as_deref() != Some(new.as_str());
        if changed {
            done.changed += 1;
            edits
                .entry(slot.file.clone())
                .or_default()
                .push((slot.edit.clone(), encode(&new, &slot.encoding)));
            if let (Edit::TomlKey(_), Encoding::TomlString) = (&slot.edit, &slot.encoding) {
                // Written as a new key below; the text is kept as it is (not encoded twice).
                if let Some(last) = edits.get_mut(&slot.file).and_then(|e| e.last_mut()) {
                    last.1 = new.clone();
                }
            }
        }
        // Marked done in the file where it was exported for review: the translator checked it.
        // An unchanged text exported as translated records nothing new (a round trip changes
        // no byte, not even of translations.lock).
        let reviewed = unit_in.translated
            && matches!(
                super::status::of(unit, lang, &state),
                super::status::Status::OutOfDate
            );
        if changed || reviewed {
            // The original the translator saw: the file's, where it still reads as one.
            let seen = unit_in
                .source
                .as_ref()
                .and_then(|s| inline::rebuild(s, &coded.natives).ok())
                .unwrap_or_else(|| original.to_string());
            recorded.push((unit.id.clone(), lang.to_string(), Entry::of(&seen)));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    // Every file's new text first; then they are written.
    let mut written: Vec<(String, String)> = Vec::new();
    for (file, mut file_edits) in edits {
        let base = match catalog.files.get(&file) {
            Some(b) => b.text.to_string(),
            None => page_base(&catalog, &file).unwrap_or_default(),
        };
        let mut text = base;
        let position = |e: &Edit| match e {
            Edit::Replace(r) => r.start,
            Edit::Insert { at, .. } => *at,
            Edit::TomlKey(_) => usize::MAX,
        };
        // From the end, so that earlier positions stay valid; the same position in reverse
        // order of the units, so that inserted blocks keep the original's order.
        let mut indexed: Vec<(usize, (Edit, String))> = file_edits.drain(..).enumerate().collect();
        indexed.sort_by(|(ai, a), (bi, b)| position(&b.0).cmp(&position(&a.0)).then(bi.cmp(ai)));
        let mut keys = Vec::new();
        for (_, (edit, new)) in indexed {
            match edit {
                Edit::Replace(r) => text.replace_range(r, &new),
                Edit::Insert { at, before, after } => {
                    text.insert_str(at, &format!("{before}{new}{after}"))
                }
                Edit::TomlKey(path) => keys.push((path, new)),
            }
        }
        if !keys.is_empty() {
            let mut doc: toml_edit::DocumentMut = text
                .parse()
                .map_err(|e| vec![Diagnostic::error(&file, format!("TOML: {e}"))])?;
            for (path, new) in keys {
                let mut table = doc.as_table_mut() as &mut dyn toml_edit::TableLike;
                for part in &path[..path.len() - 1] {
                    let item = table
                        .entry(part)
                        .or_insert(toml_edit::Item::Table(toml_edit::Table::new()));
                    let Some(t) = item.as_table_like_mut() else {
                        return Err(vec![Diagnostic::error(
                            &file,
                            format!("`{part}` is not a table: cannot add `{}`", path.join(".")),
                        )]);
                    };
                    table = t;
                }
                table.insert(&path[path.len() - 1], toml_edit::value(new));
            }
            text = doc.to_string();
        }
        written.push((file, text));
    }
    for (file, text) in &written {
        state::write_file(root, file, text.as_bytes()).map_err(|d| vec![d])?;
        done.files.push(file.clone());
    }
    if !recorded.is_empty() || !written.is_empty() {
        let before = state.clone();
        for (id, lang, entry) in recorded {
            state.entries.entry(id).or_default().insert(lang, entry);
        }
        state.exists = true;
        if state != before || !root.join(state::LOCK_FILE).is_file() {
            let order: Vec<&str> = catalog.units.iter().map(|u| u.id.as_str()).collect();
            state.save(root, &order).map_err(|d| vec![d])?;
        }
    }
    Ok(done)
}

/// The text a missing page is made from: its original's file.
fn page_base(catalog: &super::Catalog, file: &str) -> Option<String> {
    let unit = catalog
        .units
        .iter()
        .find(|u| u.slots.values().any(|s| s.file == file))?;
    let original = &unit.slots[&unit.original].file;
    catalog.files.get(original).map(|b| b.text.to_string())
}
