//! Status: for every unit and language, whether the translation is up to date with its original,
//! out of date, missing or not yet tracked; summed up per page or file.

use std::collections::BTreeMap;

use super::state::{self, State};
use super::units::{Catalog, Unit};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    UpToDate,
    /// The original changed since the translation was made.
    OutOfDate,
    /// The translation has a block the original no longer has.
    Extra,
    Missing,
    /// A translation nenpo has no record of (`translations done` records it).
    NotTracked,
}

impl Status {
    pub fn fails_check(self) -> bool {
        matches!(self, Status::OutOfDate | Status::Extra | Status::Missing)
    }
}

/// The status of `unit` in `lang` (which is not its original's language).
pub fn of(unit: &Unit, lang: &str, state: &State) -> Status {
    let translated = unit
        .slots
        .get(lang)
        .is_some_and(|s| s.text.as_deref().is_some_and(|t| !t.is_empty()));
    let Some(original) = unit.original_text() else {
        // A block only the translation has (an editor's note): fine once recorded as such.
        return match state.get(&unit.id, lang) {
            _ if !translated => Status::UpToDate,
            Some(entry) if entry.hash == state::hash("") => Status::UpToDate,
            _ => Status::Extra,
        };
    };
    if !translated {
        return if original.trim().is_empty() {
            Status::UpToDate
        } else {
            Status::Missing
        };
    }
    match state.get(&unit.id, lang) {
        None => Status::NotTracked,
        Some(entry) if entry.hash == state::hash(original) => Status::UpToDate,
        Some(_) => Status::OutOfDate,
    }
}

/// The languages `unit` is translated into.
pub fn targets<'a>(catalog: &'a Catalog, unit: &'a Unit) -> impl Iterator<Item = &'a String> + 'a {
    catalog
        .languages
        .iter()
        .filter(move |l| **l != unit.original)
}

/// How many units of a group are in each status, in one language.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    pub counts: BTreeMap<Status, usize>,
    pub original: String,
}

impl Tally {
    pub fn get(&self, status: Status) -> usize {
        self.counts.get(&status).copied().unwrap_or(0)
    }

    pub fn total(&self) -> usize {
        self.counts.values().sum()
    }

    pub fn fails_check(&self) -> bool {
        self.counts.iter().any(|(s, n)| s.fails_check() && *n > 0)
    }

    /// `up to date (12)`, `out of date: 2 of 12 blocks changed, 1 missing`.
    pub fn describe(&self) -> String {
        let total = self.total();
        let changed = self.get(Status::OutOfDate) + self.get(Status::Extra);
        let mut parts = Vec::new();
        if changed > 0 {
            parts.push(format!(
                "out of date: {changed} of {total} {} changed in the original",
                if total == 1 { "text" } else { "texts" }
            ));
        }
        if self.get(Status::Missing) > 0 {
            parts.push(format!("{} missing", self.get(Status::Missing)));
        }
        if self.get(Status::NotTracked) > 0 {
            parts.push(format!("{} not tracked", self.get(Status::NotTracked)));
        }
        if parts.is_empty() {
            format!("up to date ({total})")
        } else {
            parts.join(", ")
        }
    }
}

/// Language → group → tally, groups in reading order.
pub fn tally(catalog: &Catalog, state: &State) -> BTreeMap<String, Vec<(String, Tally)>> {
    let mut out: BTreeMap<String, Vec<(String, Tally)>> = BTreeMap::new();
    for unit in &catalog.units {
        for lang in targets(catalog, unit) {
            let status = of(unit, lang, state);
            let groups = out.entry(lang.clone()).or_default();
            let (group, tally) = match groups.last_mut() {
                Some((g, t)) if *g == unit.group && t.original == unit.original => (g, t),
                _ => {
                    groups.push((
                        unit.group.clone(),
                        Tally {
                            original: unit.original.clone(),
                            ..Tally::default()
                        },
                    ));
                    let last = groups.last_mut().expect("just pushed");
                    (&mut last.0, &mut last.1)
                }
            };
            let _ = group;
            *tally.counts.entry(status).or_default() += 1;
        }
    }
    out
}

/// (language, page key) → (the original's language, texts changed).
pub type Outdated = BTreeMap<(String, String), (String, usize)>;

/// The pages out of date in one language. Only a site that tracks its translations has any.
pub fn outdated_pages(catalog: &Catalog, state: &State) -> Outdated {
    let mut out = BTreeMap::new();
    if !state.exists {
        return out;
    }
    for unit in &catalog.units {
        let Some(keys) = catalog.pages.get(&unit.group) else {
            continue;
        };
        for lang in targets(catalog, unit) {
            if !matches!(of(unit, lang, state), Status::OutOfDate | Status::Extra) {
                continue;
            }
            let Some(key) = keys.get(lang) else {
                continue;
            };
            out.entry((lang.clone(), key.clone()))
                .or_insert_with(|| (unit.original.clone(), 0))
                .1 += 1;
        }
    }
    out
}
