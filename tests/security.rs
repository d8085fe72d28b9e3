//! What a contributor's pull request can put in a site must not leak anything from the machine
//! that builds it: symbolic links out of the site or to hidden files, FIFOs and devices among
//! the sources, the sources' permissions. Each case through the real binary, with the links and
//! special files made by the test (the shared table of bad input can only write files).

use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::Path;
use std::process::Output;
use std::time::Duration;

mod cli_support;
use cli_support::{basic_site, nenpo, write};

fn build(dir: &Path) -> Output {
    nenpo()
        .args(["build", "--root"])
        .arg(dir)
        .output()
        .expect("run nenpo")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Every published file's contents, joined: whatever leaked, it is in here.
fn published_bytes(dir: &Path) -> String {
    walkdir::WalkDir::new(dir.join("public"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| String::from_utf8_lossy(&std::fs::read(e.path()).unwrap()).into_owned())
        .collect()
}

const SECRET: &str = "SECRET-KEY-0123456789";

/// A folder outside the site holding a secret file, and a copy of everything a source folder
/// needs to build (so that only the link itself can be why the build fails).
fn outside_with_secret() -> tempfile::TempDir {
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "id_rsa", SECRET);
    outside
}

/// Replaces the site's `rel` with a link to `target`, and checks that the build fails with an
/// error at `rel`, publishes nothing and leaves no secret anywhere in the output.
fn refused_as_a_link(site: &Path, rel: &str, target: &Path) {
    let at = site.join(rel);
    if at.is_dir() {
        std::fs::remove_dir_all(&at).unwrap();
    } else if at.exists() {
        std::fs::remove_file(&at).unwrap();
    }
    std::fs::create_dir_all(at.parent().unwrap()).unwrap();
    symlink(target, &at).unwrap();
    let out = build(site);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{rel}: {err}");
    assert!(
        err.contains(&format!("= in {rel}\n")) || err.contains(&format!("--> {rel}:")),
        "{rel}: the error does not name it: {err}"
    );
    assert!(err.contains("symbolic link"), "{rel}: {err}");
    assert!(!published_bytes(site).contains(SECRET), "{rel}: leaked");
}

#[test]
fn a_source_folder_or_config_that_is_a_link_out_of_the_site_is_refused() {
    let outside = outside_with_secret();
    let o = outside.path();
    // Each source folder, made a link to a folder outside that holds what it would need, and
    // the secret.
    for rel in ["static", "content", "templates", "i18n", "themes/plain"] {
        let site = basic_site();
        let s = site.path();
        let copy = o.join(rel.replace('/', "-"));
        if s.join(rel).is_dir() {
            copy_tree(&s.join(rel), &copy);
        } else {
            std::fs::create_dir_all(&copy).unwrap();
        }
        write(&copy, "id_rsa", SECRET);
        refused_as_a_link(s, rel, &copy);
    }
    // `themes` itself, and config.toml.
    let site = basic_site();
    copy_tree(&site.path().join("themes"), &o.join("themes"));
    refused_as_a_link(site.path(), "themes", &o.join("themes"));
    let site = basic_site();
    std::fs::copy(site.path().join("config.toml"), o.join("config.toml")).unwrap();
    refused_as_a_link(site.path(), "config.toml", &o.join("config.toml"));
    // `ln -s /etc static`.
    let site = basic_site();
    refused_as_a_link(site.path(), "static", Path::new("/etc"));
}

#[test]
fn a_source_folder_that_is_a_link_to_a_hidden_folder_of_the_site_is_refused() {
    let site = basic_site();
    let s = site.path();
    write(s, ".git/config", SECRET);
    refused_as_a_link(s, "static", &s.join(".git"));
}

#[test]
fn links_to_hidden_files_are_never_followed_and_links_inside_the_site_are() {
    let site = basic_site();
    let s = site.path();
    write(s, ".env", SECRET);
    write(s, ".git/config", SECRET);
    write(s, "shared/logo.txt", "a logo");
    write(s, "static/.well-known/security.txt", SECRET);
    std::fs::create_dir_all(s.join("static")).unwrap();
    symlink("../.env", s.join("static/env.txt")).unwrap();
    symlink("../.git", s.join("static/repo")).unwrap();
    symlink(s.join(".git/config"), s.join("content/config.txt")).unwrap();
    symlink("../shared/logo.txt", s.join("static/logo.txt")).unwrap();
    let out = build(s);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    for rel in ["static/env.txt", "static/repo", "content/config.txt"] {
        assert!(
            err.contains(rel) && err.contains("hidden"),
            "{rel} not reported: {err}"
        );
    }
    assert!(!published_bytes(s).contains(SECRET), "a hidden file leaked");
    assert!(!s.join("public/env.txt").exists());
    assert!(!s.join("public/repo").exists());
    assert_eq!(
        std::fs::read_to_string(s.join("public/logo.txt")).unwrap(),
        "a logo"
    );
}

#[test]
fn a_fifo_among_the_sources_is_an_error_not_a_hang() {
    for rel in [
        "config.toml",
        "content/projects/wait.ja.md",
        "static/wait.txt",
    ] {
        let site = basic_site();
        let s = site.path();
        let path = s.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let _ = std::fs::remove_file(&path);
        let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        let mut child = nenpo()
            .args(["build", "--root"])
            .arg(s)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let started = std::time::Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if started.elapsed() > Duration::from_secs(30) {
                let _ = child.kill();
                panic!("{rel}: nenpo build waits on a FIFO");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut err = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
        assert_eq!(status.code(), Some(1), "{rel}: {err}");
        assert!(err.contains(rel), "{rel}: {err}");
        assert!(err.contains("not a regular file"), "{rel}: {err}");
    }
}

#[test]
fn published_files_get_ordinary_permissions_not_the_sources() {
    let site = basic_site();
    let s = site.path();
    write(s, "static/run.sh", "#!/bin/sh\n");
    write(s, "static/private/note.txt", "note");
    std::fs::set_permissions(s.join("static/run.sh"), PermissionsExt::from_mode(0o4755)).unwrap();
    std::fs::set_permissions(
        s.join("static/private/note.txt"),
        PermissionsExt::from_mode(0o600),
    )
    .unwrap();
    std::fs::set_permissions(s.join("static/private"), PermissionsExt::from_mode(0o700)).unwrap();
    let out = build(s);
    assert!(out.status.success(), "{}", stderr(&out));
    let mode = |rel: &str| {
        std::fs::metadata(s.join("public").join(rel))
            .unwrap()
            .permissions()
            .mode()
            & 0o7777
    };
    // As a page is written, under the umask the test runs with.
    let page = mode("ja/index.html");
    assert_eq!(page & 0o111, 0);
    assert_eq!(mode("run.sh"), page);
    assert_eq!(mode("private/note.txt"), page);
    assert_eq!(mode("private"), mode("ja"));
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from)
        .into_iter()
        .filter_map(Result::ok)
    {
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
