//! Write: the only stage that touches the output folder. Everything is written into a temporary
//! sibling and swapped in at the end, so a failed build leaves the previous site exactly as it was.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::Diagnostic;
use rayon::prelude::*;

use crate::fs;

/// What goes into one output file.
pub enum Contents {
    Bytes(Vec<u8>),
    /// Copied from this source file.
    Copy(PathBuf),
}

/// Every output file, by path relative to the output folder, with the source that produced it.
#[derive(Default)]
pub struct Output {
    files: BTreeMap<String, (Contents, String)>,
}

impl Output {
    /// Adds a file; a second source for the same path is an error naming both.
    pub fn add(
        &mut self,
        path: String,
        contents: Contents,
        source: &str,
    ) -> Result<(), Diagnostic> {
        if let Some((_, first)) = self.files.get(&path) {
            return Err(Diagnostic::error(
                source,
                format!("{first} and this file would both be written to {path}"),
            )
            .help("rename or remove one of them"));
        }
        self.files.insert(path, (contents, source.to_string()));
        Ok(())
    }

    /// Replaces a file the build itself generates (theme files may be overridden by the site).
    pub fn set(&mut self, path: String, contents: Contents, source: &str) {
        self.files.insert(path, (contents, source.to_string()));
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// Writes everything to `out` atomically: into `out.tmp-build`, then swapped into place.
    pub fn write(&self, out: &Path) -> Result<(), Diagnostic> {
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "public".into());
        let shown = out.display().to_string();
        let tmp = out.with_file_name(format!("{name}.tmp-build"));
        let old = out.with_file_name(format!("{name}.old-build"));
        let fail = |what: &str, e: std::io::Error| {
            Diagnostic::error(&shown, format!("{what}: {e}"))
                .help("check that the output folder's parent exists and is writable; the previous site was left as it was")
        };
        for leftover in [&tmp, &old] {
            if leftover.exists() {
                fs::remove_tree(leftover)
                    .map_err(|e| fail(&format!("cannot remove {}", leftover.display()), e))?;
            }
        }
        let written = (|| -> std::io::Result<()> {
            // Folders first (each once), then the files in parallel: the kernel work of
            // creating many small files is what a large build spends its write time on.
            let dirs: std::collections::BTreeSet<PathBuf> = self
                .files
                .keys()
                .filter_map(|p| tmp.join(p).parent().map(Path::to_path_buf))
                .collect();
            std::fs::create_dir_all(&tmp)?;
            for dir in dirs {
                std::fs::create_dir_all(dir)?;
            }
            self.files.par_iter().try_for_each(|(path, (contents, _))| {
                let target = tmp.join(path);
                match contents {
                    Contents::Bytes(bytes) => {
                        // A file the previous site already has, byte for byte, is linked
                        // rather than written again: most of a rebuild is unchanged.
                        if unchanged(&out.join(path), bytes)
                            && std::fs::hard_link(out.join(path), &target).is_ok()
                        {
                            return Ok(());
                        }
                        std::fs::write(&target, bytes)
                    }
                    Contents::Copy(from) => std::fs::copy(from, &target).map(|_| ()),
                }
            })
        })();
        if let Err(e) = written {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(fail("cannot write the new site", e));
        }
        if out.exists() {
            std::fs::rename(out, &old)
                .map_err(|e| fail("cannot move the previous site aside", e))?;
        }
        if let Err(e) = std::fs::rename(&tmp, out) {
            let _ = std::fs::rename(&old, out);
            return Err(fail("cannot move the new site into place", e));
        }
        if old.exists() {
            let _ = fs::remove_tree(&old);
        }
        Ok(())
    }
}

/// Whether `path` exists with exactly `bytes` as its contents.
fn unchanged(path: &Path, bytes: &[u8]) -> bool {
    let same_len =
        std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64);
    same_len && std::fs::read(path).is_ok_and(|old| old == bytes)
}
