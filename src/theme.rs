//! Where a theme's files come from: the site's `themes/<name>/` folder, or, for the theme named
//! `default` when the site has no such folder, the copy of `themes/default/` built into nenpo.
//!
//! A theme has `templates/` (Tera), `static/` (copied to the site root) and `i18n/<lang>.toml`
//! (interface strings). Everything is listed sorted by path, so that builds are deterministic.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::Diagnostic;
use crate::fs;

/// The theme nenpo ships, so that `theme = "default"` works in a folder that has only content.
pub const DEFAULT: &str = "default";

macro_rules! embedded {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_bytes!(concat!("../themes/default/", $path)) as &[u8])),*]
    };
}

/// Every file of `themes/default/`, relative to it (a test checks that none is missing).
pub const DEFAULT_FILES: &[(&str, &[u8])] = embedded![
    "i18n/de.toml",
    "i18n/en.toml",
    "i18n/ja.toml",
    "i18n/ko.toml",
    "i18n/zh-Hans.toml",
    "static/editions.css",
    "static/favicon.svg",
    "static/print.css",
    "static/search-editions.js",
    "static/search.js",
    "static/style.css",
    "templates/404.html",
    "templates/archive.html",
    "templates/data.html",
    "templates/base.html",
    "templates/index.html",
    "templates/languages.html",
    "templates/page.html",
    "templates/print.html",
    "templates/section.html",
    "templates/partials/breadcrumbs.html",
    "templates/partials/edition-notice.html",
    "templates/partials/editions.html",
    "templates/partials/footer.html",
    "templates/partials/head.html",
    "templates/partials/header.html",
    "templates/partials/home-sections.html",
    "templates/partials/language.html",
    "templates/partials/macros.html",
    "templates/partials/nav.html",
    "templates/partials/pager.html",
    "templates/partials/print-page-extras.html",
    "templates/partials/search.html",
    "templates/partials/section-figures.html",
    "templates/partials/translation-notice.html",
];

/// One file of a theme: its path inside the theme folder, how to show it, and where its bytes are.
pub struct ThemeFile {
    /// Relative to the theme folder, with `/`: `templates/base.html`.
    pub rel: String,
    /// As shown in messages: `themes/default/templates/base.html` (or `(built-in) …`).
    pub shown: String,
    pub source: Source,
}

pub enum Source {
    Disk(PathBuf),
    Embedded(&'static [u8]),
}

impl ThemeFile {
    pub fn text(&self) -> Result<Arc<str>, Diagnostic> {
        match &self.source {
            Source::Disk(path) => fs::read_text(path, &self.shown),
            Source::Embedded(bytes) => Ok(Arc::from(String::from_utf8_lossy(bytes).as_ref())),
        }
    }
}

/// The files of the theme `name` for the site at `root`, sorted by path. `None` when there is no
/// such theme.
pub fn files(root: &Path, name: &str) -> Option<Vec<ThemeFile>> {
    let dir = root.join("themes").join(name);
    if dir.is_dir() {
        return Some(
            // Problems met on the way (unreadable folders) are reported by the load of content; a
            // theme's unreadable file is reported when it is read.
            fs::files_under(root, &dir)
                .0
                .into_iter()
                .map(|(path, rel)| ThemeFile {
                    rel: fs::display_path(Path::new(""), &rel),
                    shown: fs::display_path(root, &path),
                    source: Source::Disk(path),
                })
                .collect(),
        );
    }
    if name != DEFAULT {
        return None;
    }
    Some(built_in())
}

/// The default theme as built into nenpo.
pub fn built_in() -> Vec<ThemeFile> {
    let mut files: Vec<ThemeFile> = DEFAULT_FILES
        .iter()
        .map(|(rel, bytes)| ThemeFile {
            rel: rel.to_string(),
            shown: format!("(built-in theme) {rel}"),
            source: Source::Embedded(bytes),
        })
        .collect();
    files.sort_by(|a, b| a.rel.cmp(&b.rel));
    files
}

/// The theme named in config.toml (`""`: none, the built-in templates only).
pub fn load(root: &Path, name: &str) -> Result<Option<Vec<ThemeFile>>, Diagnostic> {
    if name.is_empty() {
        return Ok(None);
    }
    let dir = root.join("themes").join(name);
    fs::check_inside(root, &dir, &fs::display_path(root, &dir))?;
    files(root, name).map(Some).ok_or_else(|| {
        Diagnostic::error("config.toml", format!("the theme `{name}` does not exist")).help(
            format!(
                "create themes/{name}/templates/, or set `theme = \"{DEFAULT}\"` (built into nenpo)"
            ),
        )
    })
}

/// The files of one part (`templates/`, `static/`, `i18n/`) with the part's prefix removed.
pub fn part<'a>(
    files: &'a [ThemeFile],
    part: &'a str,
) -> impl Iterator<Item = (&'a str, &'a ThemeFile)> {
    files.iter().filter_map(move |f| {
        f.rel
            .strip_prefix(part)
            .and_then(|r| r.strip_prefix('/'))
            .map(|r| (r, f))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_of_the_default_theme_is_built_in() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
        let on_disk: Vec<String> = fs::files_under(&dir, &dir)
            .0
            .into_iter()
            .map(|(_, rel)| fs::display_path(Path::new(""), &rel))
            .collect();
        let mut built_in: Vec<String> = DEFAULT_FILES.iter().map(|(r, _)| r.to_string()).collect();
        built_in.sort();
        let mut on_disk_sorted = on_disk.clone();
        on_disk_sorted.sort();
        assert_eq!(
            built_in, on_disk_sorted,
            "update DEFAULT_FILES in src/theme.rs"
        );
    }
}
