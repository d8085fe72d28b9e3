//! Path-annotated file IO: every error names the file it is about.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::Diagnostic;

/// Path relative to `root`, with `/` separators, as shown to the user.
pub fn display_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Reads a UTF-8 text file; invalid UTF-8 is reported at its line and column.
pub fn read_text(path: &Path, shown_as: &str) -> Result<Arc<str>, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::error(shown_as, format!("cannot read the file: {e}"))
            .help("check that the file exists and is readable")
    })?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Arc::from(text.strip_prefix('\u{feff}').unwrap_or(&text))),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let shown: Arc<str> = Arc::from(String::from_utf8_lossy(&bytes).as_ref());
            // The lossy text has the same bytes up to the first invalid one.
            Err(Diagnostic::error(shown_as, "the file is not valid UTF-8")
                .at(&shown, valid..valid + 1)
                .help("save the file with UTF-8 encoding (in most editors: Save As → Encoding → UTF-8)"))
        }
    }
}

/// Writes `contents` to `path`, creating parent folders.
pub fn write(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, contents)
}

/// Every file under `dir`, sorted by path, as (absolute path, path relative to `dir`).
pub fn files_under(dir: &Path) -> Vec<(PathBuf, PathBuf)> {
    if !dir.is_dir() {
        return Vec::new();
    }
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| !is_hidden(e.path().strip_prefix(dir).unwrap_or(e.path())))
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap_or(e.path()).to_path_buf();
            (e.path().to_path_buf(), rel)
        })
        .collect()
}

/// Dot-files and editor backups are never content.
fn is_hidden(rel: &Path) -> bool {
    rel.components().any(|c| {
        let name = c.as_os_str().to_string_lossy();
        name.starts_with('.') || name.ends_with('~') || name.starts_with('#')
    })
}

/// Removes a folder tree, deleting its files in parallel (a previous site can hold 20,000 files).
pub fn remove_tree(dir: &Path) -> std::io::Result<()> {
    use rayon::prelude::*;
    let files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| !e.file_type().is_dir())
        .map(walkdir::DirEntry::into_path)
        .collect();
    files.par_iter().try_for_each(std::fs::remove_file)?;
    std::fs::remove_dir_all(dir)
}
