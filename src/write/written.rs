//! What nenpo knows about the files it wrote: for each, its inode, size and change time, and a
//! hash of its bytes. A recycled file whose inode, size and change time are those recorded holds
//! the recorded bytes, so comparing the new bytes' hash with the recorded one tells whether it
//! must be rewritten, without reading it. Reading the spare site to compare it was what a rebuild
//! spent most on once the file cache had let it go (about 2 s of 6.5 at 10,000 pages per
//! language); a change time moves with every write, truncation, rename or `chmod` of a file, and
//! nobody can set it back.
//!
//! The record is kept in the site's cache ([`FILE`]) for the two trees a rebuild sees: the one
//! this build wrote (now the live site) and the one the build before wrote (now the spare). It
//! is only a shortcut: a file it does not describe, or describes wrongly, is compared byte for
//! byte as before, and a missing or damaged record is the same as an empty one.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;

/// Where the record is kept, relative to the site folder (beside the spare site).
pub const FILE: &str = ".nenpo-cache/written-files";

/// The first bytes of the record: its format.
const HEADER: &[u8] = b"nenpo written-files 1\n";

/// A file's identity and last change: equal stamps mean the bytes have not changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stamp {
    inode: u64,
    size: u64,
    changed_s: i64,
    changed_ns: u32,
}

impl Stamp {
    /// The stamp of the file at `path` (not following a symbolic link), if it has one.
    fn at(path: &Path) -> Option<Stamp> {
        std::fs::symlink_metadata(path)
            .ok()
            .and_then(|m| Stamp::of(&m))
    }

    /// The stamp of a regular file with no other name (a file shared by a hard link can change
    /// through its other name, and is never written in place anyway).
    fn of(meta: &std::fs::Metadata) -> Option<Stamp> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            (meta.is_file() && meta.nlink() == 1).then(|| Stamp {
                inode: meta.ino(),
                size: meta.len(),
                changed_s: meta.ctime(),
                changed_ns: meta.ctime_nsec() as u32,
            })
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            None
        }
    }
}

/// One file: its stamp and the hash of its bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Entry {
    stamp: Stamp,
    hash: u128,
}

const ENTRY_BYTES: usize = 8 + 8 + 8 + 4 + 16;

/// The hash a record keeps of a file's bytes.
pub fn hash(bytes: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

/// The record as a build reads it (both trees, by inode) and the entries of the tree it writes.
#[derive(Default)]
pub struct Written {
    known: HashMap<u64, Entry>,
    /// The entries of the tree the last build wrote (the live site, which becomes the spare).
    last_tree: Vec<Entry>,
    /// The entries of the tree this build writes.
    this_tree: Mutex<Vec<Entry>>,
}

impl Written {
    /// The record of the site in `root`; empty when there is none or it cannot be read.
    pub fn load(root: &Path) -> Written {
        let bytes = std::fs::read(root.join(FILE)).unwrap_or_default();
        let (this, last) = decode(&bytes).unwrap_or_default();
        let known = this
            .iter()
            .chain(&last)
            .map(|e| (e.stamp.inode, *e))
            .collect();
        Written {
            known,
            last_tree: this,
            this_tree: Mutex::new(Vec::new()),
        }
    }

    /// Whether the file at `path` is known to hold bytes of hash `hash` (read from its metadata
    /// alone); if so it is recorded as part of this build's tree.
    pub fn holds(&self, path: &Path, hash: u128) -> bool {
        let Some(stamp) = Stamp::at(path) else {
            return false;
        };
        let known = self
            .known
            .get(&stamp.inode)
            .is_some_and(|e| e.stamp == stamp && e.hash == hash);
        if known {
            self.push(Entry { stamp, hash });
        }
        known
    }

    /// Records that the file at `path` holds bytes of hash `hash` (it was just written or
    /// compared byte for byte).
    pub fn record(&self, path: &Path, hash: u128) {
        if let Some(stamp) = Stamp::at(path) {
            self.push(Entry { stamp, hash });
        }
    }

    fn push(&self, entry: Entry) {
        self.this_tree
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(entry);
    }

    /// Saves the record once this build's tree is in place: its entries and those of the tree
    /// before it (the spare now). A file changed in the last second or two (`now`) is left out:
    /// a change in the same tick of the clock as the write that was recorded would not move its
    /// change time. Failing to save only makes the next build compare more.
    pub fn save(self, root: &Path, now: std::time::SystemTime) {
        let Ok(since_epoch) = now.duration_since(std::time::UNIX_EPOCH) else {
            return;
        };
        let racy_from = since_epoch.as_secs() as i64 - 1;
        let mut this = self
            .this_tree
            .into_inner()
            .unwrap_or_else(|p| p.into_inner());
        this.retain(|e| e.stamp.changed_s < racy_from);
        let bytes = encode(&this, &self.last_tree);
        let file = root.join(FILE);
        // Its own name per process: two builds of one site into two output folders may save at
        // once (each whole record then replaces the other whole).
        let tmp = file.with_extension(format!("tmp-{}", std::process::id()));
        let saved = file
            .parent()
            .is_some_and(|p| std::fs::create_dir_all(p).is_ok())
            && std::fs::write(&tmp, bytes).is_ok()
            && std::fs::rename(&tmp, &file).is_ok();
        if !saved {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}

fn encode(this: &[Entry], last: &[Entry]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER.len() + 16 + (this.len() + last.len()) * ENTRY_BYTES);
    out.extend_from_slice(HEADER);
    for tree in [this, last] {
        out.extend_from_slice(&(tree.len() as u64).to_le_bytes());
        for e in tree {
            out.extend_from_slice(&e.stamp.inode.to_le_bytes());
            out.extend_from_slice(&e.stamp.size.to_le_bytes());
            out.extend_from_slice(&e.stamp.changed_s.to_le_bytes());
            out.extend_from_slice(&e.stamp.changed_ns.to_le_bytes());
            out.extend_from_slice(&e.hash.to_le_bytes());
        }
    }
    out
}

/// The two trees' entries, or `None` for anything but a whole record of this format.
fn decode(bytes: &[u8]) -> Option<(Vec<Entry>, Vec<Entry>)> {
    let mut rest = bytes.strip_prefix(HEADER)?;
    let mut take = |n: usize| -> Option<&[u8]> {
        let (head, tail) = rest.split_at_checked(n)?;
        rest = tail;
        Some(head)
    };
    let mut trees = [Vec::new(), Vec::new()];
    for tree in &mut trees {
        let count = u64::from_le_bytes(take(8)?.try_into().ok()?) as usize;
        let records = take(count.checked_mul(ENTRY_BYTES)?)?;
        tree.extend(records.chunks_exact(ENTRY_BYTES).map(|r| {
            let u64_at = |at: usize| u64::from_le_bytes(r[at..at + 8].try_into().expect("8"));
            Entry {
                stamp: Stamp {
                    inode: u64_at(0),
                    size: u64_at(8),
                    changed_s: u64_at(16) as i64,
                    changed_ns: u32::from_le_bytes(r[24..28].try_into().expect("4")),
                },
                hash: u128::from_le_bytes(r[28..44].try_into().expect("16")),
            }
        }));
    }
    let [this, last] = trees;
    rest.is_empty().then_some((this, last))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_reads_back_as_written_and_anything_else_as_empty() {
        let entry = |n: u64| Entry {
            stamp: Stamp {
                inode: n,
                size: 10 * n,
                changed_s: -(n as i64),
                changed_ns: n as u32,
            },
            hash: u128::from(n) << 70,
        };
        let (this, last) = (vec![entry(1), entry(2)], vec![entry(3)]);
        let bytes = encode(&this, &last);
        assert_eq!(decode(&bytes), Some((this, last)));
        assert_eq!(decode(&bytes[..bytes.len() - 1]), None);
        assert_eq!(decode(b"nenpo written-files 0\n"), None);
        assert_eq!(decode(b""), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_file_is_known_until_it_changes() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.html");
        std::fs::write(&file, "old").unwrap();
        let written = Written::default();
        written.record(&file, hash(b"old"));
        let recorded = written.this_tree.lock().unwrap().clone();
        let written = Written {
            known: recorded.iter().map(|e| (e.stamp.inode, *e)).collect(),
            ..Written::default()
        };
        assert!(written.holds(&file, hash(b"old")));
        assert!(!written.holds(&file, hash(b"new")));
        // Same size, new bytes: the change time moves (wait for the clock's next tick).
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&file, "odd").unwrap();
        assert!(!written.holds(&file, hash(b"old")));
        // A second name makes it shared: never known.
        std::fs::write(&file, "old").unwrap();
        let written = Written::default();
        written.record(&file, hash(b"old"));
        std::fs::hard_link(&file, dir.path().join("b.html")).unwrap();
        let recorded = written.this_tree.lock().unwrap().clone();
        let written = Written {
            known: recorded.iter().map(|e| (e.stamp.inode, *e)).collect(),
            ..Written::default()
        };
        assert!(!written.holds(&file, hash(b"old")));
    }
}
