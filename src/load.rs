//! Load: discover everything under `content/` (sorted), read it, and classify it by file name.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::error::{Diagnostic, Diagnostics};
use crate::fs;

pub const CONTENT_DIR: &str = "content";

/// A Markdown page or section in one language.
#[derive(Clone, Debug)]
pub struct PageSource {
    /// Shown path, `content/projects/pharma.ja.md`.
    pub file: String,
    /// Language-neutral content path used in `@/` links: `projects/pharma.md`, `projects/_index.md`.
    pub key: String,
    pub lang: String,
    pub is_section: bool,
    /// Folder of a page bundle (`name/index.ja.md`), relative to `content/`; its assets go beside it.
    pub bundle_dir: Option<PathBuf>,
    pub text: Arc<str>,
}

/// A TOML record file.
#[derive(Clone, Debug)]
pub struct RecordSource {
    pub file: String,
    /// `projects/approvals` for `content/projects/approvals.toml`.
    pub id: String,
    /// The text of a TOML or CSV record (empty for a spreadsheet).
    pub text: Arc<str>,
    /// The bytes of a spreadsheet (`.xlsx`), read as a record's rows.
    pub bytes: Option<Arc<[u8]>>,
}

/// Any other file (images, PDFs): copied beside the pages.
#[derive(Clone, Debug)]
pub struct Asset {
    pub path: PathBuf,
    /// Relative to `content/`.
    pub rel: PathBuf,
}

#[derive(Clone, Debug, Default)]
pub struct Sources {
    pub pages: Vec<PageSource>,
    pub records: Vec<RecordSource>,
    pub assets: Vec<Asset>,
    /// `(key, lang)` of pages that exist but could not be read (already reported).
    pub unreadable: Vec<(String, String)>,
}

/// Reads `content/` under `root`. Problems are collected, not fatal, so that all are reported at once.
pub fn load(root: &Path, config: &Config, diags: &mut Diagnostics) -> Sources {
    let content = root.join(CONTENT_DIR);
    let mut sources = Sources::default();
    if !content.is_dir() {
        diags.push(
            Diagnostic::error(CONTENT_DIR, "there is no content folder")
                .help("create content/_index.<lang>.md for each language (see README.md)"),
        );
        return sources;
    }
    let (files, problems) = fs::files_under(root, &content);
    diags.extend(problems);
    // Pages and records are read in parallel first, on the threads for disk-bound work:
    // reading thousands of small files is most of this stage.
    let mut texts: Vec<Option<Result<Arc<str>, Diagnostic>>> =
        fs::on_io_threads(files.len(), || {
            files
                .par_iter()
                .map(|(path, rel)| {
                    let name = rel.file_name()?.to_str()?;
                    [".md", ".toml", ".csv"]
                        .iter()
                        .any(|ext| name.ends_with(ext))
                        .then(|| fs::read_text(path, &format!("{CONTENT_DIR}/{}", slash_path(rel))))
                })
                .collect()
        });
    for ((path, rel), text) in files.into_iter().zip(texts.iter_mut()) {
        let mut read =
            |path: &Path, shown: &str| text.take().unwrap_or_else(|| fs::read_text(path, shown));
        let shown = format!("{CONTENT_DIR}/{}", slash_path(&rel));
        let name = rel
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let dir = rel.parent().map(slash_path).unwrap_or_default();
        if let Some(help) = misnamed_page(&name, config) {
            diags.push(
                Diagnostic::error(
                    &shown,
                    "this looks like a Markdown page, but page files end in `.md`, in lower case",
                )
                .help(help),
            );
            continue;
        }
        if let Some(stem) = name.strip_suffix(".md") {
            let Some((base, lang)) = stem.rsplit_once('.') else {
                diags.push(
                    Diagnostic::error(&shown, "a page's file name must name its language").help(
                        format!(
                            "rename it to `{stem}.{}.md` (one file per language: {})",
                            config.default_language,
                            config.languages.join(", ")
                        ),
                    ),
                );
                continue;
            };
            if !config.languages.iter().any(|l| l == lang) {
                diags.push(
                    Diagnostic::error(&shown, format!("`{lang}` is not a language of this site"))
                        .help(format!(
                        "page files end in .<language>.md, with a language from config.toml: {}",
                        config.languages.join(", ")
                    )),
                );
                continue;
            }
            let (key, is_section, bundle_dir) = match base {
                "_index" => (join(&dir, "_index.md"), true, None),
                "index" if !dir.is_empty() => (
                    format!("{dir}.md"),
                    false,
                    rel.parent().map(Path::to_path_buf),
                ),
                _ => (join(&dir, &format!("{base}.md")), false, None),
            };
            let text = match read(&path, &shown) {
                Ok(text) => text,
                Err(d) => {
                    diags.push(d);
                    // It exists: its twin is not "missing" and links to it are not broken.
                    sources.unreadable.push((key, lang.to_string()));
                    continue;
                }
            };
            sources.pages.push(PageSource {
                file: shown,
                key,
                lang: lang.to_string(),
                is_section,
                bundle_dir,
                text,
            });
        } else if let Some(stem) = name
            .strip_suffix(".toml")
            .or_else(|| name.strip_suffix(".csv"))
        {
            match read(&path, &shown) {
                Ok(text) => sources.records.push(RecordSource {
                    file: shown,
                    id: join(&dir, stem),
                    text,
                    bytes: None,
                }),
                Err(d) => diags.push(d),
            }
        } else if let Some(stem) = name.strip_suffix(".xlsx") {
            match std::fs::read(&path) {
                Ok(bytes) => sources.records.push(RecordSource {
                    file: shown,
                    id: join(&dir, stem),
                    text: Arc::from(""),
                    bytes: Some(Arc::from(bytes)),
                }),
                Err(e) => diags.push(
                    Diagnostic::error(&shown, format!("cannot read the file: {e}"))
                        .help("check that the file exists and is readable"),
                ),
            }
        } else {
            sources.assets.push(Asset { path, rel });
        }
    }
    sources
}

/// How to rename a Markdown file whose extension nenpo would not read as a page (`.MD`,
/// `.markdown`, …), so that it is neither published as a file nor lost.
fn misnamed_page(name: &str, config: &Config) -> Option<String> {
    const MARKDOWN: [&str; 6] = ["md", "markdown", "mdown", "mkd", "mkdn", "mdwn"];
    let (stem, ext) = name.rsplit_once('.')?;
    if ext == "md" || !MARKDOWN.contains(&ext.to_ascii_lowercase().as_str()) {
        return None;
    }
    let has_language = stem
        .rsplit_once('.')
        .is_some_and(|(_, lang)| config.languages.iter().any(|l| l == lang));
    let renamed = if has_language {
        format!("{stem}.md")
    } else {
        format!("{stem}.{}.md", config.default_language)
    };
    Some(format!(
        "rename it to `{renamed}` (pages are NAME.LANGUAGE.md, one per language: {})",
        config.languages.join(", ")
    ))
}

fn slash_path(p: &Path) -> String {
    fs::display_path(Path::new(""), p)
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}
