//! `nenpo check` (and `new`) through the real binary: exit codes for every kind of bad input, and
//! snapshots of the error text an editor sees (NO_COLOR=1, piped).

mod cli_support;

use cli_support::cases::{apply, Remove, CASES};
use cli_support::{assert_snapshot, read, run, site, snapshot_problem, text, write};

#[test]
fn check_accepts_the_good_site_and_writes_nothing() {
    let dir = site("site");
    let out = run(dir.path(), &["check"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("Checked 6 pages (3 ja, 3 en), 1 records"));
    assert_eq!(text(&out.stderr), "");
    assert!(!dir.path().join("public").exists());
}

#[test]
fn check_refuses_every_kind_of_bad_input_and_names_the_place() {
    let mut failures = Vec::new();
    for (name, edits, expected) in CASES {
        let dir = site("site");
        apply(dir.path(), edits);
        let out = run(dir.path(), &["check"]);
        let stderr = text(&out.stderr);
        if out.status.code() != Some(1) {
            failures.push(format!("{name}: exit {:?}\n{stderr}", out.status.code()));
        } else if !stderr.contains(expected) {
            failures.push(format!("{name}: stderr lacks `{expected}`\n{stderr}"));
        } else if stderr.contains('\x1b') {
            failures.push(format!("{name}: escape codes in piped output"));
        }
        assert!(!dir.path().join("public").exists(), "{name} wrote public/");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The whole error text of every case, as an editor sees it.
#[test]
fn error_text_snapshots() {
    let mut problems = Vec::new();
    for (name, edits, _) in CASES {
        let dir = site("site");
        apply(dir.path(), edits);
        let out = run(dir.path(), &["check"]);
        let root = dir.path().display().to_string();
        let stderr = text(&out.stderr).replace(&root, "[ROOT]");
        problems.extend(snapshot_problem(&format!("check/{name}"), &stderr));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn problems_in_several_files_are_listed_together_grouped_by_file() {
    let dir = site("site");
    apply(dir.path(), CASES[2].1); // unknown key in approvals.en.md
    apply(dir.path(), CASES[10].1); // broken link in _index.en.md
    write(
        dir.path(),
        "content/reports/approvals.ja.md",
        "+++\ntitle = \"承認事例\"\ntitel = \"x\"\n+++\n",
    );
    let out = run(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    // A page whose front matter is broken still counts as a link target: no cascade of
    // "points to no page" errors from the pages that link to it.
    assert!(!stderr.contains("┌─ content/_index.ja.md"), "{stderr}");
    let positions: Vec<usize> = [
        "┌─ content/_index.en.md",
        "┌─ content/reports/approvals.en.md",
        "┌─ content/reports/approvals.ja.md",
    ]
    .iter()
    .map(|needle| {
        stderr
            .find(needle)
            .unwrap_or_else(|| panic!("{needle}\n{stderr}"))
    })
    .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{stderr}");
    assert!(stderr.contains("3 errors in 3 files:"), "{stderr}");
    assert_snapshot("check/several-files", &stderr);
}

#[test]
fn piped_output_has_no_colour_even_without_no_color() {
    let dir = site("site");
    apply(dir.path(), CASES[2].1);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_nenpo"))
        .args(["check", "--root"])
        .arg(dir.path())
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!text(&out.stderr).contains('\x1b'));
    // The same diagnostic rendered for a terminal does carry colour.
    let source: std::sync::Arc<str> = std::sync::Arc::from("+++\ntitel = 1\n+++\n");
    let d = nenpo::error::Diagnostic::error("content/a.ja.md", "unknown key").at(&source, 4..9);
    assert!(d.render(true).contains('\x1b'));
    assert!(!d.render(false).contains('\x1b'));
}

#[test]
fn allowing_missing_translations_turns_them_into_warnings() {
    let dir = site("site");
    apply(dir.path(), &[Remove("content/reports/approvals.en.md")]);
    let out = run(dir.path(), &["check", "--allow-missing-translations"]);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("warning"), "{stderr}");
}

// ----- `new`: scaffolds that the build accepts as they are -----

#[test]
fn new_page_creates_both_languages_after_the_last_sibling_and_builds() {
    let dir = site("site");
    let out = run(dir.path(), &["new", "page", "reports/new-drugs"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_snapshot("new/page-stdout", &text(&out.stdout));
    for lang in ["ja", "en"] {
        let page = read(dir.path(), &format!("content/reports/new-drugs.{lang}.md"));
        assert!(page.contains("weight = 20"), "{page}");
        assert!(!page.contains("[extra]"), "{page}");
    }
    assert_snapshot(
        "new/page-ja",
        &read(dir.path(), "content/reports/new-drugs.ja.md"),
    );
    assert_snapshot(
        "new/page-en",
        &read(dir.path(), "content/reports/new-drugs.en.md"),
    );
    let check = run(dir.path(), &["check"]);
    assert!(check.status.success(), "{}", text(&check.stderr));
}

#[test]
fn new_section_then_a_page_in_it_builds() {
    let dir = site("site");
    let out = run(dir.path(), &["new", "section", "clinical-trials"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let section = read(dir.path(), "content/clinical-trials/_index.en.md");
    assert!(section.contains("weight = 20"), "{section}");
    let out = run(dir.path(), &["new", "page", "clinical-trials/phase-one"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let page = read(dir.path(), "content/clinical-trials/phase-one.ja.md");
    assert!(page.contains("weight = 10"), "{page}");
    let check = run(dir.path(), &["check"]);
    assert!(check.status.success(), "{}", text(&check.stderr));
}

#[test]
fn new_refuses_to_overwrite_bad_names_and_missing_sections() {
    let dir = site("site");
    let before = read(dir.path(), "content/reports/approvals.ja.md");
    for (args, snapshot) in [
        (&["new", "page", "reports/approvals"][..], "new/exists"),
        (&["new", "page", "reports/New_Drugs"][..], "new/bad-name"),
        (&["new", "page", "trials/phase-one"][..], "new/no-section"),
        (&["new", "section", "reports"][..], "new/section-exists"),
    ] {
        let out = run(dir.path(), args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert_snapshot(snapshot, &text(&out.stderr));
    }
    assert_eq!(read(dir.path(), "content/reports/approvals.ja.md"), before);
    assert!(!dir.path().join("content/trials").exists());
}
