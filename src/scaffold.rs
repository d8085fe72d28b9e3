//! `new`: scaffolds a page or a section in every language of the site, with front matter that
//! builds as it is, ordered after its last sibling. Never overwrites a file.

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::error::Diagnostic;
use crate::load::CONTENT_DIR;
use crate::parse::front_matter;

/// What to create.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `content/<section>/<name>.<lang>.md`
    Page,
    /// `content/<name>/_index.<lang>.md`
    Section,
}

/// Creates the files of a new page (`path` = `section/name`, or just `name` for the home section)
/// or section (`path` = `name` or `parent/name`). Returns the created files, shown relative to
/// `root`. Nothing is created when any file is in the way.
pub fn create(root: &Path, kind: Kind, path: &str) -> Result<Vec<String>, Diagnostic> {
    let config = Config::load(root)?;
    let path = path.trim().trim_matches('/');
    let path = path.strip_suffix(".md").unwrap_or(path);
    let what = match kind {
        Kind::Page => "page",
        Kind::Section => "section",
    };
    let parts: Vec<&str> = path.split('/').collect();
    for part in &parts {
        if !is_kebab(part) {
            return Err(Diagnostic::error(
                format!("{CONTENT_DIR}/{path}"),
                format!("`{part}` is not a valid {what} name"),
            )
            .help("use lower-case ASCII letters, digits and single hyphens, e.g. `drug-approvals`; the name becomes part of the page's address"));
        }
    }
    let (parent, name) = match parts.split_last() {
        Some((name, parent)) => (parent.join("/"), *name),
        None => unreachable!("split yields at least one part"),
    };
    let content = root.join(CONTENT_DIR);
    let parent_dir = if parent.is_empty() {
        content.clone()
    } else {
        content.join(&parent)
    };
    let default = &config.default_language;
    let parent_index = parent_dir.join(format!("_index.{default}.md"));
    if !parent_index.is_file() {
        let shown = shown(root, &parent_index);
        let help = if parent.is_empty() {
            format!("create the home page {shown} first (see docs/content-model.md)")
        } else {
            format!("create the section first: nenpo new section {parent}")
        };
        return Err(Diagnostic::error(
            shown.clone(),
            format!(
                "there is no section `{}` ({shown} does not exist)",
                if parent.is_empty() { "(home)" } else { &parent }
            ),
        )
        .help(help));
    }

    let files: Vec<(String, PathBuf)> = config
        .languages
        .iter()
        .map(|lang| {
            let file = match kind {
                Kind::Page => parent_dir.join(format!("{name}.{lang}.md")),
                Kind::Section => parent_dir.join(name).join(format!("_index.{lang}.md")),
            };
            (lang.clone(), file)
        })
        .collect();
    // Anything already using the name: the files themselves, a bundle or section of that name.
    let mut in_the_way: Vec<PathBuf> = files.iter().map(|(_, f)| f.clone()).collect();
    for lang in &config.languages {
        in_the_way.push(parent_dir.join(name).join(format!("index.{lang}.md")));
        in_the_way.push(parent_dir.join(name).join(format!("_index.{lang}.md")));
        in_the_way.push(parent_dir.join(format!("{name}.{lang}.md")));
    }
    if let Some(existing) = in_the_way.iter().find(|f| f.exists()) {
        return Err(Diagnostic::error(
            shown(root, existing),
            format!("`{path}` already exists; nothing was created"),
        )
        .help(format!(
            "edit the existing files, or choose another name for the new {what}"
        )));
    }

    let weight = last_weight(&parent_dir, default).map_or(10, |w| (w / 10 + 1) * 10);
    let mut created = Vec::new();
    for (lang, file) in &files {
        let text = front_matter_text(lang, kind, weight);
        // Parse what is about to be written, so a scaffold can never fail the build.
        front_matter::split(&shown(root, file), &std::sync::Arc::from(text.as_str()))?;
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir).map_err(|e| {
                Diagnostic::error(shown(root, dir), format!("cannot create the folder: {e}"))
            })?;
        }
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(file)
            .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()))
            .map_err(|e| {
                Diagnostic::error(shown(root, file), format!("cannot create the file: {e}"))
            })?;
        created.push(shown(root, file));
    }
    Ok(created)
}

/// Lower-case ASCII words joined by single hyphens: `drug-approvals`, `fy2021`.
pub fn is_kebab(name: &str) -> bool {
    !name.is_empty()
        && name.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// The largest weight among the pages and sections directly in `dir` (default language files).
fn last_weight(dir: &Path, lang: &str) -> Option<i64> {
    let mut candidates = Vec::new();
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            candidates.push(path.join(format!("_index.{lang}.md")));
            candidates.push(path.join(format!("index.{lang}.md")));
        } else if name.ends_with(&format!(".{lang}.md")) && !name.starts_with("_index.") {
            candidates.push(path);
        }
    }
    candidates
        .iter()
        .filter_map(|file| {
            let text = std::sync::Arc::from(std::fs::read_to_string(file).ok()?);
            front_matter::split("", &text).ok().map(|s| s.front.weight)
        })
        .max()
}

fn front_matter_text(lang: &str, kind: Kind, weight: i64) -> String {
    let (title, description, body) = match (lang, kind) {
        ("ja", Kind::Page) => (
            "新しいページ（このタイトルを書き換えてください）",
            "一文の要約（検索結果や SNS に使われます）",
            "ここに本文を書きます。",
        ),
        ("ja", Kind::Section) => (
            "新しいセクション（このタイトルを書き換えてください）",
            "一文の要約（検索結果や SNS に使われます）",
            "ここにセクションの概要を書きます。",
        ),
        (_, Kind::Page) => (
            "New page (replace this title)",
            "A one-sentence summary (used by search results and social media)",
            "Write the text here.",
        ),
        (_, Kind::Section) => (
            "New section (replace this title)",
            "A one-sentence summary (used by search results and social media)",
            "Write the section's overview here.",
        ),
    };
    format!(
        "+++\ntitle = \"{title}\"\n# description = \"{description}\"\nweight = {weight}\n[extra]\nsource_pages = []\n+++\n\n{body}\n"
    )
}

fn shown(root: &Path, path: &Path) -> String {
    crate::fs::display_path(root, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_kebab_case_ascii() {
        assert!(is_kebab("drug-approvals"));
        assert!(is_kebab("fy2021"));
        for bad in ["", "Drug", "a_b", "a--b", "-a", "a-", "承認", "a b"] {
            assert!(!is_kebab(bad), "{bad}");
        }
    }

    #[test]
    fn scaffolded_front_matter_parses() {
        for lang in ["ja", "en"] {
            for kind in [Kind::Page, Kind::Section] {
                let text = std::sync::Arc::from(front_matter_text(lang, kind, 30).as_str());
                let split = front_matter::split("x", &text).unwrap();
                assert_eq!(split.front.weight, 30);
                assert!(split.front.extra.contains_key("source_pages"));
            }
        }
    }
}
