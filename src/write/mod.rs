//! Write: the only stage that touches the output folder.
//!
//! Three rules keep an editor's files safe:
//!
//! 1. [`check_output`] refuses, before anything is touched, any output folder that nenpo did not
//!    write: the site folder and its sources, a file, `/`, the home folder, a non-empty folder
//!    without nenpo's [`MARKER`] file. Every command that writes goes through it.
//! 2. A build writes into a [`Staging`] folder beside the output (same file system, unique name)
//!    and [`Staging::commit`] swaps it into place in one step: on Linux with
//!    `renameat2(RENAME_EXCHANGE)`, so that at every instant the output path holds a complete old
//!    or new site. Where the OS has no exchange (other systems, or a file system that refuses it),
//!    two renames are used: the old site is moved aside, the new one moved in, and the old one
//!    moved back if that fails; between the two renames the output path is briefly missing, never
//!    mixed. The old tree is removed after the swap, in a thread of its own ([`Removal`]), so
//!    that the new site is in place and reported before the removal ends; the lock is held until
//!    it ends, and that removal never fails the build.
//! 3. Staging holds an exclusive lock for the whole write, so two builds into one output run one
//!    after the other. Leftovers of a build that was killed (SIGKILL, power loss) are removed by
//!    the next build into the same output, under that lock.
//!
//! Recycling: freeing a folder or a written file's blocks is what costs most on many disks (a
//! file system mounted with `discard` spends milliseconds per freed block), and a build would
//! free as many folders as the site has pages. So the previous site is not removed after the
//! swap but kept as the site's [`SPARE`] (`.nenpo-cache/previous-site/`), and the next build
//! takes it as its staging folder: a file that already holds the right bytes is left alone, a
//! changed one is rewritten in place (a file shared with the live site by a hard link never is:
//! it is replaced), and what the new site no longer has is removed first ([`Staging::keep_only`]).
//! Only nenpo's own trees are recycled (they carry the [`MARKER`]); without a spare, or where it
//! cannot be moved (another file system), the staging folder starts empty and the previous site
//! is removed after the swap, in a thread of its own ([`Removal`]). Whether a recycled file
//! already holds the right bytes is known without reading it when the site's cache recorded
//! writing it and it has not changed since (`write/written.rs`); otherwise it is compared byte for
//! byte.

use std::collections::BTreeMap;
use std::fs::File;
use std::io;
use std::path::{Component, Path, PathBuf};

use crate::error::Diagnostic;
use rayon::prelude::*;

use crate::fs;

mod written;

/// The file nenpo writes into every output folder; a folder with it may be replaced whole.
pub const MARKER: &str = ".nenpo-output";
const MARKER_TEXT: &str = "This folder was written by nenpo. `nenpo build` replaces it whole: do not keep your own files here.\n";
/// Where a site keeps its previous output to recycle it, relative to the site folder.
pub const SPARE: &str = ".nenpo-cache/previous-site";
/// Folders of the site that hold sources; the output may be none of them nor inside one.
pub const SOURCE_DIRS: [&str; 4] = ["content", "themes", "templates", "static"];

/// What goes into one output file.
pub enum Contents {
    Bytes(Vec<u8>),
    /// Copied from this source file.
    Copy(PathBuf),
    /// Written straight into the staging folder by its producer as soon as it is ready
    /// ([`Stream`]); only its path is held here, to keep paths unique and make its folder.
    Streamed,
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

    /// What writes `path`, when something does.
    pub fn source_of(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(|(_, source)| source.as_str())
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

    /// Every file held here (streamed ones included) with its contents.
    pub fn files(&self) -> impl Iterator<Item = (&str, &Contents)> {
        self.files.iter().map(|(p, (c, _))| (p.as_str(), c))
    }

    /// Every file copied as it is from a source file: (output path, source file, source as
    /// shown).
    pub fn copies(&self) -> impl Iterator<Item = (&str, &Path, &str)> {
        self.files
            .iter()
            .filter_map(|(path, (contents, source))| match contents {
                Contents::Copy(from) => Some((path.as_str(), from.as_path(), source.as_str())),
                _ => None,
            })
    }

    /// Writes the files `keep` chooses (never the streamed ones) into `dir`, a plain folder
    /// outside the output (where `nenpo pdf` prints from).
    pub fn write_to_folder(&self, dir: &Path, keep: impl Fn(&str) -> bool) -> io::Result<()> {
        for (path, (contents, _)) in self.files.iter().filter(|(p, _)| keep(p)) {
            let target = dir.join(path);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            match contents {
                Contents::Bytes(bytes) => std::fs::write(target, bytes)?,
                // Bytes only: `std::fs::copy` would give the copy the source's permissions.
                Contents::Copy(from) => std::fs::write(target, fs::read_bytes(from)?)?,
                Contents::Streamed => {}
            }
        }
        Ok(())
    }

    /// Whether `path` is a streamed file: held here by path only, written by its producer.
    pub fn streams(&self, path: &str) -> bool {
        matches!(self.files.get(path), Some((Contents::Streamed, _)))
    }

    /// Readies `staging` for the files of this output, streamed ones included, to be written in
    /// any order from any thread: a recycled folder loses what the new site does not have
    /// ([`Staging::keep_only`]), then every folder a file goes in is made, each once.
    pub fn make_folders(&self, staging: &Staging) -> Result<(), Diagnostic> {
        let tmp = staging.path();
        // Listing the recycled site's folders waits on the disk when it is not in the file cache.
        let existing = fs::on_io_threads(self.files.len(), || {
            staging.keep_only(|path| self.files.contains_key(path))
        })?;
        let dirs: std::collections::BTreeSet<&str> = self
            .files
            .keys()
            .filter_map(|p| p.rsplit_once('/').map(|(dir, _)| dir))
            .filter(|dir| !existing.contains(*dir))
            .collect();
        for dir in dirs.into_iter().map(|d| tmp.join(d)) {
            if std::fs::create_dir_all(&dir).is_err() {
                // A recycled tree may hold a file where a folder goes now, or a folder someone
                // made read-only.
                for ancestor in dir
                    .ancestors()
                    .take_while(|a| a.starts_with(tmp) && *a != tmp)
                {
                    match std::fs::symlink_metadata(ancestor) {
                        Ok(m) if !m.is_dir() => {
                            with_write_permission(ancestor, || std::fs::remove_file(ancestor))
                                .map_err(|e| staging.failure(e))?
                        }
                        Ok(_) => make_writable(ancestor),
                        Err(_) => {}
                    }
                }
                std::fs::create_dir_all(&dir).map_err(|e| staging.failure(e))?;
            }
            // New entries in the folders above it, up to the first that existed.
            staging.changed_folder_chain(&dir);
        }
        Ok(())
    }

    /// Writes every file made in memory into a finished site (`serve`'s incremental rebuilds),
    /// each only when it differs. Copied files are left: their sources did not change (a change
    /// to one is a full build), and streamed pages are their producer's to write.
    pub fn patch_into(&self, patch: &mut Patch) -> Result<(), Diagnostic> {
        for (path, (contents, _)) in &self.files {
            if let Contents::Bytes(bytes) = contents {
                patch.file(path, bytes)?;
            }
        }
        Ok(())
    }

    /// Writes every file but the streamed ones into `staging`, in parallel: the kernel work of
    /// creating many small files is what a large build spends its write time on. Call
    /// [`make_folders`](Self::make_folders) first.
    pub fn write_into(&self, staging: &Staging) -> Result<(), Diagnostic> {
        self.write_files(staging)
    }

    fn write_files(&self, staging: &Staging) -> Result<(), Diagnostic> {
        self.files
            .par_iter()
            .try_for_each(|(path, (contents, source))| match contents {
                Contents::Bytes(bytes) => staging
                    .write_file(path, bytes)
                    .map_err(|e| staging.failure(e)),
                Contents::Streamed => Ok(()),
                // A source that cannot be read is the source's problem, not the output's.
                // Bytes only, never the source's permissions: a published file is written
                // like a page (0644 under the usual umask).
                Contents::Copy(from) => match fs::read_bytes(from) {
                    Err(e) => Err(Diagnostic::error(
                        source,
                        format!("cannot read this file to copy it into the site: {e}"),
                    )
                    .help("check that the file exists and is readable")),
                    Ok(bytes) => staging
                        .write_file(path, &bytes)
                        .map_err(|e| staging.failure(e)),
                },
            })
    }
}

/// Files handed to the staging folder one at a time, from many threads, as they are ready (the
/// pages as they are rendered), so that none is held longer than it takes to write it. The first
/// failure is kept and every later file skipped; [`finish`](Self::finish) returns it.
pub struct Stream<'a> {
    staging: &'a Staging,
    failed: std::sync::Mutex<Option<Diagnostic>>,
    any_failed: std::sync::atomic::AtomicBool,
}

impl<'a> Stream<'a> {
    pub fn new(staging: &'a Staging) -> Self {
        Stream {
            staging,
            failed: std::sync::Mutex::new(None),
            any_failed: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Writes one file (its folder made by [`Output::make_folders`]).
    pub fn file(&self, path: &str, bytes: &[u8]) {
        use std::sync::atomic::Ordering;
        if self.any_failed.load(Ordering::Relaxed) {
            return;
        }
        if let Err(e) = self.staging.write_file(path, bytes) {
            self.any_failed.store(true, Ordering::Relaxed);
            let mut failed = self.failed.lock().unwrap_or_else(|p| p.into_inner());
            failed.get_or_insert_with(|| self.staging.failure(e));
        }
    }

    /// The first failure, if any file could not be written.
    pub fn finish(self) -> Result<(), Diagnostic> {
        match self.failed.into_inner().unwrap_or_else(|p| p.into_inner()) {
            Some(d) => Err(d),
            None => Ok(()),
        }
    }
}

/// Changes to a finished output folder in place, file by file: `serve`'s incremental rebuilds,
/// which change a few pages of a site that is otherwise the same. Each changed file is written
/// beside its old version under a temporary name and renamed over it, so that a reader (the
/// server) opens either the old file or the new one, whole, never one half-written. A file
/// already equal byte for byte is left alone. Like [`Staging`], a patch holds the output's lock
/// while it writes; it never removes a file.
///
/// Between the first and the last file of one patch a reader may see some pages new and others
/// still old (each whole); `serve` tells open pages to reload only once the patch is done.
pub struct Patch {
    out: PathBuf,
    written: usize,
    /// Where the replaced versions are kept (linked) until [`finish`](Self::finish): freeing a
    /// file's blocks is slow on some disks, and is done after the new files are in place.
    trash: Option<PathBuf>,
    /// The name a trash folder gets, beside the output: a staging folder's, so that a build
    /// removes one left by a killed `serve`.
    trash_prefix: (PathBuf, String),
    /// Every file written, with its previous version in the trash (`None`: it had none, or it
    /// could not be kept), for [`rollback`](Self::rollback).
    replaced: Vec<(PathBuf, Option<PathBuf>)>,
    lock: Option<File>,
}

impl Patch {
    /// Opens `out`, a folder nenpo wrote (with its [`MARKER`]), for changes.
    pub fn new(root: &Path, out: &Path) -> Result<Patch, Diagnostic> {
        check_output(root, out)?;
        let shown = out.display().to_string();
        let name = out.file_name().map(|n| n.to_string_lossy().into_owned());
        let parent = out.parent().filter(|p| !p.as_os_str().is_empty());
        let (Some(name), Some(parent)) = (name, parent) else {
            return Err(Diagnostic::error(&shown, "the output folder has no name")
                .help("name the folder, e.g. --output public"));
        };
        let lock = lock(parent, &name).map_err(|e| {
            Diagnostic::error(&shown, format!("cannot lock the output folder: {e}"))
                .help("check that the output folder's parent is readable")
        })?;
        if !out.join(MARKER).is_file() {
            return Err(
                Diagnostic::error(&shown, "there is no finished site to update here")
                    .help("build the whole site first"),
            );
        }
        Ok(Patch {
            out: out.to_path_buf(),
            written: 0,
            trash: None,
            trash_prefix: (parent.to_path_buf(), format!(".{name}.nenpo-tmp-")),
            replaced: Vec::new(),
            lock: Some(lock),
        })
    }

    /// Puts `bytes` at `path` unless the file there already holds them; `true` when written.
    pub fn file(&mut self, path: &str, bytes: &[u8]) -> Result<bool, Diagnostic> {
        let target = self.out.join(path);
        if unchanged(&target, bytes) {
            return Ok(false);
        }
        let fail = |e: io::Error| {
            Diagnostic::error(
                fs::display_path(&self.out, &target),
                format!("cannot update the served site: {e}"),
            )
            .help("check that the output folder is writable and the disk is not full")
        };
        let dir = target.parent().unwrap_or(&self.out);
        std::fs::create_dir_all(dir).map_err(fail)?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let fresh = dir.join(format!(".{name}.nenpo-new-{}", std::process::id()));
        // The old version is kept by a link in the trash, so that the rename does not wait for
        // its blocks to be freed.
        if self.trash.is_none() {
            let (parent, prefix) = &self.trash_prefix;
            self.trash = unique_dir(parent, prefix).ok();
        }
        let kept = self.trash.as_ref().and_then(|trash| {
            let copy = trash.join(self.replaced.len().to_string());
            std::fs::hard_link(&target, &copy).ok().map(|()| copy)
        });
        let done = std::fs::write(&fresh, bytes).and_then(|()| std::fs::rename(&fresh, &target));
        if let Err(e) = done {
            let _ = std::fs::remove_file(&fresh);
            return Err(fail(e));
        }
        self.replaced.push((target, kept));
        self.written += 1;
        Ok(true)
    }

    /// How many files were written.
    pub fn written(&self) -> usize {
        self.written
    }

    /// Undoes the patch: every file written goes back to its previous version, each replaced
    /// whole again. `false` when a file could not be restored (its previous version could not be
    /// kept): the caller must then not trust the folder to be the previous version.
    pub fn rollback(mut self) -> bool {
        let mut all = true;
        for (target, kept) in std::mem::take(&mut self.replaced).into_iter().rev() {
            let restored = match kept {
                Some(copy) => std::fs::rename(copy, &target).is_ok(),
                None => false,
            };
            all &= restored;
        }
        self.written = 0;
        all
    }

    /// Ends the patch: the replaced versions are removed in a thread of their own, under the
    /// output's lock, like the previous site after a full build.
    pub fn finish(mut self) -> Removal {
        let lock = self.lock.take();
        match self.trash.take() {
            Some(trash) => Removal::start(&self.out, trash, lock, "nenpo-remove-replaced"),
            None => Removal::nothing(&self.out, lock),
        }
    }
}

impl Drop for Patch {
    /// A patch that stops half-way still removes its trash (the lock is held until then).
    fn drop(&mut self) {
        if let Some(trash) = self.trash.take() {
            let _ = remove_forcefully(&trash);
        }
    }
}

/// Whether `path` exists with exactly `bytes` as its contents.
fn unchanged(path: &Path, bytes: &[u8]) -> bool {
    let same_len =
        std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64);
    same_len && std::fs::read(path).is_ok_and(|old| old == bytes)
}

/// Refuses an output folder that a build must not replace; checks without touching anything.
///
/// Allowed: a folder that does not exist, an empty folder, or one that holds nenpo's [`MARKER`].
/// Refused: `/`, the home folder or a folder that contains it, the site folder or a folder that
/// contains it, `content/`, `themes/`, `templates/`, `static/` or anything inside them, a file,
/// a symbolic link, and any other non-empty folder.
pub fn check_output(root: &Path, out: &Path) -> Result<(), Diagnostic> {
    let shown = out.display().to_string();
    let refuse = |why: String, help: &str| {
        Diagnostic::error(&shown, why).help(format!("{help}; nothing was changed"))
    };
    let choose = "choose another folder with --output, e.g. --output public";
    let resolved = resolve(out).map_err(|e| {
        refuse(
            format!("cannot use {shown} as the output folder: {e}"),
            "name a folder whose parent folder exists",
        )
    })?;
    let site = resolve(root).map_err(|e| {
        Diagnostic::error(
            root.display().to_string(),
            format!("cannot find the site folder: {e}"),
        )
    })?;
    if resolved.parent().is_none() {
        return Err(refuse(
            format!("{shown} is the root of the file system"),
            choose,
        ));
    }
    if let Some(home) = home_dir() {
        if home.starts_with(&resolved) {
            let what = if home == resolved { "is" } else { "contains" };
            return Err(refuse(format!("{shown} {what} your home folder"), choose));
        }
    }
    if site.starts_with(&resolved) {
        let what = if site == resolved {
            "is the site folder itself"
        } else {
            "contains the site folder"
        };
        return Err(refuse(format!("{shown} {what}"), choose));
    }
    for dir in SOURCE_DIRS {
        let sources = site.join(dir);
        if resolved.starts_with(&sources) {
            let what = if sources == resolved {
                "is"
            } else {
                "is inside"
            };
            return Err(refuse(
                format!("{shown} {what} the site's `{dir}/` folder, which holds sources"),
                choose,
            ));
        }
    }
    let meta = match std::fs::symlink_metadata(out) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => {
            return Err(refuse(
                format!("cannot read {shown}: {e}"),
                "check its permissions",
            ))
        }
        Ok(meta) => meta,
    };
    if meta.file_type().is_symlink() {
        return Err(refuse(
            format!("{shown} is a symbolic link"),
            "name the folder it points to, or another folder",
        ));
    }
    if !meta.is_dir() {
        return Err(refuse(format!("{shown} is a file, not a folder"), choose));
    }
    let entries = std::fs::read_dir(out)
        .map_err(|e| refuse(format!("cannot read {shown}: {e}"), "check its permissions"))?;
    let mut empty = true;
    for entry in entries {
        let entry = entry
            .map_err(|e| refuse(format!("cannot read {shown}: {e}"), "check its permissions"))?;
        if entry.file_name() == MARKER && entry.file_type().is_ok_and(|t| t.is_file()) {
            return Ok(());
        }
        empty = false;
    }
    if empty {
        return Ok(());
    }
    Err(Diagnostic::error(
        &shown,
        format!("{shown} holds files nenpo did not write; choose an empty folder or remove it yourself"),
    )
    .help(format!(
        "the output folder is replaced whole, so nenpo writes only to a folder that does not exist, is empty, or holds its marker file {MARKER}; nothing was changed"
    )))
}

/// The absolute path with every symbolic link resolved, also for a path that does not exist yet
/// (its existing part is resolved, the rest appended).
fn resolve(path: &Path) -> io::Result<PathBuf> {
    let absolute = std::path::absolute(path)?;
    let parts: Vec<Component> = absolute.components().collect();
    for existing in (1..=parts.len()).rev() {
        let prefix: PathBuf = parts[..existing].iter().collect();
        if let Ok(mut real) = prefix.canonicalize() {
            for part in &parts[existing..] {
                match part {
                    Component::Normal(name) => real.push(name),
                    _ => {
                        return Err(io::Error::new(
                            io::ErrorKind::NotFound,
                            format!("{} does not exist", prefix.join(part).display()),
                        ))
                    }
                }
            }
            return Ok(real);
        }
    }
    Err(io::Error::new(
        io::ErrorKind::NotFound,
        "no part of the path exists",
    ))
}

fn home_dir() -> Option<PathBuf> {
    let home = std::env::var_os(if cfg!(windows) { "USERPROFILE" } else { "HOME" })?;
    PathBuf::from(home).canonicalize().ok()
}

/// A uniquely named folder beside the output, written into and then swapped into place.
///
/// Creating one takes the output's lock (waiting for another build into the same output to
/// finish) and removes what killed builds left behind. Dropped without [`commit`](Self::commit),
/// it is removed and the output is untouched.
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    /// Where the two-rename fallback moved the old site; removed with `dir`.
    aside: PathBuf,
    /// The site's spare ([`SPARE`]): where the previous site goes after the swap, and where an
    /// unfinished staging folder that was a recycled one goes back.
    spare: PathBuf,
    /// Whether `dir` is a recycled site (else it started empty).
    recycled: bool,
    /// What the site's cache knows about the files of the recycled site; saved with this
    /// build's files on commit.
    written: written::Written,
    root: PathBuf,
    /// Whether [`Staging::sync`] has made the new site durable.
    synced: bool,
    /// The files this build wrote and the folders whose entries it changed, to be synced.
    #[allow(clippy::type_complexity)]
    unsynced: std::sync::Mutex<(Vec<PathBuf>, std::collections::BTreeSet<PathBuf>)>,
    /// Dropped last: the folders above are removed before another build may start. Handed to
    /// the [`Removal`] of the old site on commit.
    lock: Option<File>,
}

impl Staging {
    pub fn new(root: &Path, out: &Path) -> Result<Staging, Diagnostic> {
        check_output(root, out)?;
        let shown = out.display().to_string();
        let fail = |what: &str, e: io::Error| {
            Diagnostic::error(&shown, format!("{what}: {e}")).help(
                "check that the output folder's parent exists and is writable; the previous site was left as it was",
            )
        };
        let Some(name) = out.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            return Err(Diagnostic::error(&shown, "the output folder has no name")
                .help("name the folder, e.g. --output public"));
        };
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent)
            .map_err(|e| fail(&format!("cannot create {}", parent.display()), e))?;
        let lock = lock(&parent, &name).map_err(|e| fail("cannot lock the output folder", e))?;
        // Another build may have written the output while this one waited.
        check_output(root, out)?;
        let prefix = format!(".{name}.nenpo-tmp-");
        remove_leftovers(&parent, &name, &prefix);
        let spare = root.join(SPARE);
        let (dir, recycled) = match recycle(&spare, &parent, &prefix) {
            Some(dir) => (dir, true),
            None => (
                unique_dir(&parent, &prefix)
                    .map_err(|e| fail("cannot create a temporary folder beside the output", e))?,
                false,
            ),
        };
        let aside = PathBuf::from(format!("{}-old", dir.display()));
        Ok(Staging {
            out: out.to_path_buf(),
            dir,
            aside,
            spare,
            recycled,
            written: written::Written::load(root),
            root: root.to_path_buf(),
            synced: false,
            unsynced: Default::default(),
            lock: Some(lock),
        })
    }

    /// The folder to write the new site into.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// The output folder this staging replaces.
    pub fn output(&self) -> &Path {
        &self.out
    }

    /// Writes one file of the new site (its folder must exist). In a recycled staging folder a
    /// file that already holds `bytes` is left alone and a changed one rewritten in place; in a
    /// new one, a file the live site has byte for byte is linked rather than written again.
    pub fn write_file(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let target = self.dir.join(path);
        if self.recycled {
            // Known from the site's cache to hold these bytes: nothing to read or write.
            let hash = written::hash(bytes);
            if self.written.holds(&target, hash) {
                return Ok(());
            }
            let wrote = with_write_permission(&target, || rewrite(&target, bytes))?;
            self.written.record(&target, hash);
            if wrote {
                // Rewritten in place, or replaced (a new entry in its folder).
                self.changed_folder(target.parent().unwrap_or(&self.dir).to_path_buf());
                self.changed_file(target);
            }
            return Ok(());
        }
        let previous = self.out.join(path);
        self.changed_folder(target.parent().unwrap_or(&self.dir).to_path_buf());
        // A link to a file of the live site (made durable by the build that wrote it) adds only
        // an entry to its folder.
        if unchanged(&previous, bytes) && std::fs::hard_link(&previous, &target).is_ok() {
            return Ok(());
        }
        std::fs::write(&target, bytes)?;
        self.changed_file(target);
        Ok(())
    }

    /// Remembers a file this build wrote, for [`sync`](Self::sync).
    fn changed_file(&self, file: PathBuf) {
        self.unsynced
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .0
            .push(file);
    }

    /// Remembers a folder whose entries this build changed, for [`sync`](Self::sync).
    fn changed_folder(&self, folder: PathBuf) {
        self.unsynced
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .1
            .insert(folder);
    }

    /// A folder this build made, and those above it up to the staging folder: each holds a new
    /// entry.
    fn changed_folder_chain(&self, made: &Path) {
        let mut unsynced = self.unsynced.lock().unwrap_or_else(|p| p.into_inner());
        for folder in made.ancestors().take_while(|a| a.starts_with(&self.dir)) {
            if !unsynced.1.insert(folder.to_path_buf()) {
                break;
            }
        }
    }

    /// Removes from a recycled staging folder every file for which `keep` (given the path
    /// relative to the folder, with `/`) is false, and the folders left empty; nothing in a new
    /// one, which holds only what this build wrote. Returns the folders that remain (relative,
    /// with `/`), which need not be made again. Folders are read in parallel: a large site has
    /// as many as it has pages.
    pub fn keep_only(
        &self,
        keep: impl Fn(&str) -> bool + Sync,
    ) -> Result<std::collections::HashSet<String>, Diagnostic> {
        let mut remaining = std::collections::HashSet::new();
        if self.recycled {
            self.prune(&self.dir, "", &keep, &mut remaining)?;
        }
        Ok(remaining)
    }

    /// [`keep_only`](Self::keep_only) in `dir` (`rel` from the staging folder, `""` for the
    /// folder itself), adding the folders that remain to `remaining`; whether anything remains.
    fn prune(
        &self,
        dir: &Path,
        rel: &str,
        keep: &(impl Fn(&str) -> bool + Sync),
        remaining: &mut std::collections::HashSet<String>,
    ) -> Result<bool, Diagnostic> {
        let fail = |e: io::Error| self.failure(e);
        let mut any = false;
        let mut folders = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(fail)? {
            let entry = entry.map_err(fail)?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            if entry.file_type().map_err(fail)?.is_dir() {
                folders.push((entry.path(), path));
            } else if path == MARKER || keep(&path) {
                any = true;
            } else {
                let at = entry.path();
                with_write_permission(&at, || std::fs::remove_file(&at)).map_err(fail)?;
                self.changed_folder(dir.to_path_buf());
            }
        }
        let below: Vec<Result<(bool, std::collections::HashSet<String>), Diagnostic>> = folders
            .into_par_iter()
            .map(|(at, path)| {
                let mut inside = std::collections::HashSet::new();
                if self.prune(&at, &path, keep, &mut inside)? {
                    inside.insert(path);
                    Ok((true, inside))
                } else {
                    with_write_permission(&at, || std::fs::remove_dir(&at)).map_err(fail)?;
                    self.changed_folder(dir.to_path_buf());
                    Ok((false, inside))
                }
            })
            .collect();
        for folder in below {
            let (kept, inside) = folder?;
            any |= kept;
            remaining.extend(inside);
        }
        Ok(any)
    }

    /// The error for a file of the new site that could not be written.
    fn failure(&self, e: io::Error) -> Diagnostic {
        Diagnostic::error(
            self.out.display().to_string(),
            format!("cannot write the new site: {e}"),
        )
        .help(
            "check that the output folder's parent is writable and the disk is not full; the previous site was left as it was",
        )
    }

    /// Marks the new site as nenpo's and makes it durable, so that a power loss after the swap
    /// cannot leave the output holding empty or half-written files, or files it no longer has:
    /// every file this build wrote, then every folder whose entries it added or removed, then
    /// the staging folder itself, each with `fsync`, in parallel. Only what this build changed
    /// is synced: what a rebuild left as it was is on the disk already (the build that wrote it
    /// synced it). [`commit`](Self::commit) does this when it has not been done.
    pub fn sync(&mut self) -> Result<(), Diagnostic> {
        if self.synced {
            return Ok(());
        }
        let shown = self.out.display().to_string();
        self.write_file(MARKER, MARKER_TEXT.as_bytes())
            .map_err(|e| self.failure(e))?;
        let (files, folders) =
            std::mem::take(&mut *self.unsynced.lock().unwrap_or_else(|p| p.into_inner()));
        // A folder whose entries changed may have been pruned whole afterwards (its parent,
        // whose entry it was, is synced then): gone is synced enough.
        let gone_is_fine = |done: io::Result<()>| match done {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            other => other,
        };
        fs::on_io_threads(files.len() + folders.len(), || {
            files
                .par_iter()
                .try_for_each(|f| gone_is_fine(File::open(f).and_then(|f| f.sync_all())))?;
            folders
                .par_iter()
                .try_for_each(|d| gone_is_fine(sync_folder(d)))
        })
        .and_then(|()| sync_folder(&self.dir))
        .map_err(|e| {
            Diagnostic::error(
                &shown,
                format!("cannot write the new site to the disk: {e}"),
            )
            .help("check that the disk is not full and works; the previous site was left as it was")
        })?;
        self.synced = true;
        Ok(())
    }

    /// Marks the new site as nenpo's, makes it durable ([`sync`](Self::sync)) and swaps it into
    /// place, then starts removing the previous site in a thread of its own: see [`Removal`].
    pub fn commit(mut self) -> Result<Removal, Diagnostic> {
        let shown = self.out.display().to_string();
        let fail = |what: &str, e: io::Error| {
            Diagnostic::error(&shown, format!("{what}: {e}")).help(
                "check that the output folder and its parent are writable; the previous site was left as it was",
            )
        };
        self.sync()?;
        let old = swap(&self.dir, &self.out, &self.aside)
            .map_err(|e| fail("cannot move the new site into place", e))?;
        // The swap itself is an entry of the parent folder: durable once that folder is.
        if let Some(parent) = self.out.parent() {
            let _ = sync_folder(if parent.as_os_str().is_empty() {
                Path::new(".")
            } else {
                parent
            });
        }
        std::mem::take(&mut self.written).save(&self.root, std::time::SystemTime::now());
        // From here the staging folder (or the aside one) holds the previous site, which the
        // removal owns, with the lock: `Drop` leaves both folders alone.
        let lock = self.lock.take();
        if keep_as_spare(&old, &self.spare) {
            return Ok(Removal::nothing(&self.out, lock));
        }
        Ok(Removal::start(
            &self.out,
            old,
            lock,
            "nenpo-remove-old-site",
        ))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        // A commit takes the lock, and after it the folders hold the previous site (see
        // `Removal`); before it they hold an unfinished new one: a recycled one goes back to be
        // the spare (it is still nenpo's, with its marker), a new one is removed.
        if self.lock.is_some() {
            if !(self.recycled && keep_as_spare(&self.dir, &self.spare)) {
                let _ = remove_forcefully(&self.dir);
            }
            let _ = remove_forcefully(&self.aside);
        }
    }
}

/// Makes a folder's entries durable (where the OS can open a folder: not on Windows, whose
/// file systems make renames durable with the file's metadata).
fn sync_folder(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Takes the site's spare as the staging folder: moved to a new unique name beside the output,
/// if it is a folder of nenpo's (with its marker) on the same file system.
fn recycle(spare: &Path, parent: &Path, prefix: &str) -> Option<PathBuf> {
    let meta = std::fs::symlink_metadata(spare).ok()?;
    let marker = std::fs::symlink_metadata(spare.join(MARKER)).ok()?;
    if !meta.is_dir() || !marker.is_file() {
        return None;
    }
    let dir = unique_name(parent, prefix);
    std::fs::rename(spare, &dir).ok()?;
    Some(dir)
}

/// Moves a tree of nenpo's to the site's spare, to be recycled; false when it cannot (the spare
/// is taken, or on another file system).
fn keep_as_spare(tree: &Path, spare: &Path) -> bool {
    if !std::fs::symlink_metadata(tree.join(MARKER)).is_ok_and(|m| m.is_file()) {
        return false;
    }
    spare
        .parent()
        .is_some_and(|p| std::fs::create_dir_all(p).is_ok())
        && std::fs::rename(tree, spare).is_ok()
}

/// Makes `target` a file holding `bytes`, touching it as little as possible: nothing when it
/// holds them already, rewritten in place when it is a file of its own, replaced when it is
/// shared by a hard link (with the live site: that one must not change) or is not a file.
/// Whether it wrote anything.
fn rewrite(target: &Path, bytes: &[u8]) -> io::Result<bool> {
    use std::io::Write;
    // The common case, a file of its own, in one open: nothing more when it holds `bytes`
    // (most files of a rebuild), else overwritten through the same handle. Anything else (no
    // file, a folder, a link, a shared file, no permission) takes the careful way below.
    #[cfg(unix)]
    {
        use std::os::unix::fs::{FileExt, OpenOptionsExt};
        if let Ok(file) = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(libc::O_NOFOLLOW)
            .open(target)
        {
            let meta = file.metadata()?;
            if meta.is_file() && links(&meta) == 1 {
                if meta.len() == bytes.len() as u64 && holds(&file, bytes)? {
                    return Ok(false);
                }
                file.write_all_at(bytes, 0)?;
                if meta.len() > bytes.len() as u64 {
                    file.set_len(bytes.len() as u64)?;
                }
                return Ok(true);
            }
        }
        /// Whether `file`, as long as `bytes`, holds them: read into one buffer per thread,
        /// reused from file to file.
        fn holds(file: &File, bytes: &[u8]) -> io::Result<bool> {
            thread_local! {
                static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
            }
            BUFFER.with_borrow_mut(|buffer| {
                buffer.resize(bytes.len(), 0);
                file.read_exact_at(buffer, 0)?;
                Ok(buffer.as_slice() == bytes)
            })
        }
    }
    match std::fs::symlink_metadata(target) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return std::fs::write(target, bytes).map(|()| true)
        }
        Err(e) => return Err(e),
        Ok(meta) if meta.is_dir() => remove_forcefully(target)?,
        Ok(meta) if !meta.is_file() || links(&meta) > 1 => std::fs::remove_file(target)?,
        Ok(meta) => {
            if meta.len() == bytes.len() as u64 && std::fs::read(target)? == bytes {
                return Ok(false);
            }
            // Overwritten, then cut to length: truncating first would free its blocks.
            let mut file = std::fs::OpenOptions::new().write(true).open(target)?;
            file.write_all(bytes)?;
            if meta.len() > bytes.len() as u64 {
                file.set_len(bytes.len() as u64)?;
            }
            return Ok(true);
        }
    }
    std::fs::write(target, bytes).map(|()| true)
}

/// Runs `op` on `path`; when the OS refuses it for want of permission (in a recycled tree that
/// someone made read-only), makes `path` and its folder writable by their owner and runs it again.
fn with_write_permission<T>(path: &Path, op: impl Fn() -> io::Result<T>) -> io::Result<T> {
    match op() {
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {
            if let Some(parent) = path.parent() {
                make_writable(parent);
            }
            make_writable(path);
            op()
        }
        other => other,
    }
}

/// Gives the owner write permission (and, on a folder, entry) where it is missing.
fn make_writable(path: &Path) {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return;
    };
    if meta.file_type().is_symlink() {
        return;
    }
    let mut permissions = meta.permissions();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let wanted = if meta.is_dir() { 0o700 } else { 0o600 };
        if permissions.mode() & wanted == wanted {
            return;
        }
        permissions.set_mode(permissions.mode() | wanted);
    }
    #[cfg(not(unix))]
    {
        if !permissions.readonly() {
            return;
        }
        permissions.set_readonly(false);
    }
    let _ = std::fs::set_permissions(path, permissions);
}

/// How many names the file has.
fn links(meta: &std::fs::Metadata) -> u64 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        meta.nlink()
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        // Unknown: treat it as shared, so that it is replaced rather than written through.
        2
    }
}

/// The removal of the previous site after a commit, in a thread of its own, so that the new site
/// is in place and reported without waiting for thousands of files to be unlinked. It holds the
/// output's lock until the removal ends (another build into the same output waits for it);
/// [`wait`](Self::wait), or dropping it, waits for the end.
pub struct Removal {
    out: PathBuf,
    old: PathBuf,
    started: std::time::Instant,
    thread: Option<std::thread::JoinHandle<io::Result<()>>>,
    done: Option<io::Result<()>>,
    /// Released once the removal is over (`Drop` joins the thread before the fields drop).
    _lock: Option<File>,
}

impl std::fmt::Debug for Removal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Removal").field("old", &self.old).finish()
    }
}

impl Removal {
    /// Starts removing `old` in a thread named `name` (without a thread to be had, removes it
    /// here), holding the output's `lock` until it is gone.
    fn start(out: &Path, old: PathBuf, lock: Option<File>, name: &str) -> Removal {
        let started = std::time::Instant::now();
        let path = old.clone();
        let thread = std::thread::Builder::new()
            .name(name.into())
            .spawn(move || remove_forcefully(&path))
            .ok();
        let done = thread.is_none().then(|| remove_forcefully(&old));
        Removal {
            out: out.to_path_buf(),
            old,
            started,
            thread,
            done,
            _lock: lock,
        }
    }

    /// Nothing to remove (the previous site was kept as the spare); `lock` is released when
    /// the removal is dropped.
    fn nothing(out: &Path, lock: Option<File>) -> Removal {
        Removal {
            out: out.to_path_buf(),
            old: PathBuf::new(),
            started: std::time::Instant::now(),
            thread: None,
            done: None,
            _lock: lock,
        }
    }

    /// Waits for the removal to end: how long it took from the swap (`None` when the previous
    /// site was kept as the spare, with nothing to remove), and a warning when the old site could
    /// not be removed (the next build into the same output removes it).
    pub fn wait(mut self) -> (Option<std::time::Duration>, Option<Diagnostic>) {
        let removed = self.thread.is_some() || self.done.is_some();
        let result = self.join();
        let took = removed.then(|| self.started.elapsed());
        let warning = result.err().map(|e| {
            Diagnostic::warning(
                self.out.display().to_string(),
                format!(
                    "the new site is in place, but the previous one could not be removed from {}: {e}",
                    self.old.display()
                ),
            )
            .help("the next build tries again; or remove it yourself")
        });
        (took, warning)
    }

    fn join(&mut self) -> io::Result<()> {
        if let Some(thread) = self.thread.take() {
            let result = thread
                .join()
                .unwrap_or_else(|_| Err(io::Error::other("the removal stopped")));
            self.done = Some(result);
        }
        self.done.take().unwrap_or(Ok(()))
    }
}

impl Drop for Removal {
    fn drop(&mut self) {
        let _ = self.join();
    }
}

/// Takes the lock that serialises builds into `parent/name`, waiting while another build holds
/// it. On Unix the parent folder itself is locked (`flock`), so that nothing is left beside the
/// output; elsewhere a lock file `.name.nenpo-lock` is.
fn lock(parent: &Path, name: &str) -> io::Result<File> {
    let file = if cfg!(unix) {
        let _ = name;
        File::open(parent)?
    } else {
        std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(parent.join(format!(".{name}.nenpo-lock")))?
    };
    file.lock()?;
    Ok(file)
}

/// Removes temporary folders of earlier builds into the same output that were killed before
/// they could clean up (only called under the lock, so none of them is in use).
fn remove_leftovers(parent: &Path, name: &str, prefix: &str) {
    // `.tmp-build` and `.old-build` are the names earlier versions of nenpo used.
    let legacy = [format!("{name}.tmp-build"), format!("{name}.old-build")];
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let ours = file_name.starts_with(prefix) || legacy.contains(&file_name);
        if ours && entry.file_type().is_ok_and(|t| t.is_dir()) {
            let _ = remove_forcefully(&entry.path());
        }
    }
}

/// A name under `parent` starting with `prefix` that no other build uses.
fn unique_name(parent: &Path, prefix: &str) -> PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    parent.join(format!("{prefix}{}-{n}-{nanos:x}", std::process::id()))
}

fn unique_dir(parent: &Path, prefix: &str) -> io::Result<PathBuf> {
    loop {
        let dir = unique_name(parent, prefix);
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

/// Puts `new` at `out`; returns the path that now holds the old site (which may not exist).
fn swap(new: &Path, out: &Path, aside: &Path) -> io::Result<PathBuf> {
    match std::fs::symlink_metadata(out) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            std::fs::rename(new, out)?;
            return Ok(new.to_path_buf());
        }
        Err(e) => return Err(e),
        Ok(_) => {}
    }
    match exchange(new, out) {
        Ok(()) => Ok(new.to_path_buf()),
        Err(e) if exchange_unsupported(&e) => {
            two_renames(new, out, aside)?;
            Ok(aside.to_path_buf())
        }
        Err(e) => Err(e),
    }
}

/// The fallback where the OS cannot exchange two paths: the old site aside, the new one in, and
/// the old one back if the second rename fails.
fn two_renames(new: &Path, out: &Path, aside: &Path) -> io::Result<()> {
    std::fs::rename(out, aside)?;
    if let Err(e) = std::fs::rename(new, out) {
        let _ = std::fs::rename(aside, out);
        return Err(e);
    }
    Ok(())
}

/// Swaps two paths in one atomic step.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both are valid NUL-terminated paths that outlive the call.
    let done = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if done == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// Whether the exchange failed because the OS or file system does not offer it.
fn exchange_unsupported(e: &io::Error) -> bool {
    #[cfg(target_os = "linux")]
    if let Some(code) = e.raw_os_error() {
        return [libc::EINVAL, libc::ENOSYS, libc::EOPNOTSUPP].contains(&code);
    }
    e.kind() == io::ErrorKind::Unsupported
}

/// Removes a folder tree that nenpo wrote, also when parts of it were made read-only.
fn remove_forcefully(dir: &Path) -> io::Result<()> {
    match std::fs::symlink_metadata(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Ok(meta) if !meta.is_dir() => return std::fs::remove_file(dir),
        _ => {}
    }
    if fs::remove_tree(dir).is_ok() {
        return Ok(());
    }
    for entry in walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
    {
        if entry.file_type().is_dir() {
            if let Ok(meta) = entry.metadata() {
                let mut permissions = meta.permissions();
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    permissions.set_mode(permissions.mode() | 0o700);
                }
                #[cfg(not(unix))]
                permissions.set_readonly(false);
                let _ = std::fs::set_permissions(entry.path(), permissions);
            }
        }
    }
    fs::remove_tree(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree_of(dir: &Path) -> Vec<(String, String)> {
        let mut files: Vec<(String, String)> = walkdir::WalkDir::new(dir)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = fs::display_path(dir, e.path());
                (rel, std::fs::read_to_string(e.path()).unwrap())
            })
            .collect();
        files.sort();
        files
    }

    #[test]
    fn the_swap_replaces_the_whole_tree_and_leaves_nothing_beside_it() {
        let site = tempfile::tempdir().unwrap();
        let out = site.path().join("public");
        for (round, name) in ["a.html", "b.html", "c.html", "d/e.html"]
            .iter()
            .enumerate()
        {
            let staging = Staging::new(site.path(), &out).unwrap();
            // From the third round on, the staging folder is the site before the previous one.
            assert_eq!(staging.recycled, round >= 2, "round {round}");
            std::fs::create_dir_all(staging.path().join(name).parent().unwrap()).unwrap();
            staging
                .write_file(name, round.to_string().as_bytes())
                .unwrap();
            staging.keep_only(|p| p == *name).unwrap();
            assert!(staging.commit().unwrap().wait().1.is_none());
            assert_eq!(
                tree_of(&out),
                [
                    (MARKER.to_string(), MARKER_TEXT.to_string()),
                    (name.to_string(), round.to_string())
                ]
            );
        }
        let mut beside: Vec<String> = std::fs::read_dir(site.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        beside.sort();
        assert_eq!(
            beside,
            [".nenpo-cache", "public"],
            "no staging folder remains"
        );
        // The spare is the site before the last: a folder left empty is gone from it.
        assert_eq!(
            tree_of(&site.path().join(SPARE)),
            [
                (MARKER.to_string(), MARKER_TEXT.to_string()),
                ("c.html".to_string(), "2".to_string())
            ]
        );
    }

    #[test]
    fn a_recycled_file_shared_with_the_live_site_is_replaced_not_written_through() {
        let site = tempfile::tempdir().unwrap();
        let out = site.path().join("public");
        let round = |text: &str| {
            let staging = Staging::new(site.path(), &out).unwrap();
            staging.write_file("x.html", text.as_bytes()).unwrap();
            staging
        };
        round("1").commit().unwrap().wait();
        // Unchanged, so linked to the live site's file; then the first site becomes the spare.
        round("1").commit().unwrap().wait();
        let staging = round("2");
        assert!(staging.recycled);
        assert_eq!(std::fs::read_to_string(out.join("x.html")).unwrap(), "1");
        staging.commit().unwrap().wait();
        assert_eq!(std::fs::read_to_string(out.join("x.html")).unwrap(), "2");
        // The spare (the site before) kept its own text.
        assert_eq!(
            std::fs::read_to_string(site.path().join(SPARE).join("x.html")).unwrap(),
            "1"
        );
        // An unfinished recycled staging folder goes back to be the spare.
        let staging = round("3");
        drop(staging);
        assert_eq!(std::fs::read_to_string(out.join("x.html")).unwrap(), "2");
        assert!(site.path().join(SPARE).join(MARKER).is_file());
        assert_eq!(std::fs::read_dir(site.path()).unwrap().count(), 2);
    }

    #[test]
    fn the_two_rename_fallback_swaps_and_keeps_the_old_tree_aside() {
        let dir = tempfile::tempdir().unwrap();
        let (new, out, aside) = (
            dir.path().join("new"),
            dir.path().join("out"),
            dir.path().join("aside"),
        );
        std::fs::create_dir(&new).unwrap();
        std::fs::create_dir(&out).unwrap();
        std::fs::write(new.join("n"), "new").unwrap();
        std::fs::write(out.join("o"), "old").unwrap();
        two_renames(&new, &out, &aside).unwrap();
        assert_eq!(tree_of(&out), [("n".to_string(), "new".to_string())]);
        assert_eq!(tree_of(&aside), [("o".to_string(), "old".to_string())]);
        assert!(!new.exists());
        // When the second rename fails the old tree goes back.
        std::fs::create_dir(&new).unwrap();
        let missing = dir.path().join("missing");
        assert!(two_renames(&missing, &out, &dir.path().join("aside2")).is_err());
        assert_eq!(tree_of(&out), [("n".to_string(), "new".to_string())]);
    }

    #[test]
    fn a_patch_replaces_changed_files_whole_and_leaves_equal_ones() {
        let site = tempfile::tempdir().unwrap();
        let out = site.path().join("public");
        assert!(Patch::new(site.path(), &out).is_err(), "no site yet");
        let staging = Staging::new(site.path(), &out).unwrap();
        std::fs::create_dir(staging.path().join("a")).unwrap();
        std::fs::write(staging.path().join("a/x.html"), "old").unwrap();
        std::fs::write(staging.path().join("y.html"), "same").unwrap();
        staging.commit().unwrap();
        let mut patch = Patch::new(site.path(), &out).unwrap();
        // A reader holding the old file keeps reading the old file whole.
        let held = File::open(out.join("a/x.html")).unwrap();
        assert!(patch.file("a/x.html", b"new").unwrap());
        assert!(!patch.file("y.html", b"same").unwrap());
        assert_eq!(patch.written(), 1);
        // Undone, the old file is back whole.
        patch.rollback();
        assert_eq!(
            std::fs::read_to_string(out.join("a/x.html")).unwrap(),
            "old"
        );
        let mut patch = Patch::new(site.path(), &out).unwrap();
        assert!(patch.file("a/x.html", b"new").unwrap());
        let (_, warning) = patch.finish().wait();
        assert!(warning.is_none());
        assert_eq!(io::read_to_string(held).unwrap(), "old");
        // The replaced version was kept beside the output until the patch ended, then removed.
        let beside: Vec<String> = std::fs::read_dir(site.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != ".nenpo-cache")
            .collect();
        assert_eq!(beside, ["public"]);
        assert_eq!(
            tree_of(&out),
            [
                (MARKER.to_string(), MARKER_TEXT.to_string()),
                ("a/x.html".to_string(), "new".to_string()),
                ("y.html".to_string(), "same".to_string()),
            ]
        );
    }

    #[test]
    fn an_unfinished_staging_is_removed_and_the_output_untouched() {
        let site = tempfile::tempdir().unwrap();
        let out = site.path().join("public");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join(MARKER), MARKER_TEXT).unwrap();
        let staging = Staging::new(site.path(), &out).unwrap();
        std::fs::write(staging.path().join("half.html"), "").unwrap();
        drop(staging);
        assert_eq!(tree_of(&out).len(), 1);
        assert_eq!(std::fs::read_dir(site.path()).unwrap().count(), 1);
    }

    #[test]
    fn paths_that_do_not_exist_yet_resolve_through_their_existing_part() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().canonicalize().unwrap();
        assert_eq!(
            resolve(&dir.path().join("a/b")).unwrap(),
            real.join("a").join("b")
        );
        assert!(resolve(&dir.path().join("a/../b")).is_err());
    }
}
