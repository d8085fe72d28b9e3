//! Nothing under `content/` is dropped in silence and no source is published: unreadable
//! folders, odd names, symbolic links, editor leftovers and NFD file names, through the real binary.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::{Command, Output};

mod cli_support;
use cli_support::basic_site;

fn build(dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nenpo"))
        .arg("build")
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn write(dir: &Path, path: impl AsRef<Path>, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Every output path, for "was it published" checks.
fn published(dir: &Path) -> Vec<String> {
    walkdir::WalkDir::new(dir.join("public"))
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.path().to_string_lossy().into_owned())
        .collect()
}

const PAGE: &str = "+++\ntitle = \"Extra\"\n+++\nText.\n";

#[test]
fn an_unreadable_folder_is_an_error_naming_it() {
    let site = basic_site();
    let s = site.path();
    write(s, "content/secret/_index.ja.md", PAGE);
    write(s, "content/secret/_index.en.md", PAGE);
    std::fs::set_permissions(
        s.join("content/secret"),
        std::os::unix::fs::PermissionsExt::from_mode(0o000),
    )
    .unwrap();
    // Root reads everything: run as `nobody` then, in a site folder it may write to.
    let mut command = Command::new(env!("CARGO_BIN_EXE_nenpo"));
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        for entry in walkdir::WalkDir::new(s).into_iter().filter_map(Result::ok) {
            if entry.path() != s.join("content/secret") {
                let mode = if entry.file_type().is_dir() {
                    0o777
                } else {
                    0o666
                };
                std::fs::set_permissions(
                    entry.path(),
                    std::os::unix::fs::PermissionsExt::from_mode(mode),
                )
                .unwrap();
            }
        }
        command = Command::new("setpriv");
        command
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_nenpo"));
    }
    let out = command
        .args(["check", "--root"])
        .arg(s)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("cannot read this folder"), "{err}");
    assert!(err.contains("content/secret"), "{err}");
}

#[test]
fn markdown_with_another_extension_is_an_error_saying_how_to_name_it() {
    for (name, renamed) in [
        ("content/projects/notes.MD", "notes.ja.md"),
        ("content/projects/notes.en.markdown", "notes.en.md"),
        ("content/projects/notes.ja.Md", "notes.ja.md"),
    ] {
        let site = basic_site();
        let s = site.path();
        write(s, name, PAGE);
        let out = build(s);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{name}: {err}");
        assert!(err.contains(name), "{name}: {err}");
        assert!(err.contains(&format!("rename it to `{renamed}`")), "{err}");
        assert!(!s.join("public").exists(), "{name}: nothing published");
    }
}

#[test]
fn editor_leftovers_and_dot_files_are_skipped_with_a_warning_and_never_published() {
    let site = basic_site();
    let s = site.path();
    let leftovers = [
        "content/projects/pharma.ja.md.bak",
        "content/projects/pharma.ja.md~",
        "content/projects/#pharma.ja.md#",
        "content/projects/.pharma.ja.md.swp",
        "content/projects/pharma.ja.md.orig",
        "content/projects/draft.tmp",
        "content/.DS_Store",
    ];
    for name in leftovers {
        write(s, name, "old text");
    }
    let out = build(s);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    for name in leftovers {
        assert!(err.contains("warning: skipped: "), "{err}");
        assert!(err.contains(name), "{name} is named in:\n{err}");
        let file = Path::new(name).file_name().unwrap().to_str().unwrap();
        assert!(
            !published(s).iter().any(|p| p.ends_with(file)),
            "{name} was published"
        );
    }
}

/// The site's `templates/` goes through the same walker: a leftover there is named too (it used
/// to be dropped without a word), and a template beside it still overrides the theme's.
#[test]
fn editor_leftovers_in_templates_are_skipped_with_a_warning() {
    let site = basic_site();
    let s = site.path();
    let leftovers = [
        "templates/page.html~",
        "templates/.page.html.swp",
        "templates/#page.html#",
    ];
    for name in leftovers {
        write(s, name, "{{ broken");
    }
    let out = build(s);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    for name in leftovers {
        assert!(err.contains(name), "{name} is named in:\n{err}");
    }
    assert_eq!(
        err.matches("warning: skipped: ").count(),
        leftovers.len(),
        "{err}"
    );
}

#[test]
fn nfd_and_nfc_names_of_one_page_are_one_page() {
    let site = basic_site();
    let s = site.path();
    // ガイド: decomposed (as macOS writes it) in Japanese, composed in English.
    let nfd = "\u{30ab}\u{3099}\u{30a4}\u{30c8}\u{3099}";
    let nfc = "\u{30ac}\u{30a4}\u{30c9}";
    write(s, format!("content/projects/{nfd}.ja.md"), PAGE);
    write(s, format!("content/projects/{nfc}.en.md"), PAGE);
    let out = build(s);
    assert!(out.status.success(), "{}", stderr(&out));
    for lang in ["ja", "en"] {
        let page = s.join(format!("public/{lang}/projects/{nfc}/index.html"));
        assert!(page.is_file(), "{}", page.display());
    }
}

#[test]
fn a_file_name_that_is_not_utf8_is_an_error() {
    let site = basic_site();
    let s = site.path();
    let name = OsStr::from_bytes(b"caf\xe9.ja.md");
    std::fs::write(s.join("content/projects").join(name), PAGE).unwrap();
    let out = build(s);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("not valid UTF-8"), "{err}");
    assert!(err.contains("content/projects/caf"), "{err}");
}

#[test]
fn symbolic_links_are_followed_inside_the_site_and_named_outside_it() {
    let site = basic_site();
    let s = site.path();
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "private.txt", "secret");
    std::os::unix::fs::symlink(
        outside.path().join("private.txt"),
        s.join("content/projects/private.txt"),
    )
    .unwrap();
    for name in ["_index", "extra"] {
        for lang in ["ja", "en"] {
            write(s, format!("shared/{name}.{lang}.md"), PAGE);
        }
    }
    std::os::unix::fs::symlink(s.join("shared"), s.join("content/shared")).unwrap();
    // A link to its own folder must not loop.
    std::os::unix::fs::symlink(s.join("content/projects"), s.join("content/projects/again"))
        .unwrap();
    let out = build(s);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("content/projects/private.txt") && err.contains("outside the site folder"),
        "{err}"
    );
    assert!(
        !published(s).iter().any(|p| p.ends_with("private.txt")),
        "the linked file outside the site was published"
    );
    assert!(s.join("public/ja/shared/extra/index.html").is_file());
    assert!(
        err.contains("content/projects/again") && err.contains("circle"),
        "{err}"
    );
}
