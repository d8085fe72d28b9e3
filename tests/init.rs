//! `nenpo init`: the starter site builds at once with the built-in default theme, in any set of
//! languages (here ja + en + zh-Hans), with every page in every language and search per language.

mod cli_support;

use std::path::Path;

use cli_support::{nenpo, read};

fn init(dir: &Path, languages: &str) -> std::process::Output {
    nenpo()
        .arg("init")
        .arg(dir)
        .args(["--languages", languages])
        .output()
        .unwrap()
}

fn build(dir: &Path) -> std::process::Output {
    nenpo()
        .current_dir(dir)
        .args(["build", "--base-url", "https://report.example.org/2025"])
        .output()
        .unwrap()
}

fn ok(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_three_language_starter_site_builds_with_twins_hreflang_and_search() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("report");
    let said = ok(&init(&dir, "ja,en,zh-Hans"));
    assert!(said.contains("nenpo serve"), "{said}");
    assert!(
        !dir.join("themes").exists(),
        "the default theme is built in"
    );
    ok(&build(&dir));

    let pages = [
        "index.html",
        "activities/index.html",
        "activities/open-days/index.html",
    ];
    for lang in ["ja", "en", "zh-Hans"] {
        for page in pages {
            let html = read(&dir, &format!("public/{lang}/{page}"));
            assert!(
                html.contains(&format!("<html lang=\"{lang}\">")),
                "{lang}/{page}"
            );
            for other in ["ja", "en", "zh-Hans"] {
                assert!(
                    html.contains(&format!(
                        "<link rel=\"alternate\" hreflang=\"{other}\" href=\"https://report.example.org/2025/{other}/{page}\">"
                    )),
                    "{lang}/{page} lacks hreflang {other}"
                );
            }
            // Every language named in its own words, none branching on the page's language.
            for (other, name) in [("ja", "日本語"), ("en", "English"), ("zh-Hans", "中文")] {
                if other != lang {
                    assert!(
                        html.contains(&format!("lang=\"{other}\">{name}</a>")),
                        "{lang}/{page}: {name}"
                    );
                }
            }
        }
        // The language's search index (src/search/) knows the page.
        let mut shards = String::new();
        for e in std::fs::read_dir(dir.join(format!("public/search/{lang}/f"))).unwrap() {
            shards.push_str(&std::fs::read_to_string(e.unwrap().path()).unwrap());
        }
        assert!(
            shards.contains("activities/open-days/index.html"),
            "{lang} index"
        );
        assert!(
            read(&dir, &format!("public/{lang}/404.html")).contains("<main"),
            "{lang} 404"
        );
        assert!(dir
            .join(format!("public/{lang}/print/index.html"))
            .is_file());
    }
    // Interface strings per language, from the theme's i18n files.
    let zh = read(&dir, "public/zh-Hans/activities/open-days/index.html");
    assert!(
        zh.contains("站内搜索") && zh.contains("跳到正文"),
        "Chinese interface strings"
    );
    assert!(
        zh.contains("data-msg-none=\"没有与“{q}”匹配的页面"),
        "search messages in Chinese"
    );
    let en = read(&dir, "public/en/activities/open-days/index.html");
    assert!(en.contains("Search this site") && en.contains("Visitors per open day"));
    // The record's chart and table, the image, the section's key figure.
    assert!(
        en.contains("<svg") && en.contains("<table"),
        "chart and table"
    );
    assert!(en.contains("open-day.svg"), "the starter image");
    assert!(read(&dir, "public/en/activities/index.html").contains("figure__value"));
    // No AMED word in a site that is not AMED's.
    for lang in ["ja", "en", "zh-Hans"] {
        let home = read(&dir, &format!("public/{lang}/index.html"));
        assert!(
            !home.contains("AMED") && !home.contains("プロジェクト"),
            "{lang}"
        );
    }
}

#[test]
fn init_refuses_a_folder_that_is_not_empty() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
    let out = init(tmp.path(), "en");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("not empty") && err.contains("nothing was written"),
        "{err}"
    );
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
    assert_eq!(read(tmp.path(), "notes.txt"), "mine");
}

#[test]
fn a_language_without_theme_strings_gets_a_copy_to_translate_and_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("site");
    ok(&init(&dir, "fr"));
    assert!(read(&dir, "i18n/fr.toml").contains("translate"));
    ok(&build(&dir));
    assert!(read(&dir, "public/fr/index.html").contains("<html lang=\"fr\">"));
}

#[test]
fn a_missing_interface_string_names_the_key_and_the_language() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("site");
    ok(&init(&dir, "fr"));
    let text = read(&dir, "i18n/fr.toml").replace("skip_link = ", "# skip_link = ");
    std::fs::write(dir.join("i18n/fr.toml"), text).unwrap();
    let out = build(&dir);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("i18n/fr.toml") && err.contains("`skip_link`") && err.contains("`fr`"),
        "{err}"
    );
}

#[test]
fn a_site_can_start_as_a_series_and_new_takes_paths_within_the_latest_edition() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("report");
    ok(&nenpo()
        .arg("init")
        .arg(&dir)
        .args(["--languages", "en,ja", "--editions", "2024"])
        .output()
        .unwrap());
    let config = read(&dir, "config.toml");
    assert!(config.contains("[editions]\nlatest = \"2024\""), "{config}");
    assert!(dir.join("content/2024/_index.en.md").is_file());
    assert!(!dir.join("content/_index.en.md").exists());
    assert!(read(&dir, "content/2024/_index.en.md").contains("`content/2024/_index.en.md`"));
    ok(&build(&dir));
    assert!(dir
        .join("public/en/2024/activities/open-days/index.html")
        .is_file());

    // `new page report/x` in a series: the latest edition's section, and the message names the
    // paths as they are in a series.
    let new = |args: &[&str]| {
        nenpo()
            .current_dir(&dir)
            .arg("new")
            .args(args)
            .output()
            .unwrap()
    };
    let out = new(&["page", "report/grants"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "there is no section `report` (content/2024/report/_index.en.md does not exist)"
        ) && err.contains("nenpo new section report"),
        "{err}"
    );
    let stdout = ok(&new(&["section", "report"]));
    assert!(
        stdout.contains("Created content/2024/report/_index.en.md"),
        "{stdout}"
    );
    let stdout = ok(&new(&["page", "report/grants"]));
    assert!(
        stdout.contains("Created content/2024/report/grants.ja.md"),
        "{stdout}"
    );
    // A path that names an edition stays in it.
    let stdout = ok(&new(&["page", "2024/activities/talks"]));
    assert!(
        stdout.contains("Created content/2024/activities/talks.en.md"),
        "{stdout}"
    );
    ok(&build(&dir));

    // After `new edition`, `new` goes to the new latest.
    ok(&new(&["edition", "2025"]));
    let stdout = ok(&new(&["page", "report/awards"]));
    assert!(
        stdout.contains("Created content/2025/report/awards.en.md"),
        "{stdout}"
    );

    // One edition to start with.
    let out = nenpo()
        .arg("init")
        .arg(tmp.path().join("two"))
        .args(["--editions", "2023,2024"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("nenpo init --editions 2024"));
}
