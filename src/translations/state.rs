//! The stored state, `translations.lock` in the site folder: for every unit and language, the
//! original text the translation was made from (and its hash). Plain TOML, one table per unit
//! and language, in reading order, so that a change shows in a review as the texts it concerns.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use crate::error::Diagnostic;
use crate::fs;

pub const LOCK_FILE: &str = "translations.lock";

const HEADER: &str =
    "# The original each translation was made from: for every text and language, the original's\n\
# hash and text when the translation was last made or checked. Written by `nenpo translations\n\
# done` and `nenpo translations import`; see docs/translations.md.\n";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub hash: String,
    pub original: String,
}

impl Entry {
    pub fn of(original: &str) -> Entry {
        Entry {
            hash: hash(original),
            original: original.to_string(),
        }
    }
}

/// The hash stored for an original text.
pub fn hash(text: &str) -> String {
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(text.as_bytes()))
}

/// Unit id → language → entry.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct State {
    pub entries: BTreeMap<String, BTreeMap<String, Entry>>,
    /// Whether the file exists (a site that does not track translations has none).
    pub exists: bool,
}

impl State {
    pub fn load(root: &Path) -> Result<State, Diagnostic> {
        let path = root.join(LOCK_FILE);
        if !path.is_file() {
            return Ok(State::default());
        }
        let text = fs::read_text(&path, LOCK_FILE)?;
        State::parse(&text)
    }

    pub fn parse(text: &Arc<str>) -> Result<State, Diagnostic> {
        let invalid = |message: String, span: Option<std::ops::Range<usize>>| {
            let d = Diagnostic::error(LOCK_FILE, message).help(
                "translations.lock is written by `nenpo translations done`; restore it from version control, or run `nenpo translations done --all` to start again",
            );
            match span {
                Some(span) => d.at(text, span),
                None => d,
            }
        };
        let doc = toml_edit::Document::parse(text.as_ref())
            .map_err(|e| invalid(e.message().to_string(), e.span()))?;
        let mut state = State {
            exists: true,
            ..State::default()
        };
        for (id, item) in doc
            .as_item()
            .as_table_like()
            .into_iter()
            .flat_map(|t| t.iter())
        {
            let Some(langs) = item.as_table_like() else {
                return Err(invalid(format!("`{id}` is not a table"), item.span()));
            };
            for (lang, entry) in langs.iter() {
                let field = |name: &str| {
                    entry
                        .get(name)
                        .and_then(|v| v.as_str())
                        .map(str::to_string)
                        .ok_or_else(|| {
                            invalid(
                                format!("`{id}` `{lang}` has no `{name}` text"),
                                entry.span(),
                            )
                        })
                };
                state.entries.entry(id.to_string()).or_default().insert(
                    lang.to_string(),
                    Entry {
                        hash: field("hash")?,
                        original: field("original")?,
                    },
                );
            }
        }
        Ok(state)
    }

    pub fn get(&self, id: &str, lang: &str) -> Option<&Entry> {
        self.entries.get(id)?.get(lang)
    }

    pub fn set(&mut self, id: &str, lang: &str, original: &str) {
        self.entries
            .entry(id.to_string())
            .or_default()
            .insert(lang.to_string(), Entry::of(original));
    }

    /// The file's text: units in `order` (reading order) first, then any others by id.
    pub fn text(&self, order: &[&str]) -> String {
        let mut out = String::from(HEADER);
        let mut written = std::collections::HashSet::new();
        let ids = order
            .iter()
            .copied()
            .chain(self.entries.keys().map(String::as_str));
        for id in ids {
            let Some(langs) = self.entries.get(id) else {
                continue;
            };
            if !written.insert(id) {
                continue;
            }
            for (lang, entry) in langs {
                out.push_str(&format!(
                    "\n[{}.{}]\nhash = {}\noriginal = {}\n",
                    toml_edit::Key::new(id).display_repr(),
                    toml_edit::Key::new(lang.as_str()).display_repr(),
                    toml_edit::Value::from(entry.hash.as_str()),
                    toml_edit::Value::from(entry.original.as_str()),
                ));
            }
        }
        out
    }

    /// Writes the file (through a temporary file: never half written).
    pub fn save(&self, root: &Path, order: &[&str]) -> Result<(), Diagnostic> {
        write_file(root, LOCK_FILE, self.text(order).as_bytes())
    }
}

/// Writes `rel` under `root` whole or not at all.
pub fn write_file(root: &Path, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
    let path = root.join(rel);
    let failed = |e: std::io::Error| {
        Diagnostic::error(rel, format!("cannot write the file: {e}"))
            .help("check the folder's permissions and free space")
    };
    let dir = path.parent().unwrap_or(root);
    std::fs::create_dir_all(dir).map_err(failed)?;
    let mut temp = tempfile::NamedTempFile::new_in(dir).map_err(failed)?;
    std::io::Write::write_all(&mut temp, bytes).map_err(failed)?;
    // A temporary file is private; the file keeps the permissions it had (a new one: rw-r--r--).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let permissions = std::fs::metadata(&path)
            .map(|m| m.permissions())
            .unwrap_or_else(|_| std::fs::Permissions::from_mode(0o644));
        temp.as_file()
            .set_permissions(permissions)
            .map_err(failed)?;
    }
    temp.persist(&path).map_err(|e| failed(e.error))?;
    Ok(())
}
