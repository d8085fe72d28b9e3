//! `--strict` and `[build] strict = true`: every warning is an error, for CI. Marks of `new
//! edition`, placeholder text of `init` and `new`, missing translations let pass by
//! `--allow-missing-translations`: each a warning without it, an error with it, and nothing
//! written.

mod cli_support;

use std::path::Path;

use cli_support::{read, run, text, write};

fn init(dir: &Path) {
    let out = cli_support::nenpo()
        .arg("init")
        .arg(dir)
        .args(["--languages", "en,ja"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
}

/// A starter site whose placeholder texts are replaced: it passes `check --strict`.
fn clean_starter(dir: &Path) {
    init(dir);
    for lang in ["en", "ja"] {
        let file = format!("content/_index.{lang}.md");
        let page = read(dir, &file);
        let kept: Vec<&str> = page.split("\n\n").filter(|p| !p.contains('`')).collect();
        write(dir, &file, kept.join("\n\n"));
    }
}

#[test]
fn init_and_new_leave_placeholders_that_only_strict_refuses() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    init(&root);
    let out = run(&root, &["new", "page", "activities/workshops"]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    let out = run(&root, &["check"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let warned = text(&out.stderr);
    assert_eq!(
        warned
            .matches("warning: placeholder text written by `nenpo init` or `nenpo new`")
            .count(),
        6,
        "{warned}"
    );

    let out = run(&root, &["check", "--strict"]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    for place in [
        "content/_index.en.md:8:1",
        "content/_index.ja.md:8:1",
        "content/activities/workshops.en.md:2:10",
        "content/activities/workshops.en.md:7:1",
        "content/activities/workshops.ja.md:2:10",
        "content/activities/workshops.ja.md:7:1",
    ] {
        assert!(err.contains(place), "{place} missing:\n{err}");
    }
    assert!(err.contains("6 errors in 4 files"), "{err}");
    assert!(!err.contains("warning:"), "{err}");

    // A strict build writes nothing.
    let out = run(&root, &["build", "--strict"]);
    assert!(!out.status.success());
    assert!(!root.join("public").exists());
}

#[test]
fn strict_in_config_toml_is_the_same_as_the_flag() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    clean_starter(&root);
    let out = run(&root, &["check", "--strict"]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    // A page without its Japanese twin, let pass as a warning…
    write(
        &root,
        "content/activities/talks.en.md",
        "+++\ntitle = \"Talks\"\n+++\n\nThree talks.\n",
    );
    let out = run(&root, &["check", "--allow-missing-translations"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // …is an error under --strict, and under `[build] strict = true`.
    let out = run(
        &root,
        &["check", "--allow-missing-translations", "--strict"],
    );
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("makes this warning an error"));
    let config = read(&root, "config.toml");
    write(
        &root,
        "config.toml",
        format!("{config}\n[build]\nstrict = true\n"),
    );
    let out = run(&root, &["check", "--allow-missing-translations"]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("content/activities/talks.en.md"), "{err}");
    assert!(err.contains("1 error in 1 file"), "{err}");
}

#[test]
fn strict_refuses_every_mark_of_a_new_edition() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    cli_support::copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/editions"),
        root,
    );
    let out = run(root, &["check", "--strict"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = cli_support::nenpo()
        .args(["new", "edition", "2023", "--root"])
        .arg(root)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(root, &["check"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let marks = text(&out.stderr)
        .matches("warning: marked to update for the new edition")
        .count();
    assert!(marks > 10, "{marks}");
    let out = run(root, &["check", "--strict"]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert_eq!(
        err.matches("error: marked to update for the new edition")
            .count(),
        marks,
        "{err}"
    );
    assert!(
        err.contains("content/2023/activities/_index.en.md:2:10"),
        "{err}"
    );
}
