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

/// Threads for work that waits on the disk rather than on the CPU: reading or listing many
/// small files that the file cache may have let go. A disk serves many requests at once, so
/// more threads than cores keep it busy: reading the sources of the 10,000-pages-per-language
/// benchmark from a cold cache took 1.3 s with one thread per core and 0.63 s with 16.
const IO_THREADS: usize = 16;

/// Below this many files, starting the [`IO_THREADS`] costs more than they save (a few
/// milliseconds of a 60 ms build of this report).
const IO_THREADS_FROM: usize = 1000;

/// Runs `op`, which reads or lists `files` files, on the threads for disk-bound work
/// ([`IO_THREADS`]) when they are many: its parallel iterators then use those threads instead
/// of one per core.
pub fn on_io_threads<R: Send>(files: usize, op: impl FnOnce() -> R + Send) -> R {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    if files < IO_THREADS_FROM {
        return op();
    }
    let pool = POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(IO_THREADS)
            .thread_name(|i| format!("nenpo-io-{i}"))
            .build()
            .ok()
    });
    match pool {
        Some(pool) => pool.install(op),
        None => op(),
    }
}

/// The site folder as the file system names it (links resolved), against which every source
/// path is checked; `root` itself when it cannot be resolved (then nothing under it can be).
pub fn site_root(root: &Path) -> PathBuf {
    root.canonicalize().unwrap_or_else(|_| root.to_path_buf())
}

/// Why `target`, a resolved path, may not be read as a source of the site resolved as
/// `site`: it is outside the site, or a hidden file or folder (or inside one) of the site.
fn forbidden(site: &Path, target: &Path) -> Option<String> {
    let Ok(inside) = target.strip_prefix(site) else {
        return Some(format!("{}, outside the site folder", target.display()));
    };
    let hidden = inside
        .components()
        .find(|c| c.as_os_str().to_string_lossy().starts_with('.'))?;
    Some(format!(
        "{}, the hidden `{}` (hidden files are never read or published)",
        display_path(site, target),
        hidden.as_os_str().to_string_lossy()
    ))
}

/// Refuses a source path (`config.toml`, `content/`, `static/`, a theme's folder…) that is, or
/// passes through, a symbolic link leading out of the site folder `root` or into a hidden
/// file or folder of it. A path that does not exist passes: its absence is the caller's to
/// report. Links that stay inside the site are fine.
pub fn check_inside(root: &Path, path: &Path, shown: &str) -> Result<(), Diagnostic> {
    let target = match path.canonicalize() {
        Ok(target) => target,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return match std::fs::symlink_metadata(path) {
                // A link to nothing.
                Ok(_) => Err(Diagnostic::error(
                    shown,
                    "this is a symbolic link to something that does not exist",
                )
                .help("remove the link, or replace it with the real file or folder")),
                Err(_) => Ok(()),
            };
        }
        Err(e) => {
            return Err(
                Diagnostic::error(shown, format!("cannot resolve this path: {e}"))
                    .help("check that it and the folders above it are readable"),
            )
        }
    };
    let site = site_root(root);
    if forbidden(&site, &target).is_none() {
        return Ok(());
    }
    // Named at the link itself: `themes`, when `themes/plain` is refused because of it.
    let mut at = root.to_path_buf();
    for part in path.strip_prefix(root).unwrap_or(path).components() {
        at.push(part);
        if let Some(why) = at
            .canonicalize()
            .ok()
            .and_then(|real| forbidden(&site, &real))
        {
            let shown = if at == path {
                shown.to_string()
            } else {
                display_path(root, &at)
            };
            return Err(
                Diagnostic::error(shown, format!("this is a symbolic link to {why}")).help(
                    "nothing outside the site is read: replace the link with a real file or folder inside the site",
                ),
            );
        }
    }
    Err(Diagnostic::error(
        shown,
        format!("this leads to {}", forbidden(&site, &target).unwrap_or_default()),
    )
    .help("nothing outside the site is read: replace the link with a real file or folder inside the site"))
}

/// Reads `path`, a source of the site at `root`, after [`check_inside`].
pub fn read_source(root: &Path, path: &Path, shown: &str) -> Result<Arc<str>, Diagnostic> {
    check_inside(root, path, shown)?;
    read_text(path, shown)
}

/// The bytes of a regular file. Anything else (a FIFO, a device, a socket) is refused without
/// waiting on it: opening a FIFO for reading would block until something writes to it.
pub fn read_bytes(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Opening a FIFO without O_NONBLOCK waits for a writer; on a regular file it changes
        // nothing.
        options.custom_flags(libc::O_NONBLOCK);
    }
    let mut file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::other(
            "it is not a regular file (a FIFO, device or socket); only files and folders are read",
        ));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Reads a UTF-8 text file; invalid UTF-8 is reported at its line and column.
pub fn read_text(path: &Path, shown_as: &str) -> Result<Arc<str>, Diagnostic> {
    let bytes = read_bytes(path).map_err(|e| {
        Diagnostic::error(shown_as, format!("cannot read the file: {e}"))
            .help("check that the file exists, is readable and is a regular file")
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

/// Every file under `dir`, sorted by path, as (absolute path, path relative to `dir` in NFC), and
/// the problems met on the way. Nothing is dropped in silence: a folder that cannot be read or a
/// name that is not UTF-8, or anything but a file or folder (a FIFO, a device) is an error; a
/// skipped file (see [`skipped`]) or a symbolic link that leads out of the site folder `root`
/// or to a hidden file or folder is a warning naming it. Links inside the site are followed.
/// `dir` itself leading out of the site (or to a hidden folder) is an error, and nothing under
/// it is listed.
pub fn files_under(root: &Path, dir: &Path) -> (Vec<(PathBuf, PathBuf)>, Vec<Diagnostic>) {
    let mut walk = Walk {
        root: site_root(root),
        shown_root: root.to_path_buf(),
        files: Vec::new(),
        problems: Vec::new(),
    };
    if let Err(d) = check_inside(root, dir, &walk.shown(dir)) {
        walk.problems.push(d);
        return (walk.files, walk.problems);
    }
    if dir.is_dir() {
        walk.folder(dir, Path::new(""), 0);
    }
    walk.files.sort_by(|a, b| a.1.cmp(&b.1));
    (walk.files, walk.problems)
}

/// Why a file or folder name is never a source, or `None` when it may be one. The one rule for
/// `build` and `serve`'s watcher.
pub fn skipped(name: &str) -> Option<&'static str> {
    const LEFTOVERS: [&str; 9] = [
        ".bak",
        ".orig",
        ".rej",
        ".swp",
        ".swo",
        ".swx",
        ".tmp",
        ".part",
        ".crdownload",
    ];
    let lower = name.to_ascii_lowercase();
    if name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || name.starts_with(".#")
        || LEFTOVERS.iter().any(|ext| lower.ends_with(ext))
    {
        Some("it looks like an editor's backup, swap or temporary file")
    } else if name.starts_with('.') {
        Some("names starting with a dot are hidden files, never published")
    } else {
        None
    }
}

/// Links are followed this deep at most (a link to its own folder would never end).
const MAX_DEPTH: usize = 32;

struct Walk {
    /// The site folder, resolved: links are followed only to targets inside it.
    root: PathBuf,
    shown_root: PathBuf,
    files: Vec<(PathBuf, PathBuf)>,
    problems: Vec<Diagnostic>,
}

impl Walk {
    fn shown(&self, path: &Path) -> String {
        display_path(&self.shown_root, path)
    }

    /// Walks the folder at `path`, whose files are `rel/…` in the result.
    fn folder(&mut self, path: &Path, rel: &Path, depth: usize) {
        let entries = match std::fs::read_dir(path) {
            Ok(entries) => entries,
            Err(e) => {
                self.problems.push(
                    Diagnostic::error(self.shown(path), format!("cannot read this folder: {e}"))
                        .help(
                        "make it readable (or move it out of the site): nothing in it can be built",
                    ),
                );
                return;
            }
        };
        let mut names = Vec::new();
        for entry in entries {
            match entry {
                Ok(entry) => names.push(entry.file_name()),
                Err(e) => self.problems.push(
                    Diagnostic::error(self.shown(path), format!("cannot read this folder: {e}"))
                        .help("make it readable: nothing in it can be built"),
                ),
            }
        }
        names.sort();
        for os_name in names {
            let full = path.join(&os_name);
            let Some(name) = os_name.to_str() else {
                self.problems.push(
                    Diagnostic::error(
                        self.shown(&full),
                        "the file name is not valid UTF-8",
                    )
                    .help("rename it using UTF-8 (most tools do; it was probably copied from an old archive)"),
                );
                continue;
            };
            // Pages pair across languages by name: `ガイド` typed on macOS (NFD) and on
            // Windows (NFC) must be one name.
            let name: String = unicode_normalization::UnicodeNormalization::nfc(name).collect();
            if let Some(why) = skipped(&name) {
                self.problems.push(
                    Diagnostic::warning(self.shown(&full), format!("skipped: {why}"))
                        .help("nothing to do if it is not meant to be part of the site; otherwise rename it"),
                );
                continue;
            }
            self.entry(&full, &rel.join(&name), depth);
        }
    }

    fn entry(&mut self, full: &Path, rel: &Path, depth: usize) {
        let meta = match std::fs::symlink_metadata(full) {
            Ok(meta) => meta,
            Err(e) => {
                self.problems.push(
                    Diagnostic::error(self.shown(full), format!("cannot read this file: {e}"))
                        .help("check that it is readable"),
                );
                return;
            }
        };
        if meta.file_type().is_symlink() {
            let target = match full.canonicalize() {
                Ok(target) => target,
                Err(e) => {
                    self.problems.push(
                        Diagnostic::warning(
                            self.shown(full),
                            format!("skipped: a symbolic link whose target cannot be read ({e})"),
                        )
                        .help("fix or remove the link"),
                    );
                    return;
                }
            };
            if let Some(why) = forbidden(&self.root, &target) {
                self.problems.push(
                    Diagnostic::warning(
                        self.shown(full),
                        format!("skipped: a symbolic link to {why}"),
                    )
                    .help("links are followed only inside the site, never to hidden files; copy the file into the site instead"),
                );
                return;
            }
            let circle = full
                .parent()
                .and_then(|p| p.canonicalize().ok())
                .is_some_and(|here| here.starts_with(&target));
            if target.is_dir() && (circle || depth >= MAX_DEPTH) {
                self.problems.push(
                    Diagnostic::warning(
                        self.shown(full),
                        "skipped: symbolic links lead in a circle here",
                    )
                    .help("remove the link that points to a folder above it"),
                );
                return;
            }
            if target.is_dir() {
                self.folder(full, rel, depth + 1);
            } else if target.is_file() {
                self.files.push((full.to_path_buf(), rel.to_path_buf()));
            } else {
                self.not_a_file(full);
            }
        } else if meta.is_dir() {
            self.folder(full, rel, depth);
        } else if meta.is_file() {
            self.files.push((full.to_path_buf(), rel.to_path_buf()));
        } else {
            self.not_a_file(full);
        }
    }

    /// A FIFO, device or socket among the sources: reading it could wait forever.
    fn not_a_file(&mut self, full: &Path) {
        self.problems.push(
            Diagnostic::error(
                self.shown(full),
                "this is not a regular file (a FIFO, device or socket); only files and folders are read",
            )
            .help("remove it from the site folder"),
        );
    }
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
