//! Helpers shared by the CLI tests: a fresh copy of a fixture site per test, the real binary, and
//! golden-file snapshots.

#![allow(dead_code)]

pub mod cases;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The `nenpo` binary built by cargo for these tests.
pub fn nenpo() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_nenpo"));
    cmd.env("NO_COLOR", "1").env_remove("CI");
    cmd
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/cli")
        .join(name)
}

/// A copy of `tests/fixtures/cli/<name>` in a new temporary folder (removed when dropped), so that
/// tests can edit it without disturbing each other.
pub fn site(name: &str) -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("nenpo-cli-test-")
        .tempdir()
        .expect("temp dir");
    copy_dir(&fixture(name), dir.path());
    dir
}

/// A copy of `tests/fixtures/basic`, the small bilingual site most tests change, in a new
/// temporary folder (removed when dropped).
pub fn basic_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic"),
        dir.path(),
    );
    dir
}

/// Every file under `dir` with its bytes, by path relative to `dir` (with `/`).
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Copies the folder `from` into `to` (created).
pub fn copy_tree(from: &Path, to: &Path) {
    copy_dir(from, to);
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Writes `contents` to `root/rel`, creating folders.
pub fn write(root: &Path, rel: &str, contents: impl AsRef<[u8]>) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, contents).unwrap();
}

pub fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).unwrap()
}

/// Runs `nenpo <args> --root <root>`.
pub fn run(root: &Path, args: &[&str]) -> Output {
    nenpo()
        .args(args)
        .arg("--root")
        .arg(root)
        .output()
        .expect("run nenpo")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Compares `actual` with `tests/snapshots/<name>.txt`. A missing snapshot is written (and the
/// test fails, so that it gets reviewed); `UPDATE_SNAPSHOTS=1` rewrites them all.
pub fn assert_snapshot(name: &str, actual: &str) {
    if let Some(problem) = snapshot_problem(name, actual) {
        panic!("{problem}");
    }
}

/// Like [`assert_snapshot`], but returns the problem so that a loop can check every case first.
pub fn snapshot_problem(name: &str, actual: &str) -> Option<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(format!("{name}.txt"));
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    match std::fs::read_to_string(&path) {
        Ok(expected) if !update => (expected != actual).then(|| {
            format!(
                "snapshot {} differs (UPDATE_SNAPSHOTS=1 rewrites it)\n--- expected\n{expected}\n--- actual\n{actual}",
                path.display()
            )
        }),
        _ => {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, actual).unwrap();
            (!update).then(|| {
                format!(
                    "snapshot {} was missing and has been written; review it and run again",
                    path.display()
                )
            })
        }
    }
}
