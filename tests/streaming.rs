//! Content pages are rendered and written into the staging folder as each is ready. A page that
//! fails to render after many others were written still leaves the previous site exactly as it
//! was, with nothing beside it; a successful streamed build writes every page.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

mod cli_support;
use cli_support::tree;

/// A copy of `tests/fixtures/basic` with `pages` more pages per language, in `parent/site`.
fn site_with_pages(parent: &Path, pages: usize) -> PathBuf {
    let site = parent.join("site");
    let from = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic");
    for entry in walkdir::WalkDir::new(&from)
        .into_iter()
        .filter_map(Result::ok)
    {
        let target = site.join(entry.path().strip_prefix(&from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
    for i in 0..pages {
        for (lang, title) in [("ja", "頁"), ("en", "Page")] {
            std::fs::write(
                site.join(format!("content/projects/p{i:03}.{lang}.md")),
                format!(
                    "+++\ntitle = \"{title} {i}\"\nweight = {}\n+++\nText {i}\n",
                    i + 10
                ),
            )
            .unwrap();
        }
    }
    site
}

fn build(site: &Path, out: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nenpo"))
        .args(["build", "--root"])
        .arg(site)
        .arg("--output")
        .arg(out)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[test]
fn a_page_that_fails_to_render_leaves_the_previous_site_as_it_was() {
    let dir = TempDir::new().unwrap();
    let site = site_with_pages(dir.path(), 300);
    let out = dir.path().join("public");
    let first = build(&site, &out);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let before = tree(&out);
    assert!(before.contains_key("en/projects/p299/index.html"));

    // One page, the last in order, now fails while rendering; the other 300 pages per language
    // are edited, so that a build which wrote them would change the output.
    std::fs::write(
        site.join("themes/plain/templates/broken.html"),
        "{% extends \"base.html\" %}{% block main %}{{ page.no_such_field.deeper }}{% endblock main %}",
    )
    .unwrap();
    for i in 0..299 {
        for lang in ["ja", "en"] {
            let path = site.join(format!("content/projects/p{i:03}.{lang}.md"));
            let text = std::fs::read_to_string(&path).unwrap();
            std::fs::write(&path, text.replace("Text", "Edited")).unwrap();
        }
    }
    std::fs::write(
        site.join("content/projects/p299.en.md"),
        "+++\ntitle = \"Page 299\"\nweight = 309\ntemplate = \"broken.html\"\n+++\nText\n",
    )
    .unwrap();
    let second = build(&site, &out);
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(
        !second.status.success(),
        "the broken page must fail the build"
    );
    assert!(
        stderr.contains("p299.en.md"),
        "the error names the page: {stderr}"
    );
    assert!(stderr.contains("Nothing was written"), "{stderr}");
    assert_eq!(tree(&out), before, "the previous site is unchanged");
    let beside: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "site" && n != "public")
        .collect();
    assert!(
        beside.is_empty(),
        "nothing is left beside the output: {beside:?}"
    );
}

#[test]
fn a_streamed_build_writes_every_page_and_a_rebuild_is_byte_identical() {
    let dir = TempDir::new().unwrap();
    let site = site_with_pages(dir.path(), 200);
    let out = dir.path().join("public");
    let first = build(&site, &out);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let files = tree(&out);
    for i in 0..200 {
        for (lang, title) in [("ja", "頁"), ("en", "Page")] {
            let page = &files[&format!("{lang}/projects/p{i:03}/index.html")];
            let html = String::from_utf8_lossy(page);
            assert!(
                html.contains(&format!("{title} {i}")),
                "{lang} page {i}: {html}"
            );
            assert!(
                html.trim_end().ends_with("</html>"),
                "{lang} page {i} is whole"
            );
        }
    }
    let second = build(&site, &out);
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    assert_eq!(tree(&out), files);
}
