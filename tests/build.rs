//! The build engine, end to end: the real binary builds a copy of `tests/fixtures/basic` (changed
//! as each case needs) and the tests look at the output tree and at what the user is told.

use std::path::Path;
use std::process::{Command, Output};

mod cli_support;
use cli_support::{basic_site, tree};

use cli_support::cases::{apply, CASES};

fn nenpo(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nenpo"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn build(dir: &Path) -> Output {
    nenpo(dir, &["build"])
}

fn read(dir: &Path, path: &str) -> String {
    std::fs::read_to_string(dir.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn assert_ok(out: &Output) {
    assert!(out.status.success(), "build failed:\n{}", stderr(out));
}

/// `href`/`src` values in an HTML text.
fn urls(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let end = rest.find('"').unwrap();
            out.push(rest[..end].to_string());
            rest = &rest[end..];
        }
    }
    out
}

#[test]
fn builds_every_page_in_both_languages_with_the_same_tree() {
    let dir = basic_site();
    let out = build(dir.path());
    assert_ok(&out);
    let files = tree(&dir.path().join("public"));
    for lang in ["ja", "en"] {
        for page in [
            "index.html",
            "projects/index.html",
            "projects/pharma/index.html",
            "projects/bundle/index.html",
        ] {
            assert!(
                files.contains_key(&format!("{lang}/{page}")),
                "{lang}/{page} missing: {:?}",
                files.keys()
            );
        }
        assert!(
            !files.contains_key(&format!("{lang}/projects/bundle/figure.svg")),
            "an image is not copied into each language's tree"
        );
    }
    assert!(
        files.contains_key("projects/bundle/figure.svg"),
        "one copy of the image serves both languages"
    );
    let ja = read(dir.path(), "public/ja/projects/pharma/index.html");
    assert!(ja.contains("<html lang=\"ja\">"));
    assert!(
        ja.contains("href=\"../../../en/projects/pharma/index.html\" hreflang=\"en\""),
        "link to the English twin"
    );
    let en = read(dir.path(), "public/en/projects/pharma/index.html");
    assert!(en.contains("<html lang=\"en\">"));
    assert!(
        en.contains("href=\"../../../ja/projects/pharma/index.html\" hreflang=\"ja\""),
        "link to the Japanese twin"
    );
    assert!(
        files.contains_key("style.css"),
        "theme static files are copied to the root"
    );
}

#[test]
fn the_summary_line_counts_pages_records_files_and_time() {
    let dir = basic_site();
    let out = build(dir.path());
    assert_ok(&out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("Built 8 pages (4 ja, 4 en), 3 records,"),
        "{stdout}"
    );
    assert!(stdout.contains(" ms → "), "{stdout}");
}

#[test]
fn every_url_is_relative_names_a_file_and_resolves() {
    let dir = basic_site();
    assert_ok(&build(dir.path()));
    let public = dir.path().join("public");
    let mut checked = 0;
    for (path, bytes) in tree(&public) {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        for url in urls(&html) {
            assert!(
                !url.starts_with('/') && !url.contains("://"),
                "{path}: absolute URL {url}"
            );
            let file = url.split('#').next().unwrap();
            if file.is_empty() {
                continue;
            }
            assert!(
                !file.ends_with('/'),
                "{path}: {url} names a folder, which opens a listing from disk"
            );
            let target = Path::new(&path).parent().unwrap().join(file);
            assert!(
                public.join(&target).is_file(),
                "{path}: {url} does not resolve"
            );
            checked += 1;
        }
    }
    assert!(checked > 20, "checked {checked} links");
}

#[test]
fn the_root_page_offers_both_languages_without_javascript() {
    let dir = basic_site();
    assert_ok(&build(dir.path()));
    let html = read(dir.path(), "public/index.html");
    assert!(html.contains("href=\"ja/index.html\""), "{html}");
    assert!(html.contains("href=\"en/index.html\""), "{html}");
    assert!(!html.contains("<script"), "works with JavaScript off");
}

#[test]
fn a_base_url_adds_canonical_hreflang_and_a_sitemap_and_nothing_else_is_absolute() {
    let dir = basic_site();
    assert_ok(&nenpo(
        dir.path(),
        &["build", "--base-url", "https://example.org/report/"],
    ));
    let html = read(dir.path(), "public/en/projects/pharma/index.html");
    assert!(html.contains("<link rel=\"canonical\" href=\"https://example.org/report/en/projects/pharma/index.html\">"));
    for (lang, href) in [("ja", "ja"), ("en", "en"), ("x-default", "ja")] {
        assert!(
            html.contains(&format!("hreflang=\"{lang}\" href=\"https://example.org/report/{href}/projects/pharma/index.html\"")),
            "hreflang {lang}: {html}"
        );
    }
    let sitemap = read(dir.path(), "public/sitemap.xml");
    assert_eq!(
        sitemap.matches("<url>").count(),
        8,
        "both languages: {sitemap}"
    );
    assert!(sitemap.contains("<loc>https://example.org/report/en/projects/index.html</loc><xhtml:link rel=\"alternate\" hreflang=\"ja\" href=\"https://example.org/report/ja/projects/index.html\"/>"));
    assert!(read(dir.path(), "public/robots.txt")
        .contains("Sitemap: https://example.org/report/sitemap.xml"));
}

#[test]
fn without_a_base_url_nothing_is_absolute_and_there_is_no_sitemap() {
    let dir = basic_site();
    assert_ok(&build(dir.path()));
    assert!(!dir.path().join("public/sitemap.xml").exists());
    assert!(!read(dir.path(), "public/ja/index.html").contains("canonical"));
    assert_eq!(
        read(dir.path(), "public/robots.txt"),
        "User-agent: *\nAllow: /\n"
    );
}

#[test]
fn two_builds_are_byte_identical() {
    let dir = basic_site();
    assert_ok(&build(dir.path()));
    let first = tree(&dir.path().join("public"));
    assert_ok(&build(dir.path()));
    let second = tree(&dir.path().join("public"));
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &first {
        assert!(bytes == &second[path], "{path} differs between two builds");
    }
}

#[test]
fn markdown_gets_anchors_a_toc_links_per_language_and_abbreviations() {
    let dir = basic_site();
    assert_ok(&build(dir.path()));
    let ja = read(dir.path(), "public/ja/projects/pharma/index.html");
    assert!(
        ja.contains("<h2 id=\"概要\">概要</h2>"),
        "Japanese headings keep readable ids"
    );
    assert!(
        ja.contains("<h2 id=\"概要-2\">概要</h2>"),
        "and unique ones"
    );
    assert!(
        ja.contains("<h2 id=\"approvals\">承認事例</h2>"),
        "explicit ids"
    );
    assert!(
        ja.contains("<a href=\"#approvals\">承認事例</a>"),
        "the table of contents"
    );
    assert!(
        ja.contains("<table>") && ja.contains("<del>旧</del>") && ja.contains("footnote"),
        "tables, strikethrough, footnotes"
    );
    assert!(
        ja.contains("href=\"../../../ja/projects/bundle/index.html\""),
        "bundle links resolve in Japanese"
    );
    assert_eq!(
        ja.matches("<abbr title=\"薬剤耐性\">AMR</abbr>").count(),
        1,
        "abbreviation marked once"
    );
    let home_en = read(dir.path(), "public/en/index.html");
    assert!(
        home_en.contains("href=\"../en/projects/pharma/index.html#approvals\""),
        "links resolve in English"
    );
}

#[test]
fn records_reach_templates_in_the_page_language() {
    let dir = basic_site();
    assert_ok(&build(dir.path()));
    let ja = read(dir.path(), "public/ja/projects/pharma/index.html");
    assert!(ja.contains("<table id=\"projects-approvals\"><caption>承認事例</caption><tr><td>ジヌツキシマブ</td><td>15</td>"), "{ja}");
    assert!(ja.contains("承認件数: 15"));
    let en = read(dir.path(), "public/en/projects/pharma/index.html");
    assert!(en.contains("<caption>Approvals</caption><tr><td>dinutuximab</td><td>15</td>"));
}

#[test]
fn navigation_knows_order_ancestors_and_children() {
    let dir = basic_site();
    assert_ok(&build(dir.path()));
    let pharma = read(dir.path(), "public/en/projects/pharma/index.html");
    assert!(pharma.contains("<a class=\"crumb\" href=\"../../../en/index.html\">Home</a><a class=\"crumb\" href=\"../../../en/projects/index.html\">Projects</a>"));
    assert!(
        pharma.contains("<a rel=\"prev\" href=\"../../../en/projects/index.html\">Projects</a>")
    );
    assert!(pharma.contains(
        "<a rel=\"next\" href=\"../../../en/projects/bundle/index.html\">Medical devices</a>"
    ));
    let section = read(dir.path(), "public/en/projects/index.html");
    let first = section
        .find("class=\"child\" href=\"../../en/projects/pharma/index.html\"")
        .unwrap();
    let second = section
        .find("class=\"child\" href=\"../../en/projects/bundle/index.html\"")
        .unwrap();
    assert!(first < second, "children in weight order");
}

#[test]
fn site_templates_override_the_theme() {
    let dir = basic_site();
    write(
        dir.path(),
        "templates/page.html",
        "<html lang=\"{{ lang }}\"><body>OVERRIDE {{ page.title }}</body></html>",
    );
    assert_ok(&build(dir.path()));
    assert!(read(dir.path(), "public/en/projects/pharma/index.html")
        .contains("OVERRIDE Pharmaceuticals Project"));
    assert!(
        !read(dir.path(), "public/en/projects/index.html").contains("OVERRIDE"),
        "only that template"
    );
}

#[test]
fn output_goes_where_asked() {
    let dir = basic_site();
    assert_ok(&nenpo(dir.path(), &["build", "--output", "site"]));
    assert!(dir.path().join("site/ja/index.html").is_file());
    assert!(!dir.path().join("public").exists());
}

#[test]
fn help_explains_the_commands() {
    let out = nenpo(Path::new("."), &["build", "--help"]);
    let text = String::from_utf8_lossy(&out.stdout);
    for words in ["--output", "--base-url", "public/", "canonical"] {
        assert!(text.contains(words), "{words}: {text}");
    }
}

// ---- bad input: one test per kind; each must name the place, explain, fail, and keep public/ ----

/// Builds the good fixture, breaks it with `change`, builds again: the build must fail, say
/// `expected` (with its file:line:col), and leave the previous site byte for byte as it was.
fn assert_rejected(change: impl FnOnce(&Path), expected: &[&str]) -> String {
    let dir = basic_site();
    assert_ok(&build(dir.path()));
    let before = tree(&dir.path().join("public"));
    change(dir.path());
    let out = build(dir.path());
    let err = stderr(&out);
    assert!(!out.status.success(), "the build should fail:\n{err}");
    for e in expected {
        assert!(err.contains(e), "expected `{e}` in:\n{err}");
    }
    assert!(err.contains("othing was written"), "{err}");
    assert!(
        tree(&dir.path().join("public")) == before,
        "a failed build changed public/"
    );
    let siblings: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    assert!(
        !siblings
            .iter()
            .any(|n| n.to_string_lossy().contains("nenpo-tmp")),
        "no temporary output left: {siblings:?}"
    );
    err
}

/// Every case of the table `check` runs too: the build fails with the same message, says that
/// nothing was written, and leaves the previous site byte for byte as it was.
#[test]
fn build_refuses_every_kind_of_bad_input_and_keeps_the_previous_site() {
    let mut failures = Vec::new();
    for (name, edits, expected) in CASES {
        let dir = cli_support::site("site");
        let root = dir.path();
        assert_ok(&build(root));
        let before = tree(&root.join("public"));
        apply(root, edits);
        let out = build(root);
        let err = stderr(&out);
        if out.status.code() != Some(1) {
            failures.push(format!("{name}: exit {:?}\n{err}", out.status.code()));
        } else if !err.contains(expected) {
            failures.push(format!("{name}: stderr lacks `{expected}`\n{err}"));
        } else if !err.contains("Nothing was written") {
            failures.push(format!(
                "{name}: does not say that nothing was written\n{err}"
            ));
        }
        if tree(&root.join("public")) != before {
            failures.push(format!("{name}: the failed build changed public/"));
        }
        let left: Vec<String> = std::fs::read_dir(root)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("nenpo-tmp"))
            .collect();
        if !left.is_empty() {
            failures.push(format!("{name}: temporary folders left: {left:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn missing_translations_are_listed_together() {
    let err = assert_rejected(
        |d| {
            std::fs::remove_file(d.join("content/projects/pharma.en.md")).unwrap();
            std::fs::remove_file(d.join("content/projects/bundle/index.ja.md")).unwrap();
        },
        &[
            "content/projects/pharma.en.md",
            "projects/pharma.md has no en version",
            "create content/projects/pharma.en.md",
            "content/projects/bundle/index.ja.md",
        ],
    );
    assert_eq!(err.matches("error:").count(), 2, "{err}");
}

#[test]
fn missing_translations_can_be_warnings() {
    let dir = basic_site();
    std::fs::remove_file(dir.path().join("content/projects/pharma.en.md")).unwrap();
    let out = nenpo(dir.path(), &["build", "--allow-missing-translations"]);
    assert_ok(&out);
    assert!(stderr(&out).contains("warning: projects/pharma.md has no en version"));
    let ja = read(dir.path(), "public/ja/projects/pharma/index.html");
    assert!(
        ja.contains("href=\"../../../en/index.html\" hreflang=\"en\""),
        "the switch leads to the English home page"
    );
}

/// The flag covers record texts too: a text missing a language is a warning at its position,
/// and that language shows the text of the first language of config.toml that has it.
#[test]
fn a_record_text_missing_a_language_can_be_a_warning() {
    let dir = basic_site();
    let file = dir.path().join("content/projects/approvals.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    let text = text.replace(
        "drug = { ja = \"ジヌツキシマブ\", en = \"dinutuximab\" }",
        "drug = { ja = \"ジヌツキシマブ\" }",
    );
    std::fs::write(&file, &text).unwrap();
    let line = text.lines().position(|l| l.starts_with("drug = ")).unwrap() + 1;

    let refused = nenpo(dir.path(), &["build"]);
    assert!(!refused.status.success());
    let err = stderr(&refused);
    assert!(
        err.contains(&format!("content/projects/approvals.toml:{line}:8")),
        "{err}"
    );
    assert!(!err.contains("there is no record"), "{err}");

    let out = nenpo(dir.path(), &["build", "--allow-missing-translations"]);
    assert_ok(&out);
    let err = stderr(&out);
    assert!(
        err.contains("warning: this text has no en version"),
        "{err}"
    );
    assert!(
        err.contains(&format!("content/projects/approvals.toml:{line}:8")),
        "{err}"
    );
    let en = read(dir.path(), "public/en/projects/pharma/index.html");
    assert!(en.contains("<td>ジヌツキシマブ</td>"), "{en}");
    let ja = read(dir.path(), "public/ja/projects/pharma/index.html");
    assert!(ja.contains("<td>ジヌツキシマブ</td>"), "{ja}");
}

#[test]
fn every_error_of_a_build_is_reported_at_once() {
    let err = assert_rejected(
        |d| {
            write(d, "content/figures.toml", "approvals = \n");
            write(
                d,
                "content/projects/bundle/index.en.md",
                "+++\ntitle = \"Pharma\"\ncolour = 1\n+++\n",
            );
            write(
                d,
                "content/_index.en.md",
                "+++\ntitle = \"Home\"\n+++\n[x](@/missing.md)\n",
            );
        },
        &[
            "content/figures.toml",
            "content/projects/bundle/index.en.md",
            "content/_index.en.md",
        ],
    );
    assert!(err.contains("3 errors in 3 files"), "{err}");
}

#[test]
fn a_missing_config_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let out = build(dir.path());
    assert!(!out.status.success());
    assert!(stderr(&out).contains("config.toml"), "{}", stderr(&out));
}

#[test]
fn a_rebuild_writes_what_changed_and_keeps_the_rest_identical() {
    let dir = basic_site();
    assert_ok(&build(dir.path()));
    let before = tree(&dir.path().join("public"));
    write(
        dir.path(),
        "content/projects/bundle/index.en.md",
        "+++\ntitle = \"Medical devices\"\nweight = 20\n+++\nA new sentence.\n",
    );
    assert_ok(&build(dir.path()));
    let after = tree(&dir.path().join("public"));
    assert!(
        String::from_utf8_lossy(&after["en/projects/bundle/index.html"])
            .contains("A new sentence.")
    );
    assert_eq!(
        before["ja/projects/bundle/index.html"],
        after["ja/projects/bundle/index.html"]
    );
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .filter(|n| n.to_string_lossy().contains("-build"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_rebuild_repairs_a_spare_site_changed_behind_its_back() {
    // Rebuilds take the previous site (the spare) as their starting point, and skip a file that
    // the site's cache says they wrote and has not changed since. Whatever happened to the
    // spare meanwhile, a rebuild gives the same site.
    let dir = basic_site();
    let spare = dir.path().join(".nenpo-cache/previous-site");
    for _ in 0..3 {
        assert_ok(&build(dir.path()));
    }
    let expected = tree(&dir.path().join("public"));
    // Files written within the last second are not trusted to the cache (a change in the same
    // tick of the clock would not show): let them age.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    assert_ok(&build(dir.path()));
    assert_ok(&build(dir.path()));
    assert_eq!(tree(&dir.path().join("public")), expected);
    // Every file of the spare overwritten with as many other bytes, one removed, one added.
    let spared = tree(&spare);
    assert!(spared.contains_key("ja/index.html"), "{:?}", spared.keys());
    for (path, bytes) in &spared {
        std::fs::write(spare.join(path), vec![b'x'; bytes.len()]).unwrap();
    }
    std::fs::remove_file(spare.join("en/index.html")).unwrap();
    write(&spare, "ja/stray.html", "not part of the site");
    assert_ok(&build(dir.path()));
    assert_eq!(tree(&dir.path().join("public")), expected);
    assert_ok(&build(dir.path()));
    assert_eq!(tree(&dir.path().join("public")), expected);
}
